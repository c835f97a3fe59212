import { randomUUID } from "node:crypto";
import { AppError, builtinRoles, type Organization } from "@meridian/core";
import { buildKeyset, finishPage, type Queryable } from "@meridian/db";
import type { AccessService } from "../access/access-service.js";
import { diff } from "../audit/change-summary.js";
import type { Handlers } from "../http/context.js";
import { requireActor, requireOrg } from "../http/context.js";
import { insertUnique, slugTaken } from "./sql-errors.js";

interface OrgRow {
  id: string;
  slug: string;
  name: string;
  audit_retention_days: number | null;
  created_at: string;
}
export const toOrganization = (r: OrgRow): Organization => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  auditRetentionDays: r.audit_retention_days,
  createdAt: r.created_at,
});

/** Creates an organization with its built-in roles and makes `ownerId` its owner. */
export async function createOrganizationRecords(tx: Queryable, input: { slug: string; name: string; ownerId: string }, now: Date): Promise<OrgRow> {
  const id = randomUUID();
  const r = await insertUnique(
    tx.query<OrgRow>("INSERT INTO organizations (id, slug, name, created_at) VALUES ($1, $2, $3, $4) RETURNING *", [id, input.slug, input.name, now.toISOString()]),
    () => slugTaken(input.slug, "Meridian (organization slugs are global)"),
  );
  const org = r.rows[0] as OrgRow;
  let ownerRoleId = "";
  for (const role of builtinRoles) {
    const roleId = randomUUID();
    if (role.slug === "owner") ownerRoleId = roleId;
    await tx.query(
      "INSERT INTO roles (id, org_id, slug, name, description, permissions, builtin, created_at) VALUES ($1, $2, $3, $4, $5, $6, true, $7)",
      [roleId, id, role.slug, role.name, role.description, role.permissions, now.toISOString()],
    );
  }
  await tx.query("INSERT INTO memberships (org_id, user_id, created_at) VALUES ($1, $2, $3)", [id, input.ownerId, now.toISOString()]);
  await tx.query(
    "INSERT INTO role_bindings (id, org_id, role_id, subject_kind, subject_id, scope_kind, created_at, created_by) VALUES ($1, $2, $3, 'user', $4, 'organization', $5, $4)",
    [randomUUID(), id, ownerRoleId, input.ownerId, now.toISOString()],
  );
  return org;
}

/** Keeps built-in roles of every organization equal to their definitions in code. */
export async function syncBuiltinRoles(db: Queryable): Promise<void> {
  for (const role of builtinRoles) {
    await db.query("UPDATE roles SET permissions = $2, name = $3, description = $4 WHERE builtin AND slug = $1 AND permissions <> $2", [
      role.slug,
      role.permissions,
      role.name,
      role.description,
    ]);
  }
}

type OrgHandlers = Pick<Handlers, "listOrgs" | "createOrg" | "getOrg" | "updateOrg" | "deleteOrg">;

export function createOrgHandlers(deps: { access: AccessService }): OrgHandlers {
  return {
    async listOrgs(ctx, { query }) {
      const actor = requireActor(ctx);
      const params: unknown[] = [actor.userId, query.q ? `%${query.q}%` : null, actor.kind === "token" ? actor.tokenOrgId : null];
      const ks = buildKeyset({ sortColumns: { name: "o.name", createdAt: "o.created_at" }, idColumn: "o.id", sort: query.sort, defaultSort: "name", cursor: query.cursor, limit: query.limit }, params);
      const r = await ctx.db.query<OrgRow>(
        `SELECT o.* FROM organizations o JOIN memberships m ON m.org_id = o.id AND m.user_id = $1
          WHERE ($2::text IS NULL OR o.name ILIKE $2 OR o.slug ILIKE $2) AND ($3::uuid IS NULL OR o.id = $3::uuid)${ks.where}${ks.orderLimit}`,
        params,
      );
      return finishPage(r.rows, query.limit, (row) => (ks.sortField === "name" ? row.name : row.created_at), toOrganization);
    },
    async createOrg(ctx, { body }) {
      const actor = requireActor(ctx);
      if (actor.kind === "token") throw new AppError("forbidden", "API tokens cannot create organizations");
      const org = await createOrganizationRecords(ctx.db, { ...body, ownerId: actor.userId }, ctx.now);
      ctx.audit.orgIds = [org.id];
      ctx.audit.target = { type: "organization", id: org.id, name: org.slug };
      ctx.audit.summary = { slug: org.slug, name: org.name };
      return toOrganization(org);
    },
    async getOrg(ctx) {
      const org = requireOrg(ctx);
      const r = await ctx.db.query<OrgRow>("SELECT * FROM organizations WHERE id = $1", [org.id]);
      return toOrganization(r.rows[0] as OrgRow);
    },
    async updateOrg(ctx, { body }) {
      const org = requireOrg(ctx);
      const before = (await ctx.db.query<OrgRow>("SELECT * FROM organizations WHERE id = $1 FOR UPDATE", [org.id])).rows[0] as OrgRow;
      const r = await ctx.db.query<OrgRow>(
        `UPDATE organizations SET name = coalesce($2, name),
            audit_retention_days = CASE WHEN $3 THEN $4::integer ELSE audit_retention_days END WHERE id = $1 RETURNING *`,
        [org.id, body.name ?? null, body.auditRetentionDays !== undefined, body.auditRetentionDays ?? null],
      );
      ctx.audit.target = { type: "organization", id: org.id, name: org.slug };
      ctx.audit.summary = diff({ name: before.name, auditRetentionDays: before.audit_retention_days }, body);
      ctx.afterCommit(() => deps.access.invalidateOrg(org.id));
      return toOrganization(r.rows[0] as OrgRow);
    },
    async deleteOrg(ctx) {
      const org = requireOrg(ctx);
      ctx.audit.target = { type: "organization", id: org.id, name: org.slug };
      await ctx.db.query("DELETE FROM organizations WHERE id = $1", [org.id]);
      ctx.afterCommit(() => deps.access.invalidateOrg(org.id));
      return { ok: true as const };
    },
  };
}
