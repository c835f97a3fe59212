import { logStep, TestbedError } from "../lib/log.js";
import { ensureDebianPackages } from "../lib/debian.js";
import { assertDiskFree } from "../lib/preflight.js";
import { stopDaemon } from "../lib/processes.js";
import { waitFor } from "../lib/run.js";
import {
  type DockerDaemon,
  type SwarmContext,
  getManagerDaemon,
  getSwarmContext,
  getWorkerDaemon,
  readSwarmState,
  runDocker,
  swarmNetwork,
  swarmPackages,
  writeSwarmState,
} from "./context.js";
import { getSwarmNodeState, startDockerd } from "./dockerd.js";
import { type SwarmImages, copyImagesToWorker, ensureImages, getImageNames, testappVersions, baseImage } from "./images.js";
import { startCaddy } from "./caddy.js";
import { startPebble } from "./pebble.js";
import { startPrometheus } from "./prometheus.js";
import { ensureBridge, ensureWorkerNetns } from "./network.js";
import { startRegistry } from "./registry.js";

export type SwarmUpOptions = { workers?: number };

export function getWorkerNetns(index: number) {
  return { netns: `mrdn-w${index}`, hostVeth: `mrdn-w${index}h`, ip: `${swarmNetwork.nodeBridgeIp.slice(0, -1)}${10 + index}` };
}

/** docker_gwbridge with our own Linux bridge name and subnet, created before swarm init would make a default one. */
async function ensureGwBridge(daemon: DockerDaemon): Promise<void> {
  const { stdout } = await runDocker(daemon, ["network", "ls", "--format", "{{.Name}}"]);
  if (stdout.split("\n").includes("docker_gwbridge")) return;
  await runDocker(daemon, [
    "network", "create", "--driver", "bridge", "--subnet", swarmNetwork.gwBridgeSubnet,
    "--opt", `com.docker.network.bridge.name=${swarmNetwork.gwBridge}`,
    "--opt", "com.docker.network.bridge.enable_icc=false",
    "--opt", "com.docker.network.bridge.enable_ip_masquerade=true",
    "docker_gwbridge",
  ]);
}

async function initSwarm(daemon: DockerDaemon, advertiseAddr: string): Promise<void> {
  if ((await getSwarmNodeState(daemon)) === "active") return;
  await ensureGwBridge(daemon);
  logStep(`docker swarm init on ${advertiseAddr}`);
  await runDocker(daemon, ["swarm", "init", "--advertise-addr", advertiseAddr, "--listen-addr", `${advertiseAddr}:2377`]);
}

async function startWorker(ctx: SwarmContext, manager: DockerDaemon, index: number, images: SwarmImages): Promise<void> {
  const { netns, hostVeth, ip } = getWorkerNetns(index);
  await ensureWorkerNetns({ netns, hostVeth, ip, gateway: swarmNetwork.nodeBridgeIp, bridge: swarmNetwork.nodeBridge });
  const worker = getWorkerDaemon(ctx, index);
  await startDockerd(ctx, worker, netns);
  if ((await getSwarmNodeState(worker)) !== "active") {
    await ensureGwBridge(worker);
    await copyImagesToWorker(ctx, manager, worker, [baseImage, images.busybox, ...testappVersions.flatMap((v) => [`meridian/testapp:${v}`, images.testapp[v] ?? ""])]);
    const token = (await runDocker(manager, ["swarm", "join-token", "-q", "worker"])).stdout.trim();
    logStep(`worker ${index} (${ip}) joining the swarm`);
    await runDocker(worker, ["swarm", "join", "--token", token, "--advertise-addr", ip, "--listen-addr", `${ip}:2377`, `${swarmNetwork.nodeBridgeIp}:2377`]);
    await labelNode(manager, worker, `w${index}`);
  }
}

/** All testbed nodes share the host name, so each gets a label naming it: meridian.testbed.node=manager|w1|w2... */
async function labelNode(manager: DockerDaemon, node: DockerDaemon, name: string): Promise<void> {
  const id = (await runDocker(node, ["info", "--format", "{{.Swarm.NodeID}}"])).stdout.trim();
  await runDocker(manager, ["node", "update", "--label-add", `meridian.testbed.node=${name}`, id]);
}

/** Node-loss knob: stop (or restart) worker N's dockerd; the manager sees the node Down (or Ready again). */
export async function setWorkerRunning(index: number, running: boolean): Promise<void> {
  const ctx = getSwarmContext();
  const worker = getWorkerDaemon(ctx, index);
  if (!running) {
    await stopDaemon(ctx.runDir, worker.name, 30_000);
    return;
  }
  await startDockerd(ctx, worker, getWorkerNetns(index).netns);
}

async function countReadyNodes(manager: DockerDaemon): Promise<number> {
  const { stdout } = await runDocker(manager, ["node", "ls", "--format", "{{.Status}}"]);
  return stdout.split("\n").filter((s) => s.trim() === "Ready").length;
}

/** Starts (or completes) the Swarm testbed. Idempotent. */
export async function startSwarmTestbed(options: SwarmUpOptions = {}): Promise<{ ctx: SwarmContext; images: SwarmImages }> {
  const ctx = getSwarmContext();
  const previous = readSwarmState(ctx);
  const workers = options.workers ?? previous?.workers ?? 0;
  const advertiseAddr = previous?.advertiseAddr ?? (workers > 0 ? swarmNetwork.nodeBridgeIp : "127.0.0.1");
  if (workers > 0 && advertiseAddr === "127.0.0.1") {
    throw new TestbedError("this swarm was initialised on 127.0.0.1 without workers; run `swarm down` then `swarm up --workers N`");
  }
  await ensureDebianPackages(swarmPackages);
  assertDiskFree(ctx.runDir, 3, "the Swarm testbed (vfs image layers)");
  writeSwarmState(ctx, { workers, advertiseAddr });
  const manager = getManagerDaemon(ctx);
  if (workers > 0) await ensureBridge(swarmNetwork.nodeBridge, `${swarmNetwork.nodeBridgeIp}/24`);
  await startRegistry(ctx);
  await startDockerd(ctx, manager);
  if ((await getSwarmNodeState(manager)) !== "active") {
    await initSwarm(manager, advertiseAddr);
    await labelNode(manager, manager, "manager");
  }
  const images = await ensureImages(ctx, manager);
  for (let i = 1; i <= workers; i++) await startWorker(ctx, manager, i, images);
  await startCaddy(ctx);
  await startPebble(ctx);
  await startPrometheus(ctx);
  await waitFor(`${workers + 1} Ready swarm node(s)`, async () => (await countReadyNodes(manager)) >= workers + 1, 60_000);
  logStep(`swarm testbed up: 1 manager + ${workers} worker(s); run \`npm run testbed -- swarm env\``);
  return { ctx, images: getImageNames(ctx) };
}
