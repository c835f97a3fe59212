import { randomUUID } from "node:crypto";
import { AppError, type Environment, type Project } from "@meridian/core";
import { buildKeyset, finishPage, type Queryable } from "@meridian/db";
import type { AccessService } from "../access/access-service.js";
import { diff } from "../audit/change-summary.js";
import type { Handlers } from "../http/context.js";
import { requireAccess, requireOrg } from "../http/context.js";
import { insertUnique, slugTaken } from "./sql-errors.js";

interface ProjectRow {
  id: string;
  slug: string;
  name: string;
  description: string;
  team_id: string | null;
  environment_count: number;
  created_at: string;
}
interface EnvRow {
  id: string;
  project_id: string;
  slug: string;
  name: string;
  position: number;
  protected: boolean;
  created_at: string;
}

const projectSelect = "SELECT p.id, p.slug, p.name, p.description, p.team_id, p.created_at, p.environment_count FROM projects p";
const toProject = (r: ProjectRow): Project => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  description: r.description,
  teamId: r.team_id,
  environmentCount: r.environment_count,
  createdAt: r.created_at,
});
const toEnvironment = (r: EnvRow): Environment => ({
  id: r.id,
  projectId: r.project_id,
  slug: r.slug,
  name: r.name,
  position: r.position,
  protected: r.protected,
  createdAt: r.created_at,
});

const defaultEnvironments = ["dev", "staging", "prod"];
const titleOf = (slug: string) => slug.charAt(0).toUpperCase() + slug.slice(1);
const isProdLike = (slug: string) => slug === "prod" || slug === "production";

async function getProjectRow(db: Queryable, orgId: string, projectId: string): Promise<ProjectRow> {
  const r = await db.query<ProjectRow>(`${projectSelect} WHERE p.org_id = $1 AND p.id = $2`, [orgId, projectId]);
  if (!r.rows[0]) throw new AppError("not_found", "project not found");
  return r.rows[0];
}
async function getEnvRow(db: Queryable, orgId: string, projectId: string, envId: string): Promise<EnvRow> {
  const r = await db.query<EnvRow>("SELECT * FROM environments WHERE org_id = $1 AND project_id = $2 AND id = $3", [orgId, projectId, envId]);
  if (!r.rows[0]) throw new AppError("not_found", "environment not found");
  return r.rows[0];
}
async function assertTeamInOrg(db: Queryable, orgId: string, teamId: string | null | undefined) {
  if (!teamId) return;
  const r = await db.query("SELECT 1 FROM teams WHERE org_id = $1 AND id = $2", [orgId, teamId]);
  if (r.rowCount === 0) throw new AppError("not_found", "team not found", { details: { issues: [{ path: "body.teamId", message: "no such team" }] } });
}

async function insertEnvironment(db: Queryable, orgId: string, projectId: string, e: { slug: string; name?: string; protected?: boolean; position: number }, now: Date): Promise<EnvRow> {
  const r = await insertUnique(
    db.query<EnvRow>(
      `INSERT INTO environments (id, org_id, project_id, slug, name, position, protected, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING *`,
      [randomUUID(), orgId, projectId, e.slug, e.name ?? titleOf(e.slug), e.position, e.protected ?? isProdLike(e.slug), now.toISOString()],
    ),
    () => slugTaken(e.slug, "this project"),
  );
  return r.rows[0] as EnvRow;
}

type ProjectHandlers = Pick<
  Handlers,
  "listProjects" | "createProject" | "getProject" | "updateProject" | "deleteProject" | "listEnvironments" | "createEnvironment" | "getEnvironment" | "updateEnvironment" | "deleteEnvironment"
>;

export function createProjectHandlers(deps: { access: AccessService }): ProjectHandlers {
  return {
    async listProjects(ctx, { query }) {
      const org = requireOrg(ctx);
      const visible = requireAccess(ctx).projectsWith("project:read");
      const params: unknown[] = [org.id, query.q ? `%${query.q}%` : null, visible === "all" ? null : visible];
      const ks = buildKeyset({ sortColumns: { name: "p.name", createdAt: "p.created_at" }, idColumn: "p.id", sort: query.sort, defaultSort: "name", cursor: query.cursor, limit: query.limit }, params);
      const r = await ctx.db.query<ProjectRow>(
        `${projectSelect} WHERE p.org_id = $1 AND ($2::text IS NULL OR p.name ILIKE $2 OR p.slug ILIKE $2)
           AND ($3::uuid[] IS NULL OR p.id = ANY($3::uuid[]))${ks.where}${ks.orderLimit}`,
        params,
      );
      return finishPage(r.rows, query.limit, (row) => (ks.sortField === "name" ? row.name : row.created_at), toProject);
    },
    async createProject(ctx, { body }) {
      const org = requireOrg(ctx);
      await assertTeamInOrg(ctx.db, org.id, body.teamId);
      const id = randomUUID();
      await insertUnique(
        ctx.db.query("INSERT INTO projects (id, org_id, slug, name, description, team_id, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7)", [id, org.id, body.slug, body.name, body.description, body.teamId, ctx.now.toISOString()]),
        () => slugTaken(body.slug, "this organization"),
      );
      const envs = [...new Set(body.environments ?? defaultEnvironments)];
      for (const [i, slug] of envs.entries()) await insertEnvironment(ctx.db, org.id, id, { slug, position: i }, ctx.now);
      ctx.audit.target = { type: "project", id, name: body.slug };
      ctx.audit.summary = { name: body.name, teamId: body.teamId, environments: envs };
      return toProject(await getProjectRow(ctx.db, org.id, id));
    },
    async getProject(ctx, { params }) {
      return toProject(await getProjectRow(ctx.db, requireOrg(ctx).id, params.projectId));
    },
    async updateProject(ctx, { params, body }) {
      const org = requireOrg(ctx);
      const before = await getProjectRow(ctx.db, org.id, params.projectId);
      await assertTeamInOrg(ctx.db, org.id, body.teamId);
      await ctx.db.query(
        `UPDATE projects SET name = coalesce($3, name), description = coalesce($4, description),
            team_id = CASE WHEN $5 THEN $6::uuid ELSE team_id END WHERE org_id = $1 AND id = $2`,
        [org.id, before.id, body.name ?? null, body.description ?? null, body.teamId !== undefined, body.teamId ?? null],
      );
      ctx.audit.target = { type: "project", id: before.id, name: before.slug };
      ctx.audit.summary = diff({ name: before.name, description: before.description, teamId: before.team_id }, body);
      return toProject(await getProjectRow(ctx.db, org.id, before.id));
    },
    async deleteProject(ctx, { params }) {
      const org = requireOrg(ctx);
      const p = await getProjectRow(ctx.db, org.id, params.projectId);
      ctx.audit.target = { type: "project", id: p.id, name: p.slug };
      ctx.audit.summary = { environments: p.environment_count };
      await ctx.db.query("DELETE FROM projects WHERE org_id = $1 AND id = $2", [org.id, p.id]);
      ctx.afterCommit(() => deps.access.invalidateOrg(org.id));
      return { ok: true as const };
    },
    async listEnvironments(ctx, { params }) {
      const org = requireOrg(ctx);
      const access = requireAccess(ctx);
      const all = access.can("environment:read", { kind: "project", projectId: params.projectId });
      const r = await ctx.db.query<EnvRow>("SELECT * FROM environments WHERE org_id = $1 AND project_id = $2 ORDER BY position, slug", [org.id, params.projectId]);
      const rows = all ? r.rows : r.rows.filter((e) => access.can("environment:read", { kind: "environment", projectId: e.project_id, environmentId: e.id }));
      return { items: rows.map(toEnvironment) };
    },
    async createEnvironment(ctx, { params, body }) {
      const org = requireOrg(ctx);
      await getProjectRow(ctx.db, org.id, params.projectId);
      const pos = body.position ?? (await ctx.db.query<{ n: number }>("SELECT coalesce(max(position) + 1, 0)::int AS n FROM environments WHERE project_id = $1", [params.projectId])).rows[0]?.n ?? 0;
      const env = await insertEnvironment(ctx.db, org.id, params.projectId, { ...body, position: pos }, ctx.now);
      ctx.audit.target = { type: "environment", id: env.id, name: env.slug };
      ctx.audit.summary = { projectId: params.projectId, protected: env.protected };
      return toEnvironment(env);
    },
    async getEnvironment(ctx, { params }) {
      return toEnvironment(await getEnvRow(ctx.db, requireOrg(ctx).id, params.projectId, params.environmentId));
    },
    async updateEnvironment(ctx, { params, body }) {
      const org = requireOrg(ctx);
      const before = await getEnvRow(ctx.db, org.id, params.projectId, params.environmentId);
      const r = await ctx.db.query<EnvRow>(
        `UPDATE environments SET name = coalesce($2, name), protected = coalesce($3, protected), position = coalesce($4, position)
          WHERE id = $1 RETURNING *`,
        [before.id, body.name ?? null, body.protected ?? null, body.position ?? null],
      );
      ctx.audit.target = { type: "environment", id: before.id, name: before.slug };
      ctx.audit.summary = diff({ name: before.name, protected: before.protected, position: before.position }, body);
      return toEnvironment(r.rows[0] as EnvRow);
    },
    async deleteEnvironment(ctx, { params }) {
      const org = requireOrg(ctx);
      const env = await getEnvRow(ctx.db, org.id, params.projectId, params.environmentId);
      ctx.audit.target = { type: "environment", id: env.id, name: env.slug };
      await ctx.db.query("DELETE FROM environments WHERE id = $1", [env.id]);
      ctx.afterCommit(() => deps.access.invalidateOrg(org.id));
      return { ok: true as const };
    },
  };
}
