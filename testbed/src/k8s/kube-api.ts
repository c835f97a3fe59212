import { Agent, request } from "node:https";
import { TestbedError } from "../lib/log.js";
import type { ClientIdentity } from "./pki.js";

export type KubeResponse = { status: number; body: unknown; text: string };

/** A tiny client-certificate HTTPS client for the testbed's own needs (readiness, nodes, knobs, scale). */
export type KubeApi = {
  server: string;
  send(method: string, path: string, body?: unknown, contentType?: string, accept?: string): Promise<KubeResponse>;
  close(): void;
};

export function createKubeApi(server: string, identity: ClientIdentity): KubeApi {
  const agent = new Agent({ ...identity, keepAlive: true, maxSockets: 32 });
  const url = new URL(server);
  return {
    server,
    send(method, path, body, contentType = "application/json", accept = "application/json") {
      return new Promise((resolve, reject) => {
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            method,
            path,
            agent,
            timeout: 60_000,
            headers: {
              accept,
              ...(payload === undefined ? {} : { "content-type": contentType }),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (chunk: Buffer) => chunks.push(chunk));
            res.on("end", () => {
              const text = Buffer.concat(chunks).toString("utf8");
              let parsed: unknown = text;
              try {
                parsed = JSON.parse(text);
              } catch {
                // plain-text endpoints such as /readyz
              }
              resolve({ status: res.statusCode ?? 0, body: parsed, text });
            });
          },
        );
        req.on("timeout", () => req.destroy(new TestbedError(`${method} ${path} timed out`)));
        req.on("error", reject);
        req.end(payload);
      });
    },
    close() {
      agent.destroy();
    },
  };
}

/** Sends and throws unless the status is 2xx (or in okStatuses, e.g. 409 for create-if-missing). */
export async function sendOk(
  api: KubeApi,
  method: string,
  path: string,
  body?: unknown,
  options: { okStatuses?: number[]; contentType?: string } = {},
): Promise<KubeResponse> {
  const res = await api.send(method, path, body, options.contentType);
  if ((res.status >= 200 && res.status < 300) || options.okStatuses?.includes(res.status)) return res;
  throw new TestbedError(`${method} ${path} -> HTTP ${res.status}: ${res.text.slice(0, 500)}`);
}

export async function isApiReady(api: KubeApi): Promise<boolean> {
  try {
    const res = await api.send("GET", "/readyz");
    return res.status === 200;
  } catch {
    return false;
  }
}

type ListBody<T> = { items: T[]; metadata: { continue?: string } };

/** Lists every item of a collection path, following `continue` tokens. */
export async function listAll<T>(api: KubeApi, path: string, limit = 2000): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const query = `${sep}limit=${limit}${token ? `&continue=${encodeURIComponent(token)}` : ""}`;
    const res = await sendOk(api, "GET", `${path}${query}`);
    const body = res.body as ListBody<T>;
    items.push(...body.items);
    token = body.metadata.continue || undefined;
  } while (token);
  return items;
}

/** Runs fn over items with at most `concurrency` in flight. */
export async function runConcurrently<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  });
  await Promise.all(workers);
}
