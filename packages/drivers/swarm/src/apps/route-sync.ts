import { AppError, type AppTarget, type ApplyResult, type Slot } from "@meridian/core";
import { createTwoFilesPatch } from "diff";
import type { DockerClient } from "../docker-client.js";
import { type SlotState, isTaskReady, readNodeAddresses, readSlotStates } from "./app-state.js";
import type { CaddyAdmin } from "./caddy-admin.js";
import { type CaddyRoute, type OwnedRoute, type RouteSpec, formatRoute, getInsertIndex, isSameRoute, parseOwnedRoute, renderRoute } from "./caddy-routes.js";
import { buildUpstreamList } from "./upstream-weights.js";

export interface Router {
  admin: CaddyAdmin;
  upstreamHost?: string;
}

/** The app's routes as Caddy has them now, with the server's whole route list (for ordering inserts). */
export async function readAppRoutes(admin: CaddyAdmin, t: AppTarget): Promise<{ all: CaddyRoute[]; owned: OwnedRoute[] }> {
  const all = await admin.listRoutes();
  const owned = all.flatMap((r) => {
    const parsed = parseOwnedRoute(r);
    return parsed && parsed.app === t.app && parsed.namespace === t.namespace ? [parsed] : [];
  });
  return { all, owned };
}

/**
 * host:port of each ready task of the slot for a route's port: the host port Docker published for the task
 * (Status.PortStatus) on the task's node. Tasks without a published port for it are skipped.
 */
export function getSlotUpstreams(state: SlotState, port: string | number, nodes: Map<string, string>, upstreamHost?: string): string[] {
  const declared = state.service.Spec?.EndpointSpec?.Ports ?? [];
  const target = typeof port === "number" ? port : declared.find((p) => p.Name === port)?.TargetPort;
  if (target === undefined) return [];
  const addresses = new Set<string>();
  for (const task of state.tasks) {
    if (!isTaskReady(task)) continue;
    const published = task.Status?.PortStatus?.Ports?.find((p) => p.TargetPort === target && p.PublishedPort)?.PublishedPort;
    const host = upstreamHost ?? (task.NodeID ? nodes.get(task.NodeID) : undefined);
    if (published && host) addresses.add(`${host}:${published}`);
  }
  return [...addresses].sort();
}

export function renderAppRoute(t: AppTarget, route: RouteSpec, traffic: Partial<Record<Slot, number>>, states: SlotState[], nodes: Map<string, string>, upstreamHost?: string): CaddyRoute {
  const groups = states.map((s) => ({ slot: s.slot, weight: traffic[s.slot] ?? 0, addresses: getSlotUpstreams(s, route.port, nodes, upstreamHost) }));
  return renderRoute(t, route, traffic, buildUpstreamList(groups));
}

function toResult(t: AppTarget, route: RouteSpec, action: ApplyResult["action"], before: CaddyRoute | undefined, after: CaddyRoute | undefined): ApplyResult {
  const name = `${route.host}${route.path}`;
  const diff = action === "unchanged" ? "" : createTwoFilesPatch(`${name} (live)`, `${name} (applied)`, formatRoute(before), formatRoute(after), undefined, undefined, { context: 3 }).replace(/^=+\n/, "");
  return { kind: "CaddyRoute", namespace: t.namespace, name, action, diff };
}

export interface SyncRequest {
  /** Desired routes; left out: the routes Caddy has for the app (a re-sync of upstreams only). */
  routes?: RouteSpec[];
  /** Desired weights; left out: the weights stored on the app's routes. */
  traffic?: Partial<Record<Slot, number>>;
  dryRun: boolean;
  /** Slot states already read by the caller (saves a round of Docker calls on the fast path). */
  states?: SlotState[];
}

/**
 * Level-based: makes the app's Caddy routes match the desired routes and weights over the tasks ready *now*.
 * Called by applyApp, setTraffic and observeApp, so a task that moved is picked up at the next of these.
 * Each changed route is one PATCH (atomic); routes no longer desired are deleted (only when routes are given).
 */
export interface SyncOutcome {
  results: ApplyResult[];
  /** The app's routes after the sync (none when it has no routes) and their weights. */
  routeCount: number;
  traffic: Partial<Record<Slot, number>> | null;
}

export async function syncAppRoutes(client: DockerClient, router: Router, t: AppTarget, req: SyncRequest): Promise<SyncOutcome> {
  const { all, owned } = await readAppRoutes(router.admin, t);
  const wanted: RouteSpec[] = req.routes ?? owned.map(({ host, path, port }) => ({ host, path, port }));
  if (wanted.length === 0 && owned.length === 0) return { results: [], routeCount: 0, traffic: null };
  const [states, nodes] = await Promise.all([
    req.states ? Promise.resolve(req.states) : readSlotStates(client, t),
    router.upstreamHost ? Promise.resolve(new Map<string, string>()) : readNodeAddresses(client),
  ]);
  const traffic = req.traffic ?? owned[0]?.traffic ?? {};
  const results: ApplyResult[] = [];
  const routes = [...all];
  for (const route of wanted) {
    const after = renderAppRoute(t, route, traffic, states, nodes, router.upstreamHost);
    const id = after["@id"] as string;
    const before = routes.find((r) => r["@id"] === id);
    if (before && isSameRoute(before, after)) {
      results.push(toResult(t, route, "unchanged", before, after));
      continue;
    }
    if (!req.dryRun) {
      if (before) await router.admin.replaceById(id, after);
      else {
        const index = getInsertIndex(routes, after);
        await router.admin.insertRoute(index, after);
        routes.splice(index, 0, after);
      }
    }
    results.push(toResult(t, route, before ? "configured" : "created", before, after));
  }
  if (req.routes) {
    const keep = new Set(results.map((r) => r.name));
    for (const stale of owned.filter((o) => !keep.has(`${o.host}${o.path}`))) {
      if (!req.dryRun) await router.admin.deleteById(stale.id);
      const before = all.find((r) => r["@id"] === stale.id);
      // ApplyResult has no "deleted"; a removal is a change whose diff empties the object.
      results.push(toResult(t, stale, "configured", before, undefined));
    }
  }
  return { results, routeCount: wanted.length, traffic: wanted.length > 0 ? traffic : null };
}

/**
 * Re-syncs the upstreams of routes as they are in Caddy (their own weights and ports) with the tasks ready now.
 * It never changes weights: a route is re-read with its ETag and replaced only if unchanged since (If-Match), so
 * a concurrent setTraffic (this process or another) is never undone by a stale re-sync. Returns how many
 * routes were rewritten.
 */
export async function resyncUpstreams(router: Router, routes: OwnedRoute[], listed: CaddyRoute[], statesOf: (r: OwnedRoute) => SlotState[], nodes: Map<string, string>): Promise<number> {
  let changed = 0;
  for (const owned of routes) {
    const target: AppTarget = { app: owned.app, namespace: owned.namespace, project: owned.project, environment: owned.environment };
    const spec = { host: owned.host, path: owned.path, port: owned.port };
    const want = renderAppRoute(target, spec, owned.traffic, statesOf(owned), nodes, router.upstreamHost);
    if (isSameRoute(listed.find((r) => r["@id"] === owned.id), want)) continue;
    const live = await router.admin.getRoute(owned.id);
    const liveOwned = live && parseOwnedRoute(live.route);
    if (!live || !liveOwned) continue;
    // Weights may have moved since the listing: keep the live ones.
    const after = renderAppRoute(target, spec, liveOwned.traffic, statesOf(owned), nodes, router.upstreamHost);
    if (isSameRoute(live.route, after)) continue;
    try {
      await router.admin.replaceById(owned.id, after, live.etag);
      changed++;
    } catch (error) {
      // Changed between our read and write: the writer saw the world too; the next pass looks again.
      if (!(error instanceof AppError && error.code === "conflict")) throw error;
    }
  }
  return changed;
}
