import { ApiError } from "@meridian/client";
import { isAppError } from "@meridian/core";

export type FieldErrors = Record<string, string>;

function pathKey(path: unknown): string {
  if (Array.isArray(path)) return path.map(String).join(".");
  if (typeof path === "string") return path.replace(/^body\./, "");
  return "";
}

/** Field messages from an `invalid_input` error's details.issues, keyed by dotted path ("" = form-level). */
export function fieldErrorsOf(err: unknown): FieldErrors {
  if (!isAppError(err)) return {};
  const issues = (err.details as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return {};
  const out: FieldErrors = {};
  for (const issue of issues) {
    if (!issue || typeof issue !== "object") continue;
    const { path, message } = issue as { path?: unknown; message?: unknown };
    let key = pathKey(path);
    if (key.startsWith("body.")) key = key.slice(5);
    if (typeof message === "string" && !(key in out)) out[key] = message;
  }
  return out;
}

export function errorMessage(err: unknown): string {
  if (isAppError(err) && err.code === "rate_limited") {
    const retry = (err.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    return typeof retry === "number" && retry > 0
      ? `Too many attempts. Try again in ${formatSeconds(retry)}.`
      : `Too many attempts. ${err.message ? `${capitalize(err.message)}.` : "Try again later."}`;
  }
  if (err instanceof Error) return capitalize(err.message);
  return String(err);
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${Math.ceil(s)} second${Math.ceil(s) === 1 ? "" : "s"}`;
  const m = Math.ceil(s / 60);
  return `${m} minute${m === 1 ? "" : "s"}`;
}

export function isUnauthenticated(err: unknown): boolean {
  return err instanceof ApiError && err.status === 401;
}
