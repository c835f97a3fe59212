import { execFile, spawn } from "node:child_process";
import { TestbedError } from "./log.js";

export type RunOptions = {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
  timeoutMs?: number;
  /** Stream the child's output to our stderr (long builds, apt). */
  inherit?: boolean;
};

export type RunResult = { stdout: string; stderr: string };

/** Runs argv (never through a shell) and resolves with its output; rejects with stderr on failure. */
export function runCommand(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const [file, ...args] = argv;
  if (file === undefined) throw new TestbedError("runCommand: empty argv");
  if (options.inherit) return runInherited(file, args, options);
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { cwd: options.cwd, env: options.env, timeout: options.timeoutMs, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new TestbedError(`${argv.join(" ")} failed: ${error.message}\n${stderr}`.trim(), { cause: error }));
          return;
        }
        resolve({ stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

function runInherited(file: string, args: string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", process.stderr, process.stderr],
      timeout: options.timeoutMs,
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (code === 0) resolve({ stdout: "", stderr: "" });
      else reject(new TestbedError(`${file} ${args.join(" ")} exited with ${code ?? signal}`));
    });
  });
}

export async function isCommandAvailable(name: string): Promise<boolean> {
  try {
    await runCommand(["which", name]);
    return true;
  } catch {
    return false;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls check() until it returns a value other than undefined/false, or throws after timeoutMs. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs: number,
  intervalMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(intervalMs);
  }
  const detail = lastError instanceof Error ? `: ${lastError.message}` : "";
  throw new TestbedError(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}${detail}`);
}
