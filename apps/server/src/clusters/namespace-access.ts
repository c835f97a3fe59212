import { AppError, type Permission } from "@meridian/core";
import type { Queryable } from "@meridian/db";
import type { Access } from "../http/context.js";
import type { Visibility } from "./inventory-query.js";

/**
 * Who may see or touch what inside clusters. With a permission at organization scope: everything. With it at
 * project or environment scope: the namespaces (Swarm stacks) bound to those environments, and nothing
 * cluster-wide (nodes, volumes, CRDs) unless cluster:read is held organization-wide.
 */
interface TargetRow {
  cluster_id: string;
  namespace: string;
  project_id: string;
  environment_id: string;
}

export async function visibilityOf(db: Queryable, access: Access, orgId: string, permission: Permission): Promise<Visibility> {
  if (access.can(permission, { kind: "organization" })) return "all";
  const r = await db.query<TargetRow>("SELECT cluster_id, namespace, project_id, environment_id FROM cluster_targets WHERE org_id = $1", [orgId]);
  const namespaces = new Set<string>();
  for (const t of r.rows) {
    if (access.can(permission, { kind: "environment", projectId: t.project_id, environmentId: t.environment_id })) namespaces.add(`${t.cluster_id}/${t.namespace}`);
  }
  return { namespaces, clusterWide: access.can("cluster:read", { kind: "organization" }) };
}

/** Throws forbidden unless the caller holds `permission` for this namespace of this cluster. */
export async function authorizeNamespace(db: Queryable, access: Access, orgId: string, clusterId: string, namespace: string | null | undefined, permission: Permission): Promise<void> {
  if (access.can(permission, { kind: "organization" })) return;
  if (!namespace) {
    throw new AppError("forbidden", `you need the ${permission} permission on the organization for cluster-wide objects`, { details: { permission } });
  }
  const r = await db.query<TargetRow>("SELECT cluster_id, namespace, project_id, environment_id FROM cluster_targets WHERE org_id = $1 AND cluster_id = $2 AND namespace = $3", [orgId, clusterId, namespace]);
  if (r.rows.some((t) => access.can(permission, { kind: "environment", projectId: t.project_id, environmentId: t.environment_id }))) return;
  throw new AppError("forbidden", `you need the ${permission} permission on an environment bound to namespace ${namespace} of this cluster`, { details: { permission, namespace } });
}
