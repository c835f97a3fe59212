import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
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
  /** The route with that @id and its ETag (for a conditional replace), or undefined. */
  getRoute(id: string): Promise<{ route: CaddyRoute; etag?: string } | undefined>;
  /** Replaces the object (route, certificate) with that @id as a whole; with ifMatch only if unchanged since read (else conflict). */
  replaceById(id: string, value: object, ifMatch?: string): Promise<void>;
  /** Deletes the object with that @id; a missing one is fine. */
  deleteById(id: string): Promise<void>;
  /** The tls app's load_pem entries (certificates Caddy serves by SNI). */
  listCertificates(): Promise<CaddyCertificate[]>;
  /** Appends an entry, creating the tls app's path to it when missing. */
  addCertificate(entry: CaddyCertificate): Promise<void>;
}

/** One load_pem entry; `@id` lets Meridian replace or delete it. */
export interface CaddyCertificate {
  "@id"?: string;
  certificate: string;
  key: string;
  tags?: string[];
}

const timeoutMs = 10_000;

/**
 * One request on a fresh connection: Caddy closes admin connections when it loads a config, so a pooled
 * keep-alive socket fails the next call ("other side closed"). Connecting to a local admin API costs well
 * under a millisecond.
 */
function send(url: string, method: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; text: string; etag?: string }> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = (url.startsWith("https:") ? httpsRequest : httpRequest)(
      url,
      { method, agent: false, timeout: timeoutMs, headers: { ...headers, ...(payload && { "content-type": "application/json", "content-length": String(payload.length) }) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        // Caddy sends a GET's ETag as a trailer (it hashes the body while writing it).
        res.on("end", () => {
          const etag = res.trailers.etag ?? res.headers.etag;
          resolve({ status: res.statusCode ?? 500, text: Buffer.concat(chunks).toString("utf8"), ...(etag && { etag }) });
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(payload);
  });
}

export function createCaddyAdmin(opts: RouterOptions): CaddyAdmin {
  const base = opts.caddyAdminUrl.replace(/\/+$/, "");
  const server = opts.server ?? "meridian";
  const routesPath = `/config/apps/http/servers/${encodeURIComponent(server)}/routes`;

  async function call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<unknown> {
    return (await callWithEtag(method, path, body, headers)).value;
  }

  async function callWithEtag(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ value: unknown; etag?: string }> {
    let answer: { status: number; text: string; etag?: string };
    try {
      answer = await send(`${base}${path}`, method, body, headers);
    } catch (error) {
      throw new AppError("unavailable", `Caddy admin API at ${base} is unreachable: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const { status, text } = answer;
    if (status >= 400) {
      let message = text.trim();
      try {
        message = (JSON.parse(text) as { error?: string }).error ?? message;
      } catch {
        // plain text answer
      }
      // A path through a missing object is a 400 "invalid traversal path": not found, too.
      if (status === 404 || (status === 400 && message.includes("invalid traversal path"))) throw new AppError("not_found", `Caddy ${method} ${path}: ${message}`);
      if (status === 412) throw new AppError("conflict", `Caddy ${method} ${path}: changed meanwhile (${message})`);
      throw new AppError("internal", `Caddy refused ${method} ${path} (${status}): ${message}`);
    }
    return { value: text.trim() === "" ? null : JSON.parse(text), ...(answer.etag && { etag: answer.etag }) };
  }

  const serverPath = `/config/apps/http/servers/${encodeURIComponent(server)}`;

  async function getOrNull(path: string): Promise<unknown> {
    try {
      return await call("GET", path);
    } catch (error) {
      if (error instanceof AppError && error.code === "not_found") return null;
      throw error;
    }
  }

  /** The server's config, or null when Caddy has no server of that name. */
  async function readServer(): Promise<{ routes?: CaddyRoute[] } | null> {
    return (await getOrNull(serverPath)) as { routes?: CaddyRoute[] } | null;
  }

  /** Routes are added under the server: it must exist, and is created only when listen addresses were given. */
  async function ensureServer(): Promise<void> {
    if ((await readServer()) !== null) return;
    if (!opts.listen) {
      throw new AppError("unavailable", `Caddy at ${base} has no HTTP server "${server}"; configure it (listen addresses) or pass router.listen`);
    }
    const http = await getOrNull("/config/apps/http");
    const definition = { listen: opts.listen, routes: [] };
    if (http === null) await call("POST", "/config/apps/http", { servers: { [server]: definition } });
    else await call("POST", serverPath, definition);
  }

  return {
    adminUrl: base,
    async listRoutes() {
      return (await readServer())?.routes ?? [];
    },
    async insertRoute(index, route) {
      await ensureServer();
      // PUT on an array index inserts before that element; past the end (or into no array yet) POST appends.
      const routes = (await readServer())?.routes;
      if (routes === undefined) await call("POST", routesPath, [route]);
      else if (index >= routes.length) await call("POST", routesPath, route);
      else await call("PUT", `${routesPath}/${index}`, route);
    },
    async getRoute(id) {
      try {
        const { value, etag } = await callWithEtag("GET", `/id/${encodeURIComponent(id)}`);
        return value === null ? undefined : { route: value as CaddyRoute, ...(etag && { etag }) };
      } catch (error) {
        if (error instanceof AppError && error.code === "not_found") return undefined;
        throw error;
      }
    },
    async replaceById(id, value, ifMatch) {
      await call("PATCH", `/id/${encodeURIComponent(id)}`, value, ifMatch ? { "if-match": ifMatch } : {});
    },
    async listCertificates() {
      return ((await getOrNull("/config/apps/tls/certificates/load_pem")) as CaddyCertificate[] | null) ?? [];
    },
    async addCertificate(entry) {
      // Each level may be missing; POST on a missing key of an existing object creates it.
      if ((await getOrNull("/config/apps/tls")) === null) await call("POST", "/config/apps/tls", { certificates: { load_pem: [entry] } });
      else if ((await getOrNull("/config/apps/tls/certificates")) === null) await call("POST", "/config/apps/tls/certificates", { load_pem: [entry] });
      else if ((await getOrNull("/config/apps/tls/certificates/load_pem")) === null) await call("POST", "/config/apps/tls/certificates/load_pem", [entry]);
      else await call("POST", "/config/apps/tls/certificates/load_pem", entry);
    },
    async deleteById(id) {
      try {
        await call("DELETE", `/id/${encodeURIComponent(id)}`);
      } catch (error) {
        if (!(error instanceof AppError && error.code === "not_found")) throw error;
      }
    },
  };
}
