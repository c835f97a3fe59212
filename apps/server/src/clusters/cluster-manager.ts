import { setMaxListeners } from "node:events";
import { AppError, type ClusterConnection, type ConditionStatus, type InventoryHandle, type ProbeResult } from "@meridian/core";
import type { Database } from "@meridian/db";
import type { Envelope } from "../secrets/envelope.js";
import { openConnection, type StoredCredentials } from "./connection-spec.js";
import type { InventoryStore } from "./inventory-store.js";

export type ClusterState = "connecting" | "ready" | "degraded" | "down";

export interface LiveStatus {
  conditions: ConditionStatus[];
  version: string | null;
  state: ClusterState;
  stats: ReturnType<InventoryHandle["stats"]> | null;
}

interface Row {
  id: string;
  org_id: string;
  slug: string;
  credentials: string;
  credentials_version: number;
}

interface Live {
  row: Row;
  conn: ClusterConnection;
  inventory: InventoryHandle;
  ctl: AbortController;
  status: LiveStatus;
  loop: Promise<void>;
}

export const credentialsContext = (clusterId: string) => ({ resourceType: "cluster", resourceId: clusterId, field: "credentials" });

/** Probe cadence: a cluster that goes down is seen within ~5 s (2 s + a 2.5 s probe timeout), and one that comes back within 2 s. */
const probeEveryMs = 2000;

function deriveState(conditions: ConditionStatus[]): ClusterState {
  const get = (t: string) => conditions.find((c) => c.type === t)?.status;
  if (get("Reachable") === "False") return "down";
  if (get("Reachable") === "True" && get("Authenticated") === "True" && get("Ready") === "True") return "ready";
  return "degraded";
}

function mergeConditions(prev: ConditionStatus[], next: ProbeResult["conditions"], now: string): ConditionStatus[] {
  return next.map((c) => {
    const old = prev.find((p) => p.type === c.type);
    return { ...c, lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime : now };
  });
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(() => (signal.removeEventListener("abort", onAbort), resolve()), ms);
    const onAbort = () => (clearTimeout(t), resolve());
    signal.addEventListener("abort", onAbort, { once: true });
  });

/**
 * Keeps one live connection per cluster in the database: health probes, the inventory reflectors and the
 * status shown in the API. Reconciles by cluster id (level-based): whatever the row says now wins.
 */
export function createClusterManager(deps: {
  db: Database;
  envelope: Envelope;
  store: InventoryStore;
  log: (level: "info" | "warn" | "error", msg: string, extra?: object) => void;
  onStatusChange?: (orgId: string, clusterId: string) => void;
}) {
  const live = new Map<string, Live>();
  const lastPersisted = new Map<string, string>();
  let resync: NodeJS.Timeout | null = null;
  let stopped = false;

  async function decryptCredentials(row: Row): Promise<StoredCredentials> {
    return JSON.parse(await deps.envelope.decrypt(deps.db, row.org_id, credentialsContext(row.id), row.credentials)) as StoredCredentials;
  }

  async function persistStatus(l: Live) {
    const s = { conditions: l.status.conditions, version: l.status.version };
    const json = JSON.stringify(s);
    if (lastPersisted.get(l.row.id) === json) return;
    lastPersisted.set(l.row.id, json);
    await deps.db.query("UPDATE clusters SET status = $2 WHERE id = $1", [l.row.id, json]).catch((err: unknown) => deps.log("warn", "could not save cluster status", { err: String(err) }));
  }

  async function probeLoop(l: Live) {
    while (!l.ctl.signal.aborted) {
      let result: ProbeResult;
      try {
        result = await l.conn.probe(AbortSignal.any([l.ctl.signal, AbortSignal.timeout(8000)]));
      } catch (err) {
        result = { version: null, conditions: [{ type: "Reachable", status: "False", reason: "ProbeFailed", message: String((err as Error).message ?? err) }] };
      }
      if (l.ctl.signal.aborted) break;
      const conditions = mergeConditions(l.status.conditions, result.conditions, new Date().toISOString());
      const state = deriveState(conditions);
      const changed = state !== l.status.state || JSON.stringify(conditions.map((c) => [c.status, c.reason])) !== JSON.stringify(l.status.conditions.map((c) => [c.status, c.reason]));
      l.status = { conditions, version: result.version ?? l.status.version, state, stats: l.inventory.stats() };
      if (changed) {
        deps.log(state === "ready" ? "info" : "warn", `cluster ${l.row.slug} is ${state}`, { cluster: l.row.id, conditions: conditions.filter((c) => c.status !== "True").map((c) => `${c.type}:${c.reason}`) });
        await persistStatus(l);
        deps.onStatusChange?.(l.row.org_id, l.row.id);
      }
      await sleep(probeEveryMs, l.ctl.signal);
    }
  }

  async function stopLive(id: string) {
    const l = live.get(id);
    if (!l) return;
    live.delete(id);
    l.ctl.abort();
    await l.inventory.stop().catch(() => undefined);
    await l.loop.catch(() => undefined);
    await l.conn.close().catch(() => undefined);
  }

  async function startLive(row: Row) {
    const creds = await decryptCredentials(row);
    const conn = openConnection(creds, (msg, extra) => deps.log("warn", msg, { cluster: row.slug, ...extra }));
    const ctl = new AbortController();
    setMaxListeners(0, ctl.signal);
    const sink = deps.store.attach({ id: row.id, orgId: row.org_id, slug: row.slug });
    const l: Live = {
      row,
      conn,
      ctl,
      inventory: conn.startInventory(sink),
      status: { conditions: [], version: null, state: "connecting", stats: null },
      loop: Promise.resolve(),
    };
    live.set(row.id, l);
    l.loop = probeLoop(l);
  }

  const locks = new Map<string, Promise<void>>();
  /** One reconcile per cluster at a time; calls queue behind the running one. */
  function reconcile(id: string): Promise<void> {
    const next = (locks.get(id) ?? Promise.resolve()).then(() => reconcileNow(id));
    const tail = next.catch(() => undefined);
    locks.set(id, tail);
    void tail.then(() => {
      if (locks.get(id) === tail) locks.delete(id);
    });
    return next;
  }

  /** Brings one cluster's live connection in line with its row (started, restarted with new credentials, or stopped). */
  async function reconcileNow(id: string): Promise<void> {
    if (stopped) return;
    const r = await deps.db.query<Row>("SELECT id, org_id, slug, credentials, credentials_version FROM clusters WHERE id = $1", [id]);
    const row = r.rows[0];
    const current = live.get(id);
    if (!row) {
      await stopLive(id);
      deps.store.detach(id);
      lastPersisted.delete(id);
      return;
    }
    if (current && current.row.credentials_version === row.credentials_version) {
      if (current.row.slug !== row.slug) {
        current.row.slug = row.slug;
        deps.store.attach({ id: row.id, orgId: row.org_id, slug: row.slug });
      }
      return;
    }
    if (current) {
      await stopLive(id);
      deps.store.detach(id);
    }
    try {
      await startLive(row);
    } catch (err) {
      deps.log("error", `cannot start cluster ${row.slug}`, { err: String(err) });
    }
  }

  async function reconcileAll() {
    const r = await deps.db.query<{ id: string }>("SELECT id FROM clusters");
    const ids = new Set(r.rows.map((x) => x.id));
    for (const id of ids) await reconcile(id);
    for (const id of [...live.keys()]) if (!ids.has(id)) await reconcile(id);
  }

  return {
    async start() {
      await reconcileAll();
      // Picks up clusters changed by another Meridian process sharing the database.
      resync = setInterval(() => void reconcileAll().catch((err: unknown) => deps.log("error", "cluster resync failed", { err: String(err) })), 30_000);
      resync.unref();
    },
    reconcile,
    ids: () => [...live.keys()],
    status: (id: string): LiveStatus | null => {
      const l = live.get(id);
      return l ? { ...l.status, stats: l.inventory.stats() } : null;
    },
    connection(id: string): ClusterConnection {
      const l = live.get(id);
      if (!l) throw new AppError("unavailable", "the cluster is not connected yet; try again in a moment");
      return l.conn;
    },
    /** Connects with credentials that are not stored yet and says clearly what is wrong, if anything. */
    async verify(creds: StoredCredentials, endpoint: string): Promise<ProbeResult> {
      const conn = openConnection(creds);
      try {
        const r = await conn.probe(AbortSignal.timeout(8000));
        const bad = r.conditions.find((c) => c.status === "False");
        if (bad?.type === "Reachable") throw new AppError("invalid_input", `cannot connect to ${endpoint}: ${bad.message}`, { details: { condition: bad } });
        if (bad?.type === "Authenticated") throw new AppError("invalid_input", `${endpoint} rejected the credentials: ${bad.message}`, { details: { condition: bad } });
        return r;
      } finally {
        await conn.close().catch(() => undefined);
      }
    },
    async stop() {
      stopped = true;
      if (resync) clearInterval(resync);
      await Promise.all([...live.keys()].map((id) => stopLive(id)));
    },
  };
}
export type ClusterManager = ReturnType<typeof createClusterManager>;
