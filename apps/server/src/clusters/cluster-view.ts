import { AppError, type Cluster, type ClusterTarget } from "@meridian/core";
import type { Queryable } from "@meridian/db";
import type { ClusterManager } from "./cluster-manager.js";
import type { ClusterBucket, InventoryStore } from "./inventory-store.js";
import { isActiveReplica } from "./node-usage.js";

export interface ClusterRow {
  id: string;
  org_id: string;
  slug: string;
  name: string;
  description: string;
  runtime: "kubernetes" | "swarm";
  endpoint: string;
  context: string | null;
  auth_method: string;
  labels: Record<string, string>;
  status: { conditions?: Cluster["conditions"]; version?: string | null };
  created_at: string;
  updated_at: string;
}

export const clusterColumns = "c.id, c.org_id, c.slug, c.name, c.description, c.runtime, c.endpoint, c.context, c.auth_method, c.labels, c.status, c.created_at, c.updated_at";

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(s);

/** A cluster of the organization by id or slug, or not_found. */
export async function findClusterRow(db: Queryable, orgId: string, ref: string): Promise<ClusterRow> {
  const r = await db.query<ClusterRow>(`SELECT ${clusterColumns} FROM clusters c WHERE c.org_id = $1 AND ${isUuid(ref) ? "c.id = $2" : "c.slug = $2"}`, [orgId, ref]);
  if (!r.rows[0]) throw new AppError("not_found", `cluster ${ref} not found`);
  return r.rows[0];
}

interface TargetRow {
  id: string;
  cluster_id: string;
  cluster_slug: string;
  project_id: string;
  project_name: string;
  environment_id: string;
  environment_name: string;
  namespace: string;
  created_at: string;
}

export async function listTargets(db: Queryable, orgId: string, clusterIds: string[]): Promise<Map<string, ClusterTarget[]>> {
  const out = new Map<string, ClusterTarget[]>();
  if (clusterIds.length === 0) return out;
  const r = await db.query<TargetRow>(
    `SELECT t.id, t.cluster_id, c.slug AS cluster_slug, t.project_id, p.name AS project_name, t.environment_id, e.name AS environment_name, t.namespace, t.created_at
       FROM cluster_targets t JOIN clusters c ON c.id = t.cluster_id JOIN projects p ON p.id = t.project_id JOIN environments e ON e.id = t.environment_id
      WHERE t.org_id = $1 AND t.cluster_id = ANY($2::uuid[]) ORDER BY p.name, e.position, t.namespace`,
    [orgId, clusterIds],
  );
  for (const t of r.rows) {
    const list = out.get(t.cluster_id) ?? [];
    list.push({ id: t.id, clusterId: t.cluster_id, clusterSlug: t.cluster_slug, projectId: t.project_id, projectName: t.project_name, environmentId: t.environment_id, environmentName: t.environment_name, namespace: t.namespace, createdAt: t.created_at });
    out.set(t.cluster_id, list);
  }
  return out;
}

type Summary = Cluster["summary"];
const summaryCache = new WeakMap<ClusterBucket, { version: number; summary: Summary }>();

/** Capacity, requests and problem counts from the inventory (cached until the inventory changes). */
export function summarize(b: ClusterBucket | undefined): Summary {
  const empty: Summary = { nodes: 0, readyNodes: 0, pods: 0, problemPods: 0, cpuCapacity: 0, cpuRequests: 0, memoryCapacity: 0, memoryRequests: 0, namespaces: 0, warnings: 0 };
  if (!b) return empty;
  const hit = summaryCache.get(b);
  if (hit && hit.version === b.version) return hit.summary;
  const s = { ...empty };
  for (const kind of ["Node", "SwarmNode"]) {
    for (const n of b.byKind.get(kind)?.values() ?? []) {
      s.nodes++;
      if (n.summary.ready === true || n.health === "ok" || n.health === "warning") s.readyNodes++;
      s.cpuCapacity += Number(n.summary.cpu) || 0;
      s.memoryCapacity += Number(n.summary.memory) || 0;
    }
  }
  for (const kind of ["Pod", "SwarmTask"]) {
    for (const p of b.byKind.get(kind)?.values() ?? []) {
      if (!isActiveReplica(p)) continue;
      s.pods++;
      if (p.health === "error" || p.health === "warning") s.problemPods++;
      if (kind === "SwarmTask" || p.summary.scheduled === true) {
        s.cpuRequests += Number(p.summary.cpuRequest) || 0;
        s.memoryRequests += Number(p.summary.memoryRequest) || 0;
      }
    }
  }
  const ns = b.byKind.get("Namespace");
  if (ns) s.namespaces = ns.size;
  else {
    const stacks = new Set<string>();
    for (const m of b.byKind.values()) for (const i of m.values()) if (i.namespace) stacks.add(i.namespace);
    s.namespaces = stacks.size;
  }
  for (const [kind, m] of b.byKind) {
    if (kind === "Event") continue;
    for (const i of m.values()) if (i.health === "error" || i.health === "warning") s.warnings++;
  }
  summaryCache.set(b, { version: b.version, summary: s });
  return s;
}

export function toClusterView(row: ClusterRow, manager: ClusterManager, store: InventoryStore, targets: ClusterTarget[]): Cluster {
  const live = manager.status(row.id);
  const b = store.bucket(row.id);
  const conditions = live?.conditions.length ? live.conditions : (row.status.conditions ?? []);
  let state = live?.state ?? "connecting";
  if (!live && conditions.length) state = "down";
  const inventory = [...(b?.states.values() ?? [])]
    .map((s) => ({ kind: s.kind, group: s.group, phase: s.phase, message: s.message, count: b?.byKind.get(s.kind)?.size ?? 0 }))
    .sort((x, y) => x.kind.localeCompare(y.kind));
  // Inventory that keeps failing (e.g. no permission to list Secrets) makes a reachable cluster degraded.
  if (state === "ready" && inventory.some((i) => i.phase === "error")) state = "degraded";
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    runtime: row.runtime,
    endpoint: row.endpoint,
    context: row.context,
    authMethod: row.auth_method,
    labels: row.labels ?? {},
    version: live?.version ?? row.status.version ?? null,
    conditions,
    state,
    summary: summarize(b),
    inventory,
    streams: live?.stats ?? null,
    targets,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
