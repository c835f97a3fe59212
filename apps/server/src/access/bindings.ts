import { randomUUID } from "node:crypto";
import { AppError, type BindingScope, type RoleBinding, type Scope } from "@meridian/core";
import { buildKeyset, finishPage, type Queryable } from "@meridian/db";
import type { Handlers } from "../http/context.js";
import { requireAccess, requireOrg } from "../http/context.js";
import { assertMayGrant, countOwners } from "../orgs/members.js";
import { isUniqueViolation } from "../orgs/sql-errors.js";
import { type AccessService, scopeColumns, scopeOfRow } from "./access-service.js";
import { getRoleRow } from "./roles.js";

interface BindingRow {
  id: string;
  role_id: string;
  role_name: string;
  subject_kind: "user" | "team";
  subject_id: string;
  subject_name: string | null;
  scope_kind: string;
  project_id: string | null;
  environment_id: string | null;
  project_slug: string | null;
  environment_slug: string | null;
  created_at: string;
  created_by_name: string | null;
}

const bindingSelect = `SELECT b.id, b.role_id, r.name AS role_name, b.subject_kind, b.subject_id,
    CASE WHEN b.subject_kind = 'user' THEN (SELECT username FROM users WHERE id = b.subject_id)
         ELSE (SELECT name FROM teams WHERE id = b.subject_id) END AS subject_name,
    b.scope_kind, b.project_id, b.environment_id, p.slug AS project_slug, e.slug AS environment_slug, b.created_at,
    (SELECT username FROM users WHERE id = b.created_by) AS created_by_name
  FROM role_bindings b JOIN roles r ON r.id = b.role_id
  LEFT JOIN projects p ON p.id = b.project_id LEFT JOIN environments e ON e.id = b.environment_id`;

export function scopeNameOf(kind: string, projectSlug: string | null, envSlug: string | null): string {
  if (kind === "environment") return `project/${projectSlug}/env/${envSlug}`;
  if (kind === "project") return `project/${projectSlug}`;
  return "organization";
}

const toBinding = (r: BindingRow): RoleBinding => ({
  id: r.id,
  roleId: r.role_id,
  roleName: r.role_name,
  subject: { kind: r.subject_kind, id: r.subject_id, name: r.subject_name ?? "(deleted)" },
  scope: scopeOfRow(r) as BindingScope,
  scopeName: scopeNameOf(r.scope_kind, r.project_slug, r.environment_slug),
  createdAt: r.created_at,
  createdBy: r.created_by_name,
});

/** Checks that a scope's project and environment belong to the organization. */
export async function assertScopeInOrg(db: Queryable, orgId: string, scope: Scope): Promise<void> {
  if (scope.kind === "organization") return;
  const r =
    scope.kind === "project"
      ? await db.query("SELECT 1 FROM projects WHERE id = $1 AND org_id = $2", [scope.projectId, orgId])
      : await db.query("SELECT 1 FROM environments WHERE id = $1 AND project_id = $2 AND org_id = $3", [scope.environmentId, scope.projectId, orgId]);
  if (r.rowCount === 0) throw new AppError("not_found", `${scope.kind} not found`, { details: { issues: [{ path: "body.scope", message: `no such ${scope.kind}` }] } });
}

type BindingHandlers = Pick<Handlers, "listRoleBindings" | "createRoleBinding" | "deleteRoleBinding">;

export function createBindingHandlers(deps: { access: AccessService }): BindingHandlers {
  return {
    async listRoleBindings(ctx, { query }) {
      const org = requireOrg(ctx);
      const params: unknown[] = [org.id, query.subjectKind ?? null, query.subjectId ?? null, query.roleId ?? null];
      const ks = buildKeyset({ sortColumns: { createdAt: "b.created_at" }, idColumn: "b.id", sort: undefined, defaultSort: "createdAt", cursor: query.cursor, limit: query.limit }, params);
      const r = await ctx.db.query<BindingRow>(
        `${bindingSelect} WHERE b.org_id = $1 AND ($2::text IS NULL OR b.subject_kind = $2) AND ($3::uuid IS NULL OR b.subject_id = $3::uuid)
           AND ($4::uuid IS NULL OR b.role_id = $4::uuid)${ks.where}${ks.orderLimit}`,
        params,
      );
      return finishPage(r.rows, query.limit, (row) => row.created_at, toBinding);
    },
    async createRoleBinding(ctx, { body }) {
      const org = requireOrg(ctx);
      const access = requireAccess(ctx);
      const scope = body.scope as Scope;
      await assertScopeInOrg(ctx.db, org.id, scope);
      if (!access.can("rolebinding:create", scope)) throw new AppError("forbidden", "you need the rolebinding:create permission at that scope");
      const role = await getRoleRow(ctx.db, org.id, body.roleId);
      assertMayGrant(access, role, scope);
      const subject =
        body.subject.kind === "user"
          ? await ctx.db.query<{ name: string }>("SELECT u.username AS name FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 AND m.user_id = $2", [org.id, body.subject.id])
          : await ctx.db.query<{ name: string }>("SELECT name FROM teams WHERE org_id = $1 AND id = $2", [org.id, body.subject.id]);
      if (!subject.rows[0]) throw new AppError("not_found", `${body.subject.kind} not found`, { details: { issues: [{ path: "body.subject.id", message: "not in this organization" }] } });
      const id = randomUUID();
      try {
        await ctx.db.query(
          `INSERT INTO role_bindings (id, org_id, role_id, subject_kind, subject_id, scope_kind, project_id, environment_id, created_at, created_by)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
          [
            id,
            org.id,
            role.id,
            body.subject.kind,
            body.subject.id,
            ...scopeColumns(scope),
            ctx.now.toISOString(),
            ctx.actor?.userId ?? null,
          ],
        );
      } catch (e) {
        if (isUniqueViolation(e)) throw new AppError("conflict", "that binding already exists");
        throw e;
      }
      const row = (await ctx.db.query<BindingRow>(`${bindingSelect} WHERE b.id = $1`, [id])).rows[0] as BindingRow;
      ctx.audit.target = { type: "rolebinding", id, name: `${role.slug}@${row.subject_name}` };
      ctx.audit.summary = { role: role.slug, subject: body.subject, subjectName: subject.rows[0].name, scope: toBinding(row).scopeName };
      ctx.afterCommit(() => deps.access.invalidateOrg(org.id));
      return toBinding(row);
    },
    async deleteRoleBinding(ctx, { params }) {
      const org = requireOrg(ctx);
      const row = (await ctx.db.query<BindingRow>(`${bindingSelect} WHERE b.org_id = $1 AND b.id = $2`, [org.id, params.bindingId])).rows[0];
      if (!row) throw new AppError("not_found", "role binding not found");
      const binding = toBinding(row);
      ctx.audit.target = { type: "rolebinding", id: row.id, name: `${row.role_name}@${row.subject_name}` };
      ctx.audit.summary = { role: row.role_name, subject: binding.subject, scope: binding.scopeName };
      if (!requireAccess(ctx).can("rolebinding:delete", binding.scope as Scope)) throw new AppError("forbidden", "you need the rolebinding:delete permission at that scope");
      await ctx.db.query("DELETE FROM role_bindings WHERE id = $1", [row.id]);
      if ((await countOwners(ctx.db, org.id)) === 0) throw new AppError("conflict", "an organization needs at least one owner");
      ctx.afterCommit(() => deps.access.invalidateOrg(org.id));
      return { ok: true as const };
    },
  };
}
