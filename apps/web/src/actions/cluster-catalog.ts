import { type Cluster, type ClusterTarget, findKind, type InventoryItemView } from "@meridian/core";
import { logsLink, resourceLink, resourcesLink } from "../clusters/search";
import type { Action, ActionContext, GlobalAction } from "./registry";

/**
 * Commands on clusters, their nodes and the objects in them. Kept beside catalog.ts (which holds the global
 * commands, including "Connect cluster") so neither module grows past a screenful of scrolling.
 */

const orgOf = (ctx: ActionContext) => ctx.orgId ?? "";
const clusterParams = (ctx: ActionContext, clusterId: string) => ({ orgId: orgOf(ctx), clusterId });

export const clusterActions = {
  open: { id: "cluster.open", label: "Open", section: "Clusters", perform: (ctx, c) => ctx.navigate(`/orgs/${orgOf(ctx)}/clusters/${c.slug}`) },
  browse: {
    id: "cluster.browse",
    label: "Browse resources",
    section: "Clusters",
    perform: (ctx, c) => ctx.navigate(resourcesLink(orgOf(ctx), { kind: c.runtime === "swarm" ? "SwarmService" : "Deployment", cluster: c.slug })),
  },
  apply: { id: "cluster.apply", label: "Apply YAML", section: "Clusters", requires: "workload:update", perform: (ctx, c) => ctx.navigate(`/orgs/${orgOf(ctx)}/apply?cluster=${encodeURIComponent(c.slug)}`) },
  edit: { id: "cluster.edit", label: "Edit", section: "Clusters", requires: "cluster:update", perform: (ctx, c) => ctx.open({ kind: "edit-cluster", cluster: c }) },
  addTarget: { id: "cluster.target.create", label: "Bind environment", section: "Clusters", requires: "cluster:bind", perform: (ctx, c) => ctx.open({ kind: "add-cluster-target", cluster: c }) },
  disconnect: {
    id: "cluster.delete",
    label: "Disconnect",
    section: "Clusters",
    danger: true,
    requires: "cluster:delete",
    perform: async (ctx, c) => {
      const msg = `Disconnect ${c.name}? Meridian forgets its credentials and environment bindings; nothing inside the cluster is touched.`;
      if (!(await ctx.confirm(msg, { confirmLabel: `Disconnect ${c.slug}`, danger: true }))) return;
      const ok = await ctx.run("deleteCluster", { params: clusterParams(ctx, c.id) }, `Disconnected ${c.name}`);
      if (ok) ctx.navigate(`/orgs/${orgOf(ctx)}/clusters`);
    },
  },
} satisfies Record<string, Action<Cluster>>;

/** Where "Create policy object" starts: a cluster (and namespace) when opened from one, else the first one. */
export interface PolicyTarget {
  cluster?: Cluster;
  namespace?: string;
}

const createPolicyCommand = {
  id: "policy.create",
  label: "Create policy object",
  section: "Create",
  keywords: "namespace resourcequota quota limitrange limits role rolebinding rbac networkpolicy netpol kubernetes",
  requires: "workload:update",
} as const;

export const policyActions = {
  create: {
    ...createPolicyCommand,
    enabled: (_ctx, t) => (t.cluster && t.cluster.runtime !== "kubernetes" ? "Swarm clusters have no namespaces or Kubernetes policies" : true),
    perform: (ctx, t) => ctx.open({ kind: "create-policy", clusterId: t.cluster?.id, namespace: t.namespace }),
  },
} satisfies Record<string, Action<PolicyTarget>>;

/** The same command in the palette, without a target: the dialog offers the Kubernetes clusters. */
export const createPolicyAction: GlobalAction = { ...createPolicyCommand, perform: (ctx) => ctx.open({ kind: "create-policy" }) };

export const targetActions = {
  remove: {
    id: "cluster.target.delete",
    label: "Remove",
    section: "Clusters",
    danger: true,
    requires: "cluster:bind",
    perform: async (ctx, t) => {
      if (!(await ctx.confirm(`Unbind ${t.projectName} / ${t.environmentName} from namespace ${t.namespace}? Nothing in the namespace is deleted.`, { confirmLabel: "Remove binding", danger: true }))) return;
      await ctx.run("deleteClusterTarget", { params: { ...clusterParams(ctx, t.clusterId), targetId: t.id } }, "Environment binding removed");
    },
  },
} satisfies Record<string, Action<ClusterTarget>>;

export interface NodeTarget {
  clusterId: string;
  node: InventoryItemView;
  schedulable: boolean;
}

export const nodeActions = {
  cordon: {
    id: "node.cordon",
    label: (t) => (t.node.kind === "SwarmNode" ? "Pause" : "Cordon"),
    section: "Nodes",
    requires: "cluster:update",
    enabled: (_ctx, t) => (t.schedulable ? true : "Already unschedulable"),
    perform: async (ctx, t) => {
      await ctx.run("setNodeSchedulable", { params: { ...clusterParams(ctx, t.clusterId), node: t.node.name }, body: { schedulable: false } }, `${t.node.name} no longer takes new work`);
    },
  },
  uncordon: {
    id: "node.uncordon",
    label: (t) => (t.node.kind === "SwarmNode" ? "Activate" : "Uncordon"),
    section: "Nodes",
    requires: "cluster:update",
    enabled: (_ctx, t) => (t.schedulable ? "Already schedulable" : true),
    perform: async (ctx, t) => {
      await ctx.run("setNodeSchedulable", { params: { ...clusterParams(ctx, t.clusterId), node: t.node.name }, body: { schedulable: true } }, `${t.node.name} takes work again`);
    },
  },
  drain: {
    id: "node.drain",
    label: "Drain",
    section: "Nodes",
    danger: true,
    requires: "cluster:update",
    perform: async (ctx, t) => {
      const msg = `Drain ${t.node.name}? It is cordoned and its workloads are moved to other nodes. Pods without a controller are not recreated.`;
      if (!(await ctx.confirm(msg, { confirmLabel: `Drain ${t.node.name}`, danger: true }))) return;
      const r = await ctx.run("drainNode", { params: { ...clusterParams(ctx, t.clusterId), node: t.node.name } });
      if (r) ctx.notify(r.skipped.length ? "info" : "success", `Drained ${t.node.name}: ${r.evicted} evicted${r.skipped.length ? `, skipped ${r.skipped.join(", ")}` : ""}`);
    },
  },
} satisfies Record<string, Action<NodeTarget>>;

const ref = (i: InventoryItemView) => ({ kind: i.kind, name: i.name, ...(i.namespace ? { namespace: i.namespace } : {}) });
const can = (i: InventoryItemView, what: "scalable" | "restartable" | "rollbackable" | "hasLogs") => findKind(i.kind)?.[what] === true;
const label = (i: InventoryItemView) => `${i.kind} ${i.namespace ? `${i.namespace}/` : ""}${i.name}`;

export const workloadActions = {
  view: { id: "resource.view", label: "View", section: "Resources", perform: (ctx, i) => ctx.navigate(resourceLink(orgOf(ctx), i)) },
  logs: {
    id: "resource.logs",
    label: "Logs",
    section: "Resources",
    requires: "workload:logs",
    enabled: (_ctx, i) => (can(i, "hasLogs") ? true : `${i.kind} has no logs`),
    perform: (ctx, i) => ctx.navigate(logsLink(orgOf(ctx), i)),
  },
  scale: {
    id: "resource.scale",
    label: "Scale",
    section: "Resources",
    requires: "workload:update",
    enabled: (_ctx, i) => (can(i, "scalable") ? true : `${i.kind} cannot be scaled`),
    perform: (ctx, i) => ctx.open({ kind: "scale-resource", item: i }),
  },
  restart: {
    id: "resource.restart",
    label: "Restart",
    section: "Resources",
    requires: "workload:update",
    enabled: (_ctx, i) => (can(i, "restartable") ? true : `${i.kind} cannot be restarted`),
    perform: async (ctx, i) => {
      if (!(await ctx.confirm(`Restart ${label(i)}? Its replicas are replaced one by one.`, { confirmLabel: "Restart" }))) return;
      await ctx.run("restartResource", { params: clusterParams(ctx, i.clusterId), body: ref(i) }, `Restarting ${i.name}`);
    },
  },
  rollback: {
    id: "resource.rollback",
    label: "Roll back",
    section: "Resources",
    requires: "workload:update",
    enabled: (_ctx, i) => (can(i, "rollbackable") ? true : `${i.kind} cannot be rolled back`),
    perform: async (ctx, i) => {
      if (!(await ctx.confirm(`Roll ${label(i)} back to its previous revision?`, { confirmLabel: "Roll back" }))) return;
      await ctx.run("rollbackResource", { params: clusterParams(ctx, i.clusterId), body: ref(i) }, `Rolling back ${i.name}`);
    },
  },
  remove: {
    id: "resource.delete",
    label: "Delete",
    section: "Resources",
    danger: true,
    requires: "workload:delete",
    perform: async (ctx, i) => {
      await deleteItem(ctx, i);
    },
  },
  /** Delete from the object's own page, then go back to its list (the page would only say "not found"). */
  removeAndLeave: {
    id: "resource.delete",
    label: "Delete",
    section: "Resources",
    danger: true,
    requires: "workload:delete",
    perform: async (ctx, i) => {
      if (await deleteItem(ctx, i)) ctx.navigate(resourcesLink(orgOf(ctx), { kind: i.kind, cluster: i.clusterSlug, namespace: i.namespace ?? undefined }));
    },
  },
} satisfies Record<string, Action<InventoryItemView>>;

async function deleteItem(ctx: ActionContext, i: InventoryItemView): Promise<boolean> {
  if (!(await ctx.confirm(`Delete ${label(i)} from ${i.clusterSlug}?`, { confirmLabel: `Delete ${i.name}`, danger: true }))) return false;
  return (await ctx.run("deleteResource", { params: clusterParams(ctx, i.clusterId), query: ref(i) }, `Deleted ${i.name}`)) !== undefined;
}

export const rowWorkloadActions: Action<InventoryItemView>[] = [workloadActions.view, workloadActions.logs, workloadActions.scale, workloadActions.restart, workloadActions.rollback, workloadActions.remove];

/** Palette entries that jump straight to a cluster. */
export function clusterJumpActions(clusters: readonly Cluster[]): GlobalAction[] {
  return clusters.map((c) => ({
    id: `cluster.jump.${c.id}`,
    label: `Open cluster ${c.name}`,
    section: "Clusters",
    keywords: `${c.slug} ${c.state} ${c.runtime}`,
    needsOrg: true,
    perform: (ctx) => ctx.navigate(`/orgs/${orgOf(ctx)}/clusters/${c.slug}`),
  }));
}
