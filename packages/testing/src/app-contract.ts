import type { AppObservation, AppTarget, ClusterDriver, DesiredApp, Slot, SlotSpec } from "@meridian/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "./wait.js";

/**
 * The one contract every runtime's ClusterDriver must meet (STYLE.md §6), run against the real testbeds by each
 * driver's tests. What a runtime cannot do here is a skip with its reason (e.g. KWOK pods run nothing, so no
 * traffic or failing health checks on the Kubernetes testbed).
 */
export interface AppDriverFixture {
  runtime: "kubernetes" | "swarm";
  driver(): ClusterDriver | Promise<ClusterDriver>;
  /** Namespace or stack the apps go to (created by the fixture if needed). */
  namespace: string;
  /** The test app (busybox httpd on :8080 answering "meridian testapp <version>", /healthz). */
  images: { v1: string; v2: string };
  /** Names of the runtime objects labelled meridian.dev/app=<app>, read independently of the driver, sorted. */
  listObjects(target: AppTarget): Promise<string[]>;
  /** GET through the runtime's router with the Host header; undefined when traffic cannot flow here. */
  fetchThroughRouter?(host: string, path: string): Promise<{ status: number; body: string }>;
  /** Extra constraints a slot needs on this testbed (e.g. Swarm: pinned to the manager). */
  slotExtras?: Partial<SlotSpec>;
  skip?: { failingHealth?: string; traffic?: string; cpu?: string };
}

const eventually = waitFor;

export function describeAppDriverContract(fx: AppDriverFixture): void {
  describe(`ClusterDriver contract: ${fx.runtime}`, () => {
    let driver: ClusterDriver;
    const app = `ct-${Date.now().toString(36)}`;
    const target: AppTarget = { app, project: "contract", environment: "test", namespace: fx.namespace };
    const host = `${app}.contract.test`;
    const routes = [{ host, path: "/", port: "http" }];
    const slot = (s: Slot, version: 1 | 2, replicas: number, extra: Partial<SlotSpec> = {}): SlotSpec => ({
      slot: s,
      releaseId: `r${version}-${s}`,
      releaseNumber: version,
      image: version === 1 ? fx.images.v1 : fx.images.v2,
      ports: [{ name: "http", port: 8080, protocol: "http" }],
      env: { GREETING: `v${version}` },
      secretEnv: [],
      resources: { requests: { cpu: "50m", memory: "32Mi" }, limits: { cpu: "200m", memory: "64Mi" } },
      replicas,
      readiness: { http: { path: "/healthz", port: "http" }, initialDelaySeconds: 0, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 2 },
      volumes: [],
      rolling: { maxSurge: 1, maxUnavailable: 0 },
      ...fx.slotExtras,
      ...extra,
    });
    const desired = (slots: SlotSpec[], traffic: DesiredApp["traffic"], extra: Partial<DesiredApp> = {}): DesiredApp => ({
      target,
      slots,
      traffic,
      routes,
      autoscaling: null,
      secrets: [],
      ...extra,
    });
    const observeUntil = (what: string, ok: (o: AppObservation) => boolean, timeoutMs?: number) =>
      eventually(
        what,
        async () => {
          const o = await driver.observeApp(target);
          return ok(o) ? o : null;
        },
        timeoutMs,
      );
    const slotOf = (o: AppObservation, s: Slot) => o.slots.find((x) => x.slot === s);

    beforeAll(async () => {
      driver = await fx.driver();
    });
    afterAll(async () => {
      await driver?.deleteApp(target).catch(() => undefined);
      await driver?.deleteApp({ ...target, app: `${app}-bad` }).catch(() => undefined);
    });

    it("previews a new app as created without touching the cluster", async () => {
      const res = await driver.applyApp(desired([slot("blue", 1, 2)], { blue: 100 }), { dryRun: true });
      expect(res.length).toBeGreaterThan(0);
      expect(res.every((r) => r.action === "created")).toBe(true);
      expect(await fx.listObjects(target)).toEqual([]);
      const o = await driver.observeApp(target);
      expect(o.exists).toBe(false);
    });

    it("runs one slot until every replica is ready, and a second apply changes nothing", async () => {
      const want = desired([slot("blue", 1, 2)], { blue: 100 }, { secrets: [{ name: `${app}-token-v1`, data: { value: "s3cret" } }] });
      want.slots[0] = { ...(want.slots[0] as SlotSpec), secretEnv: [{ env: "TOKEN", secret: `${app}-token-v1`, key: "value" }] };
      await driver.applyApp(want, { dryRun: false });
      const o = await observeUntil("blue ready", (x) => slotOf(x, "blue")?.health === "ok" && slotOf(x, "blue")?.ready === 2);
      expect(o.exists).toBe(true);
      expect(slotOf(o, "blue")).toMatchObject({ releaseId: "r1-blue", desired: 2, updated: 2, failed: 0 });
      expect(o.traffic).toEqual({ blue: 100 });
      const objects = await fx.listObjects(target);
      expect(objects.some((n) => n.includes(`${app}-token-v1`))).toBe(true);
      const again = await driver.applyApp(want, { dryRun: true });
      expect(again.map((r) => r.action).filter((a) => a !== "unchanged")).toEqual([]);
    });

    it.skipIf(Boolean(fx.skip?.traffic))(`serves the active slot through the router${fx.skip?.traffic ? ` (skipped: ${fx.skip.traffic})` : ""}`, async () => {
      const fetchIt = fx.fetchThroughRouter as NonNullable<AppDriverFixture["fetchThroughRouter"]>;
      const r = await eventually("router answers", async () => {
        const x = await fetchIt(host, "/");
        return x.status === 200 ? x : null;
      });
      expect(r.body).toContain("meridian testapp v1");
    });

    it("updates a slot in place and reports the rollout until it completes", async () => {
      await driver.applyApp(desired([slot("blue", 2, 2, { releaseId: "r2-blue" })], { blue: 100 }), { dryRun: false });
      const o = await observeUntil("blue on r2", (x) => slotOf(x, "blue")?.releaseId === "r2-blue" && slotOf(x, "blue")?.health === "ok" && slotOf(x, "blue")?.updated === 2);
      expect(slotOf(o, "blue")?.image).toContain(fx.images.v2.split("@")[0]?.split(":").slice(0, -1).join(":") ?? "");
    });

    it("runs two slots with weighted traffic and moves the weights", async () => {
      await driver.applyApp(desired([slot("blue", 2, 2, { releaseId: "r2-blue" }), slot("green", 1, 1, { releaseId: "r3-green", releaseNumber: 3 })], { blue: 90, green: 10 }), { dryRun: false });
      const o = await observeUntil("both slots ready", (x) => slotOf(x, "green")?.health === "ok" && slotOf(x, "blue")?.health === "ok");
      expect(o.traffic).toEqual({ blue: 90, green: 10 });
      await driver.setTraffic(target, routes, { blue: 0, green: 100 });
      const after = await observeUntil("traffic moved", (x) => x.traffic?.green === 100);
      expect(after.traffic).toEqual({ blue: 0, green: 100 });
      if (fx.fetchThroughRouter && !fx.skip?.traffic) {
        const fetchIt = fx.fetchThroughRouter;
        const bodies = await Promise.all(Array.from({ length: 10 }, () => fetchIt(host, "/")));
        expect(bodies.every((b) => b.body.includes("meridian testapp v1"))).toBe(true);
      }
    });

    it("removes a slot that is no longer desired, with its objects", async () => {
      await driver.applyApp(desired([slot("green", 1, 1, { releaseId: "r3-green", releaseNumber: 3 })], { green: 100 }), { dryRun: false });
      const o = await observeUntil("blue gone", (x) => !slotOf(x, "blue"));
      expect(slotOf(o, "green")?.health).toBe("ok");
      const objects = await fx.listObjects(target);
      expect(objects.filter((n) => n.includes("blue"))).toEqual([]);
    });

    it("creates an autoscaler for the active slot when asked (Kubernetes: an HPA; Swarm: CPU samples for Meridian's)", async () => {
      await driver.applyApp(desired([slot("green", 1, 1, { releaseId: "r3-green", releaseNumber: 3 })], { green: 100 }, { autoscaling: { slot: "green", min: 1, max: 4, cpuTarget: 60 } }), { dryRun: false });
      if (fx.runtime === "kubernetes") {
        const o = await observeUntil("autoscaler", (x) => x.autoscaling !== null);
        expect(o.autoscaling).toMatchObject({ min: 1, max: 4, cpuTarget: 60 });
      } else if (!fx.skip?.cpu) {
        const samples = await eventually("cpu samples", async () => {
          const s = await driver.sampleCpu(target, "green");
          return s.length === 1 ? s : null;
        });
        expect(samples[0]).toBeGreaterThanOrEqual(0);
      }
    });

    it.skipIf(Boolean(fx.skip?.failingHealth))(`reports a slot whose replicas fail their health check as failed${fx.skip?.failingHealth ? ` (skipped: ${fx.skip.failingHealth})` : ""}`, async () => {
      const bad: AppTarget = { ...target, app: `${app}-bad` };
      await driver.applyApp({ ...desired([slot("blue", 1, 1, { env: { FAIL_HEALTH: "1" } })], { blue: 100 }), target: bad, routes: [] }, { dryRun: false });
      const o = await eventually(
        "failed slot",
        async () => {
          const x = await driver.observeApp(bad);
          return slotOf(x, "blue")?.health === "failed" ? x : null;
        },
        120_000,
      );
      expect(slotOf(o, "blue")?.message).not.toBe("");
      await driver.deleteApp(bad);
    });

    it("deletes every object of the app, and deleting again is fine", async () => {
      await driver.deleteApp(target);
      await eventually("objects gone", async () => ((await fx.listObjects(target)).length === 0 ? true : null));
      await driver.deleteApp(target);
      expect((await driver.observeApp(target)).exists).toBe(false);
    });
  });
}
