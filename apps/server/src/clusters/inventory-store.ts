import { AppError, type Health, type InventoryItem, type InventorySink, type InventoryItemView } from "@meridian/core";

/**
 * The live inventory of every connected cluster, in process memory, as slim projections. Queries filter,
 * sort and page over it; subscribers (SSE streams) get the upserts and deletions that match their filter.
 */
export interface KindState {
  phase: "listing" | "watching" | "error";
  message?: string;
}

export interface ClusterBucket {
  id: string;
  orgId: string;
  slug: string;
  /** kind -> key -> item */
  byKind: Map<string, Map<string, InventoryItem>>;
  states: Map<string, KindState & { kind: string; group: string }>;
  version: number;
}

export type InventoryChange = { type: "upsert"; item: InventoryItemView; previous: InventoryItemView | null } | { type: "delete"; item: InventoryItemView };

export interface Subscriber {
  orgId: string;
  onChange(change: InventoryChange): void;
  /** A cluster's health or connection changed. */
  onCluster?(clusterId: string): void;
}

export const healthRank: Record<Health, number> = { error: 0, warning: 1, progressing: 2, unknown: 3, ok: 4 };

export function viewOf(b: ClusterBucket, item: InventoryItem): InventoryItemView {
  return { clusterId: b.id, clusterSlug: b.slug, ...item };
}

const kindOfKey = (key: string) => key.slice(0, key.indexOf("/"));

export function createInventoryStore() {
  const buckets = new Map<string, ClusterBucket>();
  const subscribers = new Set<Subscriber>();
  const watchers = new Set<(change: InventoryChange) => void>();

  function emit(b: ClusterBucket, change: InventoryChange) {
    b.version++;
    for (const s of subscribers) if (s.orgId === b.orgId) s.onChange(change);
    for (const w of watchers) w(change);
  }

  function kindMap(b: ClusterBucket, kind: string) {
    let m = b.byKind.get(kind);
    if (!m) b.byKind.set(kind, (m = new Map()));
    return m;
  }

  function sinkFor(b: ClusterBucket): InventorySink {
    return {
      replace(kind, group, items) {
        const m = kindMap(b, kind);
        const seen = new Set<string>();
        for (const item of items) {
          seen.add(item.key);
          const prev = m.get(item.key);
          if (prev && prev.resourceVersion === item.resourceVersion && prev.status === item.status) continue;
          m.set(item.key, item);
          emit(b, { type: "upsert", item: viewOf(b, item), previous: prev ? viewOf(b, prev) : null });
        }
        for (const [key, prev] of m) {
          if (prev.group === group && !seen.has(key)) {
            m.delete(key);
            emit(b, { type: "delete", item: viewOf(b, prev) });
          }
        }
        b.version++;
      },
      upsert(item) {
        const m = kindMap(b, item.kind);
        const prev = m.get(item.key);
        m.set(item.key, item);
        emit(b, { type: "upsert", item: viewOf(b, item), previous: prev ? viewOf(b, prev) : null });
      },
      remove(key) {
        const m = b.byKind.get(kindOfKey(key));
        const prev = m?.get(key);
        if (!m || !prev) return;
        m.delete(key);
        emit(b, { type: "delete", item: viewOf(b, prev) });
      },
      state(kind, group, state) {
        b.states.set(`${kind}|${group}`, { kind, group, ...state });
      },
    };
  }

  return {
    /** Creates (or resets) the bucket of a cluster and returns the sink its driver writes to. */
    attach(cluster: { id: string; orgId: string; slug: string }): InventorySink {
      let b = buckets.get(cluster.id);
      if (!b) {
        b = { id: cluster.id, orgId: cluster.orgId, slug: cluster.slug, byKind: new Map(), states: new Map(), version: 0 };
        buckets.set(cluster.id, b);
      }
      b.slug = cluster.slug;
      return sinkFor(b);
    },
    /** Forgets a cluster; subscribers see its objects deleted. */
    detach(clusterId: string) {
      const b = buckets.get(clusterId);
      if (!b) return;
      buckets.delete(clusterId);
      for (const m of b.byKind.values()) for (const item of m.values()) for (const s of subscribers) if (s.orgId === b.orgId) s.onChange({ type: "delete", item: viewOf(b, item) });
    },
    bucket: (clusterId: string) => buckets.get(clusterId),
    bucketsOf(orgId: string): ClusterBucket[] {
      return [...buckets.values()].filter((b) => b.orgId === orgId);
    },
    subscribe(s: Subscriber): () => void {
      subscribers.add(s);
      return () => subscribers.delete(s);
    },
    subscriberCount: () => subscribers.size,
    /** Every change in every organization (in-process consumers such as the release engine; never for responses). */
    watchAll(fn: (change: InventoryChange) => void): () => void {
      watchers.add(fn);
      return () => watchers.delete(fn);
    },
    notifyCluster(orgId: string, clusterId: string) {
      for (const s of subscribers) if (s.orgId === orgId) s.onCluster?.(clusterId);
    },
  };
}
export type InventoryStore = ReturnType<typeof createInventoryStore>;

export function assertKnownHealth(values: string[]): Health[] {
  for (const v of values) if (!(v in healthRank)) throw new AppError("invalid_input", `unknown health '${v}' (ok, progressing, warning, error, unknown)`);
  return values as Health[];
}
