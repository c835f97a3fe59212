import type { MeridianClient } from "@meridian/client";
import { type Build, formatDuration } from "@meridian/core";
import { readBodyLines } from "../clusters/streams.js";
import { CliError } from "../errors.js";

/** Where a build lives, and the words of the commands the CLI suggests about it. */
export interface BuildTarget {
  client: MeridianClient;
  orgId: string;
  projectId: string;
  app: string;
  projectRef: string;
}

export interface FollowBuildOptions {
  /** -o json|yaml: no log lines and no result line; the caller prints data. */
  quiet: boolean;
  stdout?: { write(s: string): unknown };
  stderr?: { write(s: string): unknown };
  intervalMs?: number;
}

const finalBuildStates = new Set<Build["state"]>(["succeeded", "failed"]);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const shortCommit = (sha: string | null) => (sha ? sha.slice(0, 12) : null);

export function buildTook(b: Pick<Build, "startedAt" | "finishedAt">): string | null {
  return b.startedAt && b.finishedAt ? formatDuration(Date.parse(b.finishedAt) - Date.parse(b.startedAt)) : null;
}

/** `registry:5000/shop/web` of `registry:5000/shop/web:3` (or `…@sha256:…`): a tag follows the last slash. */
export function repositoryOf(image: string): string {
  const bare = image.replace(/@.*$/, "");
  const slash = bare.lastIndexOf("/");
  const colon = bare.lastIndexOf(":");
  return colon > slash ? bare.slice(0, colon) : bare;
}

/** `build 3 succeeded in 41s: commit 0123456789ab (main), image registry/shop/web@sha256:…`, or why it failed. */
export function describeBuildOutcome(b: Build): string {
  const took = buildTook(b);
  const head = `build ${b.number} ${b.state}${took ? ` in ${took}` : ""}`;
  if (b.state === "failed") return `${head}${b.reason ? `: ${b.reason}` : ""}`;
  const ref = b.commit && b.ref !== b.commit ? ` (${b.ref})` : "";
  const parts = [b.commit ? `commit ${shortCommit(b.commit)}${ref}` : null, b.image && b.digest ? `image ${repositoryOf(b.image)}@${b.digest}` : b.digest ? `digest ${b.digest}` : null].filter(Boolean);
  return parts.length > 0 ? `${head}: ${parts.join(", ")}` : head;
}

/** One ndjson line of a build log, {source,time,line}, as the text people read (the source is always the build). */
export function buildLogLine(raw: string): string | null {
  if (raw.trim() === "") return null;
  let entry: { line?: unknown; error?: unknown };
  try {
    entry = JSON.parse(raw) as typeof entry;
  } catch {
    return raw;
  }
  if (entry.error !== undefined) {
    const e = entry.error as { message?: unknown } | string;
    throw new CliError(`the build log stream failed: ${typeof e === "string" ? e : String(e.message ?? JSON.stringify(e))}`);
  }
  return String(entry.line ?? "");
}

/** Streams a build's log (stored lines, then live ones when `follow`). Returns whether Ctrl+C ended it. */
export async function streamBuildLog(t: BuildTarget, number: number, follow: boolean, write: (s: string) => void): Promise<{ interrupted: boolean }> {
  const res = await t.client.raw("streamBuildLogs", {
    params: { orgId: t.orgId, projectId: t.projectId, app: t.app, number },
    query: { follow: follow ? "true" : "false" } as never,
  });
  return readBodyLines(res, (raw) => {
    const line = buildLogLine(raw);
    if (line !== null) write(`${line}\n`);
  });
}

/**
 * Follows a build to its end: its log live (the stream ends with the build), then its final state. Returns the
 * build when it succeeded; throws a CliError with the server's reason when it failed (exit 1), or when Ctrl+C
 * stopped watching (exit 130; the build goes on).
 */
export async function followBuild(t: BuildTarget, first: Pick<Build, "number">, o: FollowBuildOptions): Promise<Build> {
  const out = o.stdout ?? process.stdout;
  const err = o.stderr ?? process.stderr;
  const hint = `meridian builds get ${t.app} ${first.number} --project ${t.projectRef}`;
  const stopped = () => new CliError(`stopped watching; build ${first.number} goes on: see ${hint}`, 130);
  try {
    const { interrupted } = await streamBuildLog(t, first.number, true, (s) => {
      if (!o.quiet) out.write(s);
    });
    if (interrupted) throw stopped();
  } catch (e) {
    if (e instanceof CliError && e.exitCode === 130) throw e;
    // The log is a view; the build goes on without it. Wait for its end by polling instead.
    err.write(`warning: ${(e as Error).message}; waiting for build ${first.number} to end\n`);
  }
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.once("SIGINT", onSigint);
  let b: Build;
  let failures = 0;
  try {
    for (;;) {
      try {
        b = await t.client.call("getBuild", { params: { orgId: t.orgId, projectId: t.projectId, app: t.app, number: first.number } });
        failures = 0;
        if (finalBuildStates.has(b.state)) break;
      } catch (e) {
        if ((e as { code?: string }).code !== "unavailable" || ++failures > 20) throw e;
      }
      await sleep(o.intervalMs ?? 500);
      if (interrupted) throw stopped();
    }
  } finally {
    process.off("SIGINT", onSigint);
  }
  if (b.state === "failed") throw new CliError(describeBuildOutcome(b));
  if (!o.quiet) out.write(`${describeBuildOutcome(b)}\n`);
  return b;
}
