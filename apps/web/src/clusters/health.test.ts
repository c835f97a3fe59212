import type { Cluster, InventoryItemView } from "@meridian/core";
import { describe, expect, it } from "vitest";
import { buildNodeTiles, isSchedulable, needsPodSums, sortClusters, syncProgress } from "./health";

const obj = (kind: string, name: string, over: Partial<InventoryItemView> = {}): InventoryItemView => ({
  clusterId: "c",
  clusterSlug: "c",
  key: `${kind}///${name}`,
  kind,
  group: "",
  namespace: null,
  name,
  uid: name,
  labels: {},
  createdAt: null,
  status: "Ready",
  health: "ok",
  owner: null,
  summary: {},
  resourceVersion: "1",
  ...over,
});

describe("sortClusters", () => {
  it("puts down and degraded clusters first", () => {
    const c = (name: string, state: Cluster["state"]) => ({ name, state }) as Cluster;
    expect(sortClusters([c("a", "ready"), c("b", "down"), c("c", "degraded"), c("d", "connecting"), c("e", "down")]).map((x) => x.name)).toEqual(["b", "e", "c", "d", "a"]);
  });
});

describe("syncProgress", () => {
  it("counts watching kinds and errors", () => {
    const k = (phase: "listing" | "watching" | "error") => ({ kind: "Pod", group: "", phase, count: 0 });
    expect(syncProgress({ inventory: [k("watching"), k("listing"), k("error"), k("watching")] })).toEqual({ done: 2, total: 4, errors: 1 });
  });
});

describe("buildNodeTiles", () => {
  it("sums requests of running pods per node and sorts problems first", () => {
    const nodes = [
      obj("Node", "node-10", { summary: { cpu: 4000, memory: 8 * 1024 ** 3 } }),
      obj("Node", "node-2", { summary: { cpu: "2", memory: "4Gi" } }),
      obj("Node", "node-1", { status: "NotReady", health: "error", summary: { cpu: 2000 } }),
      obj("Node", "node-3", { status: "Ready,SchedulingDisabled", health: "warning", summary: { unschedulable: true } }),
      obj("Node", "node-4", { health: "warning", summary: { pressure: "MemoryPressure" } }),
    ];
    const pods = [
      obj("Pod", "a", { status: "Running", summary: { node: "node-2", cpuRequest: 250, memoryRequest: "512Mi" } }),
      obj("Pod", "b", { status: "Running", summary: { node: "node-2", cpuRequest: "500m", memoryRequest: 1024 ** 3 } }),
      obj("Pod", "done", { status: "Succeeded", summary: { node: "node-2", cpuRequest: 1000 } }),
      obj("Pod", "pending", { status: "Pending", summary: { node: null } }),
    ];
    const tiles = buildNodeTiles(nodes, pods);
    expect(tiles.map((t) => t.item.name)).toEqual(["node-1", "node-4", "node-3", "node-2", "node-10"]);
    expect(tiles[1]).toMatchObject({ tone: "warning", pressure: ["MemoryPressure"] });
    const n2 = tiles.find((t) => t.item.name === "node-2");
    expect(n2).toMatchObject({ cpuCapacity: 2000, cpuRequests: 750, memoryCapacity: 4 * 1024 ** 3, memoryRequests: 1.5 * 1024 ** 3, pods: 2, tone: "success" });
    expect(tiles[0]).toMatchObject({ ready: false, tone: "danger" });
    expect(tiles[2]).toMatchObject({ schedulable: false, tone: "neutral" });
  });

  it("prefers the node's own request sums", () => {
    const n = obj("Node", "n", { summary: { cpu: 1000, cpuRequests: 100, memoryRequests: 5 } });
    expect(needsPodSums([n])).toBe(false);
    expect(buildNodeTiles([n], [obj("Pod", "p", { status: "Running", summary: { node: "n", cpuRequest: 900 } })])[0]?.cpuRequests).toBe(100);
  });

  it("reads Swarm availability", () => {
    expect(isSchedulable(obj("SwarmNode", "s", { summary: { availability: "drain" } }))).toBe(false);
    expect(isSchedulable(obj("SwarmNode", "s", { summary: { availability: "active" } }))).toBe(true);
  });
});
