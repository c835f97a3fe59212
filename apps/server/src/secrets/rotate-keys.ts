import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createDatabase, type Database, type EmbeddedPostgresHandle, startEmbeddedPostgres } from "@meridian/db";
import type { Config } from "../config.js";
import { createEnvelope } from "./envelope.js";
import { parseKeyFile } from "./key-ring.js";
import { addKeyToFile } from "./master-keys.js";

/**
 * `meridian keys rotate`: adds a new master key to the key file, then rewraps every organization's data key
 * under it. Secrets themselves are not re-encrypted (their data keys do not change), so a running server
 * keeps serving throughout; it picks the new key up from the file within a second for new data keys.
 */
export async function rotateKeys(config: Config, out: (line: string) => void): Promise<{ version: number; rewrapped: number }> {
  if (config.masterKey) {
    throw new Error("the master key comes from MERIDIAN_MASTER_KEY; rotation rewrites a key file. Move the key into a file (MERIDIAN_KEY_FILE, lines `v1:<base64>`) or add a `v2:` line to MERIDIAN_MASTER_KEY yourself and run this again");
  }
  const file = config.keyFile ?? join(config.dataDir, "master.key");
  if (!existsSync(file)) throw new Error(`no key file at ${file} (has this Meridian started once?)`);
  const { db, embedded } = await openForMaintenance(config);
  try {
    const ring = await addKeyToFile(file);
    out(`added master key v${ring.current} to ${file}`);
    const envelope = createEnvelope({ keyRing: () => parseKeyFile(readFileSync(file, "utf8")) });
    const r = await envelope.rewrapAll(db, (done, total) => out(`rewrapped ${done}/${total} data keys`));
    out(`done: ${r.rewrapped} data key(s) now wrapped by v${ring.current}; older key versions stay in the file until you remove them`);
    return { version: ring.current, rewrapped: r.rewrapped };
  } finally {
    await db.close();
    await embedded?.stop();
  }
}

/** The database of a data dir: through the running server's socket if it runs, else started for the job. */
async function openForMaintenance(config: Config): Promise<{ db: Database; embedded: EmbeddedPostgresHandle | null }> {
  if (config.databaseUrl) return { db: createDatabase({ connectionString: config.databaseUrl, max: 2 }), embedded: null };
  const dir = join(config.dataDir, "postgres");
  const socket = join(dir, "run", ".s.PGSQL.5432");
  if (existsSync(socket)) {
    const password = readFileSync(join(dir, "pg-password"), "utf8").trim();
    const db = createDatabase({ host: join(dir, "run"), port: 5432, user: "meridian", password, database: "meridian", max: 2 });
    try {
      await db.query("SELECT 1");
      return { db, embedded: null };
    } catch {
      await db.close();
    }
  }
  const embedded = await startEmbeddedPostgres({ dir });
  return { db: createDatabase({ ...embedded.connection, database: "meridian", max: 2 }), embedded };
}
