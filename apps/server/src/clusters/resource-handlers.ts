import { AppError, findKind, type InventoryItem, type InventoryItemView, type LogLine, type ObjectRef } from "@meridian/core";
import { parseAllDocuments, stringify } from "yaml";
import { respondWithLogLines } from "../http/ndjson-logs.js";
import type { Handlers, RequestContext } from "../http/context.js";
import { requireAccess, requireOrg } from "../http/context.js";
import type { ClusterManager } from "./cluster-manager.js";
import { findClusterRow } from "./cluster-view.js";
import { resolveKindName } from "./inventory-query.js";
import { type InventoryStore, viewOf } from "./inventory-store.js";
import { authorizeNamespace } from "./namespace-access.js";

type ResourceHandlers = Pick<
  Handlers,
  "getResource" | "applyResources" | "deleteResource" | "scaleResource" | "restartResource" | "rollbackResource" | "setNodeSchedulable" | "drainNode" | "streamLogs"
>;

interface RefInput {
  kind: string;
  apiVersion?: string;
  namespace?: string;
  name: string;
}

function toRef(q: RefInput): ObjectRef {
  const kind = resolveKindName(q.kind);
  const info = findKind(kind);
  const namespaced = info ? info.namespaced : Boolean(q.namespace);
  // Kubernetes defaults to the "default" namespace like kubectl; a Swarm service may belong to no stack.
  const fallback = info?.runtime === "swarm" ? null : "default";
  return { kind, apiVersion: q.apiVersion, namespace: namespaced ? (q.namespace ?? fallback) : null, name: q.name };
}

/** Objects related to one: its owner, what it owns (two levels: Deployment → ReplicaSets → Pods), its node, a Service's slices. */
function findRelated(store: InventoryStore, clusterId: string, ref: ObjectRef, self: InventoryItem | undefined): InventoryItemView[] {
  const b = store.bucket(clusterId);
  if (!b) return [];
  const out: InventoryItem[] = [];
  const childrenOf = (kind: string, name: string) => {
    const found: InventoryItem[] = [];
    for (const [k, m] of b.byKind) {
      if (k === "Event") continue;
      for (const i of m.values()) if (i.owner?.kind === kind && i.owner.name === name && i.namespace === (ref.namespace ?? i.namespace)) found.push(i);
    }
    return found;
  };
  if (self?.owner) {
    const m = b.byKind.get(self.owner.kind);
    for (const i of m?.values() ?? []) if (i.name === self.owner.name && i.namespace === self.namespace) out.push(i);
  }
  const kids = childrenOf(ref.kind, ref.name);
  out.push(...kids);
  for (const k of kids) if (k.kind === "ReplicaSet" || k.kind === "Job") out.push(...childrenOf(k.kind, k.name));
  if (ref.kind === "Pod" && typeof self?.summary.node === "string") {
    const node = b.byKind.get("Node")?.get(`Node///${self.summary.node}`);
    if (node) out.push(node);
  }
  if (ref.kind === "Service") {
    for (const s of b.byKind.get("EndpointSlice")?.values() ?? []) if (s.namespace === ref.namespace && s.summary.service === ref.name) out.push(s);
  }
  return out.slice(0, 200).map((i) => viewOf(b, i));
}

function eventsFor(store: InventoryStore, clusterId: string, ref: ObjectRef): InventoryItemView[] {
  const b = store.bucket(clusterId);
  if (!b) return [];
  const evs = [...(b.byKind.get("Event")?.values() ?? [])].filter((e) => e.owner?.kind === ref.kind && e.owner.name === ref.name && (ref.namespace === null || e.namespace === ref.namespace));
  evs.sort((x, y) => String(y.summary.lastSeen ?? "").localeCompare(String(x.summary.lastSeen ?? "")));
  return evs.slice(0, 100).map((e) => viewOf(b, e));
}

/** Namespaces the YAML's objects land in (null for cluster-wide kinds), for authorization before applying. */
function namespacesOf(yamlText: string, fallback: string): (string | null)[] {
  const out: (string | null)[] = [];
  for (const d of parseAllDocuments(yamlText) as ReturnType<typeof parseAllDocuments> & unknown[]) {
    const o = d.toJS({ maxAliasCount: 100 }) as { kind?: string; metadata?: { namespace?: string } } | null;
    if (!o || typeof o !== "object") continue;
    const info = typeof o.kind === "string" ? findKind(o.kind) : undefined;
    out.push(info && !info.namespaced ? null : (o.metadata?.namespace ?? fallback));
  }
  return out;
}

export function createResourceHandlers(deps: { manager: ClusterManager; store: InventoryStore }): ResourceHandlers {
  const { manager, store } = deps;

  /** Custom kinds named without an apiVersion get their CRD's group and storage version from the inventory. */
  function completeCustomRef(clusterId: string, ref: ObjectRef) {
    if (ref.apiVersion || findKind(ref.kind)) return;
    const crds = [...(store.bucket(clusterId)?.byKind.get("CustomResourceDefinition")?.values() ?? [])].filter((c) => c.summary.kindName === ref.kind);
    if (crds.length > 1) throw new AppError("invalid_input", `several custom resources are called ${ref.kind} (${crds.map((c) => c.summary.group).join(", ")}); give the apiVersion`);
    const crd = crds[0];
    if (!crd) throw new AppError("invalid_input", `unknown kind ${ref.kind} in this cluster (no built-in kind or CRD has that name)`);
    ref.apiVersion = `${crd.summary.group}/${crd.summary.storageVersion}`;
    if (crd.summary.scope !== "Namespaced") ref.namespace = null;
    else ref.namespace ??= "default";
  }

  async function prepare(ctx: RequestContext, clusterRef: string, ref: ObjectRef | null, permission: Parameters<typeof authorizeNamespace>[5]) {
    const org = requireOrg(ctx);
    const row = await findClusterRow(ctx.db, org.id, clusterRef);
    if (ref) completeCustomRef(row.id, ref);
    if (ref) await authorizeNamespace(ctx.db, requireAccess(ctx), org.id, row.id, ref.namespace, permission);
    if (ref) {
      ctx.audit.target = { type: "resource", id: row.id, name: `${row.slug}/${ref.namespace ? `${ref.namespace}/` : ""}${ref.kind}/${ref.name}` };
      ctx.audit.summary = { cluster: row.slug, kind: ref.kind, namespace: ref.namespace, name: ref.name };
    }
    return { row, conn: manager.connection(row.id) };
  }

  return {
    async getResource(ctx, { params, query }) {
      const ref = toRef(query);
      const { row, conn } = await prepare(ctx, params.clusterId, ref, "workload:read");
      const { object } = await conn.getObject(ref);
      const b = store.bucket(row.id);
      const self = [...(b?.byKind.get(ref.kind)?.values() ?? [])].find((i) => i.name === ref.name && i.namespace === ref.namespace);
      return { object, yaml: stringify(object), events: eventsFor(store, row.id, ref), related: findRelated(store, row.id, ref, self) };
    },

    async applyResources(ctx, { params, body }) {
      const org = requireOrg(ctx);
      const row = await findClusterRow(ctx.db, org.id, params.clusterId);
      let namespaces: (string | null)[];
      try {
        namespaces = namespacesOf(body.yaml, body.namespace ?? "default");
      } catch (cause) {
        throw new AppError("invalid_input", `the YAML cannot be parsed: ${(cause as Error).message}`, { cause });
      }
      for (const ns of new Set(namespaces)) await authorizeNamespace(ctx.db, requireAccess(ctx), org.id, row.id, ns, "workload:update");
      ctx.audit.target = { type: "cluster", id: row.id, name: row.slug };
      const results = await manager.connection(row.id).apply(body.yaml, { dryRun: body.dryRun, defaultNamespace: body.namespace });
      // The audit keeps what changed, never the YAML (it may hold secrets).
      ctx.audit.summary = { cluster: row.slug, dryRun: body.dryRun, objects: results.map((r) => `${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name}: ${r.action}`) };
      return { results, dryRun: body.dryRun };
    },

    async deleteResource(ctx, { params, query }) {
      const ref = toRef(query);
      const { conn } = await prepare(ctx, params.clusterId, ref, "workload:delete");
      await conn.deleteObject(ref);
      return { ok: true as const };
    },

    async scaleResource(ctx, { params, body }) {
      const ref = toRef(body);
      const { conn } = await prepare(ctx, params.clusterId, ref, "workload:update");
      ctx.audit.summary = { ...ctx.audit.summary, replicas: body.replicas };
      await conn.scale(ref, body.replicas);
      return { ok: true as const };
    },

    async restartResource(ctx, { params, body }) {
      const ref = toRef(body);
      const { conn } = await prepare(ctx, params.clusterId, ref, "workload:update");
      await conn.restart(ref);
      return { ok: true as const };
    },

    async rollbackResource(ctx, { params, body }) {
      const ref = toRef(body);
      const { conn } = await prepare(ctx, params.clusterId, ref, "workload:update");
      await conn.rollback(ref);
      return { ok: true as const };
    },

    async setNodeSchedulable(ctx, { params, body }) {
      const { row, conn } = await prepare(ctx, params.clusterId, null, "cluster:update");
      ctx.audit.target = { type: "node", id: row.id, name: `${row.slug}/${params.node}` };
      ctx.audit.summary = { cluster: row.slug, node: params.node, schedulable: body.schedulable };
      await conn.setNodeSchedulable(params.node, body.schedulable);
      return { ok: true as const };
    },

    async drainNode(ctx, { params }) {
      const { row, conn } = await prepare(ctx, params.clusterId, null, "cluster:update");
      ctx.audit.target = { type: "node", id: row.id, name: `${row.slug}/${params.node}` };
      const r = await conn.drainNode(params.node);
      ctx.audit.summary = { cluster: row.slug, node: params.node, evicted: r.evicted, skipped: r.skipped.length };
      return r;
    },

    async streamLogs(ctx, { params, query }) {
      const ref = toRef(query);
      const { conn } = await prepare(ctx, params.clusterId, ref, "workload:logs");
      const needle = query.q?.toLowerCase();
      return respondWithLogLines(
        ctx,
        (signal) => conn.streamLogs(ref, { container: query.container, follow: query.follow, tailLines: query.tail, sinceSeconds: query.since, previous: query.previous }, signal),
        (l: LogLine) => !needle || l.line.toLowerCase().includes(needle),
      );
    },
  };
}
