import { execFile } from "node:child_process";
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
