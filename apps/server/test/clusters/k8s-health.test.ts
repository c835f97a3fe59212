import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import type { ApiError } from "@meridian/client";
import { loginAs, type Session, startTestServer, type TestServer } from "@meridian/testing";
import { ensureK8sTestbed, type K8sTestbed, startK8sApiserver, stopK8sApiserver } from "@meridian/testing/testbed";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "./helpers.js";

const run = promisify(execFile);
let server: TestServer;
let admin: Session;
let tb: K8sTestbed;
const org = { orgId: "default" };
const ns = `health-${Date.now().toString(36)}`;
const kubectl = (...args: string[]) => run(tb.kubectl, ["--kubeconfig", tb.kubeconfigPath, ...args]).then((r) => r.stdout);
const getCluster = () => admin.client.call("getCluster", { params: { ...org, clusterId: "hb" } });


beforeAll(async () => {
  tb = await ensureK8sTestbed();
  server = await startTestServer();
  admin = await loginAs(server.baseUrl, "admin", server.adminPassword);
  await admin.client.call("createCluster", { params: org, body: { slug: "hb", connection: { kind: "kubernetes", kubeconfig: readFileSync(tb.kubeconfigPath, "utf8") } } });
  await waitFor("ready", async () => (await getCluster()).state === "ready");
});
afterAll(async () => {
  if (tb && !tb.external) await startK8sApiserver(tb).catch(() => undefined);
  await kubectl("delete", "namespace", ns, "--wait=false").catch(() => undefined);
  await server?.stop();
});

describe("cluster health", () => {
  // Skipped against an external cluster (MERIDIAN_TEST_KUBECONFIG): only our own testbed may have its API server stopped.
  it.skipIf(process.env.MERIDIAN_TEST_KUBECONFIG !== undefined)("goes down when the API server stops and recovers by itself, resuming its inventory", async () => {
    await stopK8sApiserver(tb);
    const down = await waitFor("down", async () => {
      const c = await getCluster();
      return c.state === "down" ? c : null;
    });
    const reachable = down.conditions.find((c) => c.type === "Reachable");
    expect(reachable?.status).toBe("False");
    expect(reachable?.reason).toMatch(/ConnectionRefused|Timeout|Unreachable/);
    // The last inventory stays queryable while the cluster is down.
    const stale = await admin.client.call("queryInventory", { params: org, query: { kind: "Node", cluster: "hb" } });
    expect(stale.total).toBeGreaterThan(0);
    expect(stale.incomplete.length).toBeGreaterThan(0);
    await startK8sApiserver(tb);
    const back = await waitFor("ready again", async () => {
      const c = await getCluster();
      return c.state === "ready" && c.inventory.every((i) => i.phase === "watching") ? c : null;
    });
    expect(back.conditions.every((c) => c.status === "True")).toBe(true);
    // Changes made after the restart arrive through the resumed watches.
    await kubectl("create", "namespace", ns);
    await waitFor("new namespace in inventory", async () => (await admin.client.call("queryInventory", { params: org, query: { kind: "Namespace", q: ns } })).total === 1);
    expect(back.streams?.watches).toBeGreaterThan(23);
  });

  it("forgets a disconnected cluster and its inventory", async () => {
    await admin.client.call("deleteCluster", { params: { ...org, clusterId: "hb" } });
    const e = await admin.client.call("queryInventory", { params: org, query: { kind: "Node", cluster: "hb" } }).then(() => null, (x: ApiError) => x);
    expect(e?.status).toBe(404);
    const all = await admin.client.call("queryInventory", { params: org, query: { kind: "Node" } });
    expect(all.total).toBe(0);
  });
});
