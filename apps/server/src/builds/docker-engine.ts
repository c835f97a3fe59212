import { request, type IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import { AppError } from "@meridian/core";

/**
 * The few Docker Engine calls a build needs (build from a tar stream, push), spoken directly over the engine's
 * socket: the request body is the build context streamed from `tar`, which the cluster drivers' JSON client
 * does not do. Progress comes back as JSON lines; each is handed to `onLine`.
 */
export interface EngineTarget {
  socketPath?: string;
  host?: string;
  port?: number;
}

export function parseDockerHost(host: string): EngineTarget {
  if (host.startsWith("unix://")) return { socketPath: host.slice("unix://".length) };
  const m = /^tcp:\/\/([^:/]+):(\d+)\/?$/.exec(host);
  if (m) return { host: m[1], port: Number(m[2]) };
  throw new AppError("invalid_input", `the build engine must be unix:///path or tcp://host:port, not ${host}`);
}

interface JsonLine {
  stream?: string;
  status?: string;
  progress?: string;
  id?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string; Tag?: string; Digest?: string };
}

function call(t: EngineTarget, method: string, path: string, headers: Record<string, string>, body: Readable | null, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    // 1.41: the oldest engine in use (Debian bookworm docker.io 20.10) and enough for build and push.
    const req = request({ ...t, method, path: `/v1.41${path}`, headers, signal }, resolve);
    req.on("error", (err) => reject(new AppError("unavailable", `the build engine could not be reached: ${err.message}`)));
    if (body) body.pipe(req);
    else req.end();
  });
}

async function readLines(res: IncomingMessage, onLine: (l: JsonLine) => void): Promise<void> {
  let buf = "";
  for await (const chunk of res) {
    buf += (chunk as Buffer).toString("utf8");
    let nl = buf.indexOf("\n");
    while (nl >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line) {
        try {
          onLine(JSON.parse(line) as JsonLine);
        } catch {
          onLine({ stream: `${line}\n` });
        }
      }
      nl = buf.indexOf("\n");
    }
  }
  if (buf.trim()) onLine({ stream: buf });
}

async function failOnStatus(res: IncomingMessage, what: string): Promise<void> {
  if ((res.statusCode ?? 500) < 400) return;
  let text = "";
  for await (const c of res) text += (c as Buffer).toString("utf8");
  let message = text;
  try {
    message = (JSON.parse(text) as { message?: string }).message ?? text;
  } catch {
    // plain text answer
  }
  throw new AppError("invalid_input", `${what}: ${message.trim()}`);
}

/** Builds `context` (a tar stream) into `tag`; returns the image id. Build errors (a failing RUN) are thrown with their message. */
export async function buildImage(t: EngineTarget, context: Readable, opts: { tag: string; dockerfile: string; labels: Record<string, string> }, log: (text: string) => void, signal: AbortSignal): Promise<string> {
  const q = new URLSearchParams({ t: opts.tag, dockerfile: opts.dockerfile, rm: "1", forcerm: "1", labels: JSON.stringify(opts.labels) });
  const res = await call(t, "POST", `/build?${q}`, { "content-type": "application/x-tar" }, context, signal);
  await failOnStatus(res, "the build engine refused the build");
  let id: string | null = null;
  let error: string | null = null;
  await readLines(res, (l) => {
    if (l.stream) log(l.stream);
    if (l.status) log(`${l.id ? `${l.id}: ` : ""}${l.status}${l.progress ? ` ${l.progress}` : ""}\n`);
    if (l.aux?.ID) id = l.aux.ID;
    if (l.error) error = l.errorDetail?.message ?? l.error;
  });
  if (error) throw new AppError("invalid_input", `the build failed: ${String(error).trim()}`);
  if (!id) throw new AppError("internal", "the build engine did not say which image it built");
  return id;
}

/** Pushes `name:tag`; returns the manifest digest the registry stored. */
export async function pushImage(t: EngineTarget, name: string, tag: string, log: (text: string) => void, signal: AbortSignal): Promise<string> {
  // Anonymous push (a registry needing credentials would get them here, base64 JSON).
  const auth = Buffer.from(JSON.stringify({})).toString("base64");
  const res = await call(t, "POST", `/images/${encodeURIComponent(name)}/push?tag=${encodeURIComponent(tag)}`, { "x-registry-auth": auth }, null, signal);
  await failOnStatus(res, "the push was refused");
  let digest: string | null = null;
  let error: string | null = null;
  let last = "";
  await readLines(res, (l) => {
    const text = l.status ? `${l.id ? `${l.id}: ` : ""}${l.status}` : "";
    // Byte progress lines repeat for every chunk; the log keeps each state change once.
    if (text && text !== last) log(`${text}\n`);
    last = text;
    if (l.aux?.Digest) digest = l.aux.Digest;
    if (l.error) error = l.errorDetail?.message ?? l.error;
  });
  if (error) throw new AppError("invalid_input", `the push failed: ${String(error).trim()}`);
  if (!digest) throw new AppError("internal", "the registry did not report a digest for the pushed image");
  return digest;
}
