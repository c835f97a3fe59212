import { createHash } from "node:crypto";
import type { AppTarget, DeploymentState, DesiredApp, PlannedRelease, Slot, SlotSpec } from "@meridian/core";
import type { Queryable } from "@meridian/db";
import type { Envelope } from "../secrets/envelope.js";
import { findRelease, type ReleaseRow, specOf } from "./release-records.js";
import { readSecretValue } from "./secret-store.js";

/** An app in one environment as the release engine sees it: where it runs and which releases fill its slots. */
export interface DeploymentRow {
  app_id: string;
  environment_id: string;
  org_id: string;
  cluster_id: string;
  namespace: string;
  active_slot: Slot;
  active_release_id: string | null;
  idle_release_id: string | null;
  replicas: number | null;
  scaled_at: string | null;
  app_slug: string;
  project_slug: string;
  environment_slug: string;
}

export async function loadDeployment(db: Queryable, appId: string, environmentId: string): Promise<DeploymentRow | null> {
  const r = await db.query<DeploymentRow>(
    `SELECT d.*, a.slug AS app_slug, p.slug AS project_slug, e.slug AS environment_slug
       FROM app_deployments d JOIN apps a ON a.id = d.app_id JOIN projects p ON p.id = a.project_id JOIN environments e ON e.id = d.environment_id
      WHERE d.app_id = $1 AND d.environment_id = $2`,
    [appId, environmentId],
  );
  return r.rows[0] ?? null;
}

export const targetOf = (d: DeploymentRow): AppTarget => ({ app: d.app_slug, project: d.project_slug, environment: d.environment_slug, namespace: d.namespace });

/** Secret objects are immutable and named per version, so a rotation is a new object and never changes a running replica. */
export function secretObjectName(app: string, secret: string, secretRowId: string): string {
  return `${`${app}-${secret}`.slice(0, 50)}-${secretRowId.slice(0, 8)}`;
}

/** The release whose spec a row runs: a rollback pins an earlier release and runs under that release's identity. */
export async function runtimeIdentityOf(db: Queryable, r: ReleaseRow): Promise<{ id: string; number: number }> {
  if (r.kind !== "rollback" || r.rollback_of === null) return { id: r.id, number: r.number };
  const q = await db.query<{ id: string }>("SELECT id FROM releases WHERE app_id = $1 AND environment_id = $2 AND number = $3", [r.app_id, r.environment_id, r.rollback_of]);
  return q.rows[0] ? { id: q.rows[0].id, number: r.rollback_of } : { id: r.id, number: r.number };
}

export async function plannedOf(db: Queryable, r: ReleaseRow, app: string): Promise<PlannedRelease> {
  const spec = specOf(r);
  const identity = await runtimeIdentityOf(db, r);
  return {
    id: identity.id,
    number: identity.number,
    image: r.image,
    spec,
    secretEnv: spec.secrets.map((ref) => {
      const pin = r.secret_versions[ref.secret];
      return { env: ref.env, secret: pin ? secretObjectName(app, ref.secret, pin.id) : ref.secret, key: "value" };
    }),
  };
}

export async function loadState(db: Queryable, d: DeploymentRow): Promise<{ state: DeploymentState; rows: ReleaseRow[] }> {
  const rows: ReleaseRow[] = [];
  const load = async (id: string | null) => {
    if (!id) return null;
    const row = await findRelease(db, id);
    if (!row) return null;
    rows.push(row);
    return plannedOf(db, row, d.app_slug);
  };
  return { state: { activeSlot: d.active_slot, active: await load(d.active_release_id), idle: await load(d.idle_release_id), replicas: d.replicas }, rows };
}

/** Decrypted secret objects for the given releases (each release pins its versions). */
export async function materializeSecrets(db: Queryable, envelope: Envelope, orgId: string, app: string, releases: ReleaseRow[]): Promise<DesiredApp["secrets"]> {
  const out = new Map<string, DesiredApp["secrets"][number]>();
  for (const r of releases) {
    for (const [secret, pin] of Object.entries(r.secret_versions)) {
      const name = secretObjectName(app, secret, pin.id);
      if (out.has(name)) continue;
      out.set(name, { name, data: { value: await readSecretValue(db, envelope, orgId, pin.id) } });
    }
  }
  return [...out.values()];
}

export function slotSpecOf(r: PlannedRelease, slot: Slot, replicas: number): SlotSpec {
  const s = r.spec;
  return {
    slot,
    releaseId: r.id,
    releaseNumber: r.number,
    image: r.image,
    command: s.command,
    args: s.args,
    ports: s.ports,
    env: s.env,
    secretEnv: r.secretEnv,
    resources: s.resources,
    replicas,
    readiness: s.health.readiness,
    liveness: s.health.liveness,
    volumes: s.volumes,
    rolling: s.strategy.type === "rolling" ? { maxSurge: s.strategy.maxSurge, maxUnavailable: s.strategy.maxUnavailable } : { maxSurge: 1, maxUnavailable: 0 },
    placement: { constraints: s.placement.constraints },
  };
}

export const hashDesired = (d: DesiredApp) => createHash("sha256").update(JSON.stringify(d)).digest("hex");
