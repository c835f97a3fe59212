import { AppError, type ClusterConnection, type InventoryItem, type InventorySink } from "@meridian/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "./wait.js";

/**
 * The one contract every cluster driver must meet (STYLE.md §6), run against the real testbeds by each
 * driver's tests. A runtime that cannot do something here says so with a skip reason, not an `if`.
 */
export interface ConnectionFixture {
  runtime: "kubernetes" | "swarm";
  connect(): ClusterConnection | Promise<ClusterConnection>;
  /** A connection to an endpoint where nothing listens. */
  connectUnreachable(): ClusterConnection;
  nodeKind: string;
  workloadKind: string;
  /** Namespace (or stack) the workload goes to; created by the fixture if needed. */
  namespace: string;
  /** YAML of a workload with `replicas` replicas; `variant` changes something visible (image, env). */
  workloadYaml(name: string, replicas: number, variant: 1 | 2): string;
  /** Reads the replicas the runtime records for the workload (independently of the driver). */
  readReplicas(name: string): Promise<number>;
  cleanup?(name: string): Promise<void>;
  skip?: { logs?: string };
}

function memorySink() {
  const items = new Map<string, InventoryItem>();
  const states = new Map<string, string>();
  const sink: InventorySink = {
    replace(kind, group, list) {
      for (const [k, v] of items) if (v.kind === kind && v.group === group) items.delete(k);
      for (const i of list) items.set(i.key, i);
    },
    upsert: (i) => items.set(i.key, i),
    remove: (k) => items.delete(k),
    state: (kind, _g, s) => states.set(kind, s.phase),
  };
  return { sink, items, states };
}

const eventually = waitFor;

export function describeConnectionContract(fx: ConnectionFixture): void {
  describe(`ClusterConnection contract: ${fx.runtime}`, () => {
    let conn: ClusterConnection;
    const inv = memorySink();
    let handle: ReturnType<ClusterConnection["startInventory"]>;
    const name = `contract-${Date.now().toString(36)}`;
    const find = (kind: string) => [...inv.items.values()].find((i) => i.kind === kind && i.name === name);

    beforeAll(async () => {
      conn = await fx.connect();
      handle = conn.startInventory(inv.sink);
    });
    afterAll(async () => {
      await fx.cleanup?.(name).catch(() => undefined);
      await handle?.stop();
      await conn?.close();
    });

    it("probes as reachable, authenticated and ready, with a version", async () => {
      const p = await conn.probe();
      expect(p.conditions.map((c) => `${c.type}=${c.status}`)).toEqual(["Reachable=True", "Authenticated=True", "Ready=True"]);
      expect(p.version).toBeTruthy();
    });

    it("probes an unreachable endpoint as not reachable, with a reason", async () => {
      const bad = fx.connectUnreachable();
      try {
        const p = await bad.probe();
        const r = p.conditions.find((c) => c.type === "Reachable");
        expect(r?.status).toBe("False");
        expect(r?.reason).not.toBe("");
        expect(r?.message.length).toBeGreaterThan(5);
      } finally {
        await bad.close();
      }
    });

    it("lists nodes with their capacity", async () => {
      const nodes = await eventually("nodes", () => {
        const n = [...inv.items.values()].filter((i) => i.kind === fx.nodeKind);
        return n.length > 0 ? n : null;
      });
      expect(nodes.every((n) => Number(n.summary.cpu) > 0 && Number(n.summary.memory) > 0)).toBe(true);
      expect(inv.states.get(fx.nodeKind)).toBe("watching");
    });

    it("applies a workload (dry run first), scales, restarts and deletes it, and the inventory follows", async () => {
      const dry = await conn.apply(fx.workloadYaml(name, 1, 1), { dryRun: true, defaultNamespace: fx.namespace });
      expect(dry.map((r) => r.action)).toEqual(["created"]);
      await expect(conn.getObject({ kind: fx.workloadKind, namespace: fx.namespace, name })).rejects.toMatchObject({ code: "not_found" });
      const created = await conn.apply(fx.workloadYaml(name, 1, 1), { dryRun: false, defaultNamespace: fx.namespace });
      expect(created.map((r) => r.action)).toEqual(["created"]);
      await eventually("workload in inventory", () => find(fx.workloadKind));
      const same = await conn.apply(fx.workloadYaml(name, 1, 1), { dryRun: true, defaultNamespace: fx.namespace });
      expect(same.map((r) => r.action)).toEqual(["unchanged"]);
      const changed = await conn.apply(fx.workloadYaml(name, 1, 2), { dryRun: true, defaultNamespace: fx.namespace });
      expect(changed[0]?.action).toBe("configured");
      expect(changed[0]?.diff).toMatch(/^[-+]/m);
      await conn.scale({ kind: fx.workloadKind, namespace: fx.namespace, name }, 2);
      expect(await fx.readReplicas(name)).toBe(2);
      await conn.restart({ kind: fx.workloadKind, namespace: fx.namespace, name });
      const obj = await conn.getObject({ kind: fx.workloadKind, namespace: fx.namespace, name });
      expect(JSON.stringify(obj.object)).toContain(name);
      await conn.deleteObject({ kind: fx.workloadKind, namespace: fx.namespace, name });
      await eventually("workload gone from inventory", () => !find(fx.workloadKind));
    });

    it("reports a missing object as not_found", async () => {
      const e = await conn.getObject({ kind: fx.workloadKind, namespace: fx.namespace, name: "does-not-exist-anywhere" }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe("not_found");
    });

    it.skipIf(Boolean(fx.skip?.logs))(`streams a workload's logs${fx.skip?.logs ? ` (skipped: ${fx.skip.logs})` : ""}`, async () => {
      await conn.apply(fx.workloadYaml(`${name}-log`, 1, 1), { dryRun: false, defaultNamespace: fx.namespace });
      try {
        const ctl = new AbortController();
        const line = await eventually(
          "a log line",
          async () => {
            const lines: string[] = [];
            for await (const l of conn.streamLogs({ kind: fx.workloadKind, namespace: fx.namespace, name: `${name}-log` }, { tailLines: 5 }, ctl.signal)) lines.push(l.line);
            return lines.length > 0 ? lines[0] : null;
          },
          60_000,
        );
        expect(line).toBeTruthy();
      } finally {
        await conn.deleteObject({ kind: fx.workloadKind, namespace: fx.namespace, name: `${name}-log` }).catch(() => undefined);
      }
    });
  });
}
