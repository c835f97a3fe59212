import type { FocusColumn, FocusModel } from "./focus-model.js";
import { quoteIdent, quoteLiteral } from "./sql.js";

/**
 * Lenient reading of real exports: SQL expressions that repair defects with exactly one reading, and leave
 * everything else for the validator to report. Each expression maps the raw text of one staged column to
 * the normalized text of its FOCUS column.
 */

/** Placeholders exports write for "no value"; NullHandling says these must be real nulls. */
const nullTokens = ["", "NULL", "null", "Null"];

function nullable(raw: string): string {
  return `CASE WHEN ${raw} IN (${nullTokens.map(quoteLiteral).join(", ")}) THEN NULL ELSE ${raw} END`;
}

/**
 * Date/times: "YYYY-MM-DD HH:MM:SS" (the FOCUS sample), a missing Z, "+00:00", a bare date, and US
 * month-first "M/D/YYYY" or "M/D/YY" dates (Azure EA exports and the spec's SaaS examples) become
 * "YYYY-MM-DDTHH:MM:SSZ". A first number over 12 or any other zone offset is left alone, so it fails
 * FormatDateTime and is reported rather than guessed.
 */
function dateTime(v: string): string {
  const iso = "[0-9]{4}-[0-9]{2}-[0-9]{2}";
  return `CASE
    WHEN ${v} IS NULL THEN NULL
    WHEN regexp_full_match(${v}, '${iso}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z') THEN ${v}
    WHEN regexp_full_match(${v}, '${iso}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?( ?UTC|[+]00:?00|Z)?')
      THEN substr(${v}, 1, 10) || 'T' || substr(${v}, 12, 8) || 'Z'
    WHEN regexp_full_match(${v}, '${iso}') THEN ${v} || 'T00:00:00Z'
    WHEN regexp_full_match(${v}, '(0?[1-9]|1[0-2])/(0?[1-9]|[12][0-9]|3[01])/([0-9]{4}|[0-9]{2})( ([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?)?')
      THEN coalesce(
        strftime(try_strptime(${v}, ['%m/%d/%Y %H:%M:%S', '%m/%d/%Y %H:%M', '%m/%d/%Y']), '%Y-%m-%dT%H:%M:%SZ'),
        strftime(try_strptime(${v}, ['%m/%d/%y %H:%M:%S', '%m/%d/%y %H:%M', '%m/%d/%y']), '%Y-%m-%dT%H:%M:%SZ'),
        ${v})
    ELSE ${v} END`;
}

/** Allowed values with drifted casing ("Usage-based") take the model's spelling when the match is unique. */
function allowedValues(model: FocusModel): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of model.rules.values()) {
    const req = r.requirement;
    if (r.function !== "Validation" || req.CheckFunction !== "OR" || !req.Items?.length) continue;
    const values: string[] = [];
    let column: string | undefined;
    for (const item of req.Items) {
      if (item.CheckFunction !== "CheckValue" || typeof item.Value !== "string" || (column && item.ColumnName !== column)) {
        column = undefined;
        break;
      }
      column = item.ColumnName;
      values.push(item.Value);
    }
    if (column) out.set(column, [...new Set([...(out.get(column) ?? []), ...values])]);
  }
  return out;
}

function casing(v: string, values: string[]): string {
  const lower = new Map<string, string[]>();
  for (const value of values) lower.set(value.toLowerCase(), [...(lower.get(value.toLowerCase()) ?? []), value]);
  const arms = [...lower].filter(([, vs]) => vs.length === 1).map(([l, vs]) => `WHEN ${quoteLiteral(l)} THEN ${quoteLiteral(vs[0] as string)}`);
  return `CASE WHEN ${v} IN (${values.map(quoteLiteral).join(", ")}) THEN ${v} ELSE CASE lower(${v}) ${arms.join(" ")} ELSE ${v} END END`;
}

/**
 * Tags with padded keys (" org") are re-keyed when trimming loses nothing: duplicate keys after trimming
 * must carry the same value, otherwise the object is left as is and KeyValueFormat reports it.
 */
function tags(v: string): string {
  const entries = `list_distinct(list_transform(map_entries(${v}::JSON::MAP(VARCHAR, JSON)), e -> {'k': trim(e.key), 'v': e.value}))`;
  return `CASE WHEN ${v} IS NULL OR NOT json_valid(${v}) THEN ${v}
    WHEN json_type(${v}) <> 'OBJECT' THEN ${v}
    WHEN NOT list_bool_or(list_transform(json_keys(${v}), k -> k <> trim(k))) THEN ${v}
    WHEN len(list_distinct(list_transform(${entries}, e -> e.k))) < len(${entries}) THEN ${v}
    ELSE to_json(map_from_entries(list_transform(${entries}, e -> {'key': e.k, 'value': e.v})))::VARCHAR END`;
}

export interface NormalizedColumn {
  column: FocusColumn;
  /** Name of the column in the staged file. */
  source: string;
  expr: string;
}

export function normalizeColumns(model: FocusModel, mapping: Map<string, string>): NormalizedColumn[] {
  const allowed = allowedValues(model);
  const out: NormalizedColumn[] = [];
  for (const column of model.columns) {
    const source = mapping.get(column.name);
    if (source === undefined) continue;
    const v = nullable(quoteIdent(source));
    let expr = v;
    if (column.type === "datetime") expr = dateTime(`(${v})`);
    else if (column.type === "json") expr = tags(`(${v})`);
    else if (allowed.has(column.name)) expr = casing(`(${v})`, allowed.get(column.name) ?? []);
    out.push({ column, source, expr });
  }
  return out;
}
