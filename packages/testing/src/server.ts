import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createDatabase, type Database } from "@meridian/db";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
/** The server runs as users run it: the bundle `npm start` runs, rebuilt here when sources changed. */
export const serverBundle = join(repoRoot, "apps/server/dist/meridian.mjs");
let bundleChecked = false;

export function ensureServerBundle(): void {
  if (bundleChecked) return;
  const r = spawnSync(process.execPath, [join(repoRoot, "scripts/build-server.mjs")], { stdio: "inherit" });
  if (r.status !== 0) throw new Error("building the server bundle failed");
  bundleChecked = true;
}

export interface TestServer {
  baseUrl: string;
  adminPassword: string;
  dataDir: string;
  /** The server process (for resident-memory measurements). */
  pid: number;
  /** A connection to the server's database, for tests that inspect or tamper with rows. */
  openDatabase(): Promise<Database>;
  /** Everything the server logged so far (JSON lines), for diagnosing failures. */
  logs(): string;
  stop(): Promise<void>;
  /** SIGKILL, no clean-up: for crash tests. */
  kill(): void;
  /** The process's exit code once it has exited (0 after a graceful stop). */
  exitCode(): number | null;
}

export interface TestServerOptions {
  /** An external PostgreSQL instead of the embedded one. */
  databaseUrl?: string;
  /** Reuse a data dir (restart tests); a fresh temp dir otherwise. */
  dataDir?: string;
  env?: Record<string, string>;
}

/**
 * Starts a real Meridian server (`meridian up`) as a child process on a random loopback port, with a fresh
 * embedded PostgreSQL in a temp dir unless told otherwise.
 */
export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), "meridian-test-")));
  const adminPassword = "admin-password-for-tests";
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    MERIDIAN_BOOTSTRAP_PASSWORD: adminPassword,
    MERIDIAN_LOG_LEVEL: "warn",
    MERIDIAN_FAST_PASSWORD_HASHING: "true",
    ...opts.env,
  };
  if (opts.databaseUrl) env.MERIDIAN_DATABASE_URL = opts.databaseUrl;
  else delete env.MERIDIAN_DATABASE_URL;
  ensureServerBundle();
  const child = spawn(process.execPath, [serverBundle, "up", "--port", "0", "--data-dir", dataDir], {
    cwd: repoRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const baseUrl = await waitForUrl(child, () => out);
  let stopped = false;
  return {
    baseUrl,
    adminPassword,
    dataDir,
    pid: child.pid as number,
    async openDatabase() {
      if (opts.databaseUrl) return createDatabase({ connectionString: opts.databaseUrl, max: 2 });
      const password = (await readFile(join(dataDir, "postgres", "pg-password"), "utf8")).trim();
      return createDatabase({ host: join(dataDir, "postgres", "run"), port: 5432, user: "meridian", password, database: "meridian", max: 2 });
    },
    logs: () => out,
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopChild(child);
      if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
    kill() {
      stopped = true;
      child.kill("SIGKILL");
    },
    exitCode: () => child.exitCode,
  };
}

function waitForUrl(child: ChildProcess, output: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${output()}`)), 60_000);
    const check = () => {
      const m = /Meridian is up at (http:\/\/\S+)/.exec(output());
      if (m?.[1]) {
        clearTimeout(timer);
        child.stdout?.off("data", check);
        resolve(m[1]);
      }
    };
    child.stdout?.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before starting:\n${output()}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 20_000);
    // 'close', not 'exit': the output the process wrote last must be in logs() when stop() returns.
    child.once("close", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
