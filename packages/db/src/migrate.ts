import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Database } from "./database.js";

// Resolved through the package, not this file's URL, so it holds when the server runs from a bundle.
const migrationsDir = join(dirname(createRequire(import.meta.url).resolve("@meridian/db/package.json")), "migrations/");
// Any constant works; it only has to be the same for every Meridian process sharing a database.
const migrationLockKey = 7_204_611_903;

export interface MigrationStatus {
  applied: string[];
  pending: string[];
}

export async function listMigrationFiles(): Promise<string[]> {
  return (await readdir(migrationsDir)).filter((f) => f.endsWith(".sql")).sort();
}

/** Applies pending migrations in order, each in its own transaction, under an advisory lock. */
export async function migrate(db: Database): Promise<string[]> {
  const files = await listMigrationFiles();
  const client = await db.pool.connect();
  const applied: string[] = [];
  try {
    await client.query("SELECT pg_advisory_lock($1)", [migrationLockKey]);
    await client.query("CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
    const done = new Set((await client.query<{ name: string }>("SELECT name FROM schema_migrations")).rows.map((r) => r.name));
    for (const file of files) {
      if (done.has(file)) continue;
      const sql = await readFile(`${migrationsDir}${file}`, "utf8");
      await client.query("BEGIN");
      try {
        await client.query(sql);
        await client.query("INSERT INTO schema_migrations (name) VALUES ($1)", [file]);
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${file} failed: ${(err as Error).message}`, { cause: err });
      }
      applied.push(file);
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [migrationLockKey]).catch(() => undefined);
    client.release();
  }
  return applied;
}

export async function getMigrationStatus(db: Database): Promise<MigrationStatus> {
  const files = await listMigrationFiles();
  const exists = await db.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t");
  const done = exists.rows[0]?.t ? new Set((await db.query<{ name: string }>("SELECT name FROM schema_migrations")).rows.map((r) => r.name)) : new Set<string>();
  return { applied: files.filter((f) => done.has(f)), pending: files.filter((f) => !done.has(f)) };
}
