import { Gauge, type Registry } from "prom-client";
import type { ClusterManager } from "./cluster-manager.js";
import type { InventoryStore } from "./inventory-store.js";

/** Gauges read at scrape time: objects held per cluster and kind, cluster states, live SSE subscribers. */
export function registerClusterMetrics(registry: Registry, deps: { store: InventoryStore; manager: ClusterManager; clusterIds: () => string[] }): void {
  const store = deps.store;
  new Gauge({
    name: "meridian_inventory_objects",
    help: "Objects in the live inventory, per cluster and kind",
    labelNames: ["cluster", "kind"],
    registers: [registry],
    collect() {
      this.reset();
      for (const id of deps.clusterIds()) {
        const b = store.bucket(id);
        if (!b) continue;
        for (const [kind, m] of b.byKind) this.set({ cluster: b.slug, kind }, m.size);
      }
    },
  });
  new Gauge({
    name: "meridian_cluster_ready",
    help: "1 when a cluster is ready, 0 otherwise",
    labelNames: ["cluster", "state"],
    registers: [registry],
    collect() {
      this.reset();
      for (const id of deps.clusterIds()) {
        const b = store.bucket(id);
        const s = deps.manager.status(id);
        if (b && s) this.set({ cluster: b.slug, state: s.state }, s.state === "ready" ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: "meridian_inventory_subscribers",
    help: "Open inventory event streams (SSE)",
    registers: [registry],
    collect() {
      this.set(store.subscriberCount());
    },
  });
}
