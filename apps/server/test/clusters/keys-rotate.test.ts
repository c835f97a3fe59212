import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { loginAs, serverBundle, startTestServer, type TestServer } from "@meridian/testing";
import { ensureK8sTestbed, type K8sTestbed } from "@meridian/testing/testbed";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "./helpers.js";

const run = promisify(execFile);
let server: TestServer;
let tb: K8sTestbed;
const dataDir = mkdtempSync(join(tmpdir(), "meridian-rotate-"));
const org = { orgId: "default" };


beforeAll(async () => {
  tb = await ensureK8sTestbed();
  server = await startTestServer({ dataDir });
});
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("meridian keys rotate", () => {
  it("rewraps every data key under a new master key while the server runs, and secrets still open after a restart", async () => {
    const admin = await loginAs(server.baseUrl, "admin", server.adminPassword);
    await admin.client.call("createCluster", { params: org, body: { slug: "rot", connection: { kind: "kubernetes", kubeconfig: readFileSync(tb.kubeconfigPath, "utf8") } } });
    const keyFile = join(server.dataDir, "master.key");
    expect(readFileSync(keyFile, "utf8")).toMatch(/^v1:/m);
    const r = await run(process.execPath, [serverBundle, "keys", "rotate", "--data-dir", server.dataDir], { env: { ...process.env, MERIDIAN_DATABASE_URL: "" } });
    expect(r.stdout).toMatch(/added master key v2/);
    expect(r.stdout).toMatch(/rewrapped 1\/1 data keys/);
    expect(readFileSync(keyFile, "utf8")).toMatch(/^v2:/m);
    const db = await server.openDatabase();
    try {
      const keys = await db.query<{ kek_version: number }>("SELECT kek_version FROM data_keys");
      expect(keys.rows.map((k) => k.kek_version)).toEqual([2]);
    } finally {
      await db.close();
    }
    // The running server keeps working: new credentials are encrypted and the cluster reconnects with them.
    await admin.client.call("updateCluster", { params: { ...org, clusterId: "rot" }, body: { connection: { kind: "kubernetes", kubeconfig: readFileSync(tb.kubeconfigPath, "utf8") } } });
    await waitFor("ready", async () => (await admin.client.call("getCluster", { params: { ...org, clusterId: "rot" } })).state === "ready");
    // After a restart the stored credentials are decrypted through the rewrapped data key.
    await server.stop();
    server = await startTestServer({ dataDir });
    const again = await loginAs(server.baseUrl, "admin", server.adminPassword);
    await waitFor("ready after restart", async () => (await again.client.call("getCluster", { params: { ...org, clusterId: "rot" } })).state === "ready");
  });

  it("refuses to rotate a master key given in the environment", async () => {
    const e = await run(process.execPath, [serverBundle, "keys", "rotate", "--data-dir", server.dataDir], {
      env: { ...process.env, MERIDIAN_MASTER_KEY: Buffer.alloc(32, 7).toString("base64") },
    }).then(() => null, (x: { code: number; stderr: string }) => x);
    expect(e?.code).toBe(1);
    expect(e?.stderr).toMatch(/MERIDIAN_MASTER_KEY/);
  });
});
