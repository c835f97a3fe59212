import type { AppObservation, SlotObservation } from "@meridian/core";
import type { DockerTask, ServiceSpec, TaskSpec } from "../docker-types.js";
import { isSameSpec } from "../service-spec.js";
import { type SlotState, isTaskReady } from "./app-state.js";
import { autoscalingLabel, releaseLabel } from "./names.js";

/** Failures this recent count; older ones are history. */
export const failureWindowMs = 120_000;
/** This many recent failures of the current spec make the slot failed (Swarm itself retries forever; a crash loop is 2 failures in ~40 s with the default 10 s stop grace period). */
export const failureThreshold = 2;

const failedStates = new Set(["failed", "rejected"]);
/** UpdateStatus states in which Swarm gave up on the update (FailureAction rollback or pause). */
const gaveUpStates: Record<string, string> = {
  paused: "the update was paused after failing",
  rollback_started: "the update failed and is being rolled back",
  rollback_paused: "the update failed and its rollback was paused",
  rollback_completed: "the update failed and was rolled back",
};

/** Drops empty objects/arrays: the service's template shows some (DNSConfig: {}) that its tasks leave out. */
function dropEmpty(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map(dropEmpty);
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).flatMap(([k, v]) => {
      const kept = dropEmpty(v);
      return kept === undefined ? [] : [[k, kept] as const];
    });
    return entries.length === 0 ? undefined : Object.fromEntries(entries);
  }
  return value;
}

/**
 * The task spec the engine would write for the service's template: the service API fills defaults (stop grace
 * period 10 s, runtime "container", empty DNS config) that task specs do not carry.
 */
export function normalizeTaskSpec(spec: TaskSpec | undefined): unknown {
  const copy = structuredClone(spec ?? {}) as TaskSpec & { Runtime?: string };
  if (copy.Runtime === "container") delete copy.Runtime;
  if (copy.ContainerSpec && (copy.ContainerSpec as { StopGracePeriod?: number }).StopGracePeriod === 10e9) delete copy.ContainerSpec.StopGracePeriod;
  return dropEmpty(copy);
}

/** Tasks are created from the service's TaskTemplate; one equal to the current template runs the current spec. */
function isCurrent(state: SlotState, task: DockerTask): boolean {
  return isSameSpec(normalizeTaskSpec(task.Spec) as ServiceSpec, normalizeTaskSpec(state.service.Spec?.TaskTemplate) as ServiceSpec);
}

function describeFailures(failed: DockerTask[]): string {
  const unhealthy = failed.filter((t) => /unhealthy/i.test(`${t.Status?.Err ?? ""} ${t.Status?.Message ?? ""}`)).length;
  if (unhealthy === failed.length) return `${failed.length} tasks failed their health check`;
  const last = failed[0]?.Status;
  return `${failed.length} tasks failed (last: ${last?.Err || last?.Message || last?.State || "unknown"})`;
}

export function observeSlot(state: SlotState, now: number): SlotObservation {
  const { service } = state;
  const labels = service.Spec?.Labels ?? {};
  const desired = service.Spec?.Mode?.Replicated?.Replicas ?? 0;
  const running = state.tasks.filter(isTaskReady);
  const updated = running.filter((t) => isCurrent(state, t)).length;
  const failed = state.tasks.filter(
    (t) => failedStates.has(t.Status?.State ?? "") && isCurrent(state, t) && now - Date.parse(t.Status?.Timestamp ?? "") < failureWindowMs,
  );
  const base = {
    slot: state.slot,
    releaseId: labels[releaseLabel] ?? null,
    image: service.Spec?.TaskTemplate?.ContainerSpec?.Image ?? null,
    desired,
    updated,
    ready: running.length,
    failed: failed.length,
  };
  const update = service.UpdateStatus;
  const gaveUp = update?.State ? gaveUpStates[update.State] : undefined;
  if (gaveUp) return { ...base, health: "failed", message: `${gaveUp}${update?.Message ? `: ${update.Message}` : ""}` };
  // Repeated failures win over a momentarily full count: a crash loop is "ready" between its crashes.
  if (failed.length >= failureThreshold) return { ...base, health: "failed", message: describeFailures(failed) };
  // Healthy tasks are not the end of an update: Swarm still watches them for the Monitor window and rolls back on a
  // failure inside it. "ok" waits for Swarm's own verdict, so a release is never reported successful too early.
  if (update?.State === "updating" || update?.State === "rollback_started") {
    return { ...base, health: "progressing", message: `${updated}/${desired} updated, ${running.length}/${desired} ready; Swarm is still monitoring the update` };
  }
  if (updated === desired && running.length === desired) return { ...base, health: "ok", message: "" };
  const parts = [`${updated}/${desired} updated`, `${running.length}/${desired} ready`];
  if (failed.length > 0) parts.push(describeFailures(failed));
  return { ...base, health: "progressing", message: parts.join(", ") };
}

/** Meridian's autoscaler settings, as labelled on the autoscaled slot's service. */
export function observeAutoscaling(states: SlotState[]): AppObservation["autoscaling"] {
  for (const s of states) {
    const label = s.service.Spec?.Labels?.[autoscalingLabel];
    if (!label) continue;
    const values = Object.fromEntries(label.split(",").map((kv) => kv.split("=")));
    const min = Number(values.min);
    const max = Number(values.max);
    const cpuTarget = Number(values.cpu);
    if ([min, max, cpuTarget].every(Number.isFinite)) return { min, max, cpuTarget, current: s.service.Spec?.Mode?.Replicated?.Replicas ?? 0 };
  }
  return null;
}
