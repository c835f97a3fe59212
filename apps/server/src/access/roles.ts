import { randomUUID } from "node:crypto";
import { AppError, isKnownPermission, type Role } from "@meridian/core";
import { buildKeyset, finishPage, type Queryable } from "@meridian/db";
import { diff } from "../audit/change-summary.js";
import type { Access, Handlers } from "../http/context.js";
import { requireAccess, requireOrg } from "../http/context.js";
import { insertUnique, slugTaken } from "../orgs/sql-errors.js";
import type { AccessService } from "./access-service.js";

export interface RoleRow {
  id: string;
  slug: string;
  name: string;
  description: string;
  permissions: string[];
  builtin: boolean;
  created_at: string;
}
export const toRole = (r: RoleRow): Role => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  description: r.description,
  permissions: r.permissions,
  builtin: r.builtin,
  createdAt: r.created_at,
});

export async function getRoleRow(db: Queryable, orgId: string, roleId: string): Promise<RoleRow> {
  const r = await db.query<RoleRow>("SELECT * FROM roles WHERE org_id = $1 AND id = $2", [orgId, roleId]);
  if (!r.rows[0]) throw new AppError("not_found", "role not found");
  return r.rows[0];
}

function validatePermissions(perms: readonly string[]): string[] {
  const unknown = perms.filter((p) => !isKnownPermission(p));
  if (unknown.length > 0) {
    throw new AppError("invalid_input", `unknown permissions: ${unknown.join(", ")}`, {
      details: { issues: unknown.map((p) => ({ path: "body.permissions", message: `unknown permission ${p}` })) },
    });
  }
  return [...new Set(perms)].sort();
}

/** A custom role may hold only permissions its author holds across the organization, unless role:escalate. */
function assertMayDefine(access: Access, perms: readonly string[]) {
  const org = { kind: "organization" } as const;
  if (access.can("role:escalate", org)) return;
  const missing = access.missing(perms, org);
  if (missing.length > 0) throw new AppError("forbidden", `a role cannot hold permissions you lack: ${missing.slice(0, 5).join(", ")}`, { details: { missing } });
}

type RoleHandlers = Pick<Handlers, "listRoles" | "createRole" | "getRole" | "updateRole" | "deleteRole">;

export function createRoleHandlers(deps: { access: AccessService }): RoleHandlers {
  return {
    async listRoles(ctx, { query }) {
      const org = requireOrg(ctx);
      const params: unknown[] = [org.id, query.q ? `%${query.q}%` : null];
      const ks = buildKeyset({ sortColumns: { name: "name", createdAt: "created_at" }, idColumn: "id", sort: query.sort, defaultSort: "name", cursor: query.cursor, limit: query.limit }, params);
      const r = await ctx.db.query<RoleRow>(`SELECT * FROM roles WHERE org_id = $1 AND ($2::text IS NULL OR name ILIKE $2 OR slug ILIKE $2)${ks.where}${ks.orderLimit}`, params);
      return finishPage(r.rows, query.limit, (row) => (ks.sortField === "name" ? row.name : row.created_at), toRole);
    },
    async createRole(ctx, { body }) {
      const org = requireOrg(ctx);
      const perms = validatePermissions(body.permissions);
      assertMayDefine(requireAccess(ctx), perms);
      const id = randomUUID();
      await insertUnique(
        ctx.db.query("INSERT INTO roles (id, org_id, slug, name, description, permissions, builtin, created_at) VALUES ($1,$2,$3,$4,$5,$6,false,$7)", [id, org.id, body.slug, body.name, body.description, perms, ctx.now.toISOString()]),
        () => slugTaken(body.slug, "this organization's roles"),
      );
      ctx.audit.target = { type: "role", id, name: body.slug };
      ctx.audit.summary = { permissions: perms };
      return toRole(await getRoleRow(ctx.db, org.id, id));
    },
    async getRole(ctx, { params }) {
      return toRole(await getRoleRow(ctx.db, requireOrg(ctx).id, params.roleId));
    },
    async updateRole(ctx, { params, body }) {
      const org = requireOrg(ctx);
      const before = await getRoleRow(ctx.db, org.id, params.roleId);
      ctx.audit.target = { type: "role", id: before.id, name: before.slug };
      if (before.builtin) throw new AppError("conflict", "built-in roles cannot be changed; create a custom role instead");
      const perms = body.permissions ? validatePermissions(body.permissions) : undefined;
      if (perms) assertMayDefine(requireAccess(ctx), perms);
      await ctx.db.query("UPDATE roles SET name = coalesce($3, name), description = coalesce($4, description), permissions = coalesce($5, permissions) WHERE org_id = $1 AND id = $2", [
        org.id,
        before.id,
        body.name ?? null,
        body.description ?? null,
        perms ?? null,
      ]);
      ctx.audit.summary = diff({ name: before.name, description: before.description, permissions: before.permissions }, { ...body, permissions: perms });
      ctx.afterCommit(() => deps.access.invalidateOrg(org.id));
      return toRole(await getRoleRow(ctx.db, org.id, before.id));
    },
    async deleteRole(ctx, { params }) {
      const org = requireOrg(ctx);
      const role = await getRoleRow(ctx.db, org.id, params.roleId);
      ctx.audit.target = { type: "role", id: role.id, name: role.slug };
      if (role.builtin) throw new AppError("conflict", "built-in roles cannot be deleted");
      const used = await ctx.db.query<{ n: number }>(
        "SELECT ((SELECT count(*) FROM role_bindings WHERE role_id = $1) + (SELECT count(*) FROM api_tokens WHERE role_id = $1 AND revoked_at IS NULL))::int AS n",
        [role.id],
      );
      if ((used.rows[0]?.n ?? 0) > 0) throw new AppError("conflict", `the role is still granted ${used.rows[0]?.n} time(s); remove those bindings and tokens first`);
      await ctx.db.query("DELETE FROM roles WHERE id = $1", [role.id]);
      return { ok: true as const };
    },
  };
}
