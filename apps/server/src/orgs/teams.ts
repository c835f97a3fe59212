import { randomUUID } from "node:crypto";
import { AppError, type Team } from "@meridian/core";
import { buildKeyset, finishPage, type Queryable } from "@meridian/db";
import type { AccessService } from "../access/access-service.js";
import { diff } from "../audit/change-summary.js";
import type { Handlers } from "../http/context.js";
import { requireOrg } from "../http/context.js";
import { insertUnique, slugTaken } from "./sql-errors.js";

interface TeamRow {
  id: string;
  slug: string;
  name: string;
  description: string;
  member_count: number;
  created_at: string;
}
const teamSelect = "SELECT t.id, t.slug, t.name, t.description, t.created_at, t.member_count FROM teams t";
const toTeam = (r: TeamRow): Team => ({ id: r.id, slug: r.slug, name: r.name, description: r.description, memberCount: r.member_count, createdAt: r.created_at });

export async function getTeamRow(db: Queryable, orgId: string, teamId: string): Promise<TeamRow> {
  const r = await db.query<TeamRow>(`${teamSelect} WHERE t.org_id = $1 AND t.id = $2`, [orgId, teamId]);
  if (!r.rows[0]) throw new AppError("not_found", "team not found");
  return r.rows[0];
}

type TeamHandlers = Pick<Handlers, "listTeams" | "createTeam" | "getTeam" | "updateTeam" | "deleteTeam" | "listTeamMembers" | "addTeamMember" | "removeTeamMember">;

export function createTeamHandlers(deps: { access: AccessService }): TeamHandlers {
  return {
    async listTeams(ctx, { query }) {
      const org = requireOrg(ctx);
      const params: unknown[] = [org.id, query.q ? `%${query.q}%` : null];
      const ks = buildKeyset({ sortColumns: { name: "t.name", createdAt: "t.created_at" }, idColumn: "t.id", sort: query.sort, defaultSort: "name", cursor: query.cursor, limit: query.limit }, params);
      const r = await ctx.db.query<TeamRow>(`${teamSelect} WHERE t.org_id = $1 AND ($2::text IS NULL OR t.name ILIKE $2 OR t.slug ILIKE $2)${ks.where}${ks.orderLimit}`, params);
      return finishPage(r.rows, query.limit, (row) => (ks.sortField === "name" ? row.name : row.created_at), toTeam);
    },
    async createTeam(ctx, { body }) {
      const org = requireOrg(ctx);
      const id = randomUUID();
      await insertUnique(
        ctx.db.query("INSERT INTO teams (id, org_id, slug, name, description, created_at) VALUES ($1, $2, $3, $4, $5, $6)", [id, org.id, body.slug, body.name, body.description, ctx.now.toISOString()]),
        () => slugTaken(body.slug, "this organization"),
      );
      ctx.audit.target = { type: "team", id, name: body.slug };
      ctx.audit.summary = { name: body.name };
      return toTeam(await getTeamRow(ctx.db, org.id, id));
    },
    async getTeam(ctx, { params }) {
      return toTeam(await getTeamRow(ctx.db, requireOrg(ctx).id, params.teamId));
    },
    async updateTeam(ctx, { params, body }) {
      const org = requireOrg(ctx);
      const before = await getTeamRow(ctx.db, org.id, params.teamId);
      await ctx.db.query("UPDATE teams SET name = coalesce($3, name), description = coalesce($4, description) WHERE org_id = $1 AND id = $2", [
        org.id,
        params.teamId,
        body.name ?? null,
        body.description ?? null,
      ]);
      ctx.audit.target = { type: "team", id: before.id, name: before.slug };
      ctx.audit.summary = diff({ name: before.name, description: before.description }, body);
      return toTeam(await getTeamRow(ctx.db, org.id, params.teamId));
    },
    async deleteTeam(ctx, { params }) {
      const org = requireOrg(ctx);
      const team = await getTeamRow(ctx.db, org.id, params.teamId);
      ctx.audit.target = { type: "team", id: team.id, name: team.slug };
      const b = await ctx.db.query("DELETE FROM role_bindings WHERE org_id = $1 AND subject_kind = 'team' AND subject_id = $2", [org.id, team.id]);
      await ctx.db.query("DELETE FROM teams WHERE org_id = $1 AND id = $2", [org.id, team.id]);
      ctx.audit.summary = { bindingsDeleted: b.rowCount ?? 0, members: team.member_count };
      ctx.afterCommit(() => deps.access.invalidateOrg(org.id));
      return { ok: true as const };
    },
    async listTeamMembers(ctx, { params }) {
      const org = requireOrg(ctx);
      await getTeamRow(ctx.db, org.id, params.teamId);
      const r = await ctx.db.query<{ id: string; username: string; display_name: string }>(
        "SELECT u.id, u.username, u.display_name FROM team_members tm JOIN users u ON u.id = tm.user_id WHERE tm.team_id = $1 AND tm.org_id = $2 ORDER BY u.username",
        [params.teamId, org.id],
      );
      return { items: r.rows.map((u) => ({ userId: u.id, username: u.username, displayName: u.display_name })) };
    },
    async addTeamMember(ctx, { params }) {
      const org = requireOrg(ctx);
      const team = await getTeamRow(ctx.db, org.id, params.teamId);
      const u = await ctx.db.query<{ username: string }>(
        "SELECT u.username FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 AND m.user_id = $2",
        [org.id, params.userId],
      );
      if (!u.rows[0]) throw new AppError("not_found", "member not found");
      await ctx.db.query("INSERT INTO team_members (team_id, user_id, org_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING", [
        team.id,
        params.userId,
        org.id,
        ctx.now.toISOString(),
      ]);
      ctx.audit.target = { type: "team", id: team.id, name: team.slug };
      ctx.audit.summary = { member: u.rows[0].username };
      ctx.afterCommit(() => deps.access.invalidateOrg(org.id));
      return { ok: true as const };
    },
    async removeTeamMember(ctx, { params }) {
      const org = requireOrg(ctx);
      const team = await getTeamRow(ctx.db, org.id, params.teamId);
      const r = await ctx.db.query("DELETE FROM team_members WHERE team_id = $1 AND user_id = $2 AND org_id = $3", [team.id, params.userId, org.id]);
      if (r.rowCount === 0) throw new AppError("not_found", "that user is not in this team");
      ctx.audit.target = { type: "team", id: team.id, name: team.slug };
      ctx.audit.summary = { memberId: params.userId };
      ctx.afterCommit(() => deps.access.invalidateOrg(org.id));
      return { ok: true as const };
    },
  };
}
