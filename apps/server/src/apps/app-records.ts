import { AppError, type App, type AppEnvironmentStatus, AppSpec, type AppObservation } from "@meridian/core";
import type { Queryable } from "@meridian/db";

export interface AppRow {
  id: string;
  org_id: string;
  project_id: string;
  project_slug: string;
  slug: string;
  description: string;
  spec: unknown;
  spec_version: number;
  created_at: string;
  updated_at: string;
}

const appSelect = "SELECT a.id, a.org_id, a.project_id, p.slug AS project_slug, a.slug, a.description, a.spec, a.spec_version, a.created_at, a.updated_at FROM apps a JOIN projects p ON p.id = a.project_id";

export async function findAppRow(db: Queryable, orgId: string, projectId: string, slug: string): Promise<AppRow | null> {
  const r = await db.query<AppRow>(`${appSelect} WHERE a.org_id = $1 AND a.project_id = $2 AND a.slug = $3`, [orgId, projectId, slug]);
  return r.rows[0] ?? null;
}
export async function getAppRow(db: Queryable, orgId: string, projectId: string, slug: string): Promise<AppRow> {
  const row = await findAppRow(db, orgId, projectId, slug);
  if (!row) throw new AppError("not_found", `app ${slug} not found in this project`);
  return row;
}
export async function listAppRows(db: Queryable, orgId: string, filter: { projectIds: string[] | "all"; q?: string; after?: string; limit: number }): Promise<AppRow[]> {
  const r = await db.query<AppRow>(
    `${appSelect} WHERE a.org_id = $1 AND ($2::uuid[] IS NULL OR a.project_id = ANY($2::uuid[])) AND ($3::text IS NULL OR a.slug ILIKE $3)
       AND ($4::text IS NULL OR (p.slug || '/' || a.slug) > $4) ORDER BY p.slug, a.slug LIMIT $5`,
    [orgId, filter.projectIds === "all" ? null : filter.projectIds, filter.q ? `%${filter.q}%` : null, filter.after ?? null, filter.limit],
  );
  return r.rows;
}

interface EnvStatusRow {
  app_id: string;
  environment_id: string;
  environment_slug: string;
  environment_name: string;
  target_cluster_id: string | null;
  target_cluster_slug: string | null;
  target_runtime: "kubernetes" | "swarm" | null;
  target_namespace: string | null;
  deployed: boolean;
  active_slot: "blue" | "green" | null;
  current_number: number | null;
  current_image: string | null;
  current_finished_at: string | null;
  open_number: number | null;
  open_state: string | null;
  open_step: number | null;
  open_steps: number | null;
  open_step_name: string | null;
}

/** Per environment of each app's project: where it deploys, what serves, what runs now. */
export async function loadEnvironmentStatuses(db: Queryable, orgId: string, apps: AppRow[]): Promise<Map<string, EnvStatusRow[]>> {
  const out = new Map<string, EnvStatusRow[]>();
  if (apps.length === 0) return out;
  const r = await db.query<EnvStatusRow>(
    `SELECT a.id AS app_id, e.id AS environment_id, e.slug AS environment_slug, e.name AS environment_name,
            coalesce(d.cluster_id, t.cluster_id) AS target_cluster_id, c.slug AS target_cluster_slug, c.runtime AS target_runtime,
            coalesce(d.namespace, t.namespace) AS target_namespace, d.app_id IS NOT NULL AS deployed, d.active_slot,
            cur.number AS current_number, cur.image AS current_image, cur.finished_at AS current_finished_at,
            o.number AS open_number, o.state AS open_state, o.step AS open_step, jsonb_array_length(o.steps) AS open_steps, o.steps -> o.step ->> 'name' AS open_step_name
       FROM apps a
       JOIN environments e ON e.project_id = a.project_id
       LEFT JOIN app_deployments d ON d.app_id = a.id AND d.environment_id = e.id
       LEFT JOIN LATERAL (SELECT cluster_id, namespace FROM cluster_targets WHERE environment_id = e.id ORDER BY created_at, id LIMIT 1) t ON true
       LEFT JOIN clusters c ON c.id = coalesce(d.cluster_id, t.cluster_id)
       LEFT JOIN releases cur ON cur.id = d.active_release_id
       LEFT JOIN LATERAL (SELECT number, state, step, steps FROM releases WHERE app_id = a.id AND environment_id = e.id AND state IN ('pending','progressing','paused') ORDER BY number LIMIT 1) o ON true
      WHERE a.org_id = $1 AND a.id = ANY($2::uuid[])
      ORDER BY e.position, e.slug`,
    [orgId, apps.map((a) => a.id)],
  );
  for (const row of r.rows) {
    const list = out.get(row.app_id) ?? [];
    list.push(row);
    out.set(row.app_id, list);
  }
  return out;
}

function toEnvStatus(row: EnvStatusRow, spec: AppSpec, obs: AppObservation | null | undefined): AppEnvironmentStatus {
  const active = obs?.slots.find((s) => s.slot === row.active_slot) ?? null;
  const health: AppEnvironmentStatus["health"] = !row.deployed
    ? "not_deployed"
    : obs === undefined || obs === null
      ? "unknown"
      : obs.slots.some((s) => s.health === "failed")
        ? "failed"
        : obs.slots.length > 0 && obs.slots.every((s) => s.health === "ok")
          ? "ok"
          : "progressing";
  const envSpec = spec.environments[row.environment_slug];
  return {
    environmentId: row.environment_id,
    environmentSlug: row.environment_slug,
    environmentName: row.environment_name,
    target:
      row.target_cluster_id && row.target_runtime && row.target_namespace !== null
        ? { clusterId: row.target_cluster_id, clusterSlug: row.target_cluster_slug ?? "", runtime: row.target_runtime, namespace: row.target_namespace }
        : null,
    deployed: row.deployed,
    activeSlot: row.active_slot,
    current: row.current_number !== null ? { number: row.current_number, image: row.current_image ?? "", finishedAt: row.current_finished_at } : null,
    inProgress: row.open_number !== null ? { number: row.open_number, state: row.open_state as "pending", step: row.open_step ?? 0, steps: row.open_steps ?? 0, stepName: row.open_step_name } : null,
    replicas: active ? { desired: active.desired, ready: active.ready } : null,
    health,
    routes: (envSpec?.routes ?? spec.routes).map((r) => `${r.host}${r.path === "/" ? "" : r.path}`),
  };
}

export function toApp(row: AppRow, envs: EnvStatusRow[], observation: (appId: string, envId: string) => AppObservation | null | undefined): App {
  const spec = AppSpec.parse(row.spec);
  return {
    id: row.id,
    name: row.slug,
    projectId: row.project_id,
    projectSlug: row.project_slug,
    description: row.description,
    spec,
    specVersion: row.spec_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    environments: envs.map((e) => toEnvStatus(e, spec, observation(row.id, e.environment_id))),
  };
}

export function describeSource(spec: AppSpec): string {
  return "image" in spec.source ? spec.source.image : `${spec.source.git.url}#${spec.source.git.ref}`;
}
