import { execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../bin/meridian.js", import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliRunner {
  (args: string[], opts?: { input?: string; env?: Record<string, string> }): Promise<CliResult>;
  /** Runs with `-o json`, expects exit 0 and returns the parsed stdout. */
  json<T = unknown>(args: string[]): Promise<T>;
}

/** Runs the real `meridian` executable as a child process (argv array, no shell) with its own config file. */
export function createCliRunner(configPath: string): CliRunner {
  const baseEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("MERIDIAN_")) baseEnv[k] = v;
  Object.assign(baseEnv, { MERIDIAN_CONFIG: configPath, NO_COLOR: "1" });
  const run = ((args, opts = {}) =>
    new Promise<CliResult>((resolve) => {
      const child = execFile(process.execPath, [bin, ...args], { env: { ...baseEnv, ...opts.env }, timeout: 30_000 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      });
      child.stdin?.end(opts.input ?? "");
    })) as CliRunner;
  run.json = async <T>(args: string[]) => {
    const r = await run([...args, "-o", "json"]);
    if (r.code !== 0) throw new Error(`meridian ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  };
  return run;
}

export interface CliProcess {
  /** Resolves with everything printed so far once stdout matches. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Sends a signal (Ctrl+C is SIGINT) and resolves with the exit code and output. */
  interrupt(signal?: NodeJS.Signals): Promise<CliResult>;
  output(): string;
}

/** Starts a long-running command (`-f`, `-w`) whose output is read while it runs. */
export function spawnCli(configPath: string, args: string[]): CliProcess {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("MERIDIAN_")) env[k] = v;
  Object.assign(env, { MERIDIAN_CONFIG: configPath, NO_COLOR: "1" });
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number>((resolve) => child.once("close", (code, signal) => resolve(code ?? (signal ? 128 : 1))));
  return {
    output: () => stdout,
    waitForOutput(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(stdout)) return;
          clearTimeout(timer);
          child.stdout.off("data", check);
          resolve(stdout);
        };
        const timer = setTimeout(() => {
          child.stdout.off("data", check);
          reject(new Error(`no ${pattern} in the output of meridian ${args.join(" ")}:\n${stdout}\n${stderr}`));
        }, timeoutMs);
        child.stdout.on("data", check);
        check();
      });
    },
    async interrupt(signal = "SIGINT") {
      child.kill(signal);
      const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const code = await exited;
      clearTimeout(force);
      return { code, stdout, stderr };
    },
  };
}
