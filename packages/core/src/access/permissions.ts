/**
 * The permission catalog: a permission is `resource:action`. Roles are sets of permissions; `*` matches any
 * resource or action. Kept in core so the web UI can show and check the same catalog the server enforces.
 */
export const resourceTypes = [
  "organization",
  "member",
  "team",
  "project",
  "environment",
  "invitation",
  "role",
  "rolebinding",
  "token",
  "audit",
  "cluster",
  "workload",
  "app",
  "secret",
  "cost",
] as const;
export type ResourceType = (typeof resourceTypes)[number];

export const actions = ["read", "create", "update", "delete", "bind", "escalate", "export", "verify", "logs", "deploy"] as const;
export type Action = (typeof actions)[number];

/** Which actions make sense for which resource; the catalog the UI offers when building a custom role. */
export const permissionCatalog: Record<ResourceType, readonly Action[]> = {
  organization: ["read", "update", "delete"],
  member: ["read", "update", "delete"],
  team: ["read", "create", "update", "delete"],
  project: ["read", "create", "update", "delete"],
  environment: ["read", "create", "update", "delete"],
  invitation: ["read", "create", "delete"],
  role: ["read", "create", "update", "delete", "bind", "escalate"],
  rolebinding: ["read", "create", "delete"],
  token: ["read", "create", "delete"],
  audit: ["read", "export", "verify", "update"],
  // A cluster's connection, health, nodes and cluster-wide objects; bind attaches it to environments.
  cluster: ["read", "create", "update", "delete", "bind"],
  // Objects inside clusters. At organization scope: every namespace; at project or environment scope: the
  // namespaces (Swarm stacks) bound to those environments.
  workload: ["read", "update", "delete", "logs"],
  // Apps of projects: specs, releases (deploy, rollback, promote, abort), logs.
  app: ["read", "create", "update", "delete", "deploy", "logs"],
  // Secrets at organization, project or environment scope: read is names and versions only, never values.
  secret: ["read", "create", "delete"],
  // Cloud bills (FOCUS) and the cost queried from them; create imports a bill file.
  cost: ["read", "create"],
};

export type Permission = `${ResourceType | "*"}:${Action | "*"}`;

export const permissionPattern = /^(\*|[a-z]+):(\*|[a-z]+)$/;

export function isKnownPermission(p: string): p is Permission {
  const m = permissionPattern.exec(p);
  if (!m) return false;
  const [, res, act] = m as unknown as [string, string, string];
  if (res === "*") return act === "*" || (actions as readonly string[]).includes(act);
  if (!(resourceTypes as readonly string[]).includes(res)) return false;
  return act === "*" || (permissionCatalog[res as ResourceType] as readonly string[]).includes(act);
}

export function permissionMatches(granted: string, wanted: Permission): boolean {
  const [gr, ga] = granted.split(":");
  const [wr, wa] = wanted.split(":");
  return (gr === "*" || gr === wr) && (ga === "*" || ga === wa);
}

/** Every concrete permission of the catalog (no wildcards). */
export function listConcretePermissions(): Permission[] {
  const out: Permission[] = [];
  for (const r of resourceTypes) for (const a of permissionCatalog[r]) out.push(`${r}:${a}`);
  return out;
}

/** Expands wildcards into the concrete permissions they grant, for display and escalation checks. */
export function expandPermissions(granted: readonly string[]): Permission[] {
  return listConcretePermissions().filter((p) => granted.some((g) => permissionMatches(g, p)));
}

export interface BuiltinRole {
  slug: string;
  name: string;
  description: string;
  permissions: readonly Permission[];
}

const readEverything: Permission[] = resourceTypes.filter((r) => r !== "token").map((r) => `${r}:read` as Permission);

export const builtinRoles: readonly BuiltinRole[] = [
  { slug: "owner", name: "Owner", description: "Full control of the organization, including deleting it.", permissions: ["*:*"] },
  {
    slug: "admin",
    name: "Admin",
    description: "Manages members, teams, projects, roles and tokens; cannot delete the organization.",
    permissions: [
      "organization:read",
      "organization:update",
      ...(["member", "team", "project", "environment", "invitation", "rolebinding", "token", "audit", "cluster", "workload", "app", "secret", "cost"] as const).map(
        (r) => `${r}:*` as Permission,
      ),
      // Not role:bind or role:escalate: those would let an admin make themselves owner.
      "role:read",
      "role:create",
      "role:update",
      "role:delete",
    ],
  },
  {
    slug: "developer",
    name: "Developer",
    description: "Works in projects and environments; reads the rest.",
    permissions: [
      ...readEverything.filter((p) => p !== "audit:read"),
      "project:create",
      "project:update",
      "environment:create",
      "environment:update",
      "environment:delete",
      "token:create",
      "workload:update",
      "workload:delete",
      "workload:logs",
      "app:create",
      "app:update",
      "app:delete",
      "app:deploy",
      "app:logs",
      "secret:create",
      "secret:delete",
    ],
  },
  {
    slug: "viewer",
    name: "Viewer",
    description: "Reads everything but the audit log; changes nothing.",
    permissions: [...readEverything.filter((p) => p !== "audit:read"), "token:create"],
  },
  {
    slug: "billing",
    name: "Billing",
    description: "Reads the organization, its members and projects for cost and billing work.",
    permissions: ["organization:read", "member:read", "team:read", "project:read", "environment:read", "cluster:read", "token:create", "cost:read", "cost:create"],
  },
];
