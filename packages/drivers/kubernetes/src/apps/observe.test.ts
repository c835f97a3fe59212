import { describe, expect, it } from "vitest";
import type { Obj } from "./names.js";
import { observeAutoscaler, observeSlot } from "./observe.js";

const deployment = (spec: { replicas?: number; generation?: number }, status: Obj, extra: Obj = {}): Obj => ({
  metadata: { name: "web-blue", generation: spec.generation ?? 2, annotations: { "meridian.dev/release-id": "rel-7" }, ...extra },
  spec: { replicas: spec.replicas ?? 2, template: { spec: { containers: [{ name: "app", image: "registry.example/web:7" }] } } },
  status,
});
const pod = (name: string, status: Obj, extra: Obj = {}): Obj => ({ metadata: { name, ...extra }, status });
const running = pod("web-blue-1", { phase: "Running", containerStatuses: [{ name: "app", state: { running: {} }, ready: true }] });

describe("observeSlot", () => {
  it.each([
    ["ok when the rollout is complete", deployment({}, { observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 2 }), [running], "ok", /2\/2 ready/],
    ["progressing while the controller has not seen the new spec", deployment({}, { observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2 }), [], "progressing", /new spec/],
    ["progressing while replicas are not ready", deployment({}, { observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 1 }), [], "progressing", /1\/2 ready/],
    ["progressing while old replicas terminate", deployment({}, { observedGeneration: 2, replicas: 3, updatedReplicas: 2, readyReplicas: 2 }), [], "progressing", /1 old replica/],
    ["progressing while a slot is being removed", deployment({}, { observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 2 }, { deletionTimestamp: "2026-01-01T00:00:00Z" }), [], "progressing", /removed/],
    [
      "failed when the progress deadline passed",
      deployment({}, { observedGeneration: 2, replicas: 2, updatedReplicas: 1, readyReplicas: 1, conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: 'ReplicaSet "web-blue-abc" has timed out progressing.' }] }),
      [],
      "failed",
      /timed out progressing/,
    ],
    [
      "failed when a replica crash-loops",
      deployment({}, { observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 1 }),
      [running, pod("web-blue-2", { phase: "Running", containerStatuses: [{ name: "app", state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 10s" } } }] })],
      "failed",
      /1 of 2 replica\(s\) failing: pod web-blue-2: CrashLoopBackOff/,
    ],
    [
      "failed when the image cannot be pulled",
      deployment({}, { observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 0 }),
      [pod("web-blue-3", { phase: "Pending", containerStatuses: [{ name: "app", state: { waiting: { reason: "ImagePullBackOff" } } }] })],
      "failed",
      /ImagePullBackOff/,
    ],
    ["failed when a container exited with an error", deployment({}, { observedGeneration: 2, replicas: 1 }), [pod("web-blue-4", { phase: "Running", containerStatuses: [{ name: "app", state: { terminated: { reason: "Error", exitCode: 3 } } }] })], "failed", /exited with code 3/],
    ["failed when a pod failed", deployment({}, { observedGeneration: 2, replicas: 1 }), [pod("web-blue-5", { phase: "Failed", reason: "Evicted" })], "failed", /failed \(Evicted\)/],
  ] as [string, Obj, Obj[], string, RegExp][])("%s", (_, dep, pods, health, message) => {
    const o = observeSlot("blue", dep, pods);
    expect(o.health).toBe(health);
    expect(o.message).toMatch(message);
    expect(o).toMatchObject({ slot: "blue", releaseId: "rel-7", image: "registry.example/web:7", desired: 2 });
  });

  it("does not count a terminating pod as failing, and says why a pod waits for a node", () => {
    const gone = pod("web-blue-6", { phase: "Failed" }, { deletionTimestamp: "2026-01-01T00:00:00Z" });
    const waiting = pod("web-blue-7", { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/3 nodes are available" }] });
    const o = observeSlot("blue", deployment({}, { observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 1 }), [gone, waiting]);
    expect(o).toMatchObject({ failed: 0, health: "progressing" });
    expect(o.message).toMatch(/web-blue-7 cannot be scheduled: 0\/3 nodes are available/);
  });

  it("reports counts from the status", () => {
    expect(observeSlot("green", deployment({ replicas: 4 }, { observedGeneration: 2, replicas: 4, updatedReplicas: 3, readyReplicas: 2 }), [])).toMatchObject({ desired: 4, updated: 3, ready: 2, failed: 0 });
  });
});

describe("observeAutoscaler", () => {
  const hpa = (status: Obj = {}) => ({
    spec: { minReplicas: 2, maxReplicas: 6, metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 65 } } }] },
    status,
  });
  it.each([
    ["no HPA", null, null, null],
    ["the HPA's current count", hpa({ currentReplicas: 4 }), { status: { replicas: 2 } }, { min: 2, max: 6, current: 4, cpuTarget: 65 }],
    ["the Deployment's count before the HPA reports", hpa(), { status: { replicas: 3 } }, { min: 2, max: 6, current: 3, cpuTarget: 65 }],
  ] as [string, Obj | null, Obj | null, Obj | null][])("%s", (_, h, dep, want) => {
    expect(observeAutoscaler(h, dep)).toEqual(want);
  });
});
