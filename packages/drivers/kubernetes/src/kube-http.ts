import http from "node:http";
import https from "node:https";
import { AppError, type CancelSignal } from "@meridian/core";
import type { KubeTarget } from "./kubeconfig.js";

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
  signal?: CancelSignal;
}

/** A small Kubernetes REST client: keep-alive TLS agent with the target's CA and client certificate. */
export interface KubeHttp {
  server: string;
  request<T = Record<string, unknown>>(method: string, path: string, opts?: RequestOptions): Promise<T>;
  /** The response status and body without turning errors into exceptions (probes, 404 checks). */
  requestRaw(method: string, path: string, opts?: RequestOptions): Promise<{ status: number; body: string }>;
  /** A streaming GET (watch, logs): yields text lines until the server ends it or the signal aborts. */
  streamLines(path: string, signal: CancelSignal): AsyncGenerator<string>;
  close(): void;
}

interface KubeStatus {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
}

/** Maps an API server answer to Meridian's error codes, keeping the cluster's own message. */
export function toClusterError(status: number, body: string, server: string): AppError {
  let st: KubeStatus = {};
  try {
    st = JSON.parse(body) as KubeStatus;
  } catch {
    st = { message: body.slice(0, 300) };
  }
  const msg = st.message ?? `HTTP ${status}`;
  const details = { source: "cluster", status, reason: st.reason ?? null };
  if (status === 401) return new AppError("unavailable", `the cluster at ${server} rejected Meridian's credentials (401 Unauthorized); update the cluster's credentials`, { details });
  if (status === 403) return new AppError("forbidden", `the cluster refused: ${msg}`, { details });
  if (status === 404) return new AppError("not_found", msg, { details });
  if (status === 409) return new AppError("conflict", msg, { details });
  if (status === 400 || status === 422 || status === 415) return new AppError("invalid_input", `the cluster rejected it: ${msg}`, { details });
  if (status === 410) return new AppError("conflict", msg, { details: { ...details, gone: true } });
  // The API server answers some malformed input (an apply patch with wrongly typed fields) with a 500.
  if (status === 500 && /typed patch|expected .* got|cannot unmarshal|unknown field|json: /i.test(msg)) return new AppError("invalid_input", `the cluster rejected it: ${msg}`, { details });
  if (status === 429) return new AppError("rate_limited", `the cluster is throttling requests: ${msg}`, { details });
  return new AppError("unavailable", `the cluster answered ${status}: ${msg}`, { details });
}

function networkError(err: NodeJS.ErrnoException, server: string): AppError {
  const code = err.code ?? "";
  let why = err.message;
  if (code === "ECONNREFUSED") why = "connection refused";
  else if (code === "ENOTFOUND" || code === "EAI_AGAIN") why = "the host name does not resolve";
  else if (code === "ETIMEDOUT" || code === "ETIMEOUT") why = "timed out";
  else if (code === "ECONNRESET") why = "the connection was reset";
  else if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) why = `TLS verification failed (${code}): the CA does not match the server's certificate`;
  return new AppError("unavailable", `cannot reach the cluster at ${server}: ${why}`, { cause: err, details: { source: "cluster", network: code || null } });
}

export function createKubeHttp(target: KubeTarget): KubeHttp {
  const url = new URL(target.server);
  const secure = url.protocol === "https:";
  const agentOpts = { keepAlive: true, maxSockets: 64, maxFreeSockets: 8 };
  const agent = secure
    ? new https.Agent({
        ...agentOpts,
        ca: target.caData,
        cert: target.clientCertData,
        key: target.clientKeyData,
        rejectUnauthorized: !target.insecureSkipTlsVerify,
      })
    : new http.Agent(agentOpts);
  const lib = secure ? https : http;
  const basePath = url.pathname.replace(/\/+$/, "");
  const server = target.server;

  function send(method: string, path: string, opts: RequestOptions): Promise<http.IncomingMessage & { req: http.ClientRequest }> {
    return new Promise((resolve, reject) => {
      if (opts.signal?.aborted) return reject(new AppError("unavailable", "cancelled"));
      const payload = opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
      const headers: Record<string, string> = { accept: "application/json", "user-agent": "meridian" };
      if (target.token) headers.authorization = `Bearer ${target.token}`;
      if (payload !== undefined) {
        headers["content-type"] = opts.contentType ?? "application/json";
        headers["content-length"] = String(Buffer.byteLength(payload));
      }
      const req = lib.request({ method, hostname: url.hostname, port: url.port || (secure ? 443 : 80), path: basePath + path, headers, agent });
      const onAbort = () => req.destroy(new AppError("unavailable", "cancelled"));
      opts.signal?.addEventListener("abort", onAbort, { once: true });
      if (opts.timeoutMs) {
        req.setTimeout(opts.timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${opts.timeoutMs} ms`), { code: "ETIMEDOUT" })));
      }
      req.on("error", (err: NodeJS.ErrnoException) => {
        opts.signal?.removeEventListener("abort", onAbort);
        reject(err instanceof AppError ? err : networkError(err, server));
      });
      req.on("response", (res) => {
        res.on("close", () => opts.signal?.removeEventListener("abort", onAbort));
        resolve(Object.assign(res, { req }));
      });
      req.end(payload);
    });
  }

  async function readBody(res: http.IncomingMessage): Promise<string> {
    res.setEncoding("utf8");
    let s = "";
    for await (const chunk of res) s += chunk as string;
    return s;
  }

  async function requestRaw(method: string, path: string, opts: RequestOptions = {}) {
    const res = await send(method, path, { timeoutMs: 30_000, ...opts });
    try {
      return { status: res.statusCode ?? 0, body: await readBody(res) };
    } catch (err) {
      throw err instanceof AppError ? err : networkError(err as NodeJS.ErrnoException, server);
    }
  }

  return {
    server,
    requestRaw,
    async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
      const { status, body } = await requestRaw(method, path, opts);
      if (status < 200 || status >= 300) throw toClusterError(status, body, server);
      return (body ? JSON.parse(body) : {}) as T;
    },
    async *streamLines(path, signal) {
      const res = await send("GET", path, { signal });
      const status = res.statusCode ?? 0;
      if (status < 200 || status >= 300) throw toClusterError(status, await readBody(res), server);
      res.setEncoding("utf8");
      let rest = "";
      try {
        for await (const chunk of res) {
          rest += chunk as string;
          let nl = rest.indexOf("\n");
          while (nl >= 0) {
            const line = rest.slice(0, nl);
            rest = rest.slice(nl + 1);
            if (line.length > 0) yield line;
            nl = rest.indexOf("\n");
          }
        }
        if (rest.length > 0) yield rest;
      } catch (err) {
        if (signal.aborted) return;
        throw err instanceof AppError ? err : networkError(err as NodeJS.ErrnoException, server);
      } finally {
        res.req.destroy();
      }
    },
    close() {
      agent.destroy();
    },
  };
}
