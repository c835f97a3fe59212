import type { Cluster } from "@meridian/core";
import type { Handlers } from "../http/context.js";
import { requireAccess, requireOrg } from "../http/context.js";
import { type InventoryFilter, buildFilter, queryInventory } from "./inventory-query.js";
import type { InventoryChange, InventoryStore } from "./inventory-store.js";
import { visibilityOf } from "./namespace-access.js";
import { withNodeUsage } from "./node-usage.js";

type InventoryHandlers = Pick<Handlers, "queryInventory" | "watchInventory">;

/** A slow client that falls this far behind gets a `reset` event (refetch) instead of an unbounded queue. */
const maxQueued = 5000;
const heartbeatMs = 15_000;

const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

function toFrame(filter: InventoryFilter, change: InventoryChange): string | null {
  const item = change.item;
  if (item.kind !== filter.kind) return null;
  if (filter.clusterIds && !filter.clusterIds.has(item.clusterId)) return null;
  if (change.type === "delete") return filter.matches(item.clusterId, item) ? frame("delete", { clusterId: item.clusterId, key: item.key }) : null;
  if (filter.matches(item.clusterId, item)) return frame("upsert", item);
  // It matched before and no longer does (status or labels changed): the page drops it.
  if (change.previous && filter.matches(item.clusterId, change.previous)) return frame("delete", { clusterId: item.clusterId, key: item.key });
  return null;
}

export function createInventoryHandlers(deps: { store: InventoryStore; loadCluster: (orgId: string, clusterId: string) => Promise<Cluster | null> }): InventoryHandlers {
  const { store } = deps;
  return {
    async queryInventory(ctx, { query }) {
      const org = requireOrg(ctx);
      const buckets = store.bucketsOf(org.id);
      const visibility = await visibilityOf(ctx.db, requireAccess(ctx), org.id, "workload:read");
      const filter = buildFilter(query, buckets, visibility);
      const page = queryInventory(buckets, filter, query.sort, query.limit, query.cursor);
      const incomplete = buckets
        .filter((b) => !filter.clusterIds || filter.clusterIds.has(b.id))
        .flatMap((b) => {
          const st = [...b.states.values()].find((s) => s.kind === filter.kind && (query.group === undefined || s.group === query.group));
          return st && st.phase !== "watching" ? [{ clusterId: b.id, clusterSlug: b.slug, phase: st.phase, message: st.message }] : [];
        });
      return { ...page, items: withNodeUsage(page.items, buckets), incomplete };
    },

    async watchInventory(ctx, { query }) {
      const org = requireOrg(ctx);
      const visibility = await visibilityOf(ctx.db, requireAccess(ctx), org.id, "workload:read");
      const filter = buildFilter(query, store.bucketsOf(org.id), visibility);
      const queue: string[] = [];
      let wake: (() => void) | null = null;
      let overflow = false;
      const push = (s: string) => {
        if (queue.length >= maxQueued) overflow = true;
        else queue.push(s);
        wake?.();
      };
      const unsubscribe = store.subscribe({
        orgId: org.id,
        onChange(change) {
          const f = toFrame(filter, change);
          if (f) push(f);
        },
        onCluster(clusterId) {
          if (filter.clusterIds && !filter.clusterIds.has(clusterId)) return;
          void deps.loadCluster(org.id, clusterId).then((c) => c && push(frame("cluster", c)), () => undefined);
        },
      });
      const heartbeat = setInterval(() => push(": ping\n\n"), heartbeatMs);
      // A generator waiting for the next change cannot be returned from outside, so the subscription ends
      // when the connection closes, not at the next heartbeat.
      let closed = false;
      const close = () => {
        closed = true;
        clearInterval(heartbeat);
        unsubscribe();
        wake?.();
      };
      ctx.reply.raw.on("close", close);
      ctx.reply.header("x-accel-buffering", "no");
      async function* stream(): AsyncGenerator<string> {
        try {
          yield `retry: 2000\n\n${frame("hello", { kind: filter.kind })}`;
          while (!closed) {
            if (queue.length === 0 && !overflow) await new Promise<void>((r) => (wake = r));
            wake = null;
            if (closed) return;
            if (overflow) {
              queue.length = 0;
              overflow = false;
              yield frame("reset", { reason: "too many changes; reload the page's query" });
              continue;
            }
            // Everything queued goes out as one write.
            yield queue.splice(0, queue.length).join("");
          }
        } finally {
          close();
        }
      }
      return { raw: true, contentType: "text/event-stream", body: stream() };
    },
  };
}
