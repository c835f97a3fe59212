import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const webRoot = fileURLToPath(new URL("..", import.meta.url));
const viteBin = join(dirname(createRequire(import.meta.url).resolve("vite/package.json")), "bin", "vite.js");

/**
 * Builds apps/web/dist so the server under test serves the UI from this checkout, not a stale build.
 * A child process with NODE_ENV=production: inside vitest NODE_ENV is "test", which would bundle React's
 * development build.
 */
export async function buildWebApp(): Promise<void> {
  try {
    await promisify(execFile)(process.execPath, [viteBin, "build", "--logLevel", "warn"], { cwd: webRoot, env: { ...process.env, NODE_ENV: "production" } });
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string };
    throw new Error(`vite build failed:\n${err.stdout ?? ""}${err.stderr ?? ""}`, { cause: e });
  }
}
