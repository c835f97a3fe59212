import type { Cluster, InventoryItemView } from "@meridian/core";
import { describe, expect, it } from "vitest";
import { accessFrom, permissionsOfRoles } from "../access/org-access";
import { globalActions } from "./catalog";
import { nodeActions, policyActions, workloadActions } from "./cluster-catalog";
import { type ActionContext, actionLabel, actionState } from "./registry";

function ctxFor(roles: string[]): ActionContext {
  const access = accessFrom(permissionsOfRoles(roles, []), roles);
  const unused = () => {
    throw new Error("not used in these tests");
  };
  return { me: undefined, orgId: "acme", can: access.can, navigate: unused, open: unused, confirm: unused, run: unused, notify: unused, togglePalette: unused, toggleHelp: unused, cycleTheme: unused, logout: unused };
}

const item = (kind: string): InventoryItemView => ({
  clusterId: "c",
  clusterSlug: "prod",
  key: `${kind}//default/web`,
  kind,
  group: "",
  namespace: "default",
  name: "web",
  uid: "u",
  labels: {},
  createdAt: null,
  status: "Ready",
  health: "ok",
  owner: null,
  summary: {},
  resourceVersion: "1",
});

describe("cluster commands", () => {
  it("offer scale, restart, rollback and logs only where the kind catalog allows them", () => {
    const dev = ctxFor(["developer"]);
    expect(actionState(workloadActions.scale, dev, item("Deployment")).enabled).toBe(true);
    expect(actionState(workloadActions.scale, dev, item("Pod"))).toEqual({ enabled: false, reason: "Pod cannot be scaled" });
    expect(actionState(workloadActions.rollback, dev, item("StatefulSet")).enabled).toBe(false);
    expect(actionState(workloadActions.restart, dev, item("SwarmService")).enabled).toBe(true);
    expect(actionState(workloadActions.logs, dev, item("ConfigMap"))).toEqual({ enabled: false, reason: "ConfigMap has no logs" });
    expect(actionState(workloadActions.logs, dev, item("SwarmTask")).enabled).toBe(true);
  });

  it("follow the roles: viewers read, developers change workloads, only admins connect and cordon", () => {
    const viewer = ctxFor(["viewer"]);
    expect(actionState(workloadActions.remove, viewer, item("Deployment"))).toEqual({ enabled: false, reason: "Your role does not grant workload:delete" });
    expect(actionState(globalActions.goClusters, viewer, undefined).enabled).toBe(true);
    expect(actionState(globalActions.connectCluster, ctxFor(["developer"]), undefined)).toEqual({ enabled: false, reason: "Your role does not grant cluster:create" });
    expect(actionState(globalActions.connectCluster, ctxFor(["admin"]), undefined).enabled).toBe(true);
    const node = { clusterId: "c", node: item("Node"), schedulable: true };
    expect(actionState(nodeActions.cordon, ctxFor(["developer"]), node).enabled).toBe(false);
    expect(actionState(nodeActions.cordon, ctxFor(["admin"]), node).enabled).toBe(true);
    expect(actionState(nodeActions.uncordon, ctxFor(["admin"]), node)).toEqual({ enabled: false, reason: "Already schedulable" });
  });

  it("speak Swarm to Swarm nodes", () => {
    const node = { clusterId: "c", node: item("SwarmNode"), schedulable: false };
    expect(actionLabel(nodeActions.cordon, node)).toBe("Pause");
    expect(actionLabel(nodeActions.uncordon, node)).toBe("Activate");
  });
});

describe("create policy object", () => {
  const cluster = (runtime: "kubernetes" | "swarm") => ({ id: "c", slug: "prod", runtime }) as Cluster;
  it("needs workload:update and a Kubernetes cluster; the palette entry has no cluster yet", () => {
    expect(actionState(policyActions.create, ctxFor(["developer"]), { cluster: cluster("kubernetes") }).enabled).toBe(true);
    expect(actionState(policyActions.create, ctxFor(["developer"]), { cluster: cluster("swarm") })).toEqual({ enabled: false, reason: "Swarm clusters have no namespaces or Kubernetes policies" });
    expect(actionState(policyActions.create, ctxFor(["viewer"]), {})).toEqual({ enabled: false, reason: "Your role does not grant workload:update" });
    expect(actionState(globalActions.createPolicy, ctxFor(["developer"]), undefined).enabled).toBe(true);
    expect(actionState(globalActions.createPolicy, ctxFor(["viewer"]), undefined).enabled).toBe(false);
  });
});
