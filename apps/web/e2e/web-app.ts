import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const webRoot = fileURLToPath(new URL("..", import.meta.url));
const viteBin = join(dirname(createRequire(import.meta.url).resolve("vite/package.json")), "bin", "vite.js");

export interface BuiltWebApp {
  /** Pass as MERIDIAN_WEB_DIR to the server under test. */
  dir: string;
  remove(): Promise<void>;
}

/**
 * Builds the UI of this checkout into a temp dir, so tests never serve a stale build and never overwrite
 * apps/web/dist under a developer's running server. A child process with NODE_ENV=production: inside
 * vitest NODE_ENV is "test", which would bundle React's development build.
 */
export async function buildWebApp(): Promise<BuiltWebApp> {
  const dir = await mkdtemp(join(tmpdir(), "meridian-web-"));
  try {
    await promisify(execFile)(process.execPath, [viteBin, "build", "--logLevel", "warn", "--outDir", dir, "--emptyOutDir"], {
      cwd: webRoot,
      env: { ...process.env, NODE_ENV: "production" },
    });
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string };
    throw new Error(`vite build failed:\n${err.stdout ?? ""}${err.stderr ?? ""}`, { cause: e });
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
