import { execFile } from "node:child_process";

export interface Kubectl {
  (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Runs with `-o json`, expects success and returns the parsed object. */
  json<T = Record<string, unknown>>(...args: string[]): Promise<T>;
}

/** The testbed's kubectl with the admin kubeconfig, to check the cluster itself rather than Meridian's view. */
export function createKubectl(bin: string, kubeconfig: string): Kubectl {
  const run = ((...args: string[]) =>
    new Promise((resolve) => {
      execFile(bin, ["--kubeconfig", kubeconfig, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
      });
    })) as Kubectl;
  run.json = async <T>(...args: string[]) => {
    const r = await run(...args, "-o", "json");
    if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  };
  return run;
}

/** Retries `check` until it stops throwing (the inventory follows the cluster by watch, a moment later). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 30_000, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }
}
