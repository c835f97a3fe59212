import { AppError } from "@meridian/core";

/** An opaque cursor: the sort value and id of the last row of the previous page. */
export function encodeCursor(value: string | number | null, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString("base64url");
}

export function decodeCursor(cursor: string): [string | number | null, string] {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(v) && v.length === 2 && typeof v[1] === "string" && ["string", "number", "object"].includes(typeof v[0])) {
      return v as [string | number | null, string];
    }
  } catch {
    // fall through
  }
  throw new AppError("invalid_input", "invalid cursor", { details: { issues: [{ path: "cursor", message: "not a cursor from this list" }] } });
}

export interface PageSpec {
  /** API sort field -> SQL column expression (must be trusted text, never user input). */
  sortColumns: Record<string, string>;
  idColumn: string;
  sort: string | undefined;
  defaultSort: string;
  cursor: string | undefined;
  limit: number;
}

/**
 * Builds the keyset part of a paginated query: `AND (col, id) > ($n, $m)` and `ORDER BY col, id LIMIT n+1`.
 * Parameters are appended to `params`, so the caller's placeholders keep their numbers.
 */
export function buildKeyset(spec: PageSpec, params: unknown[]): { where: string; orderLimit: string; sortField: string } {
  const raw = spec.sort ?? spec.defaultSort;
  const desc = raw.startsWith("-");
  const field = desc ? raw.slice(1) : raw;
  const col = spec.sortColumns[field];
  if (!col) throw new AppError("invalid_input", `cannot sort by ${field}`);
  let where = "";
  if (spec.cursor) {
    const [value, id] = decodeCursor(spec.cursor);
    params.push(value, id);
    const a = `$${params.length - 1}`;
    const b = `$${params.length}`;
    where = ` AND (${col}, ${spec.idColumn}) ${desc ? "<" : ">"} (${a}, ${b}::uuid)`;
  }
  params.push(spec.limit + 1);
  const dir = desc ? "DESC" : "ASC";
  return { where, orderLimit: ` ORDER BY ${col} ${dir}, ${spec.idColumn} ${dir} LIMIT $${params.length}`, sortField: field };
}

/** Trims the extra row fetched to know whether there is a next page and makes its cursor. */
export function finishPage<R extends { id: string }, T>(
  rows: R[],
  limit: number,
  sortValue: (row: R) => string | number | null,
  map: (row: R) => T,
): { items: T[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const slice = more ? rows.slice(0, limit) : rows;
  const last = slice[slice.length - 1];
  return { items: slice.map(map), nextCursor: more && last ? encodeCursor(sortValue(last), last.id) : null };
}
