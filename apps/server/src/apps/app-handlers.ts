import { randomUUID } from "node:crypto";
import { AppDocument, AppError, type AppSpec, appTemplates, canonicalJson } from "@meridian/core";
import { stringify } from "yaml";
import type { Handlers, RequestContext } from "../http/context.js";
import { requireAccess, requireActor, requireOrg } from "../http/context.js";
import { type AppRow, describeSource, findAppRow, getAppRow, listAppRows, loadEnvironmentStatuses, toApp } from "./app-records.js";
import { loadDeployment, targetOf } from "./deployment-state.js";
import type { ReleaseEngine } from "./release-engine.js";

type AppHandlers = Pick<Handlers, "listApps" | "listAppTemplates" | "getApp" | "putApp" | "deleteApp" | "exportApp" | "exportProjectApps">;

export interface AppHandlerDeps {
  engine: ReleaseEngine;
  driverFor: Parameters<typeof import("./release-engine.js").createReleaseEngine>[0]["driverFor"];
}

function documentOf(row: AppRow): AppDocument {
  return { apiVersion: "meridian.dev/v1", kind: "App", metadata: { name: row.slug, project: row.project_slug, ...(row.description ? { description: row.description } : {}) }, spec: row.spec as AppSpec };
}

function exportBody(docs: AppDocument[], format: "yaml" | "json", filename: string) {
  if (format === "json") return { raw: true as const, contentType: "application/json", body: `${JSON.stringify(docs.length === 1 ? docs[0] : docs, null, 2)}\n`, filename: `${filename}.json` };
  return { raw: true as const, contentType: "application/yaml", body: docs.map((d) => stringify(d, { lineWidth: 0 })).join("---\n"), filename: `${filename}.yaml` };
}

export function createAppHandlers(deps: AppHandlerDeps): AppHandlers {
  const observation = (appId: string, envId: string) => deps.engine.observation(appId, envId);
  const view = async (ctx: RequestContext, row: AppRow, live: boolean) => {
    const envs = (await loadEnvironmentStatuses(ctx.db, row.org_id, [row])).get(row.id) ?? [];
    if (live) await Promise.all(envs.filter((e) => e.deployed).map((e) => deps.engine.observeNow(row.id, e.environment_id)));
    const access = requireAccess(ctx);
    const visible = envs.filter((e) => access.can("app:read", { kind: "environment", projectId: row.project_id, environmentId: e.environment_id }));
    return toApp(row, visible, observation);
  };
  return {
    async listApps(ctx, { query }) {
      const org = requireOrg(ctx);
      const projects = requireAccess(ctx).projectsWith("app:read");
      const ids = projects === "all" ? (query.projectId ? [query.projectId] : "all") : query.projectId ? projects.filter((p) => p === query.projectId) : projects;
      const rows = await listAppRows(ctx.db, org.id, { projectIds: ids, q: query.q, after: query.cursor, limit: query.limit + 1 });
      const page = rows.slice(0, query.limit);
      const envs = await loadEnvironmentStatuses(ctx.db, org.id, page);
      const access = requireAccess(ctx);
      const items = page.map((r) => {
        const visible = (envs.get(r.id) ?? []).filter((e) => access.can("app:read", { kind: "environment", projectId: r.project_id, environmentId: e.environment_id }));
        const { spec, ...rest } = toApp(r, visible, observation);
        return { ...rest, source: describeSource(spec) };
      });
      const last = page[page.length - 1];
      return { items, nextCursor: rows.length > query.limit && last ? `${last.project_slug}/${last.slug}` : null };
    },
    async listAppTemplates() {
      return { items: appTemplates.map((t) => ({ id: t.id, name: t.name, description: t.description, document: t.expand({ name: t.id, project: "my-project" }) as unknown as Record<string, unknown> })) };
    },
    async getApp(ctx, { params }) {
      return view(ctx, await getAppRow(ctx.db, requireOrg(ctx).id, params.projectId, params.app), true);
    },
    async putApp(ctx, { params, body }) {
      const org = requireOrg(ctx);
      const actor = requireActor(ctx);
      // Row lock: concurrent PUTs of one app are ordered, so the version check above can't race.
      await ctx.db.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`app|${params.projectId}|${params.app}`]);
      const before = await findAppRow(ctx.db, org.id, params.projectId, params.app);
      if (before && body.createOnly) throw new AppError("conflict", `app ${params.app} already exists in this project`);
      if (body.expectedSpecVersion !== undefined && (before?.spec_version ?? 0) !== body.expectedSpecVersion) {
        throw new AppError("conflict", before ? `the app changed meanwhile (now at version ${before.spec_version}, you edited ${body.expectedSpecVersion}): reload and apply your change again` : `app ${params.app} does not exist`);
      }
      if (!before && !requireAccess(ctx).can("app:create", { kind: "project", projectId: params.projectId })) {
        throw new AppError("forbidden", "creating an app needs the app:create permission in this project");
      }
      // Environment overrides must name environments of the project, so a typo doesn't silently do nothing.
      const envs = await ctx.db.query<{ slug: string }>("SELECT slug FROM environments WHERE project_id = $1", [params.projectId]);
      const known = new Set(envs.rows.map((e) => e.slug));
      const unknown = Object.keys(body.spec.environments).filter((e) => !known.has(e));
      if (unknown.length > 0) {
        throw new AppError("invalid_input", `unknown environment ${unknown.join(", ")}: this project has ${[...known].join(", ") || "no environments"}`, {
          details: { issues: unknown.map((e) => ({ path: `body.spec.environments.${e}`, message: "no such environment in the project" })) },
        });
      }
      const spec = JSON.stringify(body.spec);
      if (before) {
        // jsonb reorders keys: compare canonical forms so re-applying an exported document changes nothing.
        const changed = canonicalJson(before.spec) !== canonicalJson(body.spec) || (body.description !== undefined && body.description !== before.description);
        if (changed) {
          await ctx.db.query("UPDATE apps SET spec = $2, description = coalesce($3, description), spec_version = spec_version + 1, updated_at = $4 WHERE id = $1", [before.id, spec, body.description ?? null, ctx.now.toISOString()]);
        }
        ctx.audit.target = { type: "app", id: before.id, name: params.app };
        ctx.audit.summary = { action: changed ? "updated" : "unchanged", source: describeSource(body.spec) };
      } else {
        const id = randomUUID();
        await ctx.db.query("INSERT INTO apps (id, org_id, project_id, slug, description, spec, created_at, updated_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$7,$8)", [
          id,
          org.id,
          params.projectId,
          params.app,
          body.description ?? "",
          spec,
          ctx.now.toISOString(),
          actor.userId,
        ]);
        ctx.audit.target = { type: "app", id, name: params.app };
        ctx.audit.summary = { action: "created", source: describeSource(body.spec) };
      }
      const row = await getAppRow(ctx.db, org.id, params.projectId, params.app);
      ctx.reply.status(before ? 200 : 201);
      return { ...(await view(ctx, row, false)), created: !before };
    },
    async deleteApp(ctx, { params }) {
      const org = requireOrg(ctx);
      const row = await getAppRow(ctx.db, org.id, params.projectId, params.app);
      const deployments = await ctx.db.query<{ environment_id: string }>("SELECT environment_id FROM app_deployments WHERE app_id = $1", [row.id]);
      // Remove the app from its clusters first: if a cluster can't be reached, nothing is forgotten and the
      // delete can be retried.
      for (const d of deployments.rows) {
        const dep = await loadDeployment(ctx.db, row.id, d.environment_id);
        if (!dep) continue;
        await deps.driverFor(dep.cluster_id).deleteApp(targetOf(dep));
        deps.engine.forget(row.id, d.environment_id);
      }
      await ctx.db.query("DELETE FROM apps WHERE id = $1", [row.id]);
      ctx.audit.target = { type: "app", id: row.id, name: row.slug };
      ctx.audit.summary = { environments: deployments.rowCount };
      return { ok: true as const };
    },
    async exportApp(ctx, { params, query }) {
      const row = await getAppRow(ctx.db, requireOrg(ctx).id, params.projectId, params.app);
      return exportBody([documentOf(row)], query.format, row.slug);
    },
    async exportProjectApps(ctx, { params, query }) {
      const rows = await listAppRows(ctx.db, requireOrg(ctx).id, { projectIds: [params.projectId], limit: 10_000 });
      return exportBody(rows.map(documentOf), query.format, rows[0]?.project_slug ?? "apps");
    },
  };
}
