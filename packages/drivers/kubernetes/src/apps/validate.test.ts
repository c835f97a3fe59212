import type { DesiredApp, SlotSpec } from "@meridian/core";
import { describe, expect, it } from "vitest";
import { assertDesiredApp, assertTarget } from "./validate.js";

const target = { app: "web", project: "shop", environment: "prod", namespace: "shop-prod" };
const slot = (s: "blue" | "green"): SlotSpec => ({
  slot: s,
  releaseId: "r1",
  releaseNumber: 1,
  image: "registry.example/web:1",
  ports: [{ name: "http", port: 8080, protocol: "http" }],
  env: {},
  secretEnv: [],
  resources: {},
  replicas: 1,
  volumes: [],
  rolling: { maxSurge: 1, maxUnavailable: 0 },
});
const desired = (extra: Partial<DesiredApp>): DesiredApp => ({ target, slots: [slot("blue")], traffic: { blue: 100 }, routes: [], autoscaling: null, secrets: [], ...extra });

describe("assertDesiredApp", () => {
  it("accepts a valid state", () => {
    expect(() => assertDesiredApp(desired({ slots: [slot("blue"), slot("green")], traffic: { blue: 90, green: 10 } }))).not.toThrow();
    expect(() => assertDesiredApp(desired({ slots: [], traffic: {} }))).not.toThrow();
  });

  it.each([
    ["an app name that is no DNS label", { target: { ...target, app: "Web_1" } }, /app name 'Web_1'/],
    ["a namespace that is no DNS label", { target: { ...target, namespace: "a.b" } }, /namespace 'a.b'/],
    ["a slot listed twice", { slots: [slot("blue"), slot("blue")] }, /listed twice/],
    ["traffic not summing to 100", { slots: [slot("blue"), slot("green")], traffic: { blue: 90, green: 20 } }, /sum to 100, got 110/],
    ["traffic to a slot that is not desired", { traffic: { blue: 100, green: 0 } }, /slot green, which is not desired/],
    ["a fractional weight", { slots: [slot("blue"), slot("green")], traffic: { blue: 99.5, green: 0.5 } }, /integer percent/],
    ["autoscaling of a slot that is not desired", { autoscaling: { slot: "green", min: 1, max: 2, cpuTarget: 50 } }, /autoscaling targets slot green/],
    ["autoscaling with min above max", { autoscaling: { slot: "blue", min: 3, max: 2, cpuTarget: 50 } }, /min <= max/],
    ["a secret name that is no DNS subdomain", { secrets: [{ name: "Bad_Name", data: {} }] }, /secret name 'Bad_Name'/],
  ] as [string, Partial<DesiredApp>, RegExp][])("rejects %s", (_, extra, message) => {
    expect(() => assertDesiredApp(desired(extra))).toThrow(message);
  });

  it("lists every problem at once", () => {
    try {
      assertDesiredApp(desired({ target: { ...target, app: "-" }, traffic: { blue: 5 } }));
      expect.unreachable();
    } catch (err) {
      expect((err as { code: string }).code).toBe("invalid_input");
      expect((err as { details: { problems: string[] } }).details.problems).toHaveLength(2);
    }
  });

  it("checks a target on its own", () => {
    expect(() => assertTarget({ ...target, environment: "has space" })).toThrow(/environment 'has space'/);
  });
});
