import { type Cluster, type InventoryItemView, parseBytes, parseMillicores } from "@meridian/core";

export type Tone = "neutral" | "accent" | "success" | "warning" | "danger";

export const clusterStateTone: Record<Cluster["state"], Tone> = { ready: "success", connecting: "accent", degraded: "warning", down: "danger" };
export const healthTone: Record<InventoryItemView["health"], Tone> = { ok: "success", progressing: "accent", warning: "warning", error: "danger", unknown: "neutral" };

const stateRank: Record<Cluster["state"], number> = { down: 0, degraded: 1, connecting: 2, ready: 3 };

/** Problems first: down, degraded, connecting, then ready; by name within a state. */
export function sortClusters(list: readonly Cluster[]): Cluster[] {
  return [...list].sort((a, b) => stateRank[a.state] - stateRank[b.state] || a.name.localeCompare(b.name));
}

/** Inventory sync progress: kinds past their first list, of all kinds. */
export function syncProgress(c: Pick<Cluster, "inventory">): { done: number; total: number; errors: number } {
  return {
    done: c.inventory.filter((k) => k.phase === "watching").length,
    total: c.inventory.length,
    errors: c.inventory.filter((k) => k.phase === "error").length,
  };
}

export interface NodeTile {
  item: InventoryItemView;
  ready: boolean;
  schedulable: boolean;
  cpuCapacity: number | undefined;
  cpuRequests: number;
  memoryCapacity: number | undefined;
  memoryRequests: number;
  pods: number;
  /** Node conditions that are on (MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable). */
  pressure: string[];
  /** 0 = worst; problems sort first in the map. */
  severity: number;
  tone: Tone;
}

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** Cordoned (Kubernetes) or paused/drained (Swarm). */
export function isSchedulable(node: InventoryItemView): boolean {
  if (node.summary.unschedulable === true) return false;
  const availability = node.summary.availability;
  if (typeof availability === "string" && availability !== "" && availability.toLowerCase() !== "active") return false;
  return !/SchedulingDisabled/i.test(node.status);
}

export function isReady(node: InventoryItemView): boolean {
  if (node.summary.ready === false) return false;
  const s = node.status.toLowerCase();
  return node.health !== "error" && !s.includes("notready") && !s.includes("down") && !s.includes("unknown");
}

/**
 * One tile per node with CPU and memory requested vs allocatable. Requests come from the node's own summary
 * when the server provides them (cheap at 1,000 nodes), else from summing the given pods by `summary.node`.
 */
export function buildNodeTiles(nodes: readonly InventoryItemView[], pods: readonly InventoryItemView[]): NodeTile[] {
  const byNode = new Map<string, { cpu: number; mem: number; pods: number }>();
  for (const p of pods) {
    const node = p.summary.node;
    if (typeof node !== "string" || node === "") continue;
    // Finished pods hold no resources.
    if (/^(Succeeded|Failed|Completed|Shutdown|Complete)$/i.test(p.status)) continue;
    const acc = byNode.get(node) ?? { cpu: 0, mem: 0, pods: 0 };
    acc.cpu += parseMillicores(p.summary.cpuRequest) ?? 0;
    acc.mem += parseBytes(p.summary.memoryRequest) ?? 0;
    acc.pods += 1;
    byNode.set(node, acc);
  }
  return nodes
    .map((item) => {
      const s = item.summary;
      const fromPods = byNode.get(item.name) ?? (typeof s.hostname === "string" ? byNode.get(s.hostname) : undefined);
      const ready = isReady(item);
      const schedulable = isSchedulable(item);
      const pressure = typeof s.pressure === "string" ? s.pressure.split(",").filter(Boolean) : [];
      // Drivers mark a cordoned node "warning"; cordoning is deliberate, so only pressure makes it a problem here.
      const health = !schedulable && item.health === "warning" && pressure.length === 0 ? "ok" : item.health;
      const severity = !ready || health === "error" ? 0 : health === "warning" ? 1 : !schedulable || health === "unknown" ? 2 : health === "progressing" ? 3 : 4;
      const tone: Tone = severity === 0 ? "danger" : severity === 1 ? "warning" : !schedulable || health === "unknown" ? "neutral" : severity === 3 ? "accent" : "success";
      return {
        item,
        ready,
        schedulable,
        cpuCapacity: parseMillicores(s.cpu),
        cpuRequests: num(s.cpuRequests) ?? fromPods?.cpu ?? 0,
        memoryCapacity: parseBytes(s.memory),
        memoryRequests: num(s.memoryRequests) ?? fromPods?.mem ?? 0,
        pods: fromPods?.pods ?? num(s.runningPods) ?? 0,
        pressure,
        severity,
        tone,
      };
    })
    .sort((a, b) => a.severity - b.severity || a.item.name.localeCompare(b.item.name, undefined, { numeric: true }));
}

/** Whether any node lacks server-side request sums, so the page must fetch pods to compute them. */
export function needsPodSums(nodes: readonly InventoryItemView[]): boolean {
  return nodes.some((n) => num(n.summary.cpuRequests) === undefined || num(n.summary.memoryRequests) === undefined);
}
