import { randomBytes } from "node:crypto";
import type { DuckDBConnection } from "@duckdb/node-api";
import { AppError } from "@meridian/core";
import type { FocusModel } from "./focus-model.js";
import { normalizeColumns } from "./normalize.js";
import { quoteIdent, sqlTypeOf } from "./sql.js";
import { stageFile } from "./stage-file.js";
import { type ConformanceReport, type RowProblem, validateStaged } from "./validate.js";

export interface ImportOptions {
  /** Applicability criteria the provider declares (see the rule model); they decide Conditional presence rules. */
  applicability?: string[];
  /** How many row-level problems an error lists (the rest are counted). Default 100. */
  maxErrors?: number;
  /** Longest CSV line accepted in bytes. Default 4 MiB. */
  maxLineBytes?: number;
}

export interface ImportResult {
  importId: number;
  /** The billing periods (UTC ISO starts) this import replaced. */
  billingPeriods: string[];
  rows: number;
  /** FOCUS columns found under another spelling, and the file's columns that are not FOCUS columns. */
  renamedColumns: Record<string, string>;
  ignoredColumns: string[];
  report: ConformanceReport;
}

/** Rows are replaced per (ProviderName, BillingAccountId, BillingPeriodStart): one provider's month never erases another's. */
export const periodKey = ["ProviderName", "BillingAccountId", "BillingPeriodStart"] as const;

export function billTableDdl(model: FocusModel): string {
  const cols = model.columns.map((c) => `${quoteIdent(c.name)} ${sqlTypeOf(c.type)}`);
  return `CREATE TABLE IF NOT EXISTS bill_rows (${cols.join(", ")}, x_import_id BIGINT NOT NULL)`;
}

function castTo(type: string, v: string): string {
  if (type === "TIMESTAMP") return `CAST(rtrim(${v}, 'Z') AS TIMESTAMP)`;
  if (type === "VARCHAR") return v;
  return `CAST(${v} AS ${type})`;
}

export interface ImportDeps {
  conn: DuckDBConnection;
  model: FocusModel;
  /** Runs the commit step alone: concurrent imports of one period serialize here and never interleave. */
  withCommitLock<T>(fn: () => Promise<T>): Promise<T>;
}

export async function importFocusFile(deps: ImportDeps, file: string, opts: ImportOptions = {}): Promise<ImportResult> {
  const { conn, model } = deps;
  const id = randomBytes(6).toString("hex");
  const raw = `stage_raw_${id}`;
  const norm = `stage_norm_${id}`;
  try {
    const staged = await stageFile(conn, file, raw, model, { maxLineBytes: opts.maxLineBytes ?? 4 * 2 ** 20 });
    const normalized = normalizeColumns(model, staged.mapping);
    const present = new Set(normalized.map((n) => n.column.name));
    const select = normalized.map((n) => `${n.expr} AS ${quoteIdent(n.column.name)}`);
    await conn.run(`CREATE TEMP TABLE ${quoteIdent(norm)} AS SELECT rowid + 2 AS line, ${select.join(",\n")} FROM ${quoteIdent(raw)}`);
    await conn.run(`DROP TABLE ${quoteIdent(raw)}`);
    if (staged.rows === 0) throw new AppError("invalid_input", `${file} has a header but no rows`, { details: { rule: "file-no-rows" } });

    const maxErrors = opts.maxErrors ?? 100;
    const v = await validateStaged(conn, quoteIdent(norm), model, present, { applicability: opts.applicability ?? [], maxProblems: maxErrors });
    const missing = v.report.failed.filter((f) => f.severity === "error" && f.failingRows === 0 && f.message.endsWith("(column missing)"));
    if (missing.length > 0) {
      throw new AppError("invalid_input", `${file} lacks mandatory FOCUS columns: ${missing.map((m) => m.column).join(", ")}`, {
        details: { rule: "missing-columns", missingColumns: missing.map((m) => m.column), report: v.report },
      });
    }
    if (v.rejected) throw rejection(file, v.problems, v.problemCount, v.report);

    const renamedColumns = Object.fromEntries([...staged.mapping].filter(([focus, src]) => focus !== src).map(([focus, src]) => [src, focus]));
    return await deps.withCommitLock(() => commit(conn, model, norm, present, file, staged.rows, { renamedColumns, ignoredColumns: staged.ignoredColumns, report: v.report }));
  } finally {
    await conn.run(`DROP TABLE IF EXISTS ${quoteIdent(raw)}`).catch(() => undefined);
    await conn.run(`DROP TABLE IF EXISTS ${quoteIdent(norm)}`).catch(() => undefined);
  }
}

function rejection(file: string, problems: RowProblem[], count: number, report: ConformanceReport): AppError {
  const first = problems[0];
  const lead = first ? `; first at line ${first.line}, ${first.column}=${JSON.stringify(first.value)}: ${first.ruleId}` : "";
  return new AppError("invalid_input", `${file}: ${count} row-level problem${count === 1 ? "" : "s"} break FOCUS MUST rules${lead}`, {
    details: { errors: problems, errorCount: count, omitted: count - problems.length, report },
  });
}

async function commit(
  conn: DuckDBConnection,
  model: FocusModel,
  norm: string,
  present: Set<string>,
  file: string,
  rows: number,
  rest: Pick<ImportResult, "renamedColumns" | "ignoredColumns" | "report">,
): Promise<ImportResult> {
  const n = quoteIdent(norm);
  const cols = model.columns.map((c) => (present.has(c.name) ? castTo(sqlTypeOf(c.type), quoteIdent(c.name)) : "NULL"));
  const keyCols = periodKey.map((k) => quoteIdent(k));
  const keyCasts = periodKey.map((k) => `${castTo(sqlTypeOf(model.columns.find((c) => c.name === k)?.type ?? "string"), quoteIdent(k))} AS ${quoteIdent(k)}`);
  await conn.run("BEGIN TRANSACTION");
  try {
    const importId = Number((await conn.runAndReadAll("SELECT nextval('import_ids')")).getRows()[0]?.[0]);
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdent(`${norm}_keys`)} AS SELECT DISTINCT ${keyCasts.join(", ")} FROM ${n}`);
    await conn.run(
      `DELETE FROM bill_rows b USING ${quoteIdent(`${norm}_keys`)} k WHERE ${keyCols.map((c) => `b.${c} = k.${c}`).join(" AND ")}`,
    );
    await conn.run(`INSERT INTO bill_rows SELECT ${cols.join(", ")}, $1 FROM ${n}`, [importId]);
    const periods = (await conn.runAndReadAll(`SELECT DISTINCT strftime("BillingPeriodStart", '%Y-%m-%dT%H:%M:%SZ') FROM ${quoteIdent(`${norm}_keys`)} ORDER BY 1`))
      .getRows()
      .map((r) => String(r[0]));
    await conn.run("INSERT INTO imports VALUES ($1, $2, now()::TIMESTAMP, $3, $4::VARCHAR[])", [importId, file, rows, JSON.stringify(periods)]);
    await conn.run("COMMIT");
    return { importId, billingPeriods: periods, rows, ...rest };
  } catch (e) {
    await conn.run("ROLLBACK").catch(() => undefined);
    throw e instanceof AppError ? e : new AppError("internal", `import of ${file} failed while committing; nothing was changed`, { cause: e });
  } finally {
    await conn.run(`DROP TABLE IF EXISTS ${quoteIdent(`${norm}_keys`)}`).catch(() => undefined);
  }
}
