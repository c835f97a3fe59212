import { describe, expect, it } from "vitest";
import { AppSpec } from "./app-spec.js";
import type { Slot, SlotSpec } from "./driver.js";
import { type DeploymentState, desiredForRollback, desiredForStep, type PlannedRelease, planSteps, stateAfterSuccess } from "./rollout.js";

const spec = (replicas: number, strategy?: unknown) =>
  AppSpec.parse({ source: { image: "r.example/app:1" }, ports: [{ name: "http", port: 8080 }], replicas, routes: [{ host: "a.example.com" }], ...(strategy ? { strategy } : {}) });
const rel = (n: number, s = spec(4)): PlannedRelease => ({ id: `r${n}`, number: n, image: `r.example/app:${n}`, spec: s, secretEnv: [] });
const toSlot = (r: PlannedRelease, slot: Slot, replicas: number): SlotSpec => ({
  slot,
  releaseId: r.id,
  releaseNumber: r.number,
  image: r.image,
  ports: [],
  env: {},
  secretEnv: [],
  resources: {},
  replicas,
  volumes: [],
  rolling: { maxSurge: 1, maxUnavailable: 0 },
});
const target = { app: "a", project: "p", environment: "e", namespace: "n" };
const summary = (d: ReturnType<typeof desiredForStep>) => ({ slots: d.slots.map((s) => `${s.slot}:${s.releaseId}x${s.replicas}`), traffic: d.traffic });

describe("planSteps", () => {
  it("plans canary weights with pauses, then promote and cleanup", () => {
    const s = spec(4, { type: "canary", steps: [{ weight: 10, pause: "30s" }, { weight: 50, pause: "manual" }] });
    expect(planSteps(s.strategy, s).map((x) => `${x.kind}${x.weight ?? ""}${x.pause ?? ""}`)).toEqual(["rollout", "weight10", "pause30", "weight50", "pausemanual", "scale", "promote", "cleanup"]);
  });
  it("waits for promote before a blue/green switch when autoSwitch is off", () => {
    const s = spec(2, { type: "bluegreen", autoSwitch: false, verifySeconds: 5 });
    expect(planSteps(s.strategy, s).map((x) => x.kind)).toEqual(["rollout", "verify", "pause", "switch"]);
  });
  it("rejects canary weights that do not increase", () => {
    expect(() => spec(2, { type: "canary", steps: [{ weight: 50 }, { weight: 10 }] })).toThrow(/increase/);
  });
});

describe("desiredForStep", () => {
  const state: DeploymentState = { activeSlot: "blue", active: rel(1), idle: null, replicas: null };
  it("moves canary traffic step by step and scales the canary with its weight", () => {
    const s = spec(4, { type: "canary", steps: [{ weight: 25, pause: "10s" }, { weight: 50 }] });
    const release = rel(2, s);
    const steps = planSteps(s.strategy, s);
    const at = (step: number) => summary(desiredForStep({ target, state, release, strategy: s.strategy, steps, step, toSlot, secrets: [] }));
    expect(at(0)).toEqual({ slots: ["blue:r1x4", "green:r2x1"], traffic: { blue: 100, green: 0 } });
    expect(at(1)).toEqual({ slots: ["blue:r1x4", "green:r2x1"], traffic: { blue: 75, green: 25 } });
    expect(at(3)).toEqual({ slots: ["blue:r1x4", "green:r2x2"], traffic: { blue: 50, green: 50 } });
    expect(at(4)).toEqual({ slots: ["blue:r1x4", "green:r2x4"], traffic: { blue: 50, green: 50 } });
    expect(at(5)).toEqual({ slots: ["blue:r1x4", "green:r2x4"], traffic: { blue: 0, green: 100 } });
    expect(at(6)).toEqual({ slots: ["green:r2x4"], traffic: { green: 100 } });
    expect(at(7)).toEqual(at(6));
    expect(stateAfterSuccess(state, release, s.strategy)).toMatchObject({ activeSlot: "green", idle: null });
  });
  it("keeps blue/green's old version beside the new one and switches all traffic at once", () => {
    const s = spec(4, { type: "bluegreen" });
    const release = rel(2, s);
    const steps = planSteps(s.strategy, s);
    const at = (step: number) => summary(desiredForStep({ target, state, release, strategy: s.strategy, steps, step, toSlot, secrets: [] }));
    expect(at(0)).toEqual({ slots: ["blue:r1x4", "green:r2x4"], traffic: { blue: 100, green: 0 } });
    expect(at(3)).toEqual({ slots: ["blue:r1x4", "green:r2x4"], traffic: { blue: 0, green: 100 } });
    expect(stateAfterSuccess(state, release, s.strategy)).toMatchObject({ activeSlot: "green", active: { id: "r2" }, idle: { id: "r1" } });
  });
  it("rolls out in place on the first deploy whatever the strategy", () => {
    const s = spec(3, { type: "canary" });
    const first: DeploymentState = { activeSlot: "blue", active: null, idle: null, replicas: null };
    const d = desiredForStep({ target, state: first, release: rel(1, s), strategy: s.strategy, steps: planSteps({ type: "rolling", maxSurge: 1, maxUnavailable: 0 }, s), step: 0, toSlot, secrets: [] });
    expect(summary(d)).toEqual({ slots: ["blue:r1x3"], traffic: { blue: 100 } });
  });
  it("rolls back to the serving release alone, or to nothing on a first deploy", () => {
    expect(summary(desiredForRollback({ target, state, toSlot, secrets: [] }) as ReturnType<typeof desiredForStep>)).toEqual({ slots: ["blue:r1x4"], traffic: { blue: 100 } });
    expect(desiredForRollback({ target, state: { ...state, active: null }, toSlot, secrets: [] })).toBeNull();
  });
});

describe("templates", () => {
  it("expand into documents the app schema accepts", async () => {
    const { appTemplates } = await import("./templates.js");
    const { AppDocument } = await import("./app-spec.js");
    for (const t of appTemplates) expect(AppDocument.safeParse(t.expand({ name: "x1", project: "p" })).success, t.id).toBe(true);
  });
});
