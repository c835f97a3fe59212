import { type AppSpec, parseDuration, type Strategy } from "./app-spec.js";
import { type DesiredApp, otherSlot, type Slot, type SlotSpec } from "./driver.js";

/**
 * Strategies, written once for every runtime: a release is a list of steps, and each step (or the rollback)
 * maps to one complete desired state that the release engine hands the driver. Pure functions, so the engine
 * stays level-based: after a restart it recomputes the desired state of the step it was in and applies it again.
 */

export type StepKind = "rollout" | "verify" | "weight" | "pause" | "scale" | "switch" | "promote" | "cleanup";
export type StepStatus = "pending" | "running" | "done" | "failed" | "skipped";

export interface ReleaseStep {
  kind: StepKind;
  name: string;
  /** weight: traffic percent to the new slot; pause: seconds or "manual". */
  weight?: number;
  pause?: number | "manual";
  status: StepStatus;
  startedAt?: string;
  finishedAt?: string;
  message?: string;
}

/** A release as the planner needs it: which spec in which slot. */
export interface PlannedRelease {
  /** The release whose spec runs: a rollback release names the release it pins, so a slot already running it stays. */
  id: string;
  number: number;
  image: string;
  spec: AppSpec;
  /** Secret env resolved to versioned objects. */
  secretEnv: SlotSpec["secretEnv"];
}

export interface DeploymentState {
  activeSlot: Slot;
  /** The release serving now (null before the first successful deploy). */
  active: PlannedRelease | null;
  /** The release kept in the other slot (blue/green's previous version), if any. */
  idle: PlannedRelease | null;
  /** Replicas Meridian's autoscaler chose for the active slot (Swarm); null follows the spec. */
  replicas: number | null;
}

/** The effective strategy: without a serving release there is nothing to shift traffic from, so roll out. */
export function effectiveStrategy(strategy: Strategy, hasActive: boolean): Strategy {
  return hasActive ? strategy : { type: "rolling", maxSurge: 1, maxUnavailable: 0 };
}

/** Which slot a release goes to: in place for rolling, the other slot otherwise. */
export function releaseSlot(strategy: Strategy, state: DeploymentState): Slot {
  if (strategy.type === "rolling" || !state.active) return state.active ? state.activeSlot : "blue";
  return otherSlot(state.activeSlot);
}

export function canaryReplicas(total: number, weight: number): number {
  return Math.min(total, Math.max(1, Math.ceil((total * weight) / 100)));
}

export function planSteps(strategy: Strategy, spec: AppSpec): ReleaseStep[] {
  const replicas = spec.replicas;
  const step = (kind: StepKind, name: string, extra: Partial<ReleaseStep> = {}): ReleaseStep => ({ kind, name, status: "pending", ...extra });
  if (strategy.type === "rolling") return [step("rollout", `Roll out ${replicas} replica${replicas === 1 ? "" : "s"}`)];
  if (strategy.type === "bluegreen") {
    const steps = [step("rollout", `Start the new version (${replicas} replica${replicas === 1 ? "" : "s"}) beside the old`), step("verify", `Verify for ${strategy.verifySeconds}s`, { pause: strategy.verifySeconds })];
    if (!strategy.autoSwitch) steps.push(step("pause", "Wait for promote", { pause: "manual" }));
    steps.push(step("switch", "Switch all traffic to the new version"));
    return steps;
  }
  const first = strategy.steps[0]?.weight ?? 10;
  const steps = [step("rollout", `Start the canary (${canaryReplicas(replicas, first)} replica${canaryReplicas(replicas, first) === 1 ? "" : "s"})`)];
  for (const s of strategy.steps) {
    steps.push(step("weight", `Send ${s.weight}% of traffic`, { weight: s.weight }));
    if (s.pause) {
      const pause = s.pause === "manual" ? "manual" : parseDuration(s.pause);
      steps.push(step("pause", pause === "manual" ? "Wait for promote" : `Analyze for ${s.pause}`, { pause }));
    }
  }
  steps.push(step("scale", `Scale the new version to ${replicas}`), step("promote", "Send 100% of traffic to the new version"), step("cleanup", "Remove the old version"));
  return steps;
}

export interface DesiredInput {
  target: DesiredApp["target"];
  state: DeploymentState;
  release: PlannedRelease;
  strategy: Strategy;
  steps: readonly ReleaseStep[];
  /** Index of the step being worked on (steps before it are done). */
  step: number;
  /** Resolves a planned release into the slot spec a driver runs. */
  toSlot(r: PlannedRelease, slot: Slot, replicas: number): SlotSpec;
  secrets: DesiredApp["secrets"];
}

function routesOf(spec: AppSpec): DesiredApp["routes"] {
  const port = spec.ports.find((p) => p.protocol === "http")?.name ?? spec.ports[0]?.name ?? "http";
  return spec.routes.map((r) => ({ ...r, port: r.port ?? port }));
}

function autoscalingOf(spec: AppSpec, slot: Slot): DesiredApp["autoscaling"] {
  return spec.autoscaling ? { slot, min: spec.autoscaling.min, max: spec.autoscaling.max, cpuTarget: spec.autoscaling.cpuTarget } : null;
}

/** The desired state while step `step` of the release runs, its own effect included (step = steps.length: finished). */
export function desiredForStep(i: DesiredInput): DesiredApp {
  const { state, release, strategy } = i;
  const effective = effectiveStrategy(strategy, state.active !== null);
  const slot = releaseSlot(effective, state);
  const full = release.spec.replicas;
  const activeReplicas = (r: PlannedRelease) => state.replicas ?? r.spec.replicas;
  const base = { target: i.target, routes: routesOf(release.spec), secrets: i.secrets };
  if (effective.type === "rolling") {
    return { ...base, slots: [i.toSlot(release, slot, release.spec.autoscaling ? (state.replicas ?? full) : full)], traffic: { [slot]: 100 }, autoscaling: autoscalingOf(release.spec, slot) };
  }
  const old = state.active as PlannedRelease;
  const oldSlot = i.toSlot(old, state.activeSlot, activeReplicas(old));
  // The running step's effect is part of the desired state (a weight step sends its share while it runs).
  const applied = i.steps.slice(0, i.step + 1);
  const kindsDone = new Set(applied.map((s) => s.kind));
  const weight = [...applied].reverse().find((s) => s.kind === "weight")?.weight ?? 0;
  if (effective.type === "bluegreen") {
    const switched = kindsDone.has("switch");
    return {
      ...base,
      slots: [oldSlot, i.toSlot(release, slot, full)],
      traffic: switched ? { [state.activeSlot]: 0, [slot]: 100 } : { [state.activeSlot]: 100, [slot]: 0 },
      autoscaling: autoscalingOf(release.spec, switched ? slot : state.activeSlot),
    };
  }
  // canary
  if (kindsDone.has("cleanup")) return { ...base, slots: [i.toSlot(release, slot, full)], traffic: { [slot]: 100 }, autoscaling: autoscalingOf(release.spec, slot) };
  if (kindsDone.has("promote")) return { ...base, slots: [oldSlot, i.toSlot(release, slot, full)], traffic: { [state.activeSlot]: 0, [slot]: 100 }, autoscaling: autoscalingOf(release.spec, slot) };
  const firstWeight = i.steps.find((s) => s.kind === "weight")?.weight ?? 10;
  return {
    ...base,
    slots: [oldSlot, i.toSlot(release, slot, kindsDone.has("scale") ? full : canaryReplicas(full, Math.max(weight, firstWeight)))],
    traffic: { [state.activeSlot]: 100 - weight, [slot]: weight },
    autoscaling: autoscalingOf(old.spec, state.activeSlot),
  };
}

/**
 * The desired state that undoes a release that failed or was aborted: the serving release alone with all traffic
 * (a blue/green or canary release took the other slot, and rolling drops it, so nothing else is kept). Null on a
 * first deploy: there is nothing to go back to and the app's objects are removed.
 */
export function desiredForRollback(i: Pick<DesiredInput, "target" | "state" | "toSlot" | "secrets">): DesiredApp | null {
  const { state } = i;
  if (!state.active) return null;
  return {
    target: i.target,
    slots: [i.toSlot(state.active, state.activeSlot, state.replicas ?? state.active.spec.replicas)],
    traffic: { [state.activeSlot]: 100 },
    routes: routesOf(state.active.spec),
    autoscaling: autoscalingOf(state.active.spec, state.activeSlot),
    secrets: i.secrets,
  };
}

/** The deployment state once a release succeeded. */
export function stateAfterSuccess(state: DeploymentState, release: PlannedRelease, strategy: Strategy): DeploymentState {
  const effective = effectiveStrategy(strategy, state.active !== null);
  const slot = releaseSlot(effective, state);
  if (effective.type === "rolling") return { activeSlot: slot, active: release, idle: null, replicas: state.replicas };
  if (effective.type === "bluegreen") return { activeSlot: slot, active: release, idle: state.active, replicas: null };
  return { activeSlot: slot, active: release, idle: null, replicas: null };
}

/** The desired state between releases: the serving release with all traffic, blue/green's previous one kept idle. */
export function desiredSteady(i: Pick<DesiredInput, "target" | "state" | "toSlot" | "secrets">): DesiredApp | null {
  const { state } = i;
  if (!state.active) return null;
  const slots = [i.toSlot(state.active, state.activeSlot, state.replicas ?? state.active.spec.replicas)];
  if (state.idle) slots.push(i.toSlot(state.idle, otherSlot(state.activeSlot), state.idle.spec.replicas));
  return {
    target: i.target,
    slots,
    traffic: state.idle ? { [state.activeSlot]: 100, [otherSlot(state.activeSlot)]: 0 } : { [state.activeSlot]: 100 },
    routes: routesOf(state.active.spec),
    autoscaling: autoscalingOf(state.active.spec, state.activeSlot),
    secrets: i.secrets,
  };
}
