import { createHash } from "node:crypto";
import pg from "pg";

/** Anything that runs a parameterized query: the pool or a transaction's client. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: readonly unknown[]): Promise<pg.QueryResult<R>>;
}

export interface Database extends Queryable {
  /** Runs `fn` in a transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
  readonly pool: pg.Pool;
}

export interface ConnectionOptions {
  connectionString?: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  max?: number;
}

// timestamptz as ISO strings keeps wire values and hash-chain inputs exact; bigint (int8) as number since
// our counters stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, parseTimestamptz);

const utcTimestamp = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?\+00$/;

/** PostgreSQL's text form in UTC to ISO 8601 with milliseconds, without a Date round trip (a hot path for lists). */
export function parseTimestamptz(v: string): string {
  const m = utcTimestamp.exec(v);
  if (!m) return new Date(v).toISOString();
  return `${m[1]}T${m[2]}.${(m[3] ?? "").padEnd(3, "0").slice(0, 3)}Z`;
}

/**
 * Parameterized queries run as named prepared statements, so PostgreSQL plans each distinct statement once
 * per connection (planning cost more than executing our list queries). Statements without parameters
 * (migrations, DDL, several statements at once) run as plain text.
 */
function prepared(text: string, values: readonly unknown[] | undefined): pg.QueryConfig {
  if (!values || values.length === 0) return { text };
  return { name: `m_${createHash("sha1").update(text).digest("base64url")}`, text, values: values as unknown[] };
}

function wrap(client: pg.PoolClient): Queryable {
  return { query: (text, values) => client.query(prepared(text, values)) };
}

export function createDatabase(opts: ConnectionOptions): Database {
  const pool = new pg.Pool({ ...opts, max: opts.max ?? 10, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000, options: "-c TimeZone=UTC" });
  // An idle client that errors (server restart) must not crash the process; the pool drops it.
  pool.on("error", () => undefined);
  return {
    pool,
    query: (text, values) => pool.query(prepared(text, values)),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await fn(wrap(client));
        await client.query("COMMIT");
        return result;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async ping() {
      await pool.query("SELECT 1");
    },
    async close() {
      await pool.end();
    },
  };
}
