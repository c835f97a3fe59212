import { AppError } from "@meridian/core";
import type { CaddyRoute } from "./caddy-routes.js";

export interface RouterOptions {
  /** Caddy's admin API, e.g. http://127.0.0.1:2019. */
  caddyAdminUrl: string;
  /** Host upstreams are dialled at instead of each task's node address (e.g. when Caddy runs on the only node). */
  upstreamHost?: string;
  /** The Caddy HTTP server whose routes Meridian owns (default "meridian"). */
  server?: string;
  /** Listen addresses to create that server with when Caddy has none of that name; without, a missing server is an error. */
  listen?: string[];
}

/** The few admin API calls the driver makes. Every change Caddy accepts is applied as one config load. */
export interface CaddyAdmin {
  readonly adminUrl: string;
  listRoutes(): Promise<CaddyRoute[]>;
  /** Inserts the route at index of the server's routes. */
  insertRoute(index: number, route: CaddyRoute): Promise<void>;
  /** Replaces the route with that @id as a whole. */
  replaceRoute(id: string, route: CaddyRoute): Promise<void>;
  deleteRoute(id: string): Promise<void>;
}

const timeoutMs = 10_000;

export function createCaddyAdmin(opts: RouterOptions): CaddyAdmin {
  const base = opts.caddyAdminUrl.replace(/\/+$/, "");
  const server = opts.server ?? "meridian";
  const routesPath = `/config/apps/http/servers/${encodeURIComponent(server)}/routes`;

  async function call(method: string, path: string, body?: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new AppError("unavailable", `Caddy admin API at ${base} is unreachable: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const text = await res.text();
    if (!res.ok) {
      let message = text.trim();
      try {
        message = (JSON.parse(text) as { error?: string }).error ?? message;
      } catch {
        // plain text answer
      }
      if (res.status === 404) throw new AppError("not_found", `Caddy ${method} ${path}: ${message}`);
      throw new AppError("internal", `Caddy refused ${method} ${path} (${res.status}): ${message}`);
    }
    return text.trim() === "" ? null : JSON.parse(text);
  }

  /** The server must exist before routes can be added under it; created only when listen addresses were given. */
  async function ensureServer(): Promise<void> {
    const current = await call("GET", `/config/apps/http/servers/${encodeURIComponent(server)}`);
    if (current !== null) return;
    if (!opts.listen) {
      throw new AppError("unavailable", `Caddy at ${base} has no HTTP server "${server}"; configure it (listen addresses) or pass router.listen`);
    }
    const http = (await call("GET", "/config/apps/http")) as Record<string, unknown> | null;
    const definition = { listen: opts.listen, routes: [] };
    if (http === null) await call("POST", "/config/apps/http", { servers: { [server]: definition } });
    else await call("POST", `/config/apps/http/servers/${encodeURIComponent(server)}`, definition);
  }

  let serverChecked = false;
  return {
    adminUrl: base,
    async listRoutes() {
      const routes = (await call("GET", routesPath)) as CaddyRoute[] | null;
      if (routes === null && !serverChecked) {
        await ensureServer();
        serverChecked = true;
      }
      return routes ?? [];
    },
    async insertRoute(index, route) {
      // PUT on an array index inserts before that element; past the end (or into no array yet) POST appends.
      const routes = (await call("GET", routesPath)) as CaddyRoute[] | null;
      if (routes === null) await call("POST", routesPath, [route]);
      else if (index >= routes.length) await call("POST", routesPath, route);
      else await call("PUT", `${routesPath}/${index}`, route);
    },
    async replaceRoute(id, route) {
      await call("PATCH", `/id/${encodeURIComponent(id)}`, route);
    },
    async deleteRoute(id) {
      try {
        await call("DELETE", `/id/${encodeURIComponent(id)}`);
      } catch (error) {
        if (!(error instanceof AppError && error.code === "not_found")) throw error;
      }
    },
  };
}
