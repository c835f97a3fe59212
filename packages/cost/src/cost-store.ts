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
  /** FOCUS columns, or `tag:<key>` for the value of one key of Tags. Rows carry them under these names. */
  groupBy: string[];
  /** A FOCUS cost column; EffectiveCost by default. */
  metric?: string;
  /** Adds a `period` key (UTC ISO start of the day or month of ChargePeriodStart) to every row. */
  granularity?: "day" | "month";
  /** Dimension (a FOCUS column or `tag:<key>`) -> the values a row must have one of. */
  filters?: Record<string, string[]>;
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
      if (!isoUtc.test(q.from) || !isoUtc.test(q.to)) throw new AppError("invalid_input", "from and to must be ISO 8601 UTC dates");
      const params: string[] = [q.from, q.to];
      // Every dimension is a quoted model column or a JSON pointer into Tags passed as a parameter: nothing a
      // caller sends is spliced into the SQL.
      const dimension = (name: string): string => {
        if (name.startsWith("tag:") && name.length > 4) {
          params.push(`/${name.slice(4).replaceAll("~", "~0").replaceAll("/", "~1")}`);
          return `json_extract_string("Tags", $${params.length})`;
        }
        if (!columns.has(name)) throw new AppError("invalid_input", `cannot group or filter by ${name}: not a FOCUS column (or tag:<key>)`);
        return quoteIdent(name);
      };
      const keys = q.groupBy.map((g, i) => ({ name: g, expr: dimension(g), alias: `d${i}` }));
      const where = ['"ChargePeriodStart" >= CAST(rtrim($1, \'Z\') AS TIMESTAMP)', '"ChargePeriodStart" < CAST(rtrim($2, \'Z\') AS TIMESTAMP)'];
      for (const [name, values] of Object.entries(q.filters ?? {})) {
        if (values.length === 0) continue;
        const expr = dimension(name);
        const marks = values.map((v) => {
          params.push(v);
          return `$${params.length}`;
        });
        where.push(`${expr} IN (${marks.join(", ")})`);
      }
      const period = q.granularity ? `strftime(date_trunc('${q.granularity === "day" ? "day" : "month"}', "ChargePeriodStart"), '%Y-%m-%dT%H:%M:%SZ')` : null;
      const select = [...keys.map((k) => `${k.expr} AS ${k.alias}`), ...(period ? [`${period} AS period`] : []), `sum(${quoteIdent(metric)})::VARCHAR AS cost`];
      const groups = [...keys.map((k) => k.alias), ...(period ? ["period"] : [])];
      const order = [...(period ? ["period"] : []), `sum(${quoteIdent(metric)}) DESC NULLS LAST`, ...keys.map((k) => `${k.alias} NULLS LAST`)];
      const sql = `SELECT ${select.join(", ")} FROM bill_rows WHERE ${where.join(" AND ")}
        ${groups.length ? `GROUP BY ${groups.join(", ")}` : ""} ORDER BY ${order.join(", ")}`;
      const rows = await withConnection(async (conn) => (await conn.runAndReadAll(sql, params)).getRowObjectsJson() as Record<string, string | null>[]);
      return rows.map((r) => {
        const out: Record<string, string | null> = {};
        for (const k of keys) out[k.name] = r[k.alias] ?? null;
        if (period) out.period = r.period ?? null;
        out.cost = r.cost ?? null;
        return out;
      });
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
