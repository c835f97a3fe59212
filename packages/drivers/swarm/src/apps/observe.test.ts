import { describe, expect, it } from "vitest";
import type { DockerService, DockerTask, TaskSpec } from "../docker-types.js";
import { observeAutoscaling, observeSlot } from "./observe.js";

const now = Date.parse("2026-01-01T12:00:00Z");
const ago = (s: number) => new Date(now - s * 1000).toISOString();
const template: TaskSpec = { ContainerSpec: { Image: "app:v2", Env: ["A=1"] }, Resources: {} };
// What the service API shows for the same template: defaults the tasks do not carry.
const serviceTemplate = { ...template, Runtime: "container", ContainerSpec: { ...template.ContainerSpec, StopGracePeriod: 10e9, DNSConfig: {} } };
const service = (extra: Partial<DockerService> = {}): DockerService => ({
  ID: "svc",
  Spec: { Labels: { "meridian.dev/release": "r2" }, TaskTemplate: serviceTemplate, Mode: { Replicated: { Replicas: 2 } } },
  ...extra,
});
const task = (state: string, spec: TaskSpec = template, at = ago(5), err?: string): DockerTask => ({
  ID: Math.random().toString(36).slice(2),
  Spec: spec,
  DesiredState: state === "running" || state === "starting" ? "running" : "shutdown",
  Status: { State: state, Timestamp: at, ...(err && { Err: err }) },
});
const old: TaskSpec = { ContainerSpec: { Image: "app:v1", Env: ["A=1"] } };

describe("a slot observed from its service and tasks", () => {
  it("is ok when every desired replica runs the current spec", () => {
    const o = observeSlot({ slot: "blue", service: service(), tasks: [task("running"), task("running"), task("shutdown", old)] }, now);
    expect(o).toMatchObject({ releaseId: "r2", image: "app:v2", desired: 2, updated: 2, ready: 2, failed: 0, health: "ok" });
  });

  it("is progressing mid-rollout (old tasks still running)", () => {
    const o = observeSlot({ slot: "blue", service: service(), tasks: [task("running"), task("starting"), task("running", old)] }, now);
    expect(o).toMatchObject({ updated: 1, ready: 2, health: "progressing", message: "1/2 updated, 2/2 ready" });
  });

  it("fails on repeated recent health check failures, not on old ones", () => {
    const unhealthy = "task: non-zero exit (137): dockerexec: unhealthy container";
    const failing = observeSlot({ slot: "blue", service: service(), tasks: [task("starting"), task("failed", template, ago(20), unhealthy), task("failed", template, ago(40), unhealthy)] }, now);
    expect(failing).toMatchObject({ failed: 2, health: "failed", message: "2 tasks failed their health check" });
    const recovered = observeSlot({ slot: "blue", service: service(), tasks: [task("running"), task("running"), task("failed", template, ago(600), unhealthy), task("failed", template, ago(700), unhealthy)] }, now);
    expect(recovered).toMatchObject({ failed: 0, health: "ok" });
  });

  it("fails when Swarm rolled the update back, saying why", () => {
    const o = observeSlot({ slot: "blue", service: service({ UpdateStatus: { State: "rollback_completed", Message: "rollback completed" } }), tasks: [task("running"), task("running")] }, now);
    expect(o.health).toBe("failed");
    expect(o.message).toMatch(/rolled back/);
  });

  it("reads the autoscaler settings from the slot's label", () => {
    const s = service();
    s.Spec = { ...s.Spec, Labels: { "meridian.dev/autoscaling": "min=1,max=4,cpu=60" } };
    expect(observeAutoscaling([{ slot: "green", service: s, tasks: [] }])).toEqual({ min: 1, max: 4, cpuTarget: 60, current: 2 });
    expect(observeAutoscaling([{ slot: "green", service: service(), tasks: [] }])).toBeNull();
  });
});
