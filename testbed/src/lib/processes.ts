import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TestbedError, logStep } from "./log.js";
import { sleep } from "./run.js";

/** How a managed daemon was started; saved so that knobs can restart it with the same argv. */
export type DaemonSpec = { name: string; argv: string[]; env?: Record<string, string> };

function getPidFile(runDir: string, name: string): string {
  return join(runDir, "pids", `${name}.pid`);
}

function getSpecFile(runDir: string, name: string): string {
  return join(runDir, "pids", `${name}.json`);
}

function readCmdline(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return undefined;
  }
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}

/**
 * Returns the pid of a daemon we started, or undefined. A pid counts only if the process is alive and its
 * command line mentions our run directory, so a recycled pid never makes us touch someone else's process.
 */
export function findDaemon(runDir: string, name: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(getPidFile(runDir, name), "utf8").trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  const cmdline = readCmdline(pid);
  if (cmdline === undefined || !cmdline.includes(runDir) || isZombie(pid)) return undefined;
  return pid;
}

export function readDaemonSpec(runDir: string, name: string): DaemonSpec | undefined {
  try {
    return JSON.parse(readFileSync(getSpecFile(runDir, name), "utf8")) as DaemonSpec;
  } catch {
    return undefined;
  }
}

/** Starts argv detached, output to logs/<name>.log, and records its pid. Every argv must mention runDir. */
export async function startDaemon(runDir: string, spec: DaemonSpec): Promise<number> {
  const running = findDaemon(runDir, spec.name);
  if (running !== undefined) return running;
  if (!spec.argv.some((arg) => arg.includes(runDir))) {
    throw new TestbedError(`${spec.name}: argv must mention ${runDir} so that its pid can be verified`);
  }
  mkdirSync(join(runDir, "pids"), { recursive: true });
  mkdirSync(join(runDir, "logs"), { recursive: true });
  const logPath = join(runDir, "logs", `${spec.name}.log`);
  const logFd = openSync(logPath, "a");
  const [file, ...args] = spec.argv;
  if (file === undefined) throw new TestbedError(`${spec.name}: empty argv`);
  const child = spawn(file, args, {
    detached: true,
    stdio: ["ignore", logFd, logFd],
    env: { ...process.env, ...spec.env },
  });
  closeSync(logFd);
  const pid = await new Promise<number>((resolve, reject) => {
    child.once("error", (error) => reject(new TestbedError(`cannot start ${spec.name}: ${error.message}`)));
    child.once("spawn", () => resolve(child.pid ?? -1));
  });
  child.unref();
  writeFileSync(getPidFile(runDir, spec.name), `${pid}\n`);
  writeFileSync(getSpecFile(runDir, spec.name), JSON.stringify(spec, null, 2));
  await sleep(300);
  if (findDaemon(runDir, spec.name) === undefined) {
    throw new TestbedError(`${spec.name} exited right after start; see ${logPath}:\n${readLogTail(logPath)}`);
  }
  return pid;
}

export function readLogTail(logPath: string, lines = 15): string {
  try {
    return readFileSync(logPath, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** Stops a daemon we started (SIGTERM, then SIGKILL after timeoutMs). A missing or foreign pid is a no-op. */
export async function stopDaemon(runDir: string, name: string, timeoutMs = 15_000): Promise<boolean> {
  const pid = findDaemon(runDir, name);
  rmSync(getPidFile(runDir, name), { force: true });
  if (pid === undefined) return false;
  logStep(`stopping ${name} (pid ${pid})`);
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (readCmdline(pid) === undefined || isZombie(pid)) return true;
    await sleep(100);
  }
  if (readCmdline(pid)?.includes(runDir)) process.kill(pid, "SIGKILL");
  await sleep(200);
  return true;
}

/** Resident set size of a process in MiB (from /proc), or undefined when it is gone. */
export function readRssMiB(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match?.[1] === undefined ? undefined : Math.round(Number(match[1]) / 1024);
  } catch {
    return undefined;
  }
}
