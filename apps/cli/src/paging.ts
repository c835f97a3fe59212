import { type CallInput, iteratePages, type MeridianClient } from "@meridian/client";
import type { RouteId, RouteQuery, RouteResponse, Routes } from "@meridian/core";
import { UsageError } from "./errors.js";

type ItemOf<K extends RouteId> = RouteResponse<Routes[K]> extends { items: (infer T)[] } ? T : never;

/** A list call's input with the query optional (every list query field has a default). */
export type PageInput<K extends RouteId> = Omit<CallInput<Routes[K]>, "query"> & { query?: Partial<RouteQuery<Routes[K]>> };

const PAGE_SIZE = 200;
const MAX_PAGE = 500;

/** Follows every page, or stops after `limit` items when one is given. */
export async function collectPages<K extends RouteId>(
  client: MeridianClient,
  id: K,
  input: PageInput<K>,
  limit?: number,
  onProgress?: (count: number) => void,
): Promise<ItemOf<K>[]> {
  const pageSize = Math.min(limit ?? PAGE_SIZE, MAX_PAGE);
  const query = { ...(input.query ?? {}), limit: pageSize };
  const items: ItemOf<K>[] = [];
  for await (const item of iteratePages(client, id, { ...input, query } as unknown as CallInput<Routes[K]>)) {
    items.push(item as ItemOf<K>);
    if (limit !== undefined && items.length >= limit) break;
    if (onProgress && items.length % pageSize === 0) onProgress(items.length);
  }
  return items;
}

export function parseLimit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--limit must be a positive integer (got "${value}")`);
  return n;
}

export function parsePositiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a whole number (got "${value}")`);
  return n;
}

/** "a,b, c" and repeated flags alike become ["a", "b", "c"]. */
export function splitList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const parts = Array.isArray(value) ? value : [value];
  return parts
    .flatMap((p) => p.split(","))
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** Commander option parser for repeatable flags: `--role a --role b`. */
export function appendValue(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
