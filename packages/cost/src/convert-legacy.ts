import { readFileSync } from "node:fs";
import { DuckDBInstance } from "@duckdb/node-api";
import { AppError } from "@meridian/core";
import { parse as parseYaml } from "yaml";
import { packageAsset } from "./assets.js";
import { quoteIdent, quoteLiteral } from "./sql.js";

/**
 * Legacy exports (AWS CUR, Azure EA cost details) -> FOCUS CSV, driven by the FinOps Foundation's
 * focus_converters mapping tables (vendored in ../converters with their licence and source commit). Each
 * table row maps one FOCUS column by one transform; the SQL fragments in them are the converters' own,
 * shipped with this package like the rule model, never taken from users. Columns a table leaves out that
 * FOCUS 1.2 makes mandatory come from ../converters/additions-*.csv (same format, written by us, with the
 * reason in each row).
 */
const dir = (f: string) => packageAsset(`converters/${f}`);

interface RuleRow {
  dimension: string;
  step: number;
  source: string;
  transform: string;
  config: string;
}

export interface ConversionResult {
  rows: number;
  /** FOCUS columns written. */
  columns: string[];
  /** Mapping rows that could not be applied, with the reason (never dropped silently). */
  skipped: { column: string; transform: string; reason: string }[];
}

// focus_converters still uses FOCUS 0.5/1.0-preview names for a few columns.
const renamed: Record<string, string> = { Provider: "ProviderName", Publisher: "PublisherName", InvoiceIssuer: "InvoiceIssuerName", Region: "RegionId" };

function readRules(file: string): RuleRow[] {
  const rows: RuleRow[] = [];
  // The tables are RFC 4180 CSV with multi-line quoted YAML in the last column.
  const text = readFileSync(file, "utf8");
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      record.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else field += ch;
  }
  if (field || record.length) records.push([...record, field]);
  for (const r of records.slice(1)) {
    if (r.length < 6) continue;
    const [dimension = "", step = "0", source = "", , transform = "", config = ""] = r;
    rows.push({ dimension: renamed[dimension] ?? dimension, step: Number(step), source, transform, config });
  }
  return rows;
}

class Unsupported extends Error {}

/** Quoted identifiers a SQL fragment references; columns the export lacks read as NULL (unused features). */
function bindFragment(sql: string, present: Set<string>, current?: string): string {
  // {{ CURRENT }} (used only by our additions) is the column as earlier steps left it.
  if (sql.includes("{{ CURRENT }}")) sql = sql.replaceAll("{{ CURRENT }}", current ?? "NULL");
  return sql.replace(/"([^"]+)"/g, (m, name: string) => (present.has(name) ? m : "NULL"));
}

function bareColumns(sql: string, present: Set<string>): string {
  // Azure's fragments name columns unquoted (ChargeType = 'Usage'): quote the ones the export has.
  return sql.replace(/(?<!['"\w/])([A-Za-z_][A-Za-z0-9_]*)(?![\w'"/])/g, (m, name: string) => (present.has(name) ? quoteIdent(name) : m));
}

function compileRule(r: RuleRow, current: string | undefined, present: Set<string>, lookups: Map<string, string>): string {
  const src = r.source && r.source !== "NA" && r.source !== "Not Defined" ? r.source : undefined;
  const srcExpr = () => {
    if (src && present.has(src)) return quoteIdent(src);
    if (src && renamed[src] === undefined && current && src === r.dimension) return current;
    if (current) return current;
    if (src) return "NULL";
    throw new Unsupported("no source column");
  };
  const yamlConfig = ["SQL_CONDITION", "MAP_VALUES", "ASSIGN_STATIC_VALUE", "LOOKUP"].includes(r.transform);
  const cfg = (yamlConfig && r.config ? parseYaml(r.config) : r.config) as Record<string, unknown> | string | null;
  const obj = (typeof cfg === "object" && cfg !== null ? cfg : {}) as Record<string, unknown>;
  switch (r.transform) {
    case "RENAME_COLUMN":
      return src && present.has(src) ? quoteIdent(src) : (current ?? "NULL");
    case "ASSIGN_UTC_TIMEZONE": {
      // Typed timestamps print as "2023-11-01 00:00:00+00": write FOCUS's form.
      const v = current ?? srcExpr();
      return `coalesce(strftime(timezone('UTC', try_cast(${v} AS TIMESTAMPTZ)), '%Y-%m-%dT%H:%M:%SZ'), CAST(${v} AS VARCHAR))`;
    }
    case "PARSE_DATETIME": {
      const fmt = typeof cfg === "string" ? cfg : String(r.config);
      // DuckDB's reader may already have typed the column as a date; then the format does not apply.
      const v = srcExpr();
      return `strftime(coalesce(try_strptime(CAST(${v} AS VARCHAR), ${quoteLiteral(fmt)}), try_cast(${v} AS TIMESTAMP)), '%Y-%m-%dT%H:%M:%SZ')`;
    }
    case "ASSIGN_STATIC_VALUE":
      return obj.static_value === null || obj.static_value === "null" ? "NULL" : quoteLiteral(String(obj.static_value));
    case "SQL_CONDITION": {
      const conditions = (obj.conditions as string[] | undefined) ?? [];
      const fallback = obj.default_value === undefined || obj.default_value === null ? "NULL" : String(obj.default_value);
      // Every arm as text: the export's columns come typed, and the output is a CSV anyway.
      const arms = conditions.map((c) => {
        const at = c.search(/\sTHEN\s/i);
        if (at < 0) throw new Unsupported(`condition without THEN: ${c}`);
        const bound = (x: string) => bareColumns(bindFragment(x, present, current), present);
        return `${bound(c.slice(0, at))} THEN CAST((${bound(c.slice(at).replace(/^\s*THEN\s/i, ""))}) AS VARCHAR)`;
      });
      return `CASE ${arms.join(" ")} ELSE CAST((${bareColumns(bindFragment(fallback, present, current), present)}) AS VARCHAR) END`;
    }
    case "MAP_VALUES": {
      const list = (obj.value_list as { key: unknown; value: unknown }[] | undefined) ?? [];
      const fallback = obj.default_value === undefined || obj.default_value === "" ? "NULL" : quoteLiteral(String(obj.default_value));
      const arms = list.map((kv) => `WHEN ${quoteLiteral(String(kv.key))} THEN ${quoteLiteral(String(kv.value))}`).join(" ");
      return `CASE CAST(${srcExpr()} AS VARCHAR) ${arms} ELSE ${fallback} END`;
    }
    case "LOOKUP": {
      const path = String(obj.reference_dataset_path ?? "");
      const table = lookups.get(path.split("/").pop() ?? "");
      if (!table) throw new Unsupported(`lookup table ${path} is not vendored`);
      const found = `(SELECT ${quoteIdent(String(obj.destination_value))} FROM ${table} l WHERE l.${quoteIdent(String(obj.source_value))} = CAST(${srcExpr()} AS VARCHAR) LIMIT 1)`;
      // A service the mapping file does not know yet is "Other", one of ServiceCategory's allowed values.
      return r.dimension === "ServiceCategory" ? `coalesce(${found}, 'Other')` : found;
    }
    case "SQL_QUERY": {
      const m = /SELECT \*,\s*([\s\S]*)\s+AS\s+(\w+)\s+FROM \{\{ TABLE_NAME \}\}/i.exec(r.config);
      if (!m?.[1]) throw new Unsupported("query is not a single computed column");
      if (/tmp_\w+/.test(m[1])) throw new Unsupported("query reads intermediate columns of the Python converter");
      return bindFragment(m[1], present);
    }
    case "STRING_FUNCTIONS": {
      // {'steps': [{'operation_type': 'split', 'split_by': ':', 'index': 6}, 'title']}: Python literal.
      const split = /'split_by':\s*'([^']*)',\s*'index':\s*(\d+)/.exec(r.config);
      if (!split) throw new Unsupported("string function other than split");
      let expr = `NULLIF(split_part(CAST(${srcExpr()} AS VARCHAR), ${quoteLiteral(split[1] ?? ":")}, ${Number(split[2]) + 1}), '')`;
      if (r.config.includes("'title'")) expr = `(upper(left(${expr}, 1)) || substr(${expr}, 2))`;
      return expr;
    }
    case "Not Defined":
    case "":
      throw new Unsupported("the mapping table defines no transform");
    default:
      throw new Unsupported(`transform ${r.transform} is not implemented`);
  }
}

export interface ConvertSpec {
  rules: string;
  additions?: string;
  lookups: string[];
  /** Source column aliases: older exports' names -> the names the mapping table uses. */
  aliases?: Record<string, string>;
}

export async function convertLegacy(spec: ConvertSpec, input: string, output: string): Promise<ConversionResult> {
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  try {
    try {
      await conn.run("CREATE TABLE src AS SELECT * FROM read_csv($1, header = true, sample_size = -1)", [input]);
    } catch (e) {
      throw new AppError("invalid_input", `${input} is not a readable CSV export`, { cause: e });
    }
    const cols = (await conn.runAndReadAll("SELECT column_name FROM (DESCRIBE src)")).getRows().map((r) => String(r[0]));
    for (const c of cols) {
      const clean = c.replace(/^\uFEFF/, "").trim();
      const alias = spec.aliases?.[clean];
      const target = alias && !cols.includes(alias) ? alias : clean;
      if (target !== c) await conn.run(`ALTER TABLE src RENAME ${quoteIdent(c)} TO ${quoteIdent(target)}`);
    }
    // A column with no value at all is a feature the account does not use: read it as absent (NULL), so the
    // converters' arithmetic over it does not meet an all-null text column.
    const names = (await conn.runAndReadAll("SELECT column_name FROM (DESCRIBE src)")).getRows().map((r) => String(r[0]));
    const filled = (await conn.runAndReadAll(`SELECT ${names.map((n) => `count(${quoteIdent(n)})`).join(", ")} FROM src`)).getRows()[0] ?? [];
    const present = new Set(names.filter((_, i) => Number(filled[i] ?? 0) > 0));
    const lookups = new Map<string, string>();
    for (const [i, f] of spec.lookups.entries()) {
      await conn.run(`CREATE TABLE lookup_${i} AS SELECT * FROM read_csv($1, header = true, all_varchar = true)`, [dir(f)]);
      lookups.set(f, `lookup_${i}`);
    }
    const rules = [...readRules(dir(spec.rules)), ...(spec.additions ? readRules(dir(spec.additions)) : [])].sort((a, b) => a.step - b.step);
    const exprs = new Map<string, string>();
    const skipped: ConversionResult["skipped"] = [];
    for (const r of rules) {
      try {
        exprs.set(r.dimension, compileRule(r, exprs.get(r.dimension), present, lookups));
      } catch (e) {
        if (!(e instanceof Unsupported)) throw e;
        if (r.transform !== "Not Defined" || !exprs.has(r.dimension)) skipped.push({ column: r.dimension, transform: r.transform, reason: e.message });
      }
    }
    const select = [...exprs].map(([name, expr]) => `${expr} AS ${quoteIdent(name)}`).join(",\n");
    await conn.run(`COPY (SELECT ${select} FROM src) TO ${quoteLiteral(output)} (HEADER, DELIMITER ',')`);
    const rows = Number((await conn.runAndReadAll("SELECT count(*) FROM src")).getRows()[0]?.[0] ?? 0);
    return { rows, columns: [...exprs.keys()], skipped: skipped.filter((s) => !exprs.has(s.column)) };
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

/** AWS Cost and Usage Report (legacy CUR, `lineItem/…` columns) -> FOCUS CSV. */
export function convertAwsCur(input: string, output: string): Promise<ConversionResult> {
  return convertLegacy({ rules: "conversion_rules_aws-cur.csv", additions: "additions-aws-cur.csv", lookups: ["aws_category_mapping.csv"] }, input, output);
}

/** Azure EA cost details (actual or amortized) -> FOCUS CSV. */
export function convertAzureEa(input: string, output: string): Promise<ConversionResult> {
  return convertLegacy(
    {
      rules: "conversion_rules_azure.csv",
      additions: "additions-azure-ea.csv",
      lookups: ["azure_category_mapping.csv"],
      // Older EA exports (the FinOps toolkit's samples) name three columns differently.
      aliases: { Cost: "CostInBillingCurrency", BillingCurrency: "BillingCurrencyCode", Product: "ProductName" },
    },
    input,
    output,
  );
}
