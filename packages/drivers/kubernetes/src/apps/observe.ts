import type { AppObservation, Slot, SlotObservation } from "@meridian/core";
import { type Obj, containerName, releaseIdAnnotation } from "./names.js";

/** What an app's Deployments, pods and HPA say about it, in AppObservation's words. Pure. */

/** Container states that mean a replica keeps failing rather than still starting. */
const failingWaiting = new Set(["CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "InvalidImageName", "CreateContainerConfigError", "CreateContainerError", "RunContainerError"]);

/** Why a pod is failing, or null when it is not. */
function podFailure(pod: Obj): string | null {
  if (pod.metadata?.deletionTimestamp) return null;
  if (pod.status?.phase === "Failed") return `pod ${pod.metadata?.name} failed${pod.status?.reason ? ` (${pod.status.reason})` : ""}`;
  for (const c of (pod.status?.containerStatuses ?? []) as Obj[]) {
    const waiting = c.state?.waiting;
    if (waiting && failingWaiting.has(waiting.reason)) return `pod ${pod.metadata?.name}: ${waiting.reason}${waiting.message ? `: ${String(waiting.message).slice(0, 200)}` : ""}`;
    const terminated = c.state?.terminated ?? (waiting ? c.lastState?.terminated : undefined);
    if (terminated && terminated.reason === "Error") return `pod ${pod.metadata?.name}: exited with code ${terminated.exitCode ?? "?"}`;
  }
  return null;
}

function condition(dep: Obj, type: string): Obj | undefined {
  return ((dep.status?.conditions ?? []) as Obj[]).find((c) => c.type === type);
}

export function observeSlot(slot: Slot, dep: Obj, pods: Obj[]): SlotObservation {
  const desired = Number(dep.spec?.replicas ?? 1);
  const st = dep.status ?? {};
  const updated = Number(st.updatedReplicas ?? 0);
  const ready = Number(st.readyReplicas ?? 0);
  const current = Number(st.replicas ?? 0);
  const failures = pods.map(podFailure).filter((x): x is string => x !== null);
  const container = ((dep.spec?.template?.spec?.containers ?? []) as Obj[]).find((c) => c.name === containerName);
  const base = {
    slot,
    releaseId: (dep.metadata?.annotations?.[releaseIdAnnotation] as string | undefined) ?? null,
    image: (container?.image as string | undefined) ?? null,
    desired,
    updated,
    ready,
    failed: failures.length,
  };
  const progressing = condition(dep, "Progressing");
  if (progressing?.status === "False" && progressing.reason === "ProgressDeadlineExceeded") {
    return { ...base, health: "failed", message: `the rollout made no progress: ${progressing.message ?? "ProgressDeadlineExceeded"}` };
  }
  if (failures.length > 0) {
    return { ...base, health: "failed", message: `${failures.length} of ${pods.length} replica(s) failing: ${failures.slice(0, 3).join("; ")}` };
  }
  if (dep.metadata?.deletionTimestamp) return { ...base, health: "progressing", message: "being removed" };
  const caughtUp = Number(st.observedGeneration ?? 0) >= Number(dep.metadata?.generation ?? 0);
  // current > desired: old replicas are still terminating, the rollout has not finished.
  if (caughtUp && updated === desired && ready === desired && current <= desired) {
    return { ...base, health: "ok", message: `${ready}/${desired} ready` };
  }
  const why = caughtUp ? `${updated}/${desired} updated, ${ready}/${desired} ready${current > desired ? `, ${current - desired} old replica(s) terminating` : ""}` : "waiting for the controller to see the new spec";
  const stuck = pods.map(podUnschedulable).find((x) => x !== null);
  return { ...base, health: "progressing", message: stuck ? `${why}; ${stuck}` : why };
}

/** Why a pod waits for a node (no room, an unbound claim): not a failure, since it may resolve, but worth saying. */
function podUnschedulable(pod: Obj): string | null {
  const c = ((pod.status?.conditions ?? []) as Obj[]).find((x) => x.type === "PodScheduled");
  if (c?.status !== "False" || pod.metadata?.deletionTimestamp) return null;
  return `pod ${pod.metadata?.name} cannot be scheduled: ${String(c.message ?? c.reason ?? "").slice(0, 200)}`;
}

/** The HPA's view; until the HPA controller has reported, the current count is its target Deployment's. */
export function observeAutoscaler(hpa: Obj | null, target: Obj | null): AppObservation["autoscaling"] {
  if (!hpa) return null;
  const cpu = ((hpa.spec?.metrics ?? []) as Obj[]).find((m) => m.type === "Resource" && m.resource?.name === "cpu");
  return {
    min: Number(hpa.spec?.minReplicas ?? 1),
    max: Number(hpa.spec?.maxReplicas ?? 1),
    current: Number(hpa.status?.currentReplicas ?? target?.status?.replicas ?? 0),
    cpuTarget: Number(cpu?.resource?.target?.averageUtilization ?? 0),
  };
}
