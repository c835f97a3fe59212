import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { chmod, chown, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface DebianPostgres {
  /** A URL for a fresh database owned by a password-authenticated role. */
  url: string;
  stop(): Promise<void>;
}

function findBinDir(): string {
  const base = "/usr/lib/postgresql";
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(base, v, "bin", "initdb"))) return join(base, v, "bin");
  throw new Error("Debian's PostgreSQL server is not installed (apt-get install -y postgresql); the test command installs it");
}

async function asPostgres(bin: string, args: string[]): Promise<void> {
  const isRoot = process.getuid?.() === 0;
  if (isRoot) await run("runuser", ["-u", "postgres", "--", bin, ...args]);
  else await run(bin, args);
}

/**
 * Starts a private instance of Debian's `postgresql` server on a loopback TCP port (the external-database
 * path: Meridian connects by URL, as it would to any managed PostgreSQL).
 */
export async function startDebianPostgres(port = 20_000 + Math.floor(Math.random() * 20_000)): Promise<DebianPostgres> {
  const bin = findBinDir();
  const dir = await mkdtemp(join(tmpdir(), "meridian-debian-pg-"));
  await chmod(dir, 0o755);
  const isRoot = process.getuid?.() === 0;
  if (isRoot) {
    const passwd = await readFile("/etc/passwd", "utf8");
    const line = passwd.split("\n").find((l) => l.startsWith("postgres:"));
    if (!line) throw new Error("no postgres user; install Debian's postgresql package");
    const [, , uid, gid] = line.split(":");
    await chown(dir, Number(uid), Number(gid));
  }
  const data = join(dir, "data");
  await asPostgres(join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"]);
  const args = ["-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"];
  const child: ChildProcess = isRoot
    ? spawn("runuser", ["-u", "postgres", "--", join(bin, "postgres"), ...args], { stdio: ["ignore", "ignore", "pipe"] })
    : spawn(join(bin, "postgres"), args, { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`postgres did not start:\n${log}`)), 30_000);
    child.stderr?.on("data", (d: Buffer) => {
      log += d.toString();
      if (log.includes("ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`postgres exited with ${code}:\n${log}`)));
  });
  const psql = join(bin, "psql");
  const sql = async (q: string) => run(psql, ["-h", dir, "-p", String(port), "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", q]);
  await sql("CREATE ROLE meridian LOGIN PASSWORD 'meridian-test-password'");
  await sql("CREATE DATABASE meridian OWNER meridian");
  return {
    url: `postgresql://meridian:meridian-test-password@127.0.0.1:${port}/meridian`,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        // runuser does not forward signals to postgres: stop it the way its own tools do.
        await asPostgres(join(bin, "pg_ctl"), ["stop", "-D", data, "-m", "fast", "-w"]).catch(() => child.kill("SIGKILL"));
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
