import { open, stat } from "node:fs/promises";
import type { DuckDBConnection } from "@duckdb/node-api";
import { AppError } from "@meridian/core";
import type { FocusModel } from "./focus-model.js";
import { quoteIdent } from "./sql.js";

export interface StageOptions {
  /** Longest CSV line accepted, in bytes (DuckDB's max_line_size); a longer field is a clear error. */
  maxLineBytes: number;
}

export interface Staged {
  table: string;
  rows: number;
  /** FOCUS column -> staged column name (the file's own spelling). */
  mapping: Map<string, string>;
  /** Columns of the file that are not FOCUS columns (kept out of the store, listed in the result). */
  ignoredColumns: string[];
}

const otherDelimiters: [string, string][] = [
  [";", "semicolon"],
  ["\t", "tab"],
  ["|", "pipe"],
];

/** FOCUS CSV is comma-separated; a header with none but another separator is a wrong-delimiter file. */
async function checkCsvHeader(file: string): Promise<void> {
  const fh = await open(file, "r");
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const text = buf.subarray(0, bytesRead).toString("utf8");
    const header = text.split(/\r?\n/, 1)[0] ?? "";
    if (header.trim() === "") throw new AppError("invalid_input", `${file} is empty: a FOCUS CSV starts with a header line`);
    if (!header.includes(",")) {
      const other = otherDelimiters.find(([d]) => header.split(d).length > 2);
      if (other) {
        throw new AppError("invalid_input", `${file} is ${other[1]}-separated; FOCUS CSV files must be comma-separated`, {
          details: { line: 1, rule: "csv-delimiter", delimiter: other[0] },
        });
      }
    }
  } finally {
    await fh.close();
  }
}

/** DuckDB's reader errors name the line; keep it, and say which kind of damage it is. */
function readError(file: string, err: unknown): AppError {
  const full = err instanceof Error ? err.message : String(err);
  // DuckDB appends generic hints ("Possible fixes: … max_line_size …") and the SQL's position ("LINE 1:"):
  // only the diagnosis before them says what is wrong with the file.
  const msg = full.split(/\nPossible fixes:|\nLINE \d+:/)[0] ?? full;
  const line = /line:?\s*(\d+)/i.exec(msg)?.[1];
  let rule = "csv-malformed";
  let what = "is not a well-formed CSV file";
  if (/Error when sniffing file|not possible to automatically detect/i.test(msg)) {
    // The dialect is fixed (comma, double quotes), so a failed sniff is a damaged file: most often one cut
    // off inside a quoted field. (The sniffer's message lists every candidate, quotes included: no clue there.)
    what = "is not a well-formed CSV file (a truncated file, or an unterminated quoted field?)";
  } else if (/maximum line size|max_line_size/i.test(msg)) {
    rule = "csv-line-too-long";
    what = "has a line longer than the allowed maximum (a huge field)";
  } else if (/unterminated quote|quote/i.test(msg)) {
    rule = "csv-unterminated-quote";
    what = "has an unterminated quoted field (a truncated file?)";
  } else if (/expected \d+ (fields|values)|too (few|many) columns|Expected Number of Columns/i.test(msg)) {
    rule = "csv-column-count";
    what = "has a line with the wrong number of fields (a truncated file?)";
  }
  const details: Record<string, unknown> = { rule, reason: msg.split("\n")[0] };
  if (line) details.line = Number(line);
  return new AppError("invalid_input", `${file} ${what}${line ? ` at line ${line}` : ""}`, { cause: err, details });
}

/** Header drift ("billedcost", " BilledCost ", a byte-order mark) maps to FOCUS names when unambiguous. */
function mapHeader(model: FocusModel, names: string[]): Pick<Staged, "mapping" | "ignoredColumns"> {
  const byKey = new Map(model.columns.map((c) => [c.name.toLowerCase(), c.name]));
  const mapping = new Map<string, string>();
  const ignoredColumns: string[] = [];
  for (const name of names) {
    if (name === "line") continue;
    const focus = byKey.get(name.replace(/^\uFEFF/, "").trim().toLowerCase());
    if (!focus) {
      ignoredColumns.push(name);
      continue;
    }
    const prev = mapping.get(focus);
    if (prev !== undefined) {
      throw new AppError("invalid_input", `columns "${prev}" and "${name}" both name the FOCUS column ${focus}`, {
        details: { line: 1, rule: "header-duplicate-column", column: focus },
      });
    }
    mapping.set(focus, name);
  }
  return { mapping, ignoredColumns };
}

/**
 * Reads the whole file into a connection-local text table; `line` is the row's line in the file (header is
 * line 1; a quoted field spanning lines shifts later numbers, which FOCUS exports do not produce).
 */
export async function stageFile(conn: DuckDBConnection, file: string, table: string, model: FocusModel, opts: StageOptions): Promise<Staged> {
  const info = await stat(file).catch((e: unknown) => {
    throw new AppError("invalid_input", `cannot read ${file}`, { cause: e, details: { rule: "file-unreadable" } });
  });
  if (!info.isFile()) throw new AppError("invalid_input", `${file} is not a file`, { details: { rule: "file-unreadable" } });
  const parquet = /\.parquet$/i.test(file);
  if (!parquet) await checkCsvHeader(file);
  const source = parquet
    ? "read_parquet($1)"
    : `read_csv($1, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"', strict_mode = true, null_padding = false, max_line_size = ${Math.floor(opts.maxLineBytes)}, sample_size = -1)`;
  try {
    // Insertion order is kept (preserve_insertion_order), so rowid is the row's position in the file.
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdent(table)} AS SELECT * FROM ${source}`, [file]);
  } catch (e) {
    throw readError(file, e);
  }
  if (parquet) {
    // Parquet columns keep their types; the validator works on text, like for CSV.
    const cols = (await conn.runAndReadAll(`SELECT column_name FROM (DESCRIBE ${quoteIdent(table)})`)).getRows().map((r) => String(r[0]));
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdent(table)} AS SELECT ${cols.map((c) => `${quoteIdent(c)}::VARCHAR AS ${quoteIdent(c)}`).join(", ")} FROM ${quoteIdent(table)}`);
  }
  const names = (await conn.runAndReadAll(`SELECT column_name FROM (DESCRIBE ${quoteIdent(table)})`)).getRows().map((r) => String(r[0]));
  const rows = Number((await conn.runAndReadAll(`SELECT count(*) FROM ${quoteIdent(table)}`)).getRows()[0]?.[0] ?? 0);
  return { table, rows, ...mapHeader(model, names) };
}
