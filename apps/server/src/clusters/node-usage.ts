import type { InventoryItem, InventoryItemView } from "@meridian/core";
import type { ClusterBucket } from "./inventory-store.js";

interface Usage {
  cpuRequests: number;
  memoryRequests: number;
  podCount: number;
}

/** A pod that still holds its requests (not finished), or a Swarm task meant to run. */
export function isActiveReplica(item: InventoryItem): boolean {
  if (item.kind === "SwarmTask") return item.summary.desiredState === "running";
  return item.status !== "Succeeded" && item.status !== "Completed" && item.status !== "Failed";
}

const cache = new WeakMap<ClusterBucket, { version: number; byNode: Map<string, Usage> }>();

/** Requests of the active pods (or running Swarm tasks) on each node, recomputed when the inventory changes. */
function usageByNode(b: ClusterBucket): Map<string, Usage> {
  const hit = cache.get(b);
  if (hit && hit.version === b.version) return hit.byNode;
  const byNode = new Map<string, Usage>();
  const add = (node: unknown, cpu: unknown, mem: unknown) => {
    if (typeof node !== "string" || !node) return;
    const u = byNode.get(node) ?? { cpuRequests: 0, memoryRequests: 0, podCount: 0 };
    u.cpuRequests += Number(cpu) || 0;
    u.memoryRequests += Number(mem) || 0;
    u.podCount++;
    byNode.set(node, u);
  };
  for (const kind of ["Pod", "SwarmTask"]) {
    for (const p of b.byKind.get(kind)?.values() ?? []) if (isActiveReplica(p)) add(p.summary.node, p.summary.cpuRequest, p.summary.memoryRequest);
  }
  cache.set(b, { version: b.version, byNode });
  return byNode;
}

/** Nodes answer with what is requested of them, so a node map needs no second query over every pod. */
export function withNodeUsage(items: InventoryItemView[], buckets: ClusterBucket[]): InventoryItemView[] {
  return items.map((item) => {
    if (item.kind !== "Node" && item.kind !== "SwarmNode") return item;
    const b = buckets.find((x) => x.id === item.clusterId);
    const u = b ? usageByNode(b).get(item.name) : undefined;
    return { ...item, summary: { ...item.summary, cpuRequests: u?.cpuRequests ?? 0, memoryRequests: u?.memoryRequests ?? 0, podCount: u?.podCount ?? 0 } };
  });
}
