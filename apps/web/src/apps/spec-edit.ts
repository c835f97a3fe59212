import type { AppRoute, AppSpec, RouteResponse, Routes } from "@meridian/core";

/**
 * Edits of an app's spec made by the env, secrets and domains tabs. Each returns a new spec for putApp; the
 * server keeps the rest of the document as it was.
 */

export type Secret = RouteResponse<Routes["listProjectSecrets"]>["items"][number];

/** Routes of one environment: its override when it has one, else the app's. */
export function routesFor(spec: AppSpec, envSlug: string): { routes: AppRoute[]; overridden: boolean } {
  const o = spec.environments[envSlug]?.routes;
  return o ? { routes: o, overridden: true } : { routes: spec.routes, overridden: false };
}

/** Adds a route to every environment that follows the app's routes (scope "all") or to one environment's override. */
export function addRoute(spec: AppSpec, route: AppRoute, scope: "all" | string): AppSpec {
  if (scope === "all") return { ...spec, routes: [...spec.routes, route] };
  const o = spec.environments[scope] ?? {};
  // The first override of an environment starts from the routes it had, so nothing it served disappears.
  const current = o.routes ?? spec.routes;
  return { ...spec, environments: { ...spec.environments, [scope]: { ...o, routes: [...current, route] } } };
}

export function removeRoute(spec: AppSpec, index: number, scope: "all" | string): AppSpec {
  if (scope === "all") return { ...spec, routes: spec.routes.filter((_, i) => i !== index) };
  const o = spec.environments[scope] ?? {};
  const current = o.routes ?? spec.routes;
  return { ...spec, environments: { ...spec.environments, [scope]: { ...o, routes: current.filter((_, i) => i !== index) } } };
}

/** "https://shop.example.com/api" as a link (plain http: TLS is not managed yet). */
export function routeUrl(r: Pick<AppRoute, "host" | "path">): string {
  return `http://${r.host}${r.path && r.path !== "/" ? r.path : ""}`;
}

export function setEnv(spec: AppSpec, env: Record<string, string>): AppSpec {
  return { ...spec, env };
}

export function addSecretRef(spec: AppSpec, ref: { env: string; secret: string }): AppSpec {
  return { ...spec, secrets: [...spec.secrets.filter((s) => s.env !== ref.env), ref] };
}

export function removeSecretRef(spec: AppSpec, envName: string): AppSpec {
  return { ...spec, secrets: spec.secrets.filter((s) => s.env !== envName) };
}

/**
 * The secret a deploy to the environment would use, looked up as the server does: the environment's, else
 * the project's, else the organization's. Undefined: a deploy there would be refused.
 */
export function resolveSecret(name: string, environmentId: string, projectSecrets: readonly Secret[], orgSecrets: readonly Secret[]): Secret | undefined {
  return (
    projectSecrets.find((s) => s.name === name && s.scope === "environment" && s.environmentId === environmentId) ??
    projectSecrets.find((s) => s.name === name && s.scope === "project") ??
    orgSecrets.find((s) => s.name === name)
  );
}
