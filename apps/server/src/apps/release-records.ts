import { randomUUID } from "node:crypto";
import { AppError, AppSpec, type Release, type ReleaseStep, Strategy } from "@meridian/core";
import type { Queryable } from "@meridian/db";

export type ReleaseState = Release["state"];
export const openStates: readonly ReleaseState[] = ["pending", "progressing", "paused"];

export interface SecretPin {
  id: string;
  version: number;
}

export interface ReleaseRow {
  id: string;
  org_id: string;
  app_id: string;
  environment_id: string;
  environment_slug: string;
  number: number;
  spec: unknown;
  image: string;
  image_digest: string | null;
  secret_versions: Record<string, SecretPin>;
  strategy: unknown;
  kind: "deploy" | "rollback";
  rollback_of: number | null;
  state: ReleaseState;
  step: number;
  steps: ReleaseStep[];
  slot: "blue" | "green" | null;
  from_release_id: string | null;
  analysis: Release["analysis"];
  reason: string;
  promote_requested: boolean;
  abort_requested: boolean;
  step_started_at: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  created_by_name: string;
}

const releaseSelect = "SELECT r.*, e.slug AS environment_slug FROM releases r JOIN environments e ON e.id = r.environment_id";

export function toRelease(r: ReleaseRow): Release {
  return {
    id: r.id,
    appId: r.app_id,
    number: r.number,
    environmentId: r.environment_id,
    environmentSlug: r.environment_slug,
    kind: r.kind,
    rollbackOf: r.rollback_of,
    image: r.image,
    imageDigest: r.image_digest,
    strategy: Strategy.parse(r.strategy),
    state: r.state,
    step: r.step,
    steps: r.steps,
    slot: r.slot,
    analysis: r.analysis,
    reason: r.reason,
    secretVersions: Object.fromEntries(Object.entries(r.secret_versions).map(([k, v]) => [k, v.version])),
    createdBy: r.created_by_name,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

export const specOf = (r: ReleaseRow): AppSpec => AppSpec.parse(r.spec);

export async function findRelease(db: Queryable, id: string): Promise<ReleaseRow | null> {
  const r = await db.query<ReleaseRow>(`${releaseSelect} WHERE r.id = $1`, [id]);
  return r.rows[0] ?? null;
}

export async function getReleaseByNumber(db: Queryable, appId: string, environmentId: string, number: number): Promise<ReleaseRow> {
  const r = await db.query<ReleaseRow>(`${releaseSelect} WHERE r.app_id = $1 AND r.environment_id = $2 AND r.number = $3`, [appId, environmentId, number]);
  if (!r.rows[0]) throw new AppError("not_found", `release ${number} not found in this environment`);
  return r.rows[0];
}

export async function listReleaseRows(db: Queryable, appId: string, filter: { environmentId?: string; before?: string; limit: number }): Promise<ReleaseRow[]> {
  const r = await db.query<ReleaseRow>(
    `${releaseSelect} WHERE r.app_id = $1 AND ($2::uuid IS NULL OR r.environment_id = $2) AND ($3::timestamptz IS NULL OR r.created_at < $3)
      ORDER BY r.created_at DESC, r.number DESC LIMIT $4`,
    [appId, filter.environmentId ?? null, filter.before ?? null, filter.limit],
  );
  return r.rows;
}

/** The release to work on for an app in an environment: the oldest open one (deploys are serialized in order). */
export async function findOpenRelease(db: Queryable, appId: string, environmentId: string): Promise<ReleaseRow | null> {
  const r = await db.query<ReleaseRow>(`${releaseSelect} WHERE r.app_id = $1 AND r.environment_id = $2 AND r.state IN ('pending','progressing','paused') ORDER BY r.number LIMIT 1`, [appId, environmentId]);
  return r.rows[0] ?? null;
}

export interface NewRelease {
  orgId: string;
  appId: string;
  environmentId: string;
  spec: AppSpec;
  image: string;
  imageDigest: string | null;
  secretVersions: Record<string, SecretPin>;
  strategy: Strategy;
  kind: "deploy" | "rollback";
  rollbackOf: number | null;
  reason: string;
  userId: string | null;
  userName: string;
  now: Date;
}

export async function insertRelease(db: Queryable, n: NewRelease): Promise<ReleaseRow> {
  // Numbers are per app and environment, without gaps: take the lock of that pair first.
  await db.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`release|${n.appId}|${n.environmentId}`]);
  const next = await db.query<{ n: number }>("SELECT coalesce(max(number), 0)::int + 1 AS n FROM releases WHERE app_id = $1 AND environment_id = $2", [n.appId, n.environmentId]);
  const id = randomUUID();
  await db.query(
    `INSERT INTO releases (id, org_id, app_id, environment_id, number, spec, image, image_digest, secret_versions, strategy, kind, rollback_of, reason, created_at, created_by, created_by_name)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)`,
    [
      id,
      n.orgId,
      n.appId,
      n.environmentId,
      next.rows[0]?.n ?? 1,
      JSON.stringify(n.spec),
      n.image,
      n.imageDigest,
      JSON.stringify(n.secretVersions),
      JSON.stringify(n.strategy),
      n.kind,
      n.rollbackOf,
      n.reason,
      n.now.toISOString(),
      n.userId,
      n.userName,
    ],
  );
  return (await findRelease(db, id)) as ReleaseRow;
}

export interface ReleasePatch {
  state?: ReleaseState;
  step?: number;
  steps?: ReleaseStep[];
  slot?: "blue" | "green" | null;
  fromReleaseId?: string | null;
  analysis?: Release["analysis"];
  reason?: string;
  promoteRequested?: boolean;
  stepStartedAt?: Date | null;
  startedAt?: Date;
  finishedAt?: Date;
}

export async function updateRelease(db: Queryable, id: string, p: ReleasePatch): Promise<void> {
  const sets: string[] = [];
  const args: unknown[] = [id];
  const set = (col: string, v: unknown) => {
    args.push(v);
    sets.push(`${col} = $${args.length}`);
  };
  if (p.state !== undefined) set("state", p.state);
  if (p.step !== undefined) set("step", p.step);
  if (p.steps !== undefined) set("steps", JSON.stringify(p.steps));
  if (p.slot !== undefined) set("slot", p.slot);
  if (p.fromReleaseId !== undefined) set("from_release_id", p.fromReleaseId);
  if (p.analysis !== undefined) set("analysis", JSON.stringify(p.analysis));
  if (p.reason !== undefined) set("reason", p.reason);
  if (p.promoteRequested !== undefined) set("promote_requested", p.promoteRequested);
  if (p.stepStartedAt !== undefined) set("step_started_at", p.stepStartedAt?.toISOString() ?? null);
  if (p.startedAt !== undefined) set("started_at", p.startedAt.toISOString());
  if (p.finishedAt !== undefined) set("finished_at", p.finishedAt.toISOString());
  if (sets.length === 0) return;
  await db.query(`UPDATE releases SET ${sets.join(", ")} WHERE id = $1`, args);
}
