import type { AppEnvironmentStatus, Release } from "@meridian/core";
import { describe, expect, it } from "vitest";
import { canPromote, envChipText, inProgressStep, formatDuration, releaseProgress, shortImage, strategyLabel } from "./status";

const step = (kind: string, status: Release["steps"][number]["status"]) => ({ kind, name: kind, status });

describe("shortImage", () => {
  it.each([
    ["nginx:1.27", "nginx:1.27"],
    ["registry.example.com/team/app:1.2", "team/app:1.2"],
    [`127.0.0.1:5000/meridian/testapp@sha256:${"ab".repeat(32)}`, "meridian/testapp@abababababab"],
    [`docker.io/library/redis:7@sha256:${"0f".repeat(32)}`, "library/redis:7@0f0f0f0f0f0f"],
  ])("%s -> %s", (image, short) => expect(shortImage(image)).toBe(short));
});

describe("canPromote", () => {
  it.each([
    ["paused at a manual pause", { state: "paused", step: 1, steps: [step("rollout", "done"), step("pause", "running")] }, true],
    ["progressing through a timed pause", { state: "progressing", step: 1, steps: [step("weight", "done"), step("pause", "running")] }, true],
    ["verifying blue/green", { state: "progressing", step: 1, steps: [step("rollout", "done"), step("verify", "running")] }, true],
    ["rolling out", { state: "progressing", step: 0, steps: [step("rollout", "running")] }, false],
    ["pending", { state: "pending", step: 0, steps: [step("pause", "pending")] }, false],
    ["finished", { state: "succeeded", step: 1, steps: [step("pause", "done")] }, false],
  ] as const)("%s: %s", (_name, r, ok) => expect(canPromote(r as never)).toBe(ok));
});

describe("releaseProgress", () => {
  it("counts done and skipped steps, and a succeeded release as complete", () => {
    expect(releaseProgress({ state: "progressing", steps: [step("a", "done"), step("b", "skipped"), step("c", "running"), step("d", "pending")] as never })).toEqual({ done: 2, total: 4, percent: 50 });
    expect(releaseProgress({ state: "succeeded", steps: [step("a", "done"), step("b", "pending")] as never })).toEqual({ done: 2, total: 2, percent: 100 });
    expect(releaseProgress({ state: "pending", steps: [] })).toEqual({ done: 0, total: 0, percent: 0 });
  });
});

describe("formatDuration", () => {
  const t0 = "2025-01-01T00:00:00.000Z";
  it.each([
    ["2025-01-01T00:00:04.200Z", "4.2 s"],
    ["2025-01-01T00:00:42.000Z", "42 s"],
    ["2025-01-01T00:03:05.000Z", "3 min 5 s"],
    ["2025-01-01T02:10:00.000Z", "2 h 10 min"],
  ])("%s", (to, text) => expect(formatDuration(t0, to)).toBe(text));
  it("runs until now without an end, and is empty without a start", () => {
    expect(formatDuration(t0, null, new Date(t0).getTime() + 1500)).toBe("1.5 s");
    expect(formatDuration(null, null)).toBe("");
  });
});

describe("strategyLabel", () => {
  it("names each strategy, with canary weights", () => {
    expect(strategyLabel({ type: "rolling", maxSurge: 1, maxUnavailable: 0 })).toBe("Rolling");
    expect(strategyLabel({ type: "bluegreen", autoSwitch: false, verifySeconds: 10 })).toBe("Blue/green (manual switch)");
    expect(strategyLabel({ type: "canary", steps: [{ weight: 10 }, { weight: 50, pause: "manual" }] })).toBe("Canary 10% → 50%");
  });
});

describe("envChipText", () => {
  const base: AppEnvironmentStatus = {
    environmentId: "e",
    environmentSlug: "dev",
    environmentName: "Dev",
    target: null,
    deployed: false,
    activeSlot: null,
    current: null,
    inProgress: null,
    replicas: null,
    health: "not_deployed",
    routes: [],
  };
  const target = { clusterId: "c", clusterSlug: "kube", runtime: "kubernetes" as const, namespace: "shop" };
  it.each([
    ["no binding", base, "no cluster"],
    ["bound, never deployed", { ...base, target }, "not deployed"],
    ["serving", { ...base, target, deployed: true, health: "ok" as const, current: { number: 3, image: "x", finishedAt: null }, replicas: { desired: 2, ready: 2 } }, "#3 · 2/2"],
    [
      "a release running",
      { ...base, target, deployed: true, health: "progressing" as const, current: { number: 3, image: "x", finishedAt: null }, replicas: { desired: 2, ready: 1 }, inProgress: { number: 4, state: "progressing" as const, step: 2, steps: 8, stepName: "canary 50%" } },
      "#3 · 1/2 · #4 canary 50%",
    ],
    [
      "a release running, step not named",
      { ...base, target, deployed: true, health: "progressing" as const, current: null, replicas: null, inProgress: { number: 1, state: "progressing" as const, step: 2, steps: 8, stepName: null } },
      "#1 step 3/8",
    ],
  ])("%s", (_n, env, text) => expect(envChipText(env)).toBe(text));
});

describe("inProgressStep", () => {
  it("names the step and keeps the counter apart", () => {
    expect(inProgressStep({ number: 2, state: "progressing", step: 0, steps: 3, stepName: "rollout" })).toEqual({ name: "rollout", counter: "1/3" });
    expect(inProgressStep({ number: 2, state: "pending", step: 0, steps: 3, stepName: null })).toEqual({ name: "waiting to start", counter: "1/3" });
    expect(inProgressStep({ number: 2, state: "progressing", step: 5, steps: 3, stepName: "" })).toEqual({ name: "step 3/3", counter: "3/3" });
  });
});
