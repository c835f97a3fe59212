import { createHash } from "node:crypto";
import { type AppTarget, type Slot, slots } from "@meridian/core";

/**
 * One app route as one Caddy route. The route carries, in a `vars` handler, who owns it and the traffic
 * weights it was written with: Caddy's config is then the only place they live, read back for observation and
 * for level-based re-syncs (no second store to drift). The proxy handler that follows is replaced as a whole
 * with the route (one PATCH of /id/<id>), so a blue/green switch is atomic.
 */
export interface CaddyRoute {
  "@id"?: string;
  match?: { host?: string[]; path?: string[] }[];
  handle?: Record<string, unknown>[];
  terminal?: boolean;
  [key: string]: unknown;
}

export interface RouteSpec {
  host: string;
  path: string;
  port: string | number;
}

export interface OwnedRoute extends RouteSpec {
  id: string;
  namespace: string;
  app: string;
  project: string;
  environment: string;
  traffic: Partial<Record<Slot, number>>;
  upstreams: string[];
}

const varsKeys = {
  namespace: "meridian.namespace",
  app: "meridian.app",
  project: "meridian.project",
  environment: "meridian.environment",
  host: "meridian.host",
  path: "meridian.path",
  port: "meridian.port",
  traffic: "meridian.traffic",
} as const;

export function getRouteId(t: AppTarget, route: { host: string; path: string }): string {
  const hash = createHash("sha256").update(`${t.namespace}\0${t.app}\0${route.host}\0${route.path}`).digest("hex").slice(0, 12);
  return `meridian.${t.app}.${hash}`;
}

/** "/" matches everything; "/api" matches /api and below it (not /apix). */
export function getPathMatcher(path: string): string[] | undefined {
  const base = path.replace(/\/+$/, "");
  return base === "" ? undefined : [base, `${base}/*`];
}

export function formatTraffic(traffic: Partial<Record<Slot, number>>): string {
  return slots
    .filter((s) => traffic[s] !== undefined)
    .map((s) => `${s}=${traffic[s]}`)
    .join(",");
}

export function parseTraffic(text: string): Partial<Record<Slot, number>> {
  const traffic: Partial<Record<Slot, number>> = {};
  for (const part of text.split(",")) {
    const [slot, value] = part.split("=");
    if (slots.includes(slot as Slot) && value !== undefined && Number.isFinite(Number(value))) traffic[slot as Slot] = Number(value);
  }
  return traffic;
}

export function renderRoute(t: AppTarget, route: RouteSpec, traffic: Partial<Record<Slot, number>>, upstreams: string[]): CaddyRoute {
  const pathMatcher = getPathMatcher(route.path);
  const vars = {
    handler: "vars",
    [varsKeys.namespace]: t.namespace,
    [varsKeys.app]: t.app,
    [varsKeys.project]: t.project,
    [varsKeys.environment]: t.environment,
    [varsKeys.host]: route.host,
    [varsKeys.path]: route.path,
    [varsKeys.port]: String(route.port),
    [varsKeys.traffic]: formatTraffic(traffic),
  };
  const backend =
    upstreams.length === 0
      ? { handler: "static_response", status_code: 503, body: `no ready replicas of ${t.app}\n` }
      : {
          handler: "reverse_proxy",
          upstreams: upstreams.map((dial) => ({ dial })),
          // Repeated upstreams are the weights (see upstream-weights.ts). A task that went away since the last
          // sync refuses connections: the request is retried on the next upstream instead of failing.
          load_balancing: { selection_policy: { policy: "round_robin" }, try_duration: "2s", try_interval: "100ms" },
          health_checks: { passive: { fail_duration: "5s", max_fails: 1 } },
        };
  return {
    "@id": getRouteId(t, route),
    match: [{ host: [route.host], ...(pathMatcher && { path: pathMatcher }) }],
    handle: [vars, backend],
    terminal: true,
  };
}

/** The route's owner and settings, when Meridian wrote it; undefined for anything else in the server. */
export function parseOwnedRoute(route: CaddyRoute): OwnedRoute | undefined {
  const vars = route.handle?.find((h) => h.handler === "vars");
  const id = route["@id"];
  if (!vars || typeof id !== "string" || typeof vars[varsKeys.app] !== "string") return undefined;
  const text = (key: string) => (typeof vars[key] === "string" ? (vars[key] as string) : "");
  const proxy = route.handle?.find((h) => h.handler === "reverse_proxy") as { upstreams?: { dial?: string }[] } | undefined;
  const port = text(varsKeys.port);
  return {
    id,
    namespace: text(varsKeys.namespace),
    app: text(varsKeys.app),
    project: text(varsKeys.project),
    environment: text(varsKeys.environment),
    host: text(varsKeys.host),
    path: text(varsKeys.path) || "/",
    port: /^\d+$/.test(port) ? Number(port) : port,
    traffic: parseTraffic(text(varsKeys.traffic)),
    upstreams: (proxy?.upstreams ?? []).flatMap((u) => (u.dial ? [u.dial] : [])),
  };
}

/** More specific routes first (Caddy stops at the first terminal match): longer paths, then exact hosts before wildcards. */
export function getSpecificity(route: CaddyRoute): number {
  const m = route.match?.[0];
  const path = m?.path?.[0] ?? "";
  const wildcard = m?.host?.some((h) => h.startsWith("*.")) ?? false;
  return path.length * 2 + (wildcard ? 0 : 1);
}

/** Where a new route goes among the server's routes: before the first less specific one. */
export function getInsertIndex(routes: CaddyRoute[], route: CaddyRoute): number {
  const own = getSpecificity(route);
  const index = routes.findIndex((r) => getSpecificity(r) < own);
  return index === -1 ? routes.length : index;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export function isSameRoute(a: CaddyRoute | undefined, b: CaddyRoute | undefined): boolean {
  return JSON.stringify(canonical(a ?? null)) === JSON.stringify(canonical(b ?? null));
}

export function formatRoute(route: CaddyRoute | undefined): string {
  return route === undefined ? "" : `${JSON.stringify(canonical(route), null, 2)}\n`;
}

const challengeAppKey = "meridian.challenge.app";
const challengeNamespaceKey = "meridian.challenge.namespace";

/** A fixed answer for one host and exact path (ACME HTTP-01, domain verification); placed before every app route. */
export function renderChallengeRoute(t: AppTarget, host: string, path: string, body: string): CaddyRoute {
  const hash = createHash("sha256").update(`${t.namespace}\0${t.app}\0${host}\0${path}`).digest("hex").slice(0, 12);
  return {
    "@id": `meridian.challenge.${t.app}.${hash}`,
    match: [{ host: [host], path: [path] }],
    handle: [
      { handler: "vars", [challengeNamespaceKey]: t.namespace, [challengeAppKey]: t.app },
      { handler: "static_response", status_code: 200, headers: { "Content-Type": ["text/plain"] }, body },
    ],
    terminal: true,
  };
}

/** Ids of the app's challenge routes. */
export function listChallengeRouteIds(routes: CaddyRoute[], t: AppTarget): string[] {
  return routes.flatMap((r) => {
    const vars = r.handle?.find((h) => h.handler === "vars");
    return vars && vars[challengeAppKey] === t.app && vars[challengeNamespaceKey] === t.namespace && typeof r["@id"] === "string" ? [r["@id"]] : [];
  });
}
