import { readFileSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function cmdlineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return "";
  }
}

/**
 * One Meridian per data dir. Returns a release function. A dead owner's leftovers are cleaned up: its
 * PostgreSQL (which outlives a SIGKILLed Meridian) is asked to shut down, but only when that postmaster's
 * command line names our data dir, so nothing we did not start is touched.
 */
export async function lockDataDir(dir: string, pgdata: string): Promise<() => Promise<void>> {
  const lockFile = join(dir, "meridian.pid");
  const owner = Number((await readFile(lockFile, "utf8").catch(() => "")).trim());
  if (owner && owner !== process.pid && isAlive(owner) && /node|meridian/.test(cmdlineOf(owner))) {
    throw new Error(`another Meridian (pid ${owner}) is using the data dir ${dir}`);
  }
  const pgPid = Number((await readFile(join(pgdata, "postmaster.pid"), "utf8").catch(() => "")).split("\n")[0]);
  if (pgPid && isAlive(pgPid) && cmdlineOf(pgPid).includes(pgdata)) {
    process.kill(pgPid, "SIGINT"); // fast shutdown
    for (let i = 0; i < 100 && isAlive(pgPid); i++) await new Promise((r) => setTimeout(r, 100));
    if (isAlive(pgPid)) throw new Error(`the PostgreSQL of a previous Meridian (pid ${pgPid}) did not stop`);
  }
  await writeFile(lockFile, `${process.pid}\n`);
  return async () => {
    const current = (await readFile(lockFile, "utf8").catch(() => "")).trim();
    if (current === String(process.pid)) await rm(lockFile, { force: true });
  };
}
