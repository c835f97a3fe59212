import { AppSpec, type ClusterDriver, resolveEnvironmentSpec } from "@meridian/core";
import type { Database } from "@meridian/db";
import { loadDeployment, targetOf } from "./deployment-state.js";

/**
 * Horizontal autoscaling for Swarm, which has none: every interval, the CPU use of the active slot's replicas
 * (Docker stats, percent of the limit or reservation) is averaged and the replica count moved toward
 * `current × average / target`, within min/max, at most once per cooldown, and not for changes under 10%
 * (so it doesn't flap). The decision is stored on the deployment and applied as the app's steady state; releases
 * start from it. Kubernetes apps get an HPA from the driver instead.
 */
export interface AutoscalerDeps {
  db: Database;
  driverFor(clusterId: string): ClusterDriver;
  resync(appId: string, environmentId: string): Promise<void>;
  intervalSeconds: number;
  log(level: "info" | "warn" | "error", msg: string, extra?: object): void;
}

export function decideReplicas(current: number, samples: number[], a: { min: number; max: number; cpuTarget: number }): number {
  const clamp = (n: number) => Math.min(a.max, Math.max(a.min, n));
  if (samples.length === 0) return clamp(current);
  const avg = samples.reduce((x, y) => x + y, 0) / samples.length;
  if (Math.abs(avg - a.cpuTarget) / a.cpuTarget < 0.1) return clamp(current);
  return clamp(Math.ceil((current * avg) / a.cpuTarget));
}

export function createAutoscaler(deps: AutoscalerDeps) {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  async function pass(): Promise<void> {
    const r = await deps.db.query<{ app_id: string; environment_id: string; spec: unknown; env_slug: string; replicas: number | null; scaled_at: string | null; active_slot: "blue" | "green" }>(
      `SELECT d.app_id, d.environment_id, rel.spec, e.slug AS env_slug, d.replicas, d.scaled_at, d.active_slot
         FROM app_deployments d JOIN clusters c ON c.id = d.cluster_id JOIN releases rel ON rel.id = d.active_release_id JOIN environments e ON e.id = d.environment_id
        WHERE c.runtime = 'swarm' AND rel.spec ? 'autoscaling'
          AND NOT EXISTS (SELECT 1 FROM releases o WHERE o.app_id = d.app_id AND o.environment_id = d.environment_id AND o.state IN ('pending','progressing','paused'))`,
    );
    for (const row of r.rows) {
      if (stopped) return;
      const spec = resolveEnvironmentSpec(AppSpec.parse(row.spec), row.env_slug);
      const a = spec.autoscaling;
      if (!a) continue;
      if (row.scaled_at && Date.now() - new Date(row.scaled_at).getTime() < a.cooldownSeconds * 1000) continue;
      const d = await loadDeployment(deps.db, row.app_id, row.environment_id);
      if (!d) continue;
      try {
        const samples = await deps.driverFor(d.cluster_id).sampleCpu(targetOf(d), row.active_slot);
        const current = row.replicas ?? spec.replicas;
        const next = decideReplicas(current, samples, a);
        if (next === current && row.replicas !== null) continue;
        await deps.db.query("UPDATE app_deployments SET replicas = $3, scaled_at = now() WHERE app_id = $1 AND environment_id = $2", [row.app_id, row.environment_id, next]);
        if (next !== current) {
          const avg = samples.length ? Math.round(samples.reduce((x, y) => x + y, 0) / samples.length) : null;
          deps.log("info", "autoscaled", { app: d.app_slug, env: d.environment_slug, from: current, to: next, cpu: avg, target: a.cpuTarget });
        }
        await deps.resync(row.app_id, row.environment_id);
      } catch (err) {
        deps.log("warn", "autoscaler could not sample or scale", { app: d.app_slug, err: String(err) });
      }
    }
  }

  return {
    start() {
      const loop = async () => {
        if (stopped) return;
        await pass().catch((err: unknown) => deps.log("error", "autoscaler pass failed", { err: String(err) }));
        if (!stopped) timer = setTimeout(loop, deps.intervalSeconds * 1000);
      };
      timer = setTimeout(loop, deps.intervalSeconds * 1000);
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
