import type { FocusType } from "./focus-model.js";

/** Identifiers come from the rule model or from a file's header: always quoted, quotes doubled. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** For the few places DuckDB takes no parameter (DDL, COPY targets); everything else is a prepared parameter. */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Exact decimals: money must sum to the cent, and FOCUS files carry up to 15 fractional digits. */
export const decimalType = "DECIMAL(38,15)";

export function sqlTypeOf(type: FocusType): string {
  switch (type) {
    case "decimal":
      return decimalType;
    case "datetime":
      // Naive timestamps that always hold UTC: FOCUS datetimes are UTC by rule.
      return "TIMESTAMP";
    case "string":
    case "json":
      return "VARCHAR";
    default: {
      const never: never = type;
      return never;
    }
  }
}
