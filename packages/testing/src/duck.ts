import { DuckDBInstance } from "@duckdb/node-api";

/** An independent in-memory DuckDB (never the cost store under test) to derive fixtures and expected figures from bill files. */
export async function queryDuck(sql: string, params: string[] = []): Promise<Record<string, string | null>[]> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  try {
    return (await c.runAndReadAll(sql, params)).getRowObjectsJson() as Record<string, string | null>[];
  } finally {
    c.closeSync();
    db.closeSync();
  }
}
