import { existsSync } from "node:fs";
import { join } from "node:path";
import { type CostStore, openCostStore } from "@meridian/cost";

/**
 * One cost store (DuckDB file) per organization, `<dir>/<orgId>/cost.duckdb`, opened on first use and kept
 * open until shutdown. An organization's bills cannot reach another's queries: they are not in the same
 * database (ADR 0006, "Organizations").
 */
export interface CostStores {
  /** The organization's store, created on first use. */
  forOrg(orgId: string): Promise<CostStore>;
  /** The organization's store if it has one (reads never create a database). */
  findForOrg(orgId: string): Promise<CostStore | null>;
  close(): Promise<void>;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function createCostStores(opts: { dir: string; threads?: number; memoryLimit?: string }): CostStores {
  const open = new Map<string, Promise<CostStore>>();
  let closed = false;
  const dirOf = (orgId: string) => {
    // Organization ids come from the database; the check keeps a path from ever being built from anything else.
    if (!uuid.test(orgId)) throw new Error(`not an organization id: ${orgId}`);
    return join(opts.dir, orgId);
  };
  const forOrg = (orgId: string): Promise<CostStore> => {
    if (closed) throw new Error("the cost stores are closed");
    let store = open.get(orgId);
    if (!store) {
      store = openCostStore({ dir: dirOf(orgId), ...(opts.threads ? { threads: opts.threads } : {}), ...(opts.memoryLimit ? { memoryLimit: opts.memoryLimit } : {}) });
      // A failed open is not cached: the next request tries again.
      store.catch(() => open.delete(orgId));
      open.set(orgId, store);
    }
    return store;
  };
  return {
    forOrg,
    async findForOrg(orgId) {
      if (open.has(orgId)) return forOrg(orgId);
      return existsSync(join(dirOf(orgId), "cost.duckdb")) ? forOrg(orgId) : null;
    },
    async close() {
      closed = true;
      const all = [...open.values()];
      open.clear();
      await Promise.all(all.map((p) => p.then((s) => s.close()).catch(() => undefined)));
    },
  };
}
