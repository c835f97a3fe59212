import { randomUUID } from "node:crypto";
import { AppError, type Member } from "@meridian/core";
import { buildKeyset, finishPage, type Queryable } from "@meridian/db";
import type { AccessService } from "../access/access-service.js";
import type { Access, Handlers } from "../http/context.js";
import { requireAccess, requireOrg } from "../http/context.js";

interface MemberRow {
  id: string;
  username: string;
  display_name: string;
  email: string | null;
  joined_at: string;
  roles: { bindingId: string; roleId: string; roleName: string }[];
  teams: { id: string; name: string }[];
}

const memberSelect = `
  SELECT u.id, u.username, u.display_name, u.email, m.created_at AS joined_at,
    coalesce((SELECT json_agg(json_build_object('bindingId', b.id, 'roleId', r.id, 'roleName', r.name) ORDER BY r.name)
       FROM role_bindings b JOIN roles r ON r.id = b.role_id
      WHERE b.org_id = m.org_id AND b.subject_kind = 'user' AND b.subject_id = u.id AND b.scope_kind = 'organization'), '[]') AS roles,
    coalesce((SELECT json_agg(json_build_object('id', t.id, 'name', t.name) ORDER BY t.name)
       FROM team_members tm JOIN teams t ON t.id = tm.team_id WHERE tm.org_id = m.org_id AND tm.user_id = u.id), '[]') AS teams
  FROM memberships m JOIN users u ON u.id = m.user_id`;

const toMember = (r: MemberRow): Member => ({
  userId: r.id,
  username: r.username,
  displayName: r.display_name,
  email: r.email,
  roles: r.roles,
  teams: r.teams,
  joinedAt: r.joined_at,
});

export async function getMemberRow(db: Queryable, orgId: string, userId: string): Promise<MemberRow> {
  const r = await db.query<MemberRow>(`${memberSelect} WHERE m.org_id = $1 AND m.user_id = $2`, [orgId, userId]);
  const row = r.rows[0];
  if (!row) throw new AppError("not_found", "member not found");
  return row;
}

/** Users holding the owner role directly at organization scope. */
export async function countOwners(db: Queryable, orgId: string, exceptUserId?: string): Promise<number> {
  const r = await db.query<{ n: number }>(
    `SELECT count(DISTINCT b.subject_id)::int AS n FROM role_bindings b JOIN roles r ON r.id = b.role_id
      WHERE b.org_id = $1 AND r.slug = 'owner' AND r.builtin AND b.subject_kind = 'user' AND b.scope_kind = 'organization'
        AND ($2::uuid IS NULL OR b.subject_id <> $2::uuid)`,
    [orgId, exceptUserId ?? null],
  );
  return r.rows[0]?.n ?? 0;
}

/** Escalation rule: granting a role needs every permission in it, or `role:bind`. */
export function assertMayGrant(access: Access, role: { name: string; permissions: readonly string[] }, scope: Parameters<Access["can"]>[1]): void {
  if (access.can("role:bind", scope)) return;
  const missing = access.missing(role.permissions, scope);
  if (missing.length > 0) {
    throw new AppError("forbidden", `you cannot grant the role ${role.name}: you lack ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", …" : ""}`, {
      details: { missing },
    });
  }
}

type MemberHandlers = Pick<Handlers, "listMembers" | "getMember" | "setMemberRoles" | "removeMember">;

export function createMemberHandlers(deps: { access: AccessService; forgetTokens: () => void }): MemberHandlers {
  return {
    async listMembers(ctx, { query }) {
      const org = requireOrg(ctx);
      const params: unknown[] = [org.id, query.q ? `%${query.q}%` : null];
      const ks = buildKeyset(
        { sortColumns: { username: "u.username", joinedAt: "m.created_at" }, idColumn: "u.id", sort: query.sort, defaultSort: "username", cursor: query.cursor, limit: query.limit },
        params,
      );
      const r = await ctx.db.query<MemberRow>(
        `${memberSelect} WHERE m.org_id = $1 AND ($2::text IS NULL OR u.username ILIKE $2 OR u.display_name ILIKE $2 OR u.email ILIKE $2)${ks.where}${ks.orderLimit}`,
        params,
      );
      return finishPage(r.rows, query.limit, (row) => (ks.sortField === "username" ? row.username : row.joined_at), toMember);
    },
    async getMember(ctx, { params }) {
      return toMember(await getMemberRow(ctx.db, requireOrg(ctx).id, params.userId));
    },
    async setMemberRoles(ctx, { params, body }) {
      const org = requireOrg(ctx);
      const access = requireAccess(ctx);
      const member = await getMemberRow(ctx.db, org.id, params.userId);
      ctx.audit.target = { type: "member", id: member.id, name: member.username };
      const wanted = [...new Set(body.roleIds)];
      const roles = await ctx.db.query<{ id: string; name: string; slug: string; permissions: string[] }>(
        "SELECT id, name, slug, permissions FROM roles WHERE org_id = $1 AND id = ANY($2::uuid[])",
        [org.id, wanted],
      );
      if (roles.rowCount !== wanted.length) throw new AppError("not_found", "role not found", { details: { issues: [{ path: "body.roleIds", message: "unknown role" }] } });
      const current = new Map(member.roles.map((r) => [r.roleId, r.bindingId]));
      const added = roles.rows.filter((r) => !current.has(r.id));
      const removed = member.roles.filter((r) => !wanted.includes(r.roleId));
      for (const role of added) assertMayGrant(access, role, { kind: "organization" });
      if (removed.length > 0 && !access.can("rolebinding:delete", { kind: "organization" })) {
        throw new AppError("forbidden", "you need the rolebinding:delete permission to take roles away");
      }
      for (const role of added) {
        await ctx.db.query(
          "INSERT INTO role_bindings (id, org_id, role_id, subject_kind, subject_id, scope_kind, created_at, created_by) VALUES ($1, $2, $3, 'user', $4, 'organization', $5, $6)",
          [randomUUID(), org.id, role.id, member.id, ctx.now.toISOString(), ctx.actor?.userId ?? null],
        );
      }
      for (const r of removed) await ctx.db.query("DELETE FROM role_bindings WHERE id = $1 AND org_id = $2", [r.bindingId, org.id]);
      if ((await countOwners(ctx.db, org.id)) === 0) throw new AppError("conflict", "an organization needs at least one owner");
      ctx.audit.summary = { added: added.map((r) => r.name), removed: removed.map((r) => r.roleName) };
      ctx.afterCommit(() => deps.access.invalidateOrg(org.id));
      return toMember(await getMemberRow(ctx.db, org.id, member.id));
    },
    async removeMember(ctx, { params }) {
      const org = requireOrg(ctx);
      const member = await getMemberRow(ctx.db, org.id, params.userId);
      ctx.audit.target = { type: "member", id: member.id, name: member.username };
      if ((await countOwners(ctx.db, org.id, member.id)) === 0) throw new AppError("conflict", "cannot remove the last owner of an organization");
      await ctx.db.query("DELETE FROM role_bindings WHERE org_id = $1 AND subject_kind = 'user' AND subject_id = $2", [org.id, member.id]);
      await ctx.db.query("DELETE FROM team_members WHERE org_id = $1 AND user_id = $2", [org.id, member.id]);
      const tokens = await ctx.db.query("DELETE FROM api_tokens WHERE org_id = $1 AND user_id = $2", [org.id, member.id]);
      await ctx.db.query("DELETE FROM memberships WHERE org_id = $1 AND user_id = $2", [org.id, member.id]);
      ctx.audit.summary = { roles: member.roles.map((r) => r.roleName), teams: member.teams.map((t) => t.name), tokensDeleted: tokens.rowCount ?? 0 };
      ctx.afterCommit(() => {
        deps.access.invalidateOrg(org.id);
        deps.forgetTokens();
      });
      return { ok: true as const };
    },
  };
}
