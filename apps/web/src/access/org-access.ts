import { builtinRoles, type Me, type Permission, permissionMatches, type Role } from "@meridian/core";
import { useMemo } from "react";
import { useApiQuery } from "../api/hooks";

export interface OrgAccess {
  /** True when the caller's organization-scope roles grant `p`, or when the roles could not be resolved. */
  can(p: Permission): boolean;
  /** False while roles are unknown; the server still decides every request. */
  known: boolean;
  roleNames: string[];
}

/** Resolves a role reference from /me (id, slug or name) to its permissions. */
export function permissionsOfRoles(refs: readonly string[], roles: readonly Pick<Role, "id" | "slug" | "name" | "permissions">[]): string[] | null {
  // No organization-scope role: grants may come through teams or narrower scopes we cannot see here.
  if (refs.length === 0) return null;
  const out: string[] = [];
  for (const ref of refs) {
    const lower = ref.toLowerCase();
    const role =
      roles.find((r) => r.id === ref || r.slug === lower || r.name.toLowerCase() === lower) ??
      builtinRoles.find((r) => r.slug === lower || r.name.toLowerCase() === lower);
    if (!role) return null;
    out.push(...role.permissions);
  }
  return out;
}

export function accessFrom(permissions: readonly string[] | null, roleNames: string[]): OrgAccess {
  if (permissions === null) return { can: () => true, known: false, roleNames };
  return { can: (p) => permissions.some((g) => permissionMatches(g, p)), known: true, roleNames };
}

export function useOrgAccess(me: Me | undefined, orgRef: string | null): OrgAccess {
  const org = me?.organizations.find((o) => o.slug === orgRef || o.id === orgRef);
  const roles = useApiQuery("listRoles", { params: { orgId: orgRef ?? "none" }, query: { limit: 500 } }, { enabled: !!org });
  return useMemo(() => {
    if (!org) return accessFrom(null, []);
    const perms = permissionsOfRoles(org.roles, roles.data?.items ?? []);
    return accessFrom(perms, org.roles);
  }, [org, roles.data]);
}
