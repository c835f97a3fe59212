import { randomBytes, randomUUID } from "node:crypto";
import { AppError, type AppSpec, type Build, type ClusterDriver, desiredForStep, effectiveStrategy, planSteps, resolveEnvironmentSpec, type Strategy } from "@meridian/core";
import type { Database, Queryable } from "@meridian/db";
import type { Handlers, RequestContext } from "../http/context.js";
import { requireActor, requireOrg } from "../http/context.js";
import { respondWithLogLines } from "../http/ndjson-logs.js";
import type { Envelope } from "../secrets/envelope.js";
import { type AppRow, getAppRow } from "./app-records.js";
import { type DeploymentRow, loadDeployment, loadState, materializeSecrets, plannedOf, slotSpecOf, targetOf } from "./deployment-state.js";
import { imageName, resolveImageDigest } from "./image-digest.js";
import type { ReleaseEngine } from "./release-engine.js";
import { findOpenRelease, getReleaseByNumber, insertRelease, listReleaseRows, type ReleaseRow, type SecretPin, specOf, toRelease } from "./release-records.js";
import { resolveSecrets } from "./secret-store.js";

type ReleaseHandlers = Pick<Handlers, "deployApp" | "rollbackApp" | "promoteRelease" | "abortRelease" | "listReleases" | "getRelease" | "streamAppLogs">;

export interface ReleaseHandlerDeps {
  engine: ReleaseEngine;
  envelope: Envelope;
  driverFor(clusterId: string): ClusterDriver;
  insecureRegistries: readonly string[];
  builds: BuildQueue | null;
}

/** What deploys from git need of the build runner (apps/server/src/builds). */
export interface BuildQueue {
  enqueue(ctx: RequestContext, app: AppRow, req: { ref: string; deployTo: { environmentId: string; strategy: Strategy | null }[]; trigger: "manual" | "webhook" }): Promise<Build>;
}

export interface EnvRow {
  id: string;
  slug: string;
  name: string;
  project_slug: string;
}

export async function getEnv(db: Queryable, environmentId: string): Promise<EnvRow> {
  const r = await db.query<EnvRow>("SELECT e.id, e.slug, e.name, p.slug AS project_slug FROM environments e JOIN projects p ON p.id = e.project_id WHERE e.id = $1", [environmentId]);
  if (!r.rows[0]) throw new AppError("not_found", "environment not found");
  return r.rows[0];
}

/** The deployment row of the app in the environment, created from the environment's cluster binding on first deploy. */
async function ensureDeployment(ctx: DeployCtx, app: AppRow, env: EnvRow): Promise<DeploymentRow> {
  const existing = await loadDeployment(ctx.db, app.id, env.id);
  if (existing) return existing;
  const t = await ctx.db.query<{ cluster_id: string; namespace: string }>("SELECT cluster_id, namespace FROM cluster_targets WHERE environment_id = $1 ORDER BY created_at, id LIMIT 1", [env.id]);
  const target = t.rows[0];
  if (!target) {
    throw new AppError("invalid_input", `environment ${env.slug} has no cluster to deploy to: bind a namespace or stack to it first (meridian clusters bind CLUSTER --project ${env.project_slug} --env ${env.slug} --namespace NAME)`);
  }
  await ctx.db.query("INSERT INTO app_deployments (app_id, environment_id, org_id, cluster_id, namespace, updated_at) VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT DO NOTHING", [
    app.id,
    env.id,
    app.org_id,
    target.cluster_id,
    target.namespace,
    ctx.now.toISOString(),
  ]);
  return (await loadDeployment(ctx.db, app.id, env.id)) as DeploymentRow;
}

async function pinSecrets(db: Queryable, orgId: string, projectId: string, env: EnvRow, spec: AppSpec): Promise<Record<string, SecretPin>> {
  const names = [...new Set(spec.secrets.map((s) => s.secret))];
  const found = await resolveSecrets(db, orgId, projectId, env.id, names);
  const missing = names.filter((n) => !found.has(n));
  if (missing.length > 0) {
    throw new AppError("invalid_input", `secret ${missing.join(", ")} not found: looked in environment ${env.slug}, project ${env.project_slug} and the organization (meridian secrets set NAME --project ${env.project_slug} [--env ${env.slug}])`, {
      details: { issues: missing.map((m) => ({ path: "spec.secrets", message: `no secret named ${m}` })) },
    });
  }
  return Object.fromEntries([...found.values()].map((s) => [s.name, { id: s.id, version: s.version }]));
}

/** Claims the app's route hosts for this environment; a host+path another app routes is refused without naming it. */
async function claimRoutes(ctx: DeployCtx, app: AppRow, env: EnvRow, spec: AppSpec): Promise<void> {
  for (const r of spec.routes) {
    const taken = await ctx.db.query<{ org_id: string; app_id: string; environment_id: string }>("SELECT org_id, app_id, environment_id FROM app_domains WHERE host = $1 AND path = $2", [r.host, r.path]);
    const owner = taken.rows[0];
    if (owner && (owner.app_id !== app.id || owner.environment_id !== env.id)) {
      const where = owner.org_id === app.org_id ? "another app or environment of this organization" : "another organization";
      throw new AppError("conflict", `the domain ${r.host}${r.path === "/" ? "" : r.path} is already routed by ${where}`, { details: { issues: [{ path: "spec.routes", message: `${r.host} is taken` }] } });
    }
  }
  const hosts = spec.routes.map((r) => `${r.host}|${r.path}`);
  await ctx.db.query("DELETE FROM app_domains WHERE app_id = $1 AND environment_id = $2 AND NOT ((host || '|' || path) = ANY($3::text[]))", [app.id, env.id, hosts]);
  for (const r of spec.routes) {
    await ctx.db.query(
      "INSERT INTO app_domains (id, org_id, app_id, environment_id, host, path, verification_token, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (host, path) DO NOTHING",
      [randomUUID(), app.org_id, app.id, env.id, r.host, r.path, randomBytes(16).toString("hex"), ctx.now.toISOString()],
    );
  }
}

/** What deploying needs of a request: its transaction, clock and after-commit hook (builds supply their own). */
export type DeployCtx = Pick<RequestContext, "db" | "now" | "afterCommit">;

export interface DeployInput {
  image: string;
  /** Known digest (a build's push), so the registry isn't asked again. */
  imageDigest: string | null;
  strategy?: Strategy;
  dryRun?: boolean;
  userId: string | null;
  userName: string;
}

/** Validates and records a deploy of an image (or previews it): secrets pinned, target bound, routes claimed, digest pinned. */
export async function createDeployRelease(ctx: DeployCtx, deps: Pick<ReleaseHandlerDeps, "engine" | "envelope" | "driverFor" | "insecureRegistries">, app: AppRow, env: EnvRow, input: DeployInput) {
  const base = resolveEnvironmentSpec(specOf({ spec: app.spec } as ReleaseRow), env.slug);
  const spec: AppSpec = input.strategy ? { ...base, strategy: input.strategy } : base;
  const secretVersions = await pinSecrets(ctx.db, app.org_id, app.project_id, env, spec);
  const d = await ensureDeployment(ctx, app, env);
  const digest = input.imageDigest ? { pinned: `${imageName(input.image)}@${input.imageDigest}`, digest: input.imageDigest, warning: null } : await resolveImageDigest(input.image, { insecureRegistries: deps.insecureRegistries });
  const strategy: Strategy = spec.strategy;
  if (input.dryRun) {
    const driver = deps.driverFor(d.cluster_id);
    const { state, rows } = await loadState(ctx.db, d);
    const draft = { id: "preview", number: 0, kind: "deploy", rollback_of: null, spec, image: digest.pinned, secret_versions: secretVersions, app_id: app.id, environment_id: env.id } as unknown as ReleaseRow;
    const planned = await plannedOf(ctx.db, draft, app.slug);
    const steps = planSteps(effectiveStrategy(strategy, state.active !== null), spec);
    const secrets = await materializeSecrets(ctx.db, deps.envelope, app.org_id, app.slug, [...rows, draft]);
    const finalState = desiredForStep({ target: targetOf(d), state, release: planned, strategy, steps, step: steps.length, toSlot: slotSpecOf, secrets });
    return { release: null, preview: await driver.applyApp(finalState, { dryRun: true }) };
  }
  await claimRoutes(ctx, app, env, spec);
  const rel = await insertRelease(ctx.db, {
    orgId: app.org_id,
    appId: app.id,
    environmentId: env.id,
    spec,
    image: digest.pinned,
    imageDigest: digest.digest,
    secretVersions,
    strategy,
    kind: "deploy",
    rollbackOf: null,
    reason: digest.warning ?? "",
    userId: input.userId,
    userName: input.userName,
    now: ctx.now,
  });
  ctx.afterCommit(() => void deps.engine.kick(app.id, env.id));
  return { release: toRelease(rel), preview: null };
}

/** A build's pushed image becomes a release in one environment, as the build's author, in its own transaction. */
export async function deployBuiltImage(db: Database, deps: Pick<ReleaseHandlerDeps, "engine" | "envelope" | "driverFor" | "insecureRegistries">, build: { org_id: string; app_id: string; created_by: string | null; created_by_name: string }, environmentId: string, strategy: Strategy | null, image: string, digest: string): Promise<number> {
  const pending: (() => void | Promise<void>)[] = [];
  const number = await db.transaction(async (tx) => {
    const a = await tx.query<{ project_id: string; slug: string }>("SELECT project_id, slug FROM apps WHERE id = $1", [build.app_id]);
    const row = a.rows[0];
    if (!row) throw new AppError("not_found", "the app was deleted");
    const app = await getAppRow(tx, build.org_id, row.project_id, row.slug);
    const env = await getEnv(tx, environmentId);
    const ctx: DeployCtx = { db: tx, now: new Date(), afterCommit: (fn) => pending.push(fn) };
    const out = await createDeployRelease(ctx, deps, app, env, { image, imageDigest: digest, strategy: strategy ?? undefined, userId: build.created_by, userName: build.created_by_name });
    return out.release?.number as number;
  });
  for (const fn of pending) await fn();
  return number;
}

export function createReleaseHandlers(deps: ReleaseHandlerDeps): ReleaseHandlers {
  const audit = (ctx: RequestContext, app: AppRow, env: EnvRow, summary: Record<string, unknown>) => {
    ctx.audit.target = { type: "app", id: app.id, name: `${app.slug}@${env.slug}` };
    ctx.audit.summary = summary;
  };
  const openOrThrow = async (db: Queryable, app: AppRow, env: EnvRow): Promise<ReleaseRow> => {
    const rel = await findOpenRelease(db, app.id, env.id);
    if (!rel) throw new AppError("conflict", `no release of ${app.slug} is running in ${env.slug}`);
    return rel;
  };

  return {
    async deployApp(ctx, { params, body }) {
      const org = requireOrg(ctx);
      const app = await getAppRow(ctx.db, org.id, params.projectId, params.app);
      const env = await getEnv(ctx.db, params.environmentId);
      const spec = resolveEnvironmentSpec(specOf({ spec: app.spec } as ReleaseRow), env.slug);
      const fromGit = body.ref !== undefined || (!body.image && !("image" in spec.source));
      if (fromGit) {
        if (body.dryRun) throw new AppError("invalid_input", "a dry run needs an image: a git deploy builds first (deploy with --image to preview)");
        if (!("git" in spec.source)) throw new AppError("invalid_input", "--ref needs an app with a git source");
        // Everything a release needs is checked now, so a build doesn't run for a deploy that can't happen.
        await pinSecrets(ctx.db, org.id, app.project_id, env, spec);
        await ensureDeployment(ctx, app, env);
        if (!deps.builds) throw new AppError("invalid_input", "this Meridian has no build engine: set MERIDIAN_BUILD_REGISTRY (and MERIDIAN_BUILD_DOCKER_HOST) to build from git");
        const build = await deps.builds.enqueue(ctx, app, { ref: body.ref ?? spec.source.git.ref, deployTo: [{ environmentId: env.id, strategy: body.strategy ?? null }], trigger: "manual" });
        audit(ctx, app, env, { build: build.number, ref: build.ref });
        return { release: null, preview: null, build };
      }
      const image = body.image ?? (spec.source as { image: string }).image;
      const out = await createDeployRelease(ctx, deps, app, env, { image, strategy: body.strategy, dryRun: body.dryRun, imageDigest: null, userId: requireActor(ctx).userId, userName: requireActor(ctx).username });
      audit(ctx, app, env, out.release ? { release: out.release.number, image: out.release.image, strategy: out.release.strategy.type } : { dryRun: true, image });
      return { ...out, build: null };
    },
    async rollbackApp(ctx, { params, body }) {
      const org = requireOrg(ctx);
      const actor = requireActor(ctx);
      const app = await getAppRow(ctx.db, org.id, params.projectId, params.app);
      const env = await getEnv(ctx.db, params.environmentId);
      const to = await getReleaseByNumber(ctx.db, app.id, env.id, body.to);
      if (to.state !== "succeeded") throw new AppError("invalid_input", `release ${to.number} ${to.state === "rolled_back" ? "was rolled back" : `is ${to.state.replace("_", " ")}`}: only a release that succeeded can be rolled back to`);
      const d = await loadDeployment(ctx.db, app.id, env.id);
      if (!d) throw new AppError("conflict", `${app.slug} is not deployed in ${env.slug}`);
      // Follow rollbacks to the deploy they pinned, so a slot still running it is recognized and reused as is.
      const pinned = to.kind === "rollback" && to.rollback_of !== null ? await getReleaseByNumber(ctx.db, app.id, env.id, to.rollback_of) : to;
      const pinnedIsIdle = d.idle_release_id !== null && (d.idle_release_id === to.id || d.idle_release_id === pinned.id);
      // Blue/green's previous version still runs in the idle slot: switching back is only a traffic switch.
      const strategy: Strategy = pinnedIsIdle ? { type: "bluegreen", autoSwitch: true, verifySeconds: 0 } : { type: "rolling", maxSurge: 1, maxUnavailable: 0 };
      const rel = await insertRelease(ctx.db, {
        orgId: org.id,
        appId: app.id,
        environmentId: env.id,
        spec: specOf(pinned),
        image: pinned.image,
        imageDigest: pinned.image_digest,
        secretVersions: pinned.secret_versions,
        strategy,
        kind: "rollback",
        rollbackOf: pinned.number,
        reason: "",
        userId: actor.userId,
        userName: actor.username,
        now: ctx.now,
      });
      audit(ctx, app, env, { release: rel.number, rollbackTo: pinned.number, instantSwitch: pinnedIsIdle });
      ctx.afterCommit(() => void deps.engine.kick(app.id, env.id));
      return toRelease(rel);
    },
    async promoteRelease(ctx, { params }) {
      const app = await getAppRow(ctx.db, requireOrg(ctx).id, params.projectId, params.app);
      const env = await getEnv(ctx.db, params.environmentId);
      const rel = await openOrThrow(ctx.db, app, env);
      const step = rel.steps[rel.step];
      if (rel.state === "pending" || !step || (step.kind !== "pause" && step.kind !== "verify")) {
        throw new AppError("conflict", `release ${rel.number} is not waiting (it is at "${step?.name ?? rel.state}"); promote continues a pause`);
      }
      await ctx.db.query("UPDATE releases SET promote_requested = true, state = 'progressing', reason = '' WHERE id = $1", [rel.id]);
      audit(ctx, app, env, { release: rel.number, step: step.name });
      ctx.afterCommit(() => void deps.engine.kick(app.id, env.id));
      return toRelease({ ...rel, state: "progressing", promote_requested: true });
    },
    async abortRelease(ctx, { params }) {
      const app = await getAppRow(ctx.db, requireOrg(ctx).id, params.projectId, params.app);
      const env = await getEnv(ctx.db, params.environmentId);
      const rel = await openOrThrow(ctx.db, app, env);
      if (rel.state === "pending") {
        await ctx.db.query("UPDATE releases SET state = 'aborted', reason = 'aborted before it started', finished_at = $2 WHERE id = $1", [rel.id, ctx.now.toISOString()]);
      } else {
        await ctx.db.query("UPDATE releases SET abort_requested = true WHERE id = $1", [rel.id]);
      }
      audit(ctx, app, env, { release: rel.number });
      ctx.afterCommit(() => void deps.engine.kick(app.id, env.id));
      return toRelease({ ...rel, state: rel.state === "pending" ? "aborted" : rel.state });
    },
    async listReleases(ctx, { params, query }) {
      const app = await getAppRow(ctx.db, requireOrg(ctx).id, params.projectId, params.app);
      const rows = await listReleaseRows(ctx.db, app.id, { environmentId: query.environmentId, before: query.cursor, limit: query.limit + 1 });
      const page = rows.slice(0, query.limit);
      return { items: page.map(toRelease), nextCursor: rows.length > query.limit ? (page[page.length - 1]?.created_at ?? null) : null };
    },
    async getRelease(ctx, { params, query }) {
      const app = await getAppRow(ctx.db, requireOrg(ctx).id, params.projectId, params.app);
      const r = await ctx.db.query<{ environment_id: string }>("SELECT environment_id FROM releases WHERE app_id = $1 AND number = $2 AND ($3::uuid IS NULL OR environment_id = $3)", [app.id, params.number, query.environmentId ?? null]);
      if (r.rows.length === 0) throw new AppError("not_found", `release ${params.number} not found`);
      if (r.rows.length > 1) throw new AppError("invalid_input", `release ${params.number} exists in ${r.rows.length} environments: say which with environmentId`);
      return toRelease(await getReleaseByNumber(ctx.db, app.id, (r.rows[0] as { environment_id: string }).environment_id, params.number));
    },
    async streamAppLogs(ctx, { params, query }) {
      const app = await getAppRow(ctx.db, requireOrg(ctx).id, params.projectId, params.app);
      const d = await loadDeployment(ctx.db, app.id, params.environmentId);
      if (!d) throw new AppError("not_found", `${app.slug} is not deployed in this environment`);
      const driver = deps.driverFor(d.cluster_id);
      return respondWithLogLines(ctx, (signal) => driver.streamAppLogs(targetOf(d), { slot: query.slot, follow: query.follow, tailLines: query.tail, sinceSeconds: query.since }, signal));
    },
  };
}
