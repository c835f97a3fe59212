import { buildPath, type Cluster, type InventoryItemView, type RouteResponse, type Routes, routes } from "@meridian/core";
import { type InfiniteData, type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";

export type InventoryPage = RouteResponse<Routes["queryInventory"]>;

export type InventoryEvent = { type: "upsert"; item: InventoryItemView } | { type: "delete"; clusterId: string; key: string };

/** Unique across the organization: keys are unique within a cluster. */
export function rowId(i: { clusterId: string; key: string }): string {
  return `${i.clusterId}/${i.key}`;
}

/** Whether resourceVersion `a` is older than `b`; only numeric versions (Kubernetes, Swarm) are compared. */
export function isOlder(a: string, b: string): boolean {
  if (!/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return a.length !== b.length ? a.length < b.length : a < b;
}

/**
 * Applies a batch of stream events to the loaded pages: changed rows are replaced where they are, new rows
 * go to the top of the first page (where the user looks), deleted rows disappear; `total` follows along.
 * Returns the same object when nothing changed, so React Query does not re-render for no-ops.
 */
export function applyInventoryEvents(data: InfiniteData<InventoryPage>, events: readonly InventoryEvent[]): InfiniteData<InventoryPage> {
  if (events.length === 0 || data.pages.length === 0) return data;
  const pages = data.pages.map((p) => ({ ...p, items: [...p.items] }));
  const where = new Map<string, [number, number]>();
  pages.forEach((p, pi) => p.items.forEach((it, ii) => where.set(rowId(it), [pi, ii])));
  const removed = new Set<string>();
  let delta = 0;
  let fresh: InventoryItemView[] = [];
  for (const e of events) {
    const id = e.type === "upsert" ? rowId(e.item) : rowId(e);
    if (e.type === "upsert") {
      const at = where.get(id);
      if (at && !removed.has(id)) {
        const page = pages[at[0]] as InventoryPage;
        // A replayed event may be older than what a refetch already brought.
        if (!isOlder(e.item.resourceVersion, (page.items[at[1]] as InventoryItemView).resourceVersion)) page.items[at[1]] = e.item;
      } else {
        const i = fresh.findIndex((f) => rowId(f) === id);
        if (i >= 0) fresh[i] = e.item;
        else {
          fresh.push(e.item);
          delta++;
        }
        removed.delete(id);
      }
    } else if (where.has(id) && !removed.has(id)) {
      removed.add(id);
      delta--;
    } else {
      const before = fresh.length;
      fresh = fresh.filter((f) => rowId(f) !== id);
      delta -= before - fresh.length;
    }
  }
  if (removed.size > 0) for (const p of pages) p.items = p.items.filter((it) => !removed.has(rowId(it)));
  const first = pages[0] as InventoryPage;
  pages[0] = { ...first, items: [...fresh.reverse(), ...first.items], total: Math.max(0, first.total + delta) };
  return { ...data, pages };
}

export type StreamQuery = Record<string, string | undefined>;
export type StreamStatus = "connecting" | "live" | "reconnecting" | "closed";

export function streamUrl(orgId: string, query: StreamQuery): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") sp.set(k, v);
  return `${buildPath(routes.watchInventory.path, { orgId })}?${sp.toString()}`;
}

/** Puts a cluster from a `cluster` event into every cached list and detail that shows it. */
export function patchClusterCaches(queryClient: QueryClient, cluster: Cluster): void {
  queryClient.setQueriesData<unknown>({ queryKey: ["getCluster"] }, (old: unknown) => (old && (old as Cluster).id === cluster.id ? cluster : old));
  queryClient.setQueriesData<unknown>({ queryKey: ["listClusters"] }, (old: unknown) => {
    const page = old as { items?: Cluster[] } | undefined;
    if (!page?.items?.some((c) => c.id === cluster.id)) return old;
    return { ...page, items: page.items.map((c) => (c.id === cluster.id ? cluster : c)) };
  });
}

interface Handlers {
  onEvents?(events: InventoryEvent[]): void;
  /** After the stream reconnects or the server says `reset`: events may have been missed, so callers refetch. */
  onResync?(): void;
}

/**
 * Subscribes to watchInventory with the given filters (null = not now). Events are batched for 200 ms so a
 * burst (a relist of 1,000 pods) costs one render. `cluster` events update the cached clusters directly.
 * The stream is closed on unmount and whenever the filters change.
 */
export function useInventoryStream(orgId: string, query: StreamQuery | null, handlers: Handlers = {}): StreamStatus {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<StreamStatus>("connecting");
  const latest = useRef(handlers);
  latest.current = handlers;
  const url = query && orgId ? streamUrl(orgId, query) : null;
  useEffect(() => {
    if (!url) return;
    setStatus("connecting");
    const source = new EventSource(url, { withCredentials: true });
    let queue: InventoryEvent[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    let dropped = false;
    const flush = () => {
      timer = undefined;
      const batch = queue;
      queue = [];
      latest.current.onEvents?.(batch);
    };
    const push = (e: InventoryEvent) => {
      queue.push(e);
      timer ??= setTimeout(flush, 200);
    };
    const parse = (ev: Event): unknown => {
      try {
        return JSON.parse((ev as MessageEvent<string>).data);
      } catch {
        return null;
      }
    };
    source.addEventListener("open", () => {
      setStatus("live");
      if (dropped) latest.current.onResync?.();
      dropped = false;
    });
    source.addEventListener("error", () => {
      dropped = true;
      setStatus(source.readyState === EventSource.CLOSED ? "closed" : "reconnecting");
    });
    source.addEventListener("upsert", (ev) => {
      const item = parse(ev) as InventoryItemView | null;
      if (item?.key) push({ type: "upsert", item });
    });
    source.addEventListener("delete", (ev) => {
      const d = parse(ev) as { clusterId?: string; key?: string } | null;
      if (d?.clusterId && d.key) push({ type: "delete", clusterId: d.clusterId, key: d.key });
    });
    // The server fell behind and dropped events: refetch instead.
    source.addEventListener("reset", () => latest.current.onResync?.());
    source.addEventListener("cluster", (ev) => {
      const c = parse(ev) as Cluster | null;
      if (c?.id) patchClusterCaches(queryClient, c);
    });
    return () => {
      source.close();
      clearTimeout(timer);
    };
  }, [url, queryClient]);
  return url ? status : "closed";
}

/**
 * Merges stream events into a cached query and keeps them merged across refetches: a refetch that started
 * before an event was applied would otherwise overwrite it with an older snapshot (mutations invalidate
 * every query). Events of the last minute are replayed when a fetch completes; `apply` must skip events
 * older than the rows it finds (see isOlder), so replays are harmless.
 */
export function useLiveMerge<T>(key: readonly unknown[], isFetching: boolean, apply: (old: T, events: InventoryEvent[]) => T): (events: InventoryEvent[]) => void {
  const queryClient = useQueryClient();
  const log = useRef<{ at: number; events: InventoryEvent[] }[]>([]);
  const started = useRef(0);
  const wasFetching = useRef(false);
  const latest = useRef({ key, apply });
  latest.current = { key, apply };
  const keyHash = JSON.stringify(key);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new list starts a new log
  useEffect(() => {
    log.current = [];
  }, [keyHash]);
  useEffect(() => {
    if (isFetching && !wasFetching.current) started.current = Date.now();
    if (!isFetching && wasFetching.current) {
      // Two seconds of slack: the server may have taken its snapshot just before the fetch was sent.
      const replay = log.current.filter((e) => e.at >= started.current - 2000).flatMap((e) => e.events);
      if (replay.length) queryClient.setQueryData<T>(latest.current.key, (old) => (old ? latest.current.apply(old, replay) : old));
    }
    wasFetching.current = isFetching;
  }, [isFetching, queryClient]);
  return useCallback(
    (events: InventoryEvent[]) => {
      const now = Date.now();
      log.current = [...log.current.filter((e) => e.at > now - 60_000), { at: now, events }];
      queryClient.setQueryData<T>(latest.current.key, (old) => (old ? latest.current.apply(old, events) : old));
    },
    [queryClient],
  );
}
