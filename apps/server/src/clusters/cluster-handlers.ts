import { randomUUID } from "node:crypto";
import { AppError, type Cluster } from "@meridian/core";
import { listKubeconfigContexts } from "@meridian/driver-kubernetes";
import type { Handlers } from "../http/context.js";
import { requireActor, requireOrg } from "../http/context.js";
import { insertUnique, slugTaken } from "../orgs/sql-errors.js";
import type { Envelope } from "../secrets/envelope.js";
import { type ClusterManager, credentialsContext } from "./cluster-manager.js";
import { type ClusterRow, clusterColumns, findClusterRow, listTargets, toClusterView } from "./cluster-view.js";
import { normalizeConnection } from "./connection-spec.js";
import type { InventoryStore } from "./inventory-store.js";

type ClusterHandlers = Pick<Handlers, "listClusters" | "createCluster" | "inspectKubeconfig" | "getCluster" | "updateCluster" | "deleteCluster" | "createClusterTarget" | "deleteClusterTarget">;

const stateRank: Record<Cluster["state"], number> = { down: 0, degraded: 1, connecting: 2, ready: 3 };

export function createClusterHandlers(deps: { manager: ClusterManager; store: InventoryStore; envelope: Envelope }): ClusterHandlers {
  const { manager, store, envelope } = deps;

  async function view(db: Parameters<typeof findClusterRow>[0], orgId: string, ref: string): Promise<Cluster> {
    const row = await findClusterRow(db, orgId, ref);
    const targets = await listTargets(db, orgId, [row.id]);
    return toClusterView(row, manager, store, targets.get(row.id) ?? []);
  }

  return {
    async listClusters(ctx, { query }) {
      const org = requireOrg(ctx);
      const r = await ctx.db.query<ClusterRow>(`SELECT ${clusterColumns} FROM clusters c WHERE c.org_id = $1 AND ($2::text IS NULL OR c.name ILIKE $2 OR c.slug ILIKE $2 OR c.endpoint ILIKE $2)`, [
        org.id,
        query.q ? `%${query.q}%` : null,
      ]);
      const targets = await listTargets(ctx.db, org.id, r.rows.map((x) => x.id));
      const views = r.rows.map((row) => toClusterView(row, manager, store, targets.get(row.id) ?? []));
      // Problems first by default: down, degraded, connecting, then ready; by name within each.
      const sort = query.sort ?? "state";
      const dir = sort.startsWith("-") ? -1 : 1;
      const field = sort.replace(/^-/, "");
      const keyOf = (c: Cluster) => (field === "state" ? `${stateRank[c.state]}:${c.name}` : field === "createdAt" ? c.createdAt : c.name);
      views.sort((a, b) => dir * (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : a.id < b.id ? -1 : 1));
      const offset = query.cursor ? Number.parseInt(Buffer.from(query.cursor, "base64url").toString(), 10) || 0 : 0;
      const items = views.slice(offset, offset + query.limit);
      const next = offset + query.limit < views.length ? Buffer.from(String(offset + query.limit)).toString("base64url") : null;
      return { items, nextCursor: next };
    },

    async inspectKubeconfig(_ctx, { body }) {
      return listKubeconfigContexts(body.kubeconfig);
    },

    async createCluster(ctx, { body }) {
      const org = requireOrg(ctx);
      const actor = requireActor(ctx);
      const conn = normalizeConnection(body.connection);
      const exists = await ctx.db.query("SELECT 1 FROM clusters WHERE org_id = $1 AND slug = $2", [org.id, body.slug]);
      if (exists.rowCount) throw slugTaken(body.slug, "this organization");
      if (body.verify) await manager.verify(conn.credentials, conn.endpoint);
      const id = randomUUID();
      const sealed = await envelope.encrypt(ctx.db, org.id, credentialsContext(id), JSON.stringify(conn.credentials));
      await insertUnique(
        ctx.db.query(
          `INSERT INTO clusters (id, org_id, slug, name, description, runtime, endpoint, context, auth_method, labels, credentials, created_at, updated_at, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13)`,
          [id, org.id, body.slug, body.name ?? body.slug, body.description ?? "", conn.runtime, conn.endpoint, conn.context, conn.authMethod, JSON.stringify(body.labels ?? {}), sealed, ctx.now.toISOString(), actor.userId],
        ),
        () => slugTaken(body.slug, "this organization"),
      );
      ctx.audit.target = { type: "cluster", id, name: body.slug };
      ctx.audit.summary = { runtime: conn.runtime, endpoint: conn.endpoint, context: conn.context, authMethod: conn.authMethod, verified: body.verify };
      ctx.afterCommit(() => manager.reconcile(id));
      return view(ctx.db, org.id, id);
    },

    async getCluster(ctx, { params }) {
      return view(ctx.db, requireOrg(ctx).id, params.clusterId);
    },

    async updateCluster(ctx, { params, body }) {
      const org = requireOrg(ctx);
      const row = await findClusterRow(ctx.db, org.id, params.clusterId);
      ctx.audit.target = { type: "cluster", id: row.id, name: row.slug };
      const changes: Record<string, unknown> = {};
      if (body.name !== undefined && body.name !== row.name) changes.name = { from: row.name, to: body.name };
      if (body.description !== undefined && body.description !== row.description) changes.description = "changed";
      if (body.labels !== undefined) changes.labels = body.labels;
      let sealed: string | null = null;
      let conn: ReturnType<typeof normalizeConnection> | null = null;
      if (body.connection) {
        conn = normalizeConnection(body.connection);
        if (conn.runtime !== row.runtime) throw new AppError("invalid_input", `this cluster runs ${row.runtime}; connect a ${conn.runtime} cluster as a new cluster`);
        if (body.verify) await manager.verify(conn.credentials, conn.endpoint);
        sealed = await envelope.encrypt(ctx.db, org.id, credentialsContext(row.id), JSON.stringify(conn.credentials));
        changes.credentials = { endpoint: conn.endpoint, authMethod: conn.authMethod, context: conn.context };
      }
      await ctx.db.query(
        `UPDATE clusters SET name = coalesce($3, name), description = coalesce($4, description), labels = coalesce($5::jsonb, labels),
           credentials = coalesce($6, credentials), credentials_version = credentials_version + (CASE WHEN $6::text IS NULL THEN 0 ELSE 1 END),
           endpoint = coalesce($7, endpoint), context = CASE WHEN $6::text IS NULL THEN context ELSE $8 END, auth_method = coalesce($9, auth_method), updated_at = $10
         WHERE org_id = $1 AND id = $2`,
        [org.id, row.id, body.name ?? null, body.description ?? null, body.labels ? JSON.stringify(body.labels) : null, sealed, conn?.endpoint ?? null, conn?.context ?? null, conn?.authMethod ?? null, ctx.now.toISOString()],
      );
      ctx.audit.summary = changes;
      if (sealed) ctx.afterCommit(() => manager.reconcile(row.id));
      return view(ctx.db, org.id, row.id);
    },

    async deleteCluster(ctx, { params }) {
      const org = requireOrg(ctx);
      const row = await findClusterRow(ctx.db, org.id, params.clusterId);
      await ctx.db.query("DELETE FROM clusters WHERE org_id = $1 AND id = $2", [org.id, row.id]);
      ctx.audit.target = { type: "cluster", id: row.id, name: row.slug };
      ctx.audit.summary = { runtime: row.runtime, endpoint: row.endpoint };
      ctx.afterCommit(() => manager.reconcile(row.id));
      return { ok: true as const };
    },

    async createClusterTarget(ctx, { params, body }) {
      const org = requireOrg(ctx);
      const row = await findClusterRow(ctx.db, org.id, params.clusterId);
      const env = await ctx.db.query<{ project_name: string; env_name: string }>(
        "SELECT p.name AS project_name, e.name AS env_name FROM environments e JOIN projects p ON p.id = e.project_id WHERE e.id = $1 AND e.project_id = $2 AND e.org_id = $3",
        [body.environmentId, body.projectId, org.id],
      );
      if (!env.rows[0]) throw new AppError("not_found", "environment not found in that project", { details: { issues: [{ path: "body.environmentId", message: "not found" }] } });
      const id = randomUUID();
      await insertUnique(
        ctx.db.query("INSERT INTO cluster_targets (id, org_id, cluster_id, project_id, environment_id, namespace, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)", [
          id,
          org.id,
          row.id,
          body.projectId,
          body.environmentId,
          body.namespace,
          ctx.now.toISOString(),
        ]),
        () => new AppError("conflict", `namespace ${body.namespace} of ${row.slug} is already bound to this environment`),
      );
      ctx.audit.target = { type: "cluster", id: row.id, name: row.slug };
      ctx.audit.summary = { target: id, project: env.rows[0].project_name, environment: env.rows[0].env_name, namespace: body.namespace };
      const targets = await listTargets(ctx.db, org.id, [row.id]);
      const t = targets.get(row.id)?.find((x) => x.id === id);
      if (!t) throw new AppError("internal", "target vanished");
      return t;
    },

    async deleteClusterTarget(ctx, { params }) {
      const org = requireOrg(ctx);
      const row = await findClusterRow(ctx.db, org.id, params.clusterId);
      const r = await ctx.db.query<{ namespace: string }>("DELETE FROM cluster_targets WHERE id = $1 AND cluster_id = $2 AND org_id = $3 RETURNING namespace", [params.targetId, row.id, org.id]);
      if (!r.rows[0]) throw new AppError("not_found", "binding not found");
      ctx.audit.target = { type: "cluster", id: row.id, name: row.slug };
      ctx.audit.summary = { target: params.targetId, namespace: r.rows[0].namespace };
      return { ok: true as const };
    },
  };
}
