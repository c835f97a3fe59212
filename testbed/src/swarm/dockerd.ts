import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { TestbedError, logStep } from "../lib/log.js";
import { findDaemon, readLogTail, startDaemon } from "../lib/processes.js";
import { waitFor } from "../lib/run.js";
import { type DockerDaemon, type SwarmContext, runDocker, swarmNetwork } from "./context.js";
import { ensureBridge } from "./network.js";

/**
 * A dockerd fully separate from any system one: its own socket, data root, exec root, containerd namespaces,
 * default bridge (mrdn-tb0) and vfs storage (works on any file system). netns: run inside that namespace.
 */
export async function startDockerd(ctx: SwarmContext, daemon: DockerDaemon, netns?: string): Promise<void> {
  if (findDaemon(ctx.runDir, daemon.name) !== undefined) return;
  await ensureBridge(swarmNetwork.containerBridge, swarmNetwork.containerBridgeCidr, netns);
  mkdirSync(daemon.dir, { recursive: true });
  const argv = [
    "dockerd",
    `--data-root=${join(daemon.dir, "data")}`,
    `--exec-root=${join(daemon.dir, "exec")}`,
    `--pidfile=${join(daemon.dir, "dockerd.pid")}`,
    `--host=${daemon.dockerHost}`,
    "--storage-driver=vfs",
    `--bridge=${swarmNetwork.containerBridge}`,
    `--containerd-namespace=meridian-${daemon.name}`,
    `--containerd-plugins-namespace=meridian-${daemon.name}-plugins`,
    "--log-level=warn",
  ];
  logStep(`starting ${daemon.name}${netns ? ` in netns ${netns}` : ""} (${daemon.dockerHost})`);
  // nsenter --net (not `ip netns exec`): keep the host's /sys and its cgroup mounts, which dockerd needs.
  const wrapped = netns ? ["nsenter", `--net=/run/netns/${netns}`, "--", ...argv] : argv;
  await startDaemon(ctx.runDir, { name: daemon.name, argv: wrapped });
  const logTail = () => readLogTail(join(ctx.runDir, "logs", `${daemon.name}.log`));
  const state = await waitFor(
    `${daemon.name} API`,
    async () => {
      if (findDaemon(ctx.runDir, daemon.name) === undefined) return "exited";
      return (await runDocker(daemon, ["version", "--format", "{{.Server.Version}}"])).stdout.trim() !== "" && "ready";
    },
    60_000,
  ).catch((error: Error) => {
    throw new TestbedError(`${error.message}\n${logTail()}`);
  });
  if (state === "exited") throw new TestbedError(`${daemon.name} exited during start-up:\n${logTail()}`);
}

export async function getSwarmNodeState(daemon: DockerDaemon): Promise<string> {
  const { stdout } = await runDocker(daemon, ["info", "--format", "{{.Swarm.LocalNodeState}}"]);
  return stdout.trim();
}
