import type { Database } from "@meridian/db";
import type pg from "pg";

/**
 * Caches authenticated GET responses of organization routes, per caller, until the organization changes.
 * Every mutation is audited, and every audited mutation bumps its organization's version after commit, so
 * a cached answer is never served after a change made through Meridian. Other processes learn of changes
 * through LISTEN/NOTIFY; `maxAgeMs` bounds what changes outside Meridian's routes (token last-use times,
 * invitations expiring) can leave stale.
 */
export interface ReadCache {
  get(orgId: string, key: string): unknown;
  /** The organization's version now: take it before reading, so a read that raced a change is not kept. */
  versionOf(orgId: string): number;
  set(orgId: string, key: string, value: unknown, version: number): void;
  /** Call after a change of the organization commits. */
  invalidate(orgId: string): void;
  close(): Promise<void>;
}

const channel = "meridian_org_changed";

export async function createReadCache(deps: { db: Database; maxAgeMs?: number; maxEntries?: number; now?: () => number }): Promise<ReadCache> {
  const maxAge = deps.maxAgeMs ?? 10_000;
  const maxEntries = deps.maxEntries ?? 5000;
  const now = deps.now ?? Date.now;
  const versions = new Map<string, number>();
  const entries = new Map<string, { orgId: string; version: number; at: number; value: unknown }>();
  const bump = (orgId: string) => versions.set(orgId, (versions.get(orgId) ?? 0) + 1);

  // A dedicated connection listens for other processes' changes; if it drops, the cache turns itself off
  // (every read goes to the database) until it is back.
  let listener: pg.PoolClient | null = null;
  let healthy = false;
  async function listen() {
    try {
      listener = await deps.db.pool.connect();
      listener.on("notification", (msg) => msg.payload && bump(msg.payload));
      listener.on("error", () => {
        healthy = false;
        entries.clear();
        listener?.release(true);
        listener = null;
        setTimeout(() => void listen(), 1000).unref();
      });
      await listener.query(`LISTEN ${channel}`);
      healthy = true;
    } catch {
      healthy = false;
      setTimeout(() => void listen(), 1000).unref();
    }
  }
  await listen();

  return {
    get(orgId, key) {
      if (!healthy) return undefined;
      const e = entries.get(key);
      if (!e) return undefined;
      if (e.orgId !== orgId || e.version !== (versions.get(orgId) ?? 0) || now() - e.at > maxAge) {
        entries.delete(key);
        return undefined;
      }
      return e.value;
    },
    versionOf: (orgId) => versions.get(orgId) ?? 0,
    set(orgId, key, value, version) {
      if (!healthy || version !== (versions.get(orgId) ?? 0)) return;
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(key, { orgId, version, at: now(), value });
    },
    invalidate(orgId) {
      bump(orgId);
      deps.db.query("SELECT pg_notify($1, $2)", [channel, orgId]).catch(() => undefined);
    },
    async close() {
      healthy = false;
      listener?.release();
      listener = null;
    },
  };
}
