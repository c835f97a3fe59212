import { readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { logStep } from "../lib/log.js";
import { runCommand } from "../lib/run.js";
import { findDaemon, stopDaemon } from "../lib/processes.js";
import { type DockerDaemon, getManagerDaemon, getSwarmContext, getWorkerDaemon, readSwarmState, runDocker, swarmNetwork } from "./context.js";
import { stopCaddy } from "./caddy.js";
import { stopPebble } from "./pebble.js";
import { stopPrometheus } from "./prometheus.js";
import { deleteLink, deleteNetns } from "./network.js";
import { getWorkerNetns } from "./up.js";

/** Mount points dockerd may leave under our run dir (netns bind mounts), deepest first. */
function listMountsUnder(dir: string): string[] {
  const mounts = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4] ?? "")
    .filter((point) => point.startsWith(`${dir}/`));
  return mounts.sort((a, b) => b.length - a.length);
}

function listWorkerIndexes(runDir: string, recorded: number): number[] {
  const found = new Set<number>(Array.from({ length: recorded }, (_, i) => i + 1));
  try {
    for (const name of readdirSync(join(runDir, "workers"))) {
      const index = Number(name.slice(1));
      if (Number.isInteger(index) && index > 0) found.add(index);
    }
  } catch {
    // no workers directory
  }
  return [...found].sort((a, b) => a - b);
}

/** Force-removes a daemon's containers first, so stopping it does not wait on each container's stop timeout. */
async function removeContainers(daemon: DockerDaemon): Promise<void> {
  try {
    const ids = (await runDocker(daemon, ["ps", "-aq"])).stdout.split("\n").filter((id) => id.trim() !== "");
    if (ids.length > 0) await runDocker(daemon, ["rm", "-f", ...ids]);
  } catch {
    // daemon not answering; stopDaemon handles it
  }
}

/** Stops the daemons we started, removes our bridges/namespaces and the run dir. */
export async function stopSwarmTestbed(options: { keep?: boolean } = {}): Promise<void> {
  const ctx = getSwarmContext();
  const state = readSwarmState(ctx);
  const workers = listWorkerIndexes(ctx.runDir, state?.workers ?? 0);
  let stopped = 0;
  for (const index of workers) {
    const worker = getWorkerDaemon(ctx, index);
    if (findDaemon(ctx.runDir, worker.name) !== undefined) await removeContainers(worker);
    if (await stopDaemon(ctx.runDir, worker.name, 30_000)) stopped++;
    const { netns, hostVeth } = getWorkerNetns(index);
    await deleteNetns(netns, hostVeth);
  }
  if (findDaemon(ctx.runDir, "dockerd") !== undefined) await removeContainers(getManagerDaemon(ctx));
  if (await stopDaemon(ctx.runDir, "dockerd", 30_000)) stopped++;
  if (await stopDaemon(ctx.runDir, "registry")) stopped++;
  if (await stopCaddy(ctx)) stopped++;
  if (await stopPebble(ctx)) stopped++;
  if (await stopPrometheus(ctx)) stopped++;
  // The bridge names are fixed: delete them only when this run dir was a live testbed (state.json present).
  if (state !== undefined && findDaemon(ctx.runDir, "dockerd") === undefined) {
    for (const link of [swarmNetwork.gwBridge, swarmNetwork.containerBridge, swarmNetwork.nodeBridge]) await deleteLink(link);
  }
  for (const point of listMountsUnder(ctx.runDir)) {
    await runCommand(["umount", "-l", point]).catch(() => undefined);
  }
  if (!options.keep) rmSync(ctx.runDir, { recursive: true, force: true });
  logStep(stopped === 0 ? "swarm testbed was not running" : `swarm testbed stopped (${stopped} process(es))`);
}
