import { findMissingPermissions, type Grant, isAllowed, isAllowedSomewhere, type Permission, type Scope } from "@meridian/core";
import type { Queryable } from "@meridian/db";
import type { Access, Actor, OrgRow } from "../http/context.js";
import { createTtlCache } from "./ttl-cache.js";

interface Loaded {
  member: boolean;
  grants: Grant[];
  roles: string[];
}

export interface AccessService {
  /** The caller's access in `org`, or null when they are not a member (the org then answers 404). */
  getAccess(org: OrgRow, actor: Actor): Promise<Access | null>;
  findOrg(ref: string): Promise<OrgRow | null>;
  /** Drops cached decisions after bindings, roles, teams or memberships of an organization change. */
  invalidateOrg(orgId: string): void;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function scopeOfRow(row: { scope_kind: string; project_id: string | null; environment_id: string | null }): Scope {
  if (row.scope_kind === "environment" && row.project_id && row.environment_id) {
    return { kind: "environment", projectId: row.project_id, environmentId: row.environment_id };
  }
  if (row.scope_kind === "project" && row.project_id) return { kind: "project", projectId: row.project_id };
  return { kind: "organization" };
}

/** The inverse of scopeOfRow: scope_kind, project_id, environment_id column values for a scope. */
export function scopeColumns(scope: Scope): [string, string | null, string | null] {
  return [scope.kind, scope.kind === "organization" ? null : scope.projectId, scope.kind === "environment" ? scope.environmentId : null];
}

/**
 * Loads grants from role bindings (direct and through teams) and caches them briefly. Local changes
 * invalidate at once; other processes see a change within `ttlMs`.
 */
export function createAccessService(deps: { db: Queryable; ttlMs?: number; now?: () => number }): AccessService {
  const ttl = deps.ttlMs ?? 2000;
  const grantsCache = createTtlCache<string, Loaded>(ttl, deps.now);
  const orgCache = createTtlCache<string, OrgRow | null>(ttl, deps.now);

  async function load(orgId: string, userId: string): Promise<Loaded> {
    const res = await deps.db.query<{
      member: boolean;
      permissions: string[] | null;
      slug: string | null;
      scope_kind: string | null;
      project_id: string | null;
      environment_id: string | null;
    }>(
      `SELECT EXISTS (SELECT 1 FROM memberships WHERE org_id = $1 AND user_id = $2) AS member,
              r.permissions, r.slug, b.scope_kind, b.project_id, b.environment_id
         FROM (SELECT 1) AS one
         LEFT JOIN role_bindings b ON b.org_id = $1 AND (
              (b.subject_kind = 'user' AND b.subject_id = $2)
           OR (b.subject_kind = 'team' AND b.subject_id IN (SELECT team_id FROM team_members WHERE org_id = $1 AND user_id = $2)))
         LEFT JOIN roles r ON r.id = b.role_id`,
      [orgId, userId],
    );
    const member = res.rows[0]?.member ?? false;
    const grants: Grant[] = [];
    const roles = new Set<string>();
    for (const row of res.rows) {
      if (!row.permissions || !row.scope_kind) continue;
      const scope = scopeOfRow({ scope_kind: row.scope_kind, project_id: row.project_id, environment_id: row.environment_id });
      grants.push({ permissions: row.permissions, scope });
      if (scope.kind === "organization" && row.slug) roles.add(row.slug);
    }
    return { member, grants, roles: [...roles].sort() };
  }

  return {
    async findOrg(ref) {
      const cached = orgCache.get(ref);
      if (cached !== undefined) return cached;
      const byId = uuidPattern.test(ref);
      const res = await deps.db.query<OrgRow>(
        `SELECT id, slug, name, audit_retention_days AS "auditRetentionDays", created_at AS "createdAt" FROM organizations WHERE ${byId ? "id = $1::uuid" : "slug = $1"}`,
        [ref],
      );
      const org = res.rows[0] ?? null;
      // Only hits are cached: a miss may be an organization about to be created by this very caller.
      if (org) orgCache.set(ref, org);
      return org;
    },
    async getAccess(org, actor) {
      if (actor.kind === "token" && actor.tokenOrgId !== org.id) return null;
      const key = `${org.id}/${actor.userId}`;
      let loaded = grantsCache.get(key);
      if (!loaded) {
        loaded = await load(org.id, actor.userId);
        grantsCache.set(key, loaded);
      }
      if (!loaded.member) return null;
      const userGrants = loaded.grants;
      const tokenGrants = actor.kind === "token" ? [actor.tokenGrant] : null;
      return {
        orgId: org.id,
        roles: loaded.roles,
        can: (p: Permission, s: Scope) => isAllowed(userGrants, p, s) && (!tokenGrants || isAllowed(tokenGrants, p, s)),
        canSomewhere: (p: Permission) => isAllowedSomewhere(userGrants, p) && (!tokenGrants || isAllowedSomewhere(tokenGrants, p)),
        projectsWith(p: Permission) {
          const org: Scope = { kind: "organization" };
          const sets = [userGrants, ...(tokenGrants ? [tokenGrants] : [])].map((gs): "all" | Set<string> => {
            if (isAllowed(gs, p, org)) return "all";
            const ids = new Set<string>();
            for (const g of gs) if (g.scope.kind !== "organization" && isAllowed([g], p, g.scope)) ids.add(g.scope.projectId);
            return ids;
          });
          const limited = sets.filter((x): x is Set<string> => x !== "all");
          if (limited.length === 0) return "all";
          const [first, ...rest] = limited as [Set<string>, ...Set<string>[]];
          return [...first].filter((id) => rest.every((r) => r.has(id)));
        },
        missing(wanted, scope) {
          const m = new Set(findMissingPermissions(userGrants, wanted, scope));
          if (tokenGrants) for (const p of findMissingPermissions(tokenGrants, wanted, scope)) m.add(p);
          return [...m].sort();
        },
      };
    },
    invalidateOrg(orgId) {
      grantsCache.deleteWhere((k) => k.startsWith(`${orgId}/`));
      orgCache.clear();
    },
  };
}
