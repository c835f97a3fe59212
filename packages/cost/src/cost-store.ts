import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { AppError } from "@meridian/core";
import { type FocusModel, loadFocusModel } from "./focus-model.js";
import { billTableDdl, type ImportOptions, type ImportResult, importFocusFile } from "./import-focus.js";
import { quoteIdent } from "./sql.js";

export interface CostStoreOptions {
  /** Directory of the store; the database is `cost.duckdb` inside it. */
  dir: string;
  /** The FOCUS rule model; the vendored 1.2 model by default. */
  model?: FocusModel;
  /** DuckDB worker threads (default: DuckDB's, one per core). */
  threads?: number;
  /** DuckDB memory limit, e.g. "2GB"; staging spills to disk beyond it. */
  memoryLimit?: string;
}

export interface CostQuery {
  /** Inclusive start and exclusive end of ChargePeriodStart, ISO 8601 UTC. */
  from: string;
  to: string;
  groupBy: string[];
  /** A FOCUS cost column; EffectiveCost by default. */
  metric?: string;
}

export interface PeriodSummary {
  providerName: string;
  billingAccountId: string;
  billingPeriodStart: string;
  rows: number;
  /** Exact decimal sums, as text. */
  billedCost: string;
  effectiveCost: string;
  listCost: string;
  contractedCost: string;
}

export interface CostStore {
  model: FocusModel;
  importFocus(file: string, opts?: ImportOptions): Promise<ImportResult>;
  queryCostBy(q: CostQuery): Promise<Record<string, string | null>[]>;
  summarizePeriods(): Promise<PeriodSummary[]>;
  close(): Promise<void>;
}

const isoUtc = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?Z)?$/;

export async function openCostStore(opts: CostStoreOptions): Promise<CostStore> {
  await mkdir(opts.dir, { recursive: true });
  const model = opts.model ?? loadFocusModel();
  const config: Record<string, string> = {};
  if (opts.threads) config.threads = String(opts.threads);
  if (opts.memoryLimit) config.memory_limit = opts.memoryLimit;
  const instance = await DuckDBInstance.create(join(opts.dir, "cost.duckdb"), config);
  const setup = await instance.connect();
  await setup.run(billTableDdl(model));
  await setup.run("CREATE SEQUENCE IF NOT EXISTS import_ids START 1");
  await setup.run("CREATE TABLE IF NOT EXISTS imports (id BIGINT PRIMARY KEY, file VARCHAR NOT NULL, imported_at TIMESTAMP NOT NULL, rows BIGINT NOT NULL, billing_periods VARCHAR[] NOT NULL)");
  setup.closeSync();

  let commits: Promise<unknown> = Promise.resolve();
  const withCommitLock = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = commits.then(fn, fn);
    commits = next.catch(() => undefined);
    return next;
  };
  const columns = new Set(model.columns.map((c) => c.name));
  const costColumns = new Set(model.columns.filter((c) => c.type === "decimal").map((c) => c.name));
  let closed = false;

  async function withConnection<T>(fn: (conn: Awaited<ReturnType<DuckDBInstance["connect"]>>) => Promise<T>): Promise<T> {
    if (closed) throw new AppError("unavailable", "the cost store is closed");
    const conn = await instance.connect();
    try {
      return await fn(conn);
    } finally {
      conn.closeSync();
    }
  }

  return {
    model,
    importFocus: (file, importOpts) => withConnection((conn) => importFocusFile({ conn, model, withCommitLock }, file, importOpts)),

    async queryCostBy(q) {
      const metric = q.metric ?? "EffectiveCost";
      if (!costColumns.has(metric)) throw new AppError("invalid_input", `metric ${metric} is not a FOCUS cost column`);
      const bad = q.groupBy.filter((g) => !columns.has(g));
      if (bad.length) throw new AppError("invalid_input", `cannot group by ${bad.join(", ")}: not FOCUS columns`);
      if (!isoUtc.test(q.from) || !isoUtc.test(q.to)) throw new AppError("invalid_input", "from and to must be ISO 8601 UTC dates");
      const keys = q.groupBy.map(quoteIdent);
      const sql = `SELECT ${[...keys, `sum(${quoteIdent(metric)})::VARCHAR AS cost`].join(", ")} FROM bill_rows
        WHERE "ChargePeriodStart" >= CAST(rtrim($1, 'Z') AS TIMESTAMP) AND "ChargePeriodStart" < CAST(rtrim($2, 'Z') AS TIMESTAMP)
        ${keys.length ? `GROUP BY ${keys.join(", ")}` : ""} ORDER BY sum(${quoteIdent(metric)}) DESC`;
      return withConnection(async (conn) => (await conn.runAndReadAll(sql, [q.from, q.to])).getRowObjectsJson() as Record<string, string | null>[]);
    },

    summarizePeriods: () =>
      withConnection(async (conn) => {
        const rows = (
          await conn.runAndReadAll(`SELECT "ProviderName", "BillingAccountId", strftime("BillingPeriodStart", '%Y-%m-%dT%H:%M:%SZ'), count(*),
            sum("BilledCost")::VARCHAR, sum("EffectiveCost")::VARCHAR, sum("ListCost")::VARCHAR, sum("ContractedCost")::VARCHAR
            FROM bill_rows GROUP BY ALL ORDER BY ALL`)
        ).getRows();
        return rows.map((r) => ({
          providerName: String(r[0]),
          billingAccountId: String(r[1]),
          billingPeriodStart: String(r[2]),
          rows: Number(r[3]),
          billedCost: String(r[4]),
          effectiveCost: String(r[5]),
          listCost: String(r[6]),
          contractedCost: String(r[7]),
        }));
      }),

    async close() {
      if (closed) return;
      closed = true;
      await commits;
      instance.closeSync();
    },
  };
}
