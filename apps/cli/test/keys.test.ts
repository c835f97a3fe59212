import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestServer, type TestServer } from "@meridian/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createCliRunner } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "meridian-cli-keys-"));
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ dataDir: join(dir, "data") });
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it("`meridian keys rotate` adds a master key version while the server runs", async () => {
  const cli = createCliRunner(join(dir, "config.json"));
  const r = await cli(["keys", "rotate", "--data-dir", join(dir, "data")]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/added master key v2/);
  expect(readFileSync(join(dir, "data", "master.key"), "utf8")).toMatch(/^v1:.*\nv2:/m);
  const health = await fetch(`${server.baseUrl}/healthz`);
  expect(health.status).toBe(200);
});

it("says what is wrong when the data dir has no key file", async () => {
  const r = await createCliRunner(join(dir, "config.json"))(["keys", "rotate", "--data-dir", join(dir, "nowhere")]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/no key file at .*nowhere/);
});
