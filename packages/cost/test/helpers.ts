import { queryDuck } from "@meridian/testing/duck";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AppError } from "@meridian/core";

/** Real files written by others, copied with their licences from the steering repo's shared/finops-data. */
export const finopsData = new URL("../testdata/finops-data/", import.meta.url).pathname;
export const focusSample = join(finopsData, "focus-sample-data-1.0/focus_sample.csv");

export async function makeTempDir(): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "meridian-cost-test-"));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** An independent DuckDB (not the store) to derive fixtures and expected figures straight from the files. */
export const query = queryDuck;

export async function run(sql: string, params: string[] = []): Promise<void> {
  await query(sql, params);
}

export async function errorOf(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected an AppError, the call succeeded");
}

/**
 * The FOCUS sample's AWS rows minus Amazon EC2 (which the sample files under two ServiceCategories): real
 * rows that conform, so import behaviour can be tested on them.
 */
export async function writeConformingSubset(out: string): Promise<void> {
  await run(
    `COPY (SELECT * FROM read_csv($1, all_varchar = true) WHERE "ProviderName" = 'AWS' AND "ServiceName" <> 'Amazon Elastic Compute Cloud') TO '${out.replaceAll("'", "''")}' (HEADER)`,
    [focusSample],
  );
}
