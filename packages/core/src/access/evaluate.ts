import { expandPermissions, type Permission, permissionMatches } from "./permissions.js";

/** Where a grant applies or a resource lives. Lower scopes inherit grants from the ones above them. */
export type Scope =
  | { kind: "organization" }
  | { kind: "project"; projectId: string }
  | { kind: "environment"; projectId: string; environmentId: string };

export interface Grant {
  permissions: readonly string[];
  scope: Scope;
}

/** True when a grant made at `grantScope` applies to something at `target` (same scope or below it). */
export function scopeCovers(grantScope: Scope, target: Scope): boolean {
  switch (grantScope.kind) {
    case "organization":
      return true;
    case "project":
      return target.kind !== "organization" && target.projectId === grantScope.projectId;
    case "environment":
      return target.kind === "environment" && target.environmentId === grantScope.environmentId;
    default: {
      const never: never = grantScope;
      return never;
    }
  }
}

export function isAllowed(grants: readonly Grant[], permission: Permission, target: Scope): boolean {
  for (const g of grants) {
    if (!scopeCovers(g.scope, target)) continue;
    if (g.permissions.some((p) => permissionMatches(p, permission))) return true;
  }
  return false;
}

/** True if the permission is held anywhere (used to gate list endpoints that then filter per item). */
export function isAllowedSomewhere(grants: readonly Grant[], permission: Permission): boolean {
  return grants.some((g) => g.permissions.some((p) => permissionMatches(p, permission)));
}

/**
 * Kubernetes' escalation rule: a subject may grant only permissions it holds itself at the scope of the
 * grant. Returns the permissions (wildcards expanded) that `grants` lack; empty means allowed.
 */
export function findMissingPermissions(grants: readonly Grant[], wanted: readonly string[], target: Scope): Permission[] {
  return expandPermissions(wanted).filter((p) => !isAllowed(grants, p, target));
}

export function scopeKey(scope: Scope): string {
  switch (scope.kind) {
    case "organization":
      return "organization";
    case "project":
      return `project:${scope.projectId}`;
    case "environment":
      return `environment:${scope.environmentId}`;
    default: {
      const never: never = scope;
      return never;
    }
  }
}
