import type { DockerClient } from "../docker-client.js";
import { type DockerService, type DockerTask, stackLabel } from "../docker-types.js";
import { type SlotState, readNodeAddresses } from "./app-state.js";
import { parseOwnedRoute } from "./caddy-routes.js";
import { appLabel, slotLabel } from "./names.js";
import { type Router, resyncUpstreams } from "./route-sync.js";

type Log = (msg: string, extra?: object) => void;

export interface RouteKeeper {
  /** Starts the loop if it is not running (idempotent). */
  start(): void;
  stop(): Promise<void>;
}

/**
 * Keeps every Meridian route in Caddy pointed at the tasks that are ready now. Swarm has no cluster-wide task
 * event stream, and tasks change without Meridian asking (restarts, node loss, a scale-up whose tasks start
 * after applyApp returned), so this is a level-based loop: per pass one read of Caddy's routes and one each of
 * services, running tasks and nodes for all apps together; writes only for routes whose upstreams differ.
 */
export function createRouteKeeper(client: DockerClient, router: Router, log: Log, intervalMs: number): RouteKeeper {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  let lastError = "";

  async function pass(): Promise<void> {
    const listed = await router.admin.listRoutes();
    const owned = listed.flatMap((r) => parseOwnedRoute(r) ?? []);
    if (owned.length === 0) return;
    const services = await client.requestJson<DockerService[]>({ path: "/services", query: { filters: { label: ["app.kubernetes.io/managed-by=meridian", appLabel] } } });
    const routed = services.filter((s) => owned.some((o) => o.app === s.Spec?.Labels?.[appLabel] && o.namespace === s.Spec?.Labels?.[stackLabel]));
    const [tasks, nodes] = await Promise.all([
      routed.length === 0 ? Promise.resolve([]) : client.requestJson<DockerTask[]>({ path: "/tasks", query: { filters: { service: routed.map((s) => s.ID), "desired-state": ["running"] } } }),
      router.upstreamHost ? Promise.resolve(new Map<string, string>()) : readNodeAddresses(client),
    ]);
    const statesOf = (o: { app: string; namespace: string }): SlotState[] =>
      routed
        .filter((s) => s.Spec?.Labels?.[appLabel] === o.app && s.Spec?.Labels?.[stackLabel] === o.namespace)
        .flatMap((service) => {
          const slot = service.Spec?.Labels?.[slotLabel];
          return slot === "blue" || slot === "green" ? [{ slot, service, tasks: tasks.filter((t) => t.ServiceID === service.ID) }] : [];
        });
    const changed = await resyncUpstreams(router, owned, listed, statesOf, nodes);
    if (changed > 0) log("swarm: route upstreams re-synced", { routes: changed });
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pass()
        .then(() => {
          lastError = "";
        })
        .catch((error: unknown) => {
          // Logged once per distinct error, not every pass while Caddy or the engine is down.
          const message = error instanceof Error ? error.message : String(error);
          if (message !== lastError) log("swarm: route re-sync failed", { reason: message });
          lastError = message;
        })
        .finally(schedule);
    }, intervalMs);
    timer.unref?.();
  }

  return {
    start() {
      if (timer === undefined && !stopped) schedule();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
