import {
  type AppObservation,
  AppError,
  type ClusterDriver,
  type DeploymentState,
  type DesiredApp,
  desiredForRollback,
  desiredForStep,
  desiredSteady,
  effectiveStrategy,
  isAppError,
  type PlannedRelease,
  planSteps,
  type ReleaseStep,
  releaseSlot,
  type Slot,
  Strategy,
  stateAfterSuccess,
  type TrafficSample,
} from "@meridian/core";
import type { Database } from "@meridian/db";
import type { Envelope } from "../secrets/envelope.js";
import { runAnalysis } from "./analysis.js";
import { type DeploymentRow, hashDesired, loadDeployment, loadState, materializeSecrets, plannedOf, slotSpecOf, targetOf } from "./deployment-state.js";
import { findOpenRelease, type ReleaseRow, specOf, updateRelease } from "./release-records.js";

/**
 * The release engine: a level-based reconciler per app and environment. Each tick reads the oldest open release
 * from the database, recomputes the desired state of the step it is in (core's pure strategy functions), applies
 * it when it differs from what this process applied last, observes, and moves the release on by persisting the
 * next step. Nothing lives only in memory, so a restarted Meridian picks every release up where it was; releases
 * of one app and environment run strictly one after another.
 */
export interface ReleaseEngineDeps {
  db: Database;
  envelope: Envelope;
  driverFor(clusterId: string): ClusterDriver;
  log(level: "info" | "warn" | "error", msg: string, extra?: object): void;
  prometheusUrl: string | null;
  deployTimeoutSeconds: number;
  tickMs?: number;
  /** TLS certificates of the app's domains (issued or uploaded), keys decrypted, for every applied state. */
  certificatesFor?(orgId: string, appId: string, environmentId: string): Promise<NonNullable<DesiredApp["certificates"]>>;
}

interface KeyState {
  running: Promise<void> | null;
  again: boolean;
  lastApplied: string | null;
  lastSlots: string | null;
  observation: AppObservation | null;
  observedAt: number;
  prevSample: TrafficSample[] | null;
  lastAnalysis: number;
  failuresInARow: number;
  releaseId: string | null;
}

const keyOf = (appId: string, envId: string) => `${appId}|${envId}`;
const parseDurationMs = (d: string) => {
  const m = /^([0-9]+)(ms|s|m|h)$/.exec(d);
  if (!m) return 10_000;
  const n = Number(m[1]);
  return m[2] === "ms" ? n : m[2] === "s" ? n * 1000 : m[2] === "m" ? n * 60_000 : n * 3_600_000;
};

export function createReleaseEngine(deps: ReleaseEngineDeps) {
  const keys = new Map<string, KeyState>();
  const listeners = new Set<(appId: string, envId: string) => void>();
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const stepLatencies: number[] = [];
  // Releases pin secret versions, so the decrypted set for a group of releases never changes: decrypt it once
  // rather than on every tick (bounded: cleared when it grows).
  const secretCache = new Map<string, Promise<DesiredApp["secrets"]>>();
  const secretsOf = (d: DeploymentRow, rows: ReleaseRow[]): Promise<DesiredApp["secrets"]> => {
    const key = `${d.app_slug}|${rows.map((r) => r.id).sort().join(",")}`;
    let hit = secretCache.get(key);
    if (!hit) {
      if (secretCache.size > 500) secretCache.clear();
      hit = materializeSecrets(deps.db, deps.envelope, d.org_id, d.app_slug, rows);
      hit.catch(() => secretCache.delete(key));
      secretCache.set(key, hit);
    }
    return hit;
  };
  // cluster|namespace|app → the app and environment with an open release there, for nudges from the inventory.
  const watched = new Map<string, { appId: string; envId: string }>();

  const stateOf = (k: string): KeyState => {
    let s = keys.get(k);
    if (!s) {
      s = { running: null, again: false, lastApplied: null, lastSlots: null, observation: null, observedAt: 0, prevSample: null, lastAnalysis: 0, failuresInARow: 0, releaseId: null };
      keys.set(k, s);
    }
    return s;
  };
  const notify = (appId: string, envId: string) => {
    for (const l of listeners) l(appId, envId);
  };

  /** Runs one tick for the key, serialized: a kick while a tick runs schedules exactly one more. */
  function kick(appId: string, envId: string): Promise<void> {
    const k = keyOf(appId, envId);
    const s = stateOf(k);
    if (s.running) {
      s.again = true;
      return s.running;
    }
    s.running = (async () => {
      do {
        s.again = false;
        try {
          await tick(appId, envId, s);
        } catch (err) {
          deps.log("error", "release tick failed", { appId, envId, err: String(err) });
        }
      } while (s.again && !stopped);
    })().finally(() => {
      s.running = null;
    });
    return s.running;
  }

  async function apply(driver: ClusterDriver, desired: DesiredApp, s: KeyState): Promise<void> {
    const hash = hashDesired(desired);
    if (s.lastApplied === hash) return;
    const slotsHash = hashDesired({ ...desired, traffic: {} });
    // Only the weights moved: the router's fast path (canary steps), not a full apply of every object.
    if (s.lastSlots === slotsHash) await driver.setTraffic(desired.target, desired.routes, desired.traffic);
    else await driver.applyApp(desired, { dryRun: false });
    s.lastApplied = hash;
    s.lastSlots = slotsHash;
  }

  async function withCertificates(desired: DesiredApp, d: DeploymentRow): Promise<DesiredApp> {
    const certificates = deps.certificatesFor ? await deps.certificatesFor(d.org_id, d.app_id, d.environment_id) : [];
    return certificates.length > 0 ? { ...desired, certificates } : desired;
  }

  async function observe(driver: ClusterDriver, d: DeploymentRow, s: KeyState): Promise<AppObservation> {
    const o = await driver.observeApp(targetOf(d));
    s.observation = o;
    s.observedAt = Date.now();
    return o;
  }

  async function finishFailed(rel: ReleaseRow, d: DeploymentRow, state: DeploymentState, stateRows: ReleaseRow[], driver: ClusterDriver, s: KeyState, why: string, final: "rolled_back" | "aborted"): Promise<void> {
    const db = deps.db;
    const secrets = await secretsOf(d, stateRows);
    const rolled = desiredForRollback({ target: targetOf(d), state, toSlot: slotSpecOf, secrets });
    const back = rolled ? await withCertificates(rolled, d) : null;
    let reason: string;
    let outcome: "rolled_back" | "aborted" | "failed" = final;
    if (back) {
      await driver.applyApp(back, { dryRun: false });
      s.lastApplied = hashDesired(back);
      s.lastSlots = hashDesired({ ...back, traffic: {} });
      reason = `${why}; rolled back to release ${state.active?.number ?? "?"}`;
    } else {
      await driver.deleteApp(targetOf(d));
      s.lastApplied = null;
      s.lastSlots = null;
      reason = `${why}; nothing served before this release, so its objects were removed`;
      if (final === "rolled_back") outcome = "failed";
    }
    const steps = rel.steps.map((st, i): ReleaseStep => (i === rel.step && st.status === "running" ? { ...st, status: "failed", finishedAt: new Date().toISOString(), message: why } : st.status === "pending" ? { ...st, status: "skipped" } : st));
    await updateRelease(db, rel.id, { state: outcome, steps, reason, finishedAt: new Date(), stepStartedAt: null });
    deps.log("warn", "release did not complete", { release: rel.number, app: d.app_slug, env: d.environment_slug, reason });
  }

  async function tick(appId: string, envId: string, s: KeyState): Promise<void> {
    const db = deps.db;
    let rel = await findOpenRelease(db, appId, envId);
    if (!rel) {
      s.releaseId = null;
      for (const [k, v] of watched) if (v.appId === appId && v.envId === envId) watched.delete(k);
      return;
    }
    const d = await loadDeployment(db, appId, envId);
    if (!d) {
      await updateRelease(db, rel.id, { state: "failed", reason: "the environment has no deploy target any more", finishedAt: new Date() });
      return;
    }
    watched.set(`${d.cluster_id}|${d.namespace}|${d.app_slug}`, { appId, envId });
    let driver: ClusterDriver;
    try {
      driver = deps.driverFor(d.cluster_id);
    } catch (err) {
      const why = `waiting for the cluster: ${(err as Error).message}`;
      if (rel.reason !== why) await updateRelease(db, rel.id, { reason: why });
      return;
    }
    if (s.releaseId !== rel.id) {
      s.releaseId = rel.id;
      s.prevSample = null;
      s.lastAnalysis = 0;
      s.failuresInARow = 0;
    }
    const { state, rows: stateRows } = await loadState(db, d);
    const strategy = Strategy.parse(rel.strategy);
    const spec = specOf(rel);
    const now = new Date();

    if (rel.state === "pending") {
      const effective = effectiveStrategy(strategy, state.active !== null);
      const steps = planSteps(effective, spec);
      steps[0] = { ...(steps[0] as ReleaseStep), status: "running", startedAt: now.toISOString() };
      await updateRelease(db, rel.id, { state: "progressing", steps, step: 0, slot: releaseSlot(effective, state), fromReleaseId: d.active_release_id, startedAt: now, stepStartedAt: now, reason: "" });
      rel = (await findOpenRelease(db, appId, envId)) as ReleaseRow;
      notify(appId, envId);
    }
    const planned: PlannedRelease = await plannedOf(db, rel, d.app_slug);
    const target = targetOf(d);
    if (rel.abort_requested) {
      await finishFailed(rel, d, state, stateRows, driver, s, "aborted on request", "aborted");
      notify(appId, envId);
      return;
    }
    const secrets = await secretsOf(d, [...stateRows, rel]);
    const step = rel.steps[rel.step];
    if (!step) return;
    const desired = await withCertificates(desiredForStep({ target, state, release: planned, strategy, steps: rel.steps, step: rel.step, toSlot: slotSpecOf, secrets }), d);
    try {
      await apply(driver, desired, s);
    } catch (err) {
      if (isAppError(err) && err.code === "invalid_input") {
        await finishFailed(rel, d, state, stateRows, driver, s, `the cluster rejected the release: ${err.message}`, "rolled_back");
        notify(appId, envId);
        return;
      }
      const why = `retrying: ${(err as Error).message}`;
      if (rel.reason !== why) await updateRelease(db, rel.id, { reason: why });
      return;
    }
    const obs = await observe(driver, d, s);
    const slot = rel.slot as Slot;
    const mine = obs.slots.find((x) => x.slot === slot);
    const want = desired.slots.find((x) => x.slot === slot);
    const elapsedMs = now.getTime() - new Date(rel.step_started_at ?? now).getTime();
    const fail = async (why: string) => {
      await finishFailed(rel as ReleaseRow, d, state, stateRows, driver, s, why, "rolled_back");
      notify(appId, envId);
    };
    const healthy = mine !== undefined && mine.releaseId === planned.id && mine.health === "ok" && want !== undefined && mine.ready >= want.replicas && mine.updated >= want.replicas;
    if (mine?.health === "failed" && mine.releaseId === planned.id) return fail(`the new version failed: ${mine.message}`);

    let done = false;
    let paused = false;
    switch (step.kind) {
      case "rollout":
      case "scale":
        if (healthy) done = true;
        else if (elapsedMs > deps.deployTimeoutSeconds * 1000) return fail(`not healthy after ${deps.deployTimeoutSeconds}s: ${mine ? `${mine.ready}/${want?.replicas ?? "?"} ready${mine.message ? `, ${mine.message}` : ""}` : "no replicas started"}`);
        break;
      case "verify":
      case "pause": {
        if (!healthy) {
          if (elapsedMs > deps.deployTimeoutSeconds * 1000) return fail(`the new version stopped being healthy: ${mine?.message ?? "no replicas"}`);
          break;
        }
        const verdict = await analyze(rel, d, driver, s, spec, slot, now);
        if (verdict) return fail(verdict);
        if (rel.promote_requested) done = true;
        else if (step.pause === "manual") paused = true;
        else if (elapsedMs >= Number(step.pause ?? 0) * 1000) done = true;
        break;
      }
      case "weight":
      case "switch":
      case "promote": {
        const t = obs.traffic;
        const ok = desired.routes.length === 0 || (t !== null && Object.entries(desired.traffic).every(([k, v]) => (t[k as Slot] ?? 0) === v));
        if (ok) {
          done = true;
          stepLatencies.push(elapsedMs);
          if (stepLatencies.length > 1000) stepLatencies.shift();
        } else if (elapsedMs > 60_000) return fail("the router did not take the new traffic weights within 60s");
        break;
      }
      case "cleanup":
        if (!obs.slots.some((x) => x.slot !== slot)) done = true;
        break;
    }
    if (paused && rel.state !== "paused") {
      await updateRelease(db, rel.id, { state: "paused", reason: "waiting for promote" });
      notify(appId, envId);
      return;
    }
    if (!done) {
      // Waiting on the cluster (replicas, router): look again soon rather than at the next loop pass, so a
      // release is reported done within ~100 ms of the cluster getting there.
      if (step.kind !== "pause" && step.kind !== "verify") setTimeout(() => void kick(appId, envId), 100).unref();
      return;
    }
    const steps = rel.steps.map((st, i): ReleaseStep => (i === rel.step ? { ...st, status: "done", finishedAt: now.toISOString() } : st));
    const next = rel.step + 1;
    if (next < steps.length) {
      steps[next] = { ...(steps[next] as ReleaseStep), status: "running", startedAt: now.toISOString() };
      await updateRelease(db, rel.id, { state: "progressing", steps, step: next, stepStartedAt: now, promoteRequested: false, reason: "" });
      notify(appId, envId);
      s.again = true;
      return;
    }
    const after = stateAfterSuccess(state, planned, strategy);
    await db.transaction(async (tx) => {
      const idleRow = after.idle ? d.active_release_id : null;
      await tx.query("UPDATE app_deployments SET active_slot = $3, active_release_id = $4, idle_release_id = $5, replicas = $6, updated_at = $7 WHERE app_id = $1 AND environment_id = $2", [
        appId,
        envId,
        after.activeSlot,
        rel?.id,
        idleRow,
        after.replicas,
        now.toISOString(),
      ]);
      await updateRelease(tx, (rel as ReleaseRow).id, { state: "succeeded", steps, step: next, stepStartedAt: null, finishedAt: now, promoteRequested: false, reason: "all replicas healthy" });
    });
    notify(appId, envId);
    s.again = true;
  }

  /** Runs the analysis round when due; returns why the gate failed, or null. */
  async function analyze(rel: ReleaseRow, d: DeploymentRow, driver: ClusterDriver, s: KeyState, spec: ReturnType<typeof specOf>, slot: Slot, now: Date): Promise<string | null> {
    if (!spec.analysis) return null;
    const interval = parseDurationMs(spec.analysis.interval);
    if (now.getTime() - s.lastAnalysis < interval) return null;
    s.lastAnalysis = now.getTime();
    const sample = await driver.sampleTraffic(targetOf(d)).catch(() => null);
    const results = await runAnalysis({
      spec,
      slot,
      step: rel.step,
      vars: { app: d.app_slug, project: d.project_slug, environment: d.environment_slug, namespace: d.namespace, slot, release: String(rel.number) },
      prometheusUrl: deps.prometheusUrl,
      sample,
      previous: s.prevSample,
      now,
    });
    s.prevSample = sample;
    if (results.length === 0) return null;
    const analysis = [...rel.analysis, ...results].slice(-200);
    await updateRelease(deps.db, rel.id, { analysis });
    const failed = results.filter((r) => !r.ok);
    s.failuresInARow = failed.length > 0 ? s.failuresInARow + 1 : 0;
    if (s.failuresInARow >= spec.analysis.failureLimit) return `analysis failed ${s.failuresInARow} times in a row: ${failed.map((f) => `${f.check} ${f.message} (want ${f.threshold})`).join("; ")}`;
    return null;
  }

  // Polled every 250 ms: one indexed query when nothing runs, and a release notices healthy replicas quickly.
  async function tickAll(): Promise<void> {
    const r = await deps.db.query<{ app_id: string; environment_id: string }>("SELECT DISTINCT app_id, environment_id FROM releases WHERE state IN ('pending','progressing','paused')");
    await Promise.all(r.rows.map((row) => kick(row.app_id, row.environment_id)));
  }

  return {
    start() {
      const loop = async () => {
        if (stopped) return;
        await tickAll().catch((err: unknown) => deps.log("error", "release engine loop failed", { err: String(err) }));
        if (!stopped) timer = setTimeout(loop, deps.tickMs ?? 250);
      };
      timer = setTimeout(loop, 0);
    },
    kick,
    /**
     * An object of an app changed in a cluster's inventory (a Deployment's ready count, a Swarm service's update
     * state): if a release of that app runs there, look now instead of at the next poll.
     */
    nudge(clusterId: string, namespace: string, app: string) {
      const w = watched.get(`${clusterId}|${namespace}|${app}`);
      if (w) void kick(w.appId, w.envId);
    },
    /** The last observation of an app in an environment (refreshed by ticks and by observeNow). */
    observation(appId: string, envId: string): AppObservation | null {
      return keys.get(keyOf(appId, envId))?.observation ?? null;
    },
    async observeNow(appId: string, envId: string): Promise<AppObservation | null> {
      const d = await loadDeployment(deps.db, appId, envId);
      if (!d) return null;
      const s = stateOf(keyOf(appId, envId));
      try {
        return await observe(deps.driverFor(d.cluster_id), d, s);
      } catch {
        return s.observation;
      }
    },
    /** Forgets what this process applied, so the next tick applies in full (after the app was deleted or edited outside). */
    forget(appId: string, envId: string) {
      const s = keys.get(keyOf(appId, envId));
      if (s) {
        s.lastApplied = null;
        s.lastSlots = null;
      }
    },
    onChange(fn: (appId: string, envId: string) => void) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    stepLatencies: () => [...stepLatencies],
    /**
     * Applies the app's steady state again (a certificate was issued, the autoscaler changed replicas). While a
     * release runs, its next tick does it instead.
     */
    async resync(appId: string, envId: string): Promise<void> {
      const k = keyOf(appId, envId);
      const s = stateOf(k);
      if (await findOpenRelease(deps.db, appId, envId)) {
        s.lastApplied = null;
        s.lastSlots = null;
        await kick(appId, envId);
        return;
      }
      const d = await loadDeployment(deps.db, appId, envId);
      if (!d) return;
      const { state, rows } = await loadState(deps.db, d);
      const secrets = await secretsOf(d, rows);
      const steady = desiredSteady({ target: targetOf(d), state, toSlot: slotSpecOf, secrets });
      if (!steady) return;
      const desired = await withCertificates(steady, d);
      await deps.driverFor(d.cluster_id).applyApp(desired, { dryRun: false });
      s.lastApplied = hashDesired(desired);
      s.lastSlots = hashDesired({ ...desired, traffic: {} });
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await Promise.all([...keys.values()].map((s) => s.running ?? Promise.resolve()));
    },
  };
}
export type ReleaseEngine = ReturnType<typeof createReleaseEngine>;
