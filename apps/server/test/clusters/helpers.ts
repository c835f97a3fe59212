import type { ApiError } from "@meridian/client";

/** Polls until `fn` returns something truthy (errors count as not yet), or fails naming what it waited for. */
export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

/** The ApiError a call fails with, or null if it succeeds. */
export const errorOf = (p: Promise<unknown>): Promise<ApiError | null> => p.then(() => null, (e: ApiError) => e);
