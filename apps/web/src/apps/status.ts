import type { App, AppEnvironmentStatus, Build, Release } from "@meridian/core";
import type { Tone } from "../clusters/health";

/** App and release status words and colours, shared by the list, the detail page and the deploy dialog. */

export type Health = AppEnvironmentStatus["health"];
export type ReleaseState = Release["state"];
export type StepStatus = Release["steps"][number]["status"];

export const healthTone: Record<Health, Tone> = { ok: "success", progressing: "accent", failed: "danger", unknown: "neutral", not_deployed: "neutral" };
export const healthLabel: Record<Health, string> = { ok: "Healthy", progressing: "Progressing", failed: "Failing", unknown: "Unknown", not_deployed: "Not deployed" };

export const releaseTone: Record<ReleaseState, Tone> = {
  pending: "neutral",
  progressing: "accent",
  paused: "warning",
  succeeded: "success",
  failed: "danger",
  rolled_back: "warning",
  aborted: "neutral",
  superseded: "neutral",
};

export function releaseStateLabel(state: ReleaseState): string {
  return state === "rolled_back" ? "rolled back" : state;
}

export const stepIcon: Record<StepStatus, string> = { pending: "○", running: "◐", done: "✓", failed: "✕", skipped: "–" };

/** A release still being worked on (the engine may move it on; promote/abort apply). */
export function isOpen(state: ReleaseState): boolean {
  return state === "pending" || state === "progressing" || state === "paused";
}

/** Finished one way or the other: polling can stop. */
export function isSettled(state: ReleaseState): boolean {
  return !isOpen(state);
}

/**
 * `registry/team/app:1.2` stays as is (minus a long registry host), `repo@sha256:<64>` becomes
 * `repo@sha256:abcdef123456` — enough to tell releases apart in a timeline.
 */
export function shortImage(image: string): string {
  const [name = image, digest] = image.split("@");
  const parts = name.split("/");
  const short = parts.length > 2 ? parts.slice(-2).join("/") : name;
  return digest ? `${short}@${digest.replace(/^sha256:/, "").slice(0, 12)}` : short;
}

/** Whether promote can act now: the release waits at a pause or verification step. */
export function canPromote(r: Pick<Release, "state" | "step" | "steps">): boolean {
  if (!isOpen(r.state) || r.state === "pending") return false;
  const step = r.steps[r.step];
  return r.state === "paused" || step?.kind === "pause" || step?.kind === "verify";
}

/** Steps finished (done or skipped) of all: the real progress of a release. */
export function releaseProgress(r: Pick<Release, "steps" | "state">): { done: number; total: number; percent: number } {
  const total = r.steps.length;
  const done = r.state === "succeeded" ? total : r.steps.filter((s) => s.status === "done" || s.status === "skipped").length;
  return { done, total, percent: total ? Math.round((done / total) * 100) : 0 };
}

/** "4.2 s", "3 min 5 s": how long a step or release took (or has run until `now`). */
export function formatDuration(from: string | null | undefined, to: string | null | undefined, now = Date.now()): string {
  if (!from) return "";
  const ms = (to ? new Date(to).getTime() : now) - new Date(from).getTime();
  if (!Number.isFinite(ms) || ms < 0) return "";
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s - m * 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function strategyLabel(s: Release["strategy"]): string {
  if (s.type === "rolling") return "Rolling";
  if (s.type === "bluegreen") return s.autoSwitch ? "Blue/green" : "Blue/green (manual switch)";
  return `Canary ${s.steps.map((x) => `${x.weight}%`).join(" → ")}`;
}

/** What an app's environment chip says in the list: "#3 · 2/2" or "not deployed". */
export function envChipText(e: AppEnvironmentStatus): string {
  if (!e.deployed && !e.inProgress) return e.target ? "not deployed" : "no cluster";
  const parts: string[] = [];
  if (e.current) parts.push(`#${e.current.number}`);
  if (e.replicas) parts.push(`${e.replicas.ready}/${e.replicas.desired}`);
  if (e.inProgress) parts.push(`#${e.inProgress.number} ${inProgressStep(e.inProgress).name}`);
  return parts.join(" · ") || healthLabel[e.health].toLowerCase();
}

/**
 * A running release's current step in words ("canary 50%", from the server's stepName) and the counter
 * ("3/8") as secondary text; before the server named steps, the counter is all there is.
 */
export function inProgressStep(p: NonNullable<AppEnvironmentStatus["inProgress"]>): { name: string; counter: string } {
  const counter = p.steps ? `${Math.min(p.step + 1, p.steps)}/${p.steps}` : "";
  const name = p.stepName?.trim() || (p.state === "pending" ? "waiting to start" : p.state === "paused" ? "paused" : `step ${counter}`);
  return { name, counter };
}

/** Where the app's source comes from, in words. */
export function sourceOf(spec: App["spec"]): { kind: "image" | "git"; text: string } {
  return "image" in spec.source ? { kind: "image", text: spec.source.image } : { kind: "git", text: `${spec.source.git.url}#${spec.source.git.ref}` };
}

export type BuildState = Build["state"];
export const buildTone: Record<BuildState, Tone> = { queued: "neutral", running: "accent", succeeded: "success", failed: "danger" };

/** Still building: poll and follow its log. */
export function isBuilding(state: BuildState): boolean {
  return state === "queued" || state === "running";
}

/** The first 12 characters of a commit, as git hosts show it (a ref that is a commit too). */
export function shortSha(sha: string | null | undefined): string {
  if (!sha) return "";
  return /^[0-9a-f]{40}$/.test(sha) ? sha.slice(0, 12) : sha;
}
