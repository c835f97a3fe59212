import type { DockerClient } from "../docker-client.js";
import { type SlotState, isTaskReady } from "./app-state.js";

interface CpuStats {
  cpu_usage?: { total_usage?: number };
  system_cpu_usage?: number;
  online_cpus?: number;
}
interface ContainerStats {
  cpu_stats?: CpuStats;
  precpu_stats?: CpuStats;
}

/**
 * Cores used between the two samples the engine takes for a non-streamed stats call (about a second apart):
 * container CPU time over host CPU time, times the host's CPUs.
 */
export function getCoresUsed(stats: ContainerStats): number | undefined {
  const cpu = stats.cpu_stats;
  const pre = stats.precpu_stats;
  const used = (cpu?.cpu_usage?.total_usage ?? 0) - (pre?.cpu_usage?.total_usage ?? 0);
  const system = (cpu?.system_cpu_usage ?? 0) - (pre?.system_cpu_usage ?? 0);
  if (!pre?.system_cpu_usage || system <= 0 || used < 0) return undefined;
  return (used / system) * (cpu?.online_cpus ?? 1);
}

/**
 * CPU of the slot's ready tasks, in percent of each task's CPU limit (else its reservation, else one core).
 * Stats are per engine: only tasks on the node this connection talks to (selfNodeId) can be sampled. Tasks on
 * other nodes are left out (not guessed), so with replicas on workers the autoscaler sees fewer samples;
 * sampling those needs a connection to each node's engine (or an agent there).
 */
export async function sampleSlotCpu(client: DockerClient, state: SlotState, selfNodeId: string | undefined): Promise<number[]> {
  const resources = state.service.Spec?.TaskTemplate?.Resources;
  const nanoCpus = resources?.Limits?.NanoCPUs || resources?.Reservations?.NanoCPUs || 1e9;
  const containers = state.tasks
    .filter((t) => isTaskReady(t) && t.NodeID === selfNodeId)
    .flatMap((t) => (t.Status?.ContainerStatus?.ContainerID ? [t.Status.ContainerStatus.ContainerID] : []));
  const samples = await Promise.all(
    containers.map(async (id) => {
      try {
        const stats = await client.requestJson<ContainerStats>({ path: `/containers/${id}/stats`, query: { stream: false }, timeoutMs: 10_000 });
        const cores = getCoresUsed(stats);
        return cores === undefined ? undefined : (cores / (nanoCpus / 1e9)) * 100;
      } catch {
        // The container stopped between listing and sampling: no sample, not an error.
        return undefined;
      }
    }),
  );
  return samples.filter((s): s is number => s !== undefined);
}
