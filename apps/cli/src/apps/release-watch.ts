import type { MeridianClient } from "@meridian/client";
import { formatDuration, type Release } from "@meridian/core";
import { CliError } from "../errors.js";
import { describeReleaseStrategy, finalStates } from "./format.js";

/** Where a release lives, and the words of the commands the CLI suggests about it. */
export interface ReleaseTarget {
  client: MeridianClient;
  orgId: string;
  projectId: string;
  app: string;
  environmentId: string;
  /** As the user typed them, for the hints (`meridian promote web --project shop --env prod`). */
  projectRef: string;
  envRef: string;
}

export interface WatchOptions {
  /** Keep waiting through a manual pause (until someone promotes or aborts) instead of returning. */
  waitPromote: boolean;
  /** The outcome the command asked for: an abort ends in `aborted`, which is then not a failure. */
  expect: "success" | "abort";
  /** Spinner and bar on stderr (a terminal) or one line per step on stdout (logs, CI). */
  tty: boolean;
  /** -o json|yaml: nothing while waiting; the caller prints the final release. */
  quiet: boolean;
  /** Called with the last state seen once the watch ends (not on Ctrl+C): -o json prints it here. */
  report?: (r: Release) => void;
  intervalMs?: number;
  stdout?: { write(s: string): unknown };
  stderr?: { write(s: string): unknown };
  now?: () => number;
}

export const releaseLabel = (r: Release) => `release ${r.number} → ${r.environmentSlug} (${describeReleaseStrategy(r)})`;

const position = (r: Release, i: number) => `[${Math.min(i + 1, r.steps.length)}/${r.steps.length}]`;

function stepElapsed(r: Release, i: number, now: number): string {
  const s = r.steps[i];
  if (!s?.startedAt) return "";
  const end = s.finishedAt ? Date.parse(s.finishedAt) : now;
  return formatDuration(Math.max(0, end - Date.parse(s.startedAt)));
}

/** `██░░░░` for step i of n: the done part filled. */
export function progressBar(done: number, total: number, width = 12): string {
  if (total <= 0) return "";
  const filled = Math.round((Math.min(done, total) / total) * width);
  return `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
}

/**
 * The lines a change from `prev` to `next` is worth in a log (no terminal): a line for each step that started
 * (several when the server went through quick steps between two polls), one when the release pauses, one when
 * the server gives a new reason it is stuck ("retrying: …"), and the message of a failed step. Final states are
 * the caller's to print.
 */
export function transitionLines(prev: Release | null, next: Release): string[] {
  const lines: string[] = [];
  const label = releaseLabel(next);
  const started = (s: Release["steps"][number] | undefined) => s !== undefined && s.status !== "pending" && s.status !== "skipped";
  if (next.steps.length === 0) {
    if (!prev) lines.push(`${label}  ${next.state}`);
  }
  for (const [i, s] of next.steps.entries()) {
    if (started(s) && !started(prev?.steps[i])) lines.push(`${label}  ${position(next, i)} ${s.name}`);
  }
  if (next.state === "paused" && prev?.state !== "paused") lines.push(`${label}  ${position(next, next.step)} paused: ${next.reason || "waiting for promote"}`);
  for (const [i, s] of next.steps.entries()) {
    if (s.status === "failed" && prev?.steps[i]?.status !== "failed") lines.push(`  ✗ ${position(next, i)} ${s.name}${s.message ? `: ${s.message}` : ""}`);
  }
  const reasonChanged = next.reason !== "" && next.reason !== prev?.reason && next.state !== "paused" && !finalStates.has(next.state);
  if (reasonChanged) lines.push(`  ${next.reason}`);
  return lines;
}

/** What a terminal shows: finished steps as lines (stdout), the running one under a spinner (stderr). */
function createTerminalView(out: { write(s: string): unknown }, err: { write(s: string): unknown }, now: () => number) {
  const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
  let frame = 0;
  let current: Release | null = null;
  const printed = new Set<number>();
  let lastReason = "";
  const draw = () => {
    if (!current) return;
    const r = current;
    const done = r.steps.filter((s) => s.status === "done" || s.status === "skipped").length;
    const step = r.steps[r.step];
    const text =
      r.steps.length === 0
        ? `${releaseLabel(r)}  ${r.state}${r.reason ? ` (${r.reason})` : ""}`
        : `${releaseLabel(r)}  ${position(r, r.step)} ${progressBar(done, r.steps.length)} ${step?.name ?? ""}${r.state === "paused" ? " (paused: waiting for promote)" : ""}  ${stepElapsed(r, r.step, now())}`;
    err.write(`\r\x1b[2K${frames[frame++ % frames.length]} ${text}`);
  };
  const timer = setInterval(draw, 100);
  timer.unref();
  const line = (s: string) => {
    err.write("\r\x1b[2K");
    out.write(`${s}\n`);
  };
  return {
    update(r: Release) {
      for (const [i, s] of r.steps.entries()) {
        if (printed.has(i) || (s.status !== "done" && s.status !== "failed" && s.status !== "skipped")) continue;
        printed.add(i);
        if (s.status === "skipped") continue;
        line(`${s.status === "done" ? "✓" : "✗"} ${position(r, i)} ${s.name}  ${stepElapsed(r, i, now())}${s.message && s.status === "failed" ? `: ${s.message}` : ""}`);
      }
      if (r.reason && r.reason !== lastReason && !finalStates.has(r.state) && r.state !== "paused") line(`  ${r.reason}`);
      lastReason = r.reason;
      current = r;
      draw();
    },
    stop() {
      clearInterval(timer);
      err.write("\r\x1b[2K");
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls the release until it ends (or pauses for a promote, unless told to wait through that), showing its
 * steps as they go. Returns the last state seen; throws a CliError when the release did not reach the outcome
 * the command asked for. Ctrl+C stops watching, never the release.
 */
export async function watchRelease(t: ReleaseTarget, first: Release, o: WatchOptions): Promise<Release> {
  const out = o.stdout ?? process.stdout;
  const err = o.stderr ?? process.stderr;
  const now = o.now ?? Date.now;
  const view = o.quiet ? null : o.tty ? createTerminalView(out, err, now) : null;
  const log = (lines: string[]) => {
    if (!o.quiet) for (const l of lines) out.write(`${l}\n`);
  };
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.once("SIGINT", onSigint);
  let prev: Release | null = null;
  let r = first;
  let failures = 0;
  let hinted = false;
  try {
    for (;;) {
      if (view) view.update(r);
      else log(transitionLines(prev, r));
      if (finalStates.has(r.state)) break;
      if (r.state === "paused" && !o.waitPromote) break;
      if (r.state === "paused" && !hinted) {
        hinted = true;
        view?.stop();
        log([`waiting for promote: meridian promote ${t.app} --project ${t.projectRef} --env ${t.envRef} (or abort)`]);
      }
      await sleep(o.intervalMs ?? 500);
      if (interrupted) break;
      prev = r;
      try {
        r = await t.client.call("getRelease", { params: { orgId: t.orgId, projectId: t.projectId, app: t.app, number: r.number }, query: { environmentId: t.environmentId } });
        failures = 0;
      } catch (e) {
        // A server restart or a network blip should not end a long canary's watch: give it ~10 s.
        if ((e as { code?: string }).code !== "unavailable" || ++failures > 20) throw e;
      }
    }
  } finally {
    process.off("SIGINT", onSigint);
    view?.stop();
  }
  const label = releaseLabel(r);
  const hint = `meridian releases get ${t.app} ${r.number} --project ${t.projectRef} --env ${t.envRef}`;
  if (interrupted) throw new CliError(`stopped watching; ${label} goes on (${r.state}): see ${hint}`, 130);
  o.report?.(r);
  const took = r.startedAt && r.finishedAt ? ` in ${formatDuration(Date.parse(r.finishedAt) - Date.parse(r.startedAt))}` : "";
  if (r.state === "succeeded") {
    log([`${label} succeeded${took}`]);
    return r;
  }
  if (r.state === "paused") {
    log([`${label} paused at ${position(r, r.step)} ${r.steps[r.step]?.name ?? ""}`, `waiting for promote: meridian promote ${t.app} --project ${t.projectRef} --env ${t.envRef} (or: meridian abort …)`]);
    return r;
  }
  if (r.state === "aborted" && o.expect === "abort") {
    log([`${label} aborted${r.reason ? `: ${r.reason}` : ""}`]);
    return r;
  }
  const state = r.state.replace("_", " ");
  throw new CliError(`${label} ${state}${r.reason ? `: ${r.reason}` : ""}`);
}
