import {
  AppError,
  buildPath,
  codeOfHttpStatus,
  ErrorBody,
  type RouteBody,
  type RouteDef,
  type RouteId,
  type RouteParams,
  type RouteQuery,
  type RouteResponse,
  type Routes,
  routes,
} from "@meridian/core";

export interface ClientOptions {
  /** Server origin, e.g. http://127.0.0.1:8080. Empty for same-origin (the web UI). */
  baseUrl: string;
  /** API token for `Authorization: Bearer`; without it the browser's session cookie is used. */
  token?: string;
  /** CSRF token for cookie-authenticated unsafe requests; read lazily so the web UI can refresh it. */
  csrfToken?: () => string | null;
  fetch?: typeof fetch;
  /** Extra headers on every request (CLI user agent). */
  headers?: Record<string, string>;
}

// Inputs whose fields are all optional (list queries with defaults) may be left out.
type Defined<K extends string, V> = undefined extends V ? { [P in K]?: V } : {} extends V ? { [P in K]?: V } : { [P in K]: V };
export type CallInput<D> = Defined<"params", RouteParams<D>> & Defined<"query", RouteQuery<D>> & Defined<"body", RouteBody<D>>;

/** An error answered by the server, carrying its code, HTTP status and details. */
export class ApiError extends AppError {
  readonly status: number;
  constructor(status: number, body: ErrorBody | null, fallback: string) {
    super(body?.error.code ?? codeOfHttpStatus(status), body?.error.message ?? fallback, { details: body?.error.details });
    this.status = status;
  }
}

export interface MeridianClient {
  call<K extends RouteId>(id: K, input?: CallInput<Routes[K]>): Promise<RouteResponse<Routes[K]>>;
  /** For routes that produce text (exports) or streams: the raw Response, errors already thrown. */
  raw<K extends RouteId>(id: K, input?: CallInput<Routes[K]>): Promise<Response>;
  readonly baseUrl: string;
}

function toQueryString(query: unknown): string {
  if (!query || typeof query !== "object") return "";
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(query as Record<string, unknown>)) {
    if (v === undefined || v === null) continue;
    sp.set(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : "";
}

export function createClient(opts: ClientOptions): MeridianClient {
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  async function send(def: RouteDef, input: { params?: unknown; query?: unknown; body?: unknown } | undefined) {
    const url = `${opts.baseUrl}${buildPath(def.path, input?.params as Record<string, string> | undefined)}${toQueryString(input?.query)}`;
    const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (def.method !== "GET") {
      const csrf = opts.csrfToken?.();
      if (csrf && !opts.token) headers["x-csrf-token"] = csrf;
    }
    let body: string | undefined;
    if (input?.body !== undefined || (def.body && def.method !== "GET")) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(input?.body ?? {});
    }
    let res: Response;
    try {
      res = await doFetch(url, { method: def.method, headers, body, credentials: "same-origin" });
    } catch (cause) {
      throw new AppError("unavailable", `cannot reach the Meridian server at ${opts.baseUrl || "this origin"}`, { cause });
    }
    if (!res.ok) {
      let parsed: ErrorBody | null = null;
      try {
        const json: unknown = await res.json();
        const ok = ErrorBody.safeParse(json);
        parsed = ok.success ? ok.data : null;
      } catch {
        parsed = null;
      }
      throw new ApiError(res.status, parsed, `${def.method} ${def.path} failed with HTTP ${res.status}`);
    }
    return res;
  }
  return {
    baseUrl: opts.baseUrl,
    async call(id, input) {
      const res = await send(routes[id] as RouteDef, input as never);
      if (res.status === 204) return undefined as never;
      return (await res.json()) as never;
    },
    async raw(id, input) {
      return send(routes[id] as RouteDef, input as never);
    },
  };
}

/** Walks every page of a cursor-paginated list route. */
export async function* iteratePages<K extends RouteId>(
  client: MeridianClient,
  id: K,
  input: CallInput<Routes[K]>,
): AsyncGenerator<RouteResponse<Routes[K]> extends { items: (infer T)[] } ? T : never> {
  let cursor: string | undefined;
  for (;;) {
    const q = { ...((input as { query?: object }).query ?? {}), cursor };
    const page = (await client.call(id, { ...input, query: q } as never)) as { items: unknown[]; nextCursor?: string | null };
    for (const item of page.items) yield item as never;
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}
