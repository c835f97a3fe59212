import type { ClusterConnection, InventoryHandle } from "@meridian/core";
import { applyServiceSpecs } from "./apply.js";
import { type SwarmAppOptions, createSwarmAppDriver } from "./apps/app-driver.js";
import { createDockerClient } from "./docker-client.js";
import type { SwarmConnectionConfig } from "./endpoint.js";
import { type InventoryTimings, startSwarmInventory } from "./inventory.js";
import { streamSwarmLogs } from "./logs.js";
import { getSwarmObject } from "./objects.js";
import { deleteSwarmObject, drainNode, restartService, rollbackService, scaleService, setNodeSchedulable } from "./operations.js";
import { probeSwarm } from "./probe.js";

export interface SwarmConnectionOptions {
  log?: (msg: string, extra?: object) => void;
  /** Inventory timings (debounce, resync, backoff); the defaults suit production. */
  inventory?: Partial<InventoryTimings>;
  /** Caddy, the router of Meridian's apps; without it, apps with routes are refused at apply time. */
  router?: SwarmAppOptions["router"];
  /** Placement constraints for every app slot's service (e.g. the testbed pins them to the manager). */
  appConstraints?: string[];
  /** How often app routes are re-synced with ready tasks (default 2 s). */
  routeResyncMs?: number;
}

/**
 * A ClusterConnection to one Docker engine that is (or should be) a Swarm manager. Nothing connects until
 * the first call; close() ends inventories, pooled connections and ssh processes.
 */
export function createSwarmConnection(config: SwarmConnectionConfig, opts: SwarmConnectionOptions = {}): ClusterConnection {
  const log = opts.log ?? (() => undefined);
  const client = createDockerClient(config);
  const inventories = new Set<InventoryHandle>();

  const apps = createSwarmAppDriver(
    client,
    { ...(opts.router && { router: opts.router }), ...(opts.appConstraints && { constraints: opts.appConstraints }), ...(opts.routeResyncMs !== undefined && { routeResyncMs: opts.routeResyncMs }) },
    log,
  );

  return {
    runtime: "swarm",
    apps: apps.driver,
    probe: (signal) => {
      // A probed connection is one in use: keep its app routes in step with tasks from now on.
      apps.startRouteKeeper();
      return probeSwarm(client, signal);
    },
    startInventory(sink) {
      const handle = startSwarmInventory(client, sink, log, opts.inventory);
      inventories.add(handle);
      return {
        stats: () => handle.stats(),
        async stop() {
          inventories.delete(handle);
          await handle.stop();
        },
      };
    },
    getObject: (ref) => getSwarmObject(client, ref),
    apply: (yaml, applyOpts) => applyServiceSpecs(client, yaml, applyOpts, log),
    deleteObject: (ref) => deleteSwarmObject(client, ref, (r) => getSwarmObject(client, r)),
    scale: (ref, replicas) => scaleService(client, ref, replicas),
    restart: (ref) => restartService(client, ref),
    rollback: (ref) => rollbackService(client, ref),
    setNodeSchedulable: (node, schedulable) => setNodeSchedulable(client, node, schedulable),
    drainNode: (node) => drainNode(client, node),
    streamLogs: (ref, logOpts, signal) => streamSwarmLogs(client, ref, logOpts, signal),
    async close() {
      await Promise.all([...[...inventories].map((handle) => handle.stop()), apps.close()]);
      inventories.clear();
      client.close();
    },
  };
}
