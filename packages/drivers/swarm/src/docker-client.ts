import { Agent, type IncomingMessage, request as httpRequest, type RequestOptions } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { CancelSignal } from "@meridian/core";
import { type SwarmConnectionConfig, describeSwarmEndpoint, parseSwarmEndpoint } from "./endpoint.js";
import { createCancelledError, createTimeoutError, toHttpError, toTransportError } from "./errors.js";
import { SshAgent, SshDialer } from "./ssh-transport.js";

export type QueryValue = string | number | boolean | undefined | null | Record<string, string[]>;

export interface DockerRequest {
  method?: "GET" | "POST" | "DELETE" | "PUT" | "HEAD";
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: CancelSignal;
  /** Until the answer's headers (streams) or its whole body (everything else). */
  timeoutMs?: number;
  /** false for /_ping and /version, which every API version serves without a prefix. */
  versioned?: boolean;
}

export interface DockerClient {
  /** Printable endpoint for messages (never credentials). */
  readonly endpoint: string;
  requestJson<T>(req: DockerRequest): Promise<T>;
  requestText(req: DockerRequest): Promise<string>;
  /** The answer as a stream (events, logs); the caller consumes or destroys it. Errors (>= 400) are thrown. */
  openStream(req: DockerRequest): Promise<IncomingMessage>;
  getApiVersion(signal?: CancelSignal): Promise<string>;
  close(): void;
}

const defaultTimeoutMs = 30_000;
// The newest API this driver speaks; older engines are spoken to in their own version (>= 1.41 for ServiceStatus).
const maxApiVersion = "1.45";

export function compareApiVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split(".").map(Number);
  const [bMajor = 0, bMinor = 0] = b.split(".").map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

function buildQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    params.set(key, typeof value === "object" ? JSON.stringify(value) : String(value));
  }
  const text = params.toString();
  return text === "" ? "" : `?${text}`;
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (chunk: Buffer) => chunks.push(chunk));
    res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    res.on("error", reject);
    res.on("aborted", () => reject(new Error("the answer was cut off")));
  });
}

/** `base` holds where to connect; unix and ssh get a fixed Host header (TLS verifies the real host name). */
type Transport = { agent: Agent; base: RequestOptions; secure: boolean; close(): void };

function createTransport(config: SwarmConnectionConfig): Transport {
  const endpoint = parseSwarmEndpoint(config.host);
  // No cap on open sockets: event and log streams hold theirs for as long as they run, and a cap would
  // queue every other request behind them. Few idle ones are kept.
  const agentOptions = { keepAlive: true, maxFreeSockets: 2 };
  switch (endpoint.scheme) {
    case "unix": {
      const agent = new Agent(agentOptions);
      return { agent, base: { socketPath: endpoint.socketPath, headers: { host: "docker" } }, secure: false, close: () => agent.destroy() };
    }
    case "tcp": {
      if (config.tls) {
        const agent = new HttpsAgent({ ...agentOptions, ca: config.tls.caData, cert: config.tls.certData, key: config.tls.keyData });
        return { agent, base: { host: endpoint.hostname, port: endpoint.port }, secure: true, close: () => agent.destroy() };
      }
      const agent = new Agent(agentOptions);
      return { agent, base: { host: endpoint.hostname, port: endpoint.port }, secure: false, close: () => agent.destroy() };
    }
    case "ssh": {
      const dialer = new SshDialer({
        user: endpoint.user,
        hostname: endpoint.hostname,
        port: endpoint.port,
        ...(config.sshPrivateKey !== undefined && { privateKey: config.sshPrivateKey }),
        ...(config.sshKnownHosts !== undefined && { knownHosts: config.sshKnownHosts }),
        ...(config.insecureSkipHostKeyCheck !== undefined && { insecureSkipHostKeyCheck: config.insecureSkipHostKeyCheck }),
      });
      // Each connection is an ssh process: keep one idle at most.
      const agent = new SshAgent(dialer, { keepAlive: true, maxFreeSockets: 1 });
      return {
        agent,
        base: { host: "docker", headers: { host: "docker" } },
        secure: false,
        close: () => {
          agent.destroy();
          dialer.close();
        },
      };
    }
    default: {
      const unknown: never = endpoint;
      throw new Error(`unknown endpoint ${String(unknown)}`);
    }
  }
}

/** Plain HTTP to the Docker Engine API over a unix socket, TCP (optionally TLS) or `ssh … docker system dial-stdio`. */
export function createDockerClient(config: SwarmConnectionConfig): DockerClient {
  const { endpoint } = describeSwarmEndpoint(config);
  const transport = createTransport(config);
  let apiVersion: Promise<string> | undefined;
  let closed = false;

  async function getApiVersion(signal?: CancelSignal): Promise<string> {
    if (!apiVersion) {
      apiVersion = sendJson<{ ApiVersion?: string }>({ path: "/version", versioned: false, timeoutMs: 10_000, ...(signal && { signal }) }).then((v) => {
        const server = v.ApiVersion ?? "1.41";
        return compareApiVersions(server, maxApiVersion) < 0 ? server : maxApiVersion;
      });
      // A failed negotiation is retried by the next request.
      apiVersion.catch(() => {
        apiVersion = undefined;
      });
    }
    return apiVersion;
  }

  function send(req: DockerRequest, path: string, waitForBody: boolean): Promise<{ res: IncomingMessage; body: string | null }> {
    if (closed) return Promise.reject(toTransportError(new Error("the connection is closed"), endpoint));
    const timeoutMs = req.timeoutMs ?? defaultTimeoutMs;
    const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    const attempt = (retry: boolean): Promise<{ res: IncomingMessage; body: string | null }> =>
      new Promise((resolve, reject) => {
        if (req.signal?.aborted) {
          reject(createCancelledError(endpoint));
          return;
        }
        const options: RequestOptions = {
          ...transport.base,
          agent: transport.agent,
          method: req.method ?? "GET",
          path: `${path}${buildQuery(req.query)}`,
          headers: {
            ...transport.base.headers,
            ...(payload && { "content-type": "application/json", "content-length": String(payload.length) }),
          },
        };
        let settled = false;
        const finish = (error: unknown, value?: { res: IncomingMessage; body: string | null }) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          req.signal?.removeEventListener("abort", onAbort);
          if (value) resolve(value);
          else reject(error);
        };
        const onAbort = () => {
          client.destroy();
          finish(createCancelledError(endpoint));
        };
        let client: ReturnType<typeof httpRequest>;
        const timer = setTimeout(() => {
          client?.destroy();
          finish(createTimeoutError(endpoint, timeoutMs));
        }, timeoutMs);
        try {
          client = (transport.secure ? httpsRequest : httpRequest)(options, onResponse);
        } catch (error) {
          // Unusable TLS material throws here, before any connection.
          finish(toTransportError(error, endpoint));
          return;
        }
        function onResponse(res: IncomingMessage): void {
          if (!waitForBody && (res.statusCode ?? 500) < 400) {
            // Streams: the caller owns the answer now; an abort still ends it.
            clearTimeout(timer);
            settled = true;
            res.once("close", () => req.signal?.removeEventListener("abort", onAbort));
            resolve({ res, body: null });
            return;
          }
          readBody(res).then(
            (body) => finish(null, { res, body }),
            (error) => finish(toTransportError(error, endpoint)),
          );
        }
        client.on("error", (error: NodeJS.ErrnoException) => {
          // A pooled keep-alive socket the engine closed meanwhile: one fresh try for reads.
          if (retry && client.reusedSocket && (error.code === "ECONNRESET" || error.message === "socket hang up") && (req.method ?? "GET") === "GET") {
            clearTimeout(timer);
            req.signal?.removeEventListener("abort", onAbort);
            settled = true;
            attempt(false).then(resolve, reject);
            return;
          }
          finish(toTransportError(error, endpoint));
        });
        req.signal?.addEventListener("abort", onAbort, { once: true });
        client.end(payload);
      });
    return attempt(true);
  }

  async function sendText(req: DockerRequest): Promise<string> {
    const path = req.versioned === false ? req.path : `/v${await getApiVersion(req.signal)}${req.path}`;
    const { res, body } = await send(req, path, true);
    const status = res.statusCode ?? 500;
    if (status >= 400) throw toHttpError(status, body ?? "", endpoint);
    return body ?? "";
  }

  async function sendJson<T>(req: DockerRequest): Promise<T> {
    const text = await sendText(req);
    return (text.trim() === "" ? null : JSON.parse(text)) as T;
  }

  async function openStream(req: DockerRequest): Promise<IncomingMessage> {
    const path = req.versioned === false ? req.path : `/v${await getApiVersion(req.signal)}${req.path}`;
    const { res, body } = await send(req, path, false);
    const status = res.statusCode ?? 500;
    if (status >= 400) throw toHttpError(status, body ?? "", endpoint);
    return res;
  }

  return {
    endpoint,
    requestJson: sendJson,
    requestText: sendText,
    openStream,
    getApiVersion,
    close() {
      closed = true;
      transport.close();
    },
  };
}
