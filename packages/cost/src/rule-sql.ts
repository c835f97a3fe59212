import type { CheckNode, FocusModel, ModelRule } from "./focus-model.js";
import { quoteIdent, quoteLiteral } from "./sql.js";

/**
 * Turns the rule model's check functions into SQL predicates over the normalized staging view (every column
 * still text, so a value that is not a number or a date can be reported instead of failing a cast).
 * A check the model describes only in prose (empty requirement, Type "Dynamic") cannot be compiled; callers
 * list those rules as not evaluated with the reason thrown here.
 */
export class NotCompilable extends Error {}

const numeric = "^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?$";
// FOCUS DateTime format: UTC ISO 8601 with a T separator and the Z designator (seconds required).
const dateTime = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z$";

export interface CompileContext {
  model: FocusModel;
  /** FOCUS columns present in the file. */
  present: Set<string>;
}

export function columnsOf(node: CheckNode, out = new Set<string>()): Set<string> {
  for (const c of [node.ColumnName, node.ColumnAName, node.ColumnBName, node.ResultColumnName]) if (c) out.add(c);
  for (const item of node.Items ?? []) columnsOf(item, out);
  return out;
}

function col(ctx: CompileContext, name: string | undefined): string {
  if (!name) throw new NotCompilable("check names no column");
  if (!ctx.present.has(name)) throw new NotCompilable(`column ${name} is not in the file`);
  return quoteIdent(name);
}

function literal(value: string | number | null | undefined): string {
  if (typeof value === "number") return String(value);
  return quoteLiteral(String(value));
}

/** SQL that is true when the check holds for a row. */
export function compileCheck(node: CheckNode, ctx: CompileContext): string {
  const fn = node.CheckFunction;
  switch (fn) {
    case "AND":
    case "OR": {
      const parts = (node.Items ?? []).map((i) => `(${compileCheck(i, ctx)})`);
      if (parts.length === 0) throw new NotCompilable(`${fn} without items`);
      return parts.join(fn === "AND" ? " AND " : " OR ");
    }
    case "CheckValue": {
      const c = col(ctx, node.ColumnName);
      if (node.Value === null) return `${c} IS NULL`;
      if (typeof node.Value === "number") return `coalesce(try_cast(${c} AS DOUBLE) = ${node.Value}, false)`;
      return `coalesce(${c} = ${literal(node.Value)}, false)`;
    }
    case "CheckNotValue": {
      const c = col(ctx, node.ColumnName);
      if (node.Value === null) return `${c} IS NOT NULL`;
      if (typeof node.Value === "number") return `coalesce(try_cast(${c} AS DOUBLE) <> ${node.Value}, true)`;
      return `${c} IS DISTINCT FROM ${literal(node.Value)}`;
    }
    case "CheckSameValue":
      return `${col(ctx, node.ColumnAName)} IS NOT DISTINCT FROM ${col(ctx, node.ColumnBName)}`;
    case "CheckNotSameValue":
      return `${col(ctx, node.ColumnAName)} IS DISTINCT FROM ${col(ctx, node.ColumnBName)}`;
    case "CheckGreaterOrEqualThanValue": {
      const c = col(ctx, node.ColumnName);
      return `${c} IS NULL OR coalesce(try_cast(${c} AS DOUBLE) >= ${Number(node.Value)}, false)`;
    }
    case "TypeDecimal":
    case "FormatNumeric":
    case "CheckDecimalValue": {
      const c = col(ctx, node.ColumnName);
      return `${c} IS NULL OR regexp_full_match(${c}, ${quoteLiteral(numeric)})`;
    }
    case "TypeDateTime":
    case "FormatDateTime": {
      const c = col(ctx, node.ColumnName);
      return `${c} IS NULL OR (regexp_full_match(${c}, ${quoteLiteral(dateTime)}) AND try_cast(rtrim(${c}, 'Z') AS TIMESTAMP) IS NOT NULL)`;
    }
    case "TypeString":
      // Every CSV field is text; a string column cannot hold anything else.
      col(ctx, node.ColumnName);
      return "true";
    case "FormatString":
      // StringHandling's machine-checkable part (A-007: no empty or blank strings); the rest is prose.
      return `${col(ctx, node.ColumnName)} IS NULL OR trim(${col(ctx, node.ColumnName)}) <> ''`;
    case "FormatKeyValue": {
      const c = col(ctx, node.ColumnName);
      // KeyValueFormat: a JSON object whose values are scalars (A-001, A-003, A-004).
      return `${c} IS NULL OR (json_valid(${c}) AND json_type(${c}) = 'OBJECT' AND NOT list_has_any(list_transform(json_keys(${c}), k -> json_type(${c}, '$."' || replace(k, '"', '\\"') || '"')), ['OBJECT', 'ARRAY']))`;
    }
    case "CheckNationalCurrency": {
      const c = col(ctx, node.ColumnName);
      return `${c} IS NULL OR ${c} IN (${[...ctx.model.currencyCodes].map(quoteLiteral).join(", ")})`;
    }
    case "FormatCurrency": {
      // CurrencyFormat: a three-letter code must be ISO 4217; anything else is a virtual currency string.
      const c = col(ctx, node.ColumnName);
      return `${c} IS NULL OR NOT regexp_full_match(${c}, '[A-Z]{3}') OR ${c} IN (${[...ctx.model.currencyCodes].map(quoteLiteral).join(", ")})`;
    }
    case "ColumnByColumnEqualsColumnValue": {
      const a = `try_cast(${col(ctx, node.ColumnAName)} AS DOUBLE)`;
      const b = `try_cast(${col(ctx, node.ColumnBName)} AS DOUBLE)`;
      const r = `try_cast(${col(ctx, node.ResultColumnName)} AS DOUBLE)`;
      // Exports round costs and prices separately: allow a relative 1e-6 or an absolute 1e-9 difference.
      return `${a} IS NULL OR ${b} IS NULL OR ${r} IS NULL OR abs(${a} * ${b} - ${r}) <= greatest(1e-9, 1e-6 * abs(${r}))`;
    }
    case "FormatUnit":
      throw new NotCompilable("UnitFormat's rules are prose in the model (recommended unit list, capitalization scheme)");
    case "CheckDistinctCount":
      throw new NotCompilable("dataset-level distinct count: evaluated by a grouped query, not a row predicate");
    case "CheckModelRule":
      throw new NotCompilable("nested rule reference inside a row check");
    default:
      throw new NotCompilable(fn ? `check function ${fn} is not implemented` : "the model gives no machine-readable requirement");
  }
}

function mentionsNull(node: CheckNode): boolean {
  return ("Value" in node && node.Value === null) || (node.Items ?? []).some(mentionsNull);
}

/** Per-row status of one rule, as SQL: true when the row breaks it (applicable, condition met, check false). */
export function compileFailure(rule: ModelRule, inherited: string | undefined, ctx: CompileContext): string {
  let check = compileCheck(rule.requirement, ctx);
  // Value rules ("one of the allowed values", "non-negative") judge values; whether null is allowed is the
  // Nullability rules' business, as in the spec's column tables.
  if (rule.function === "Validation" && ctx.present.has(rule.reference) && !mentionsNull(rule.requirement)) {
    check = `${quoteIdent(rule.reference)} IS NULL OR (${check})`;
  }
  const own = rule.condition.CheckFunction ? compileCheck(rule.condition, ctx) : undefined;
  const when = [inherited, own].filter(Boolean).map((c) => `(${c})`);
  return `${when.length ? `${when.join(" AND ")} AND ` : ""}NOT coalesce((${check}), false)`;
}
