import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The repository root (this file is packages/testing/src/testbed/cli.ts). */
export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

/**
 * Runs `npm run testbed -- <args>` equivalently (node --import tsx testbed/src/main.ts), as a separate process so
 * that the daemons it starts are not children of the test runner. Rejects with the CLI's stderr on failure.
 */
export function runTestbedCli(args: string[], options: { timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "testbed/src/main.ts", ...args],
      { cwd: repoRoot, timeout: options.timeoutMs ?? 60 * 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`testbed ${args.join(" ")} failed: ${stderr || error.message}`, { cause: error }));
        else resolve(stdout);
      },
    );
  });
}
