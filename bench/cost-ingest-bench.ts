/**
 * Cost ingestion benchmarks (issue 6): where bill rows should live. Generates a large FOCUS CSV from the real
 * sample's rows (finops-data/focus-sample-data-1.0/focus_sample.csv: each generated row is a sampled real row
 * with its charge hour spread over three billing periods and its quantities and costs scaled together, so
 * every column keeps the sample's value pool and the sample's defects), then measures:
 *  - DuckDB: CSV scan, CSV -> typed table in its own database file, CSV -> Parquet, and the explorer query
 *    (30 days grouped by ServiceName, SubAccountName; sum EffectiveCost) on the table and on the Parquet file;
 *  - PostgreSQL (Debian's server, started privately): COPY of the same file into a text table, the typed
 *    INSERT ... SELECT, and the same explorer query;
 *  - the importer itself (openCostStore().importFocus): staging, normalization, rule-model validation, commit.
 * Prints figures; asserts nothing. Run: npm run bench -- cost [--rows 2000000] [--only duckdb,postgres,import] [--keep DIR]
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { DuckDBInstance } from "@duckdb/node-api";
import { startDebianPostgres } from "@meridian/testing";
import pg from "pg";
import { loadFocusModel } from "../packages/cost/src/focus-model.js";
import { quoteIdent, sqlTypeOf } from "../packages/cost/src/sql.js";

const run = promisify(execFile);
const args = process.argv.slice(3);
const rowsAt = args.indexOf("--rows");
const rows = rowsAt >= 0 ? Number(args[rowsAt + 1]) : 2_000_000;
const onlyAt = args.indexOf("--only");
const only = new Set((onlyAt >= 0 ? (args[onlyAt + 1] ?? "") : "duckdb,postgres,import").split(","));
const sample = new URL("../packages/cost/testdata/finops-data/focus-sample-data-1.0/focus_sample.csv", import.meta.url).pathname;

// --keep DIR: generate into DIR (or reuse the file already there) and leave it, for repeated runs.
const keepAt = args.indexOf("--keep");
const keep = keepAt >= 0 ? args[keepAt + 1] : undefined;
const dir = keep ?? (await mkdtemp(join(tmpdir(), "meridian-cost-bench-")));
await mkdir(dir, { recursive: true });
await chmod(dir, 0o755); // the PostgreSQL server (user postgres) reads the file itself
const csv = join(dir, "focus-large.csv");
const model = loadFocusModel();
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const seconds = (ms: number) => (ms / 1000).toFixed(2);

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, performance.now() - t0];
}

async function median(n: number, fn: () => Promise<unknown>): Promise<{ p50: number; max: number }> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push((await timed(fn))[1]);
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)] ?? 0, max: times[times.length - 1] ?? 0 };
}

// Costs and quantities are scaled by one factor per row so ListCost = ListUnitPrice x PricingQuantity still
// holds; "NULL" strings and blanks stay as the sample has them.
const scaled = new Set(["BilledCost", "ContractedCost", "EffectiveCost", "ListCost", "ConsumedQuantity", "PricingQuantity"]);
async function generate(out = csv, where = "true"): Promise<void> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  await c.run(`CREATE TABLE tpl AS SELECT row_number() OVER () - 1 AS i, * FROM read_csv($1, all_varchar = true) WHERE ${where}`, [sample]);
  const cols = (await c.runAndReadAll("SELECT column_name FROM (DESCRIBE tpl) WHERE column_name <> 'i'")).getRows().map((r) => String(r[0]));
  const n = Number((await c.runAndReadAll("SELECT count(*) FROM tpl")).getRows()[0]?.[0]);
  const hourExpr = "TIMESTAMP '2024-07-01' + to_hours((hash(r.n * 7 + 1) % (92 * 24))::BIGINT)";
  const exprs = cols.map((col) => {
    const q = quoteIdent(col);
    if (col === "ChargePeriodStart") return `strftime(${hourExpr}, '%Y-%m-%d %H:%M:%S') AS ${q}`;
    if (col === "ChargePeriodEnd") return `strftime(${hourExpr} + INTERVAL 1 HOUR, '%Y-%m-%d %H:%M:%S') AS ${q}`;
    if (col === "BillingPeriodStart") return `strftime(date_trunc('month', ${hourExpr}), '%Y-%m-%d %H:%M:%S') AS ${q}`;
    if (col === "BillingPeriodEnd") return `strftime(date_trunc('month', ${hourExpr}) + INTERVAL 1 MONTH, '%Y-%m-%d %H:%M:%S') AS ${q}`;
    if (scaled.has(col)) {
      return `CASE WHEN try_cast(t.${q} AS DOUBLE) IS NULL THEN t.${q} ELSE printf('%.10f', t.${q}::DOUBLE * (0.5 + (hash(r.n * 13 + 5) % 1000) / 1000.0)) END AS ${q}`;
    }
    return `t.${q}`;
  });
  await c.run(
    `COPY (SELECT ${exprs.join(", ")} FROM range(${rows}) r(n) JOIN tpl t ON t.i = hash(r.n) % ${n}) TO '${out.replaceAll("'", "''")}' (HEADER, DELIMITER ',')`,
  );
  c.closeSync();
  db.closeSync();
}

const explorer = (from: string) => `
  SELECT "ServiceName", "SubAccountName", sum("EffectiveCost") AS cost
  FROM ${from}
  WHERE "ChargePeriodStart" >= TIMESTAMP '2024-08-15' AND "ChargePeriodStart" < TIMESTAMP '2024-09-14'
  GROUP BY 1, 2 ORDER BY cost DESC`;

// The same normalization the importer applies, in its simplest form: "NULL"/"" -> NULL, typed casts.
function typedSelect(col: string, type: string, pgDialect: boolean): string {
  const q = quoteIdent(col);
  const v = `NULLIF(NULLIF(${q}, 'NULL'), '')`;
  if (type.startsWith("DECIMAL")) return `CAST(${v} AS ${pgDialect ? "NUMERIC(38,15)" : type}) AS ${q}`;
  if (type === "TIMESTAMP") return `CAST(${v} AS TIMESTAMP) AS ${q}`;
  return `${v} AS ${q}`;
}

async function benchDuckdb(header: string[]): Promise<void> {
  console.log("-- DuckDB (node-api, 2 threads)");
  const db = await DuckDBInstance.create(join(dir, "bench.duckdb"), { threads: "2" });
  const c = await db.connect();
  const [, scanMs] = await timed(() => c.run("SELECT count(*), sum(try_cast(\"EffectiveCost\" AS DOUBLE)) FROM read_csv($1, all_varchar = true)", [csv]));
  console.log(`CSV scan + sum (no storage): ${seconds(scanMs)} s, ${fmt(rows / (scanMs / 1000))} rows/s`);
  const [, parseMs] = await timed(() => c.run("SELECT sum(length(COLUMNS(*))) FROM read_csv($1, all_varchar = true)", [csv]));
  console.log(`CSV parse of every field (no storage): ${seconds(parseMs)} s, ${fmt(rows / (parseMs / 1000))} rows/s`);
  const [, tmpMs] = await timed(() => c.run("CREATE TEMP TABLE stage AS SELECT * FROM read_csv($1, all_varchar = true)", [csv]));
  console.log(`CSV -> in-memory text staging table: ${seconds(tmpMs)} s, ${fmt(rows / (tmpMs / 1000))} rows/s`);
  await c.run("DROP TABLE stage");
  const focus = model.columns.filter((col) => header.includes(col.name));
  await c.run(`CREATE TABLE bill_rows (${focus.map((col) => `${quoteIdent(col.name)} ${sqlTypeOf(col.type)}`).join(", ")})`);
  const select = focus.map((col) => typedSelect(col.name, sqlTypeOf(col.type), false)).join(", ");
  const [, insMs] = await timed(() => c.run(`INSERT INTO bill_rows SELECT ${select} FROM read_csv($1, all_varchar = true)`, [csv]));
  await c.run("CHECKPOINT");
  const dbSize = (await stat(join(dir, "bench.duckdb"))).size;
  console.log(`CSV -> typed table in a DuckDB file: ${seconds(insMs)} s, ${fmt(rows / (insMs / 1000))} rows/s (file ${fmt(dbSize / 2 ** 20)} MiB)`);
  const parquet = join(dir, "bill.parquet");
  const [, pqMs] = await timed(() => c.run(`COPY (SELECT ${select} FROM read_csv($1, all_varchar = true)) TO '${parquet}' (FORMAT parquet, COMPRESSION zstd)`, [csv]));
  console.log(`CSV -> typed Parquet file (zstd): ${seconds(pqMs)} s, ${fmt(rows / (pqMs / 1000))} rows/s (file ${fmt((await stat(parquet)).size / 2 ** 20)} MiB)`);
  const groups = (await c.runAndReadAll(explorer("bill_rows"))).getRows().length;
  const tbl = await median(7, () => c.runAndReadAll(explorer("bill_rows")));
  console.log(`explorer query on the table (${groups} groups): p50 ${tbl.p50.toFixed(1)} ms, max ${tbl.max.toFixed(1)} ms`);
  const pq = await median(7, () => c.runAndReadAll(explorer(`read_parquet('${parquet}')`)));
  console.log(`explorer query on the Parquet file: p50 ${pq.p50.toFixed(1)} ms, max ${pq.max.toFixed(1)} ms`);
  c.closeSync();
  db.closeSync();
}

async function benchPostgres(header: string[]): Promise<void> {
  console.log("-- PostgreSQL (Debian's server, fsync off, server-side COPY of the file)");
  const server = await startDebianPostgres();
  // initdb ran with --auth=trust, so the superuser (needed to COPY from a server-side file) needs no password.
  const client = new pg.Client({ connectionString: server.url.replace("meridian:meridian-test-password@", "postgres@") });
  await client.connect();
  try {
    const version = (await client.query("SHOW server_version")).rows[0].server_version as string;
    await client.query(`CREATE UNLOGGED TABLE stage (${header.map((h) => `${quoteIdent(h)} text`).join(", ")})`);
    const [, copyMs] = await timed(() => client.query(`COPY stage FROM '${csv}' WITH (FORMAT csv, HEADER true)`));
    console.log(`PostgreSQL ${version}: COPY CSV -> text table: ${seconds(copyMs)} s, ${fmt(rows / (copyMs / 1000))} rows/s`);
    const focus = model.columns.filter((col) => header.includes(col.name));
    const pgType = (t: string) => (t.startsWith("DECIMAL") ? "NUMERIC(38,15)" : t);
    await client.query(`CREATE TABLE bill_rows (${focus.map((col) => `${quoteIdent(col.name)} ${pgType(sqlTypeOf(col.type))}`).join(", ")})`);
    const select = focus.map((col) => typedSelect(col.name, sqlTypeOf(col.type), true)).join(", ");
    const [, insMs] = await timed(() => client.query(`INSERT INTO bill_rows SELECT ${select} FROM stage`));
    console.log(`typed INSERT ... SELECT from the text table: ${seconds(insMs)} s; COPY + typed insert together ${fmt(rows / ((copyMs + insMs) / 1000))} rows/s`);
    await client.query("VACUUM ANALYZE bill_rows");
    const noIdx = await median(5, () => client.query(explorer("bill_rows")));
    console.log(`explorer query (sequential scan): p50 ${noIdx.p50.toFixed(1)} ms, max ${noIdx.max.toFixed(1)} ms`);
    const [, idxMs] = await timed(() => client.query('CREATE INDEX ON bill_rows ("ChargePeriodStart")'));
    const idx = await median(5, () => client.query(explorer("bill_rows")));
    console.log(`explorer query with an index on ChargePeriodStart (built in ${seconds(idxMs)} s): p50 ${idx.p50.toFixed(1)} ms, max ${idx.max.toFixed(1)} ms`);
    const size = (await client.query("SELECT pg_total_relation_size('bill_rows') AS s")).rows[0].s as string;
    console.log(`table size ${fmt(Number(size) / 2 ** 20)} MiB`);
  } finally {
    await client.end();
    await server.stop();
  }
}

// The importer rejects the whole file when a row breaks a MUST rule, and the sample's Oracle and Microsoft rows
// and its two-category EC2 rows do (see packages/cost/test/conformance.test.ts): the importer's figure is
// taken on rows generated from the sample's conforming AWS rows, so every run commits.
async function benchImporter(): Promise<void> {
  console.log("-- importer (openCostStore().importFocus: stage, normalize, validate against the rule model, commit)");
  const conforming = join(dir, "focus-large-conforming.csv");
  if (!existsSync(conforming)) await generate(conforming, `"ProviderName" = 'AWS' AND "ServiceName" <> 'Amazon Elastic Compute Cloud'`);
  const { openCostStore } = await import("../packages/cost/src/index.js");
  const store = await openCostStore({ dir: join(dir, "store"), threads: 2 });
  try {
    const [first, ms] = await timed(() => store.importFocus(conforming));
    console.log(`first import: ${seconds(ms)} s, ${fmt(first.rows / (ms / 1000))} rows/s; ${first.billingPeriods.length} billing periods; rules evaluated ${first.report.rulesEvaluated} (failed ${first.report.failed.length}, all warnings), not evaluated ${first.report.notEvaluated.length}`);
    const [again, ms2] = await timed(() => store.importFocus(conforming));
    console.log(`re-import (replaces the same periods): ${seconds(ms2)} s, ${fmt(again.rows / (ms2 / 1000))} rows/s`);
    const q = await median(7, () => store.queryCostBy({ from: "2024-08-15T00:00:00Z", to: "2024-09-14T00:00:00Z", groupBy: ["ServiceName", "SubAccountName"] }));
    console.log(`store explorer query: p50 ${q.p50.toFixed(1)} ms, max ${q.max.toFixed(1)} ms`);
  } finally {
    await store.close();
  }
}

try {
  const reuse = keep !== undefined && existsSync(csv);
  const [, genMs] = reuse ? [undefined, 0] : await timed(generate);
  const size = (await stat(csv)).size;
  console.log(`${reuse ? "reused" : "generated"} ${fmt(rows)} rows, ${fmt(size / 2 ** 20)} MiB of CSV in ${seconds(genMs)} s (${dir})`);
  const header = (await run("head", ["-1", csv])).stdout.trim().split(",").map((h) => h.replaceAll('"', ""));
  if (only.has("duckdb")) await benchDuckdb(header);
  if (only.has("postgres")) await benchPostgres(header);
  if (only.has("import")) await benchImporter();
} finally {
  if (keep === undefined) await rm(dir, { recursive: true, force: true });
  else for (const f of ["bench.duckdb", "bench.duckdb.wal", "bill.parquet", "store"]) await rm(join(dir, f), { recursive: true, force: true });
}
