import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestServer, type TestServer } from "@meridian/testing";
import { ensureK8sTestbed, type K8sTestbed } from "@meridian/testing/testbed";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKubectl, type Kubectl } from "./kube.js";
import { type CliRunner, createCliRunner } from "./run-cli.js";

const ns = `create-${Date.now().toString(36)}`;
let server: TestServer;
let testbed: K8sTestbed;
let kubectl: Kubectl;
let dir: string;
let cli: CliRunner;

beforeAll(async () => {
  [server, testbed] = await Promise.all([startTestServer(), ensureK8sTestbed()]);
  kubectl = createKubectl(testbed.kubectl, testbed.kubeconfigPath);
  dir = mkdtempSync(join(tmpdir(), "meridian-cli-create-"));
  cli = createCliRunner(join(dir, "config.json"));
  const login = await cli(["login", "--server", server.baseUrl, "--username", "admin", "--password-stdin"], { input: server.adminPassword });
  if (login.code !== 0) throw new Error(login.stderr);
  const add = await cli(["clusters", "add", "tb", "--kubeconfig", testbed.kubeconfigPath]);
  if (add.code !== 0) throw new Error(add.stderr);
});
afterAll(async () => {
  await kubectl?.("delete", "namespace", ns, "--wait=false");
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const json = async (...args: string[]) => JSON.parse((await kubectl(...args, "-o", "json")).stdout);

describe("meridian create", () => {
  it("creates a namespace, a quota, a limit range, a role, a binding and a network policy from flags", async () => {
    expect((await cli(["create", "namespace", ns, "--label", "team=shop"])).stdout).toContain(`namespace/${ns} created`);
    expect((await json("get", "namespace", ns)).metadata.labels.team).toBe("shop");
    const dry = await cli(["create", "quota", "caps", "-n", ns, "--requests-cpu", "4", "--limits-memory", "8Gi", "--pods", "20", "--dry-run"]);
    expect(dry.stdout).toMatch(/resourcequota\/caps created \(dry run\)/);
    expect((await kubectl("-n", ns, "get", "resourcequota", "caps", "--ignore-not-found")).stdout).toBe("");
    await cli(["create", "quota", "caps", "-n", ns, "--requests-cpu", "4", "--limits-memory", "8Gi", "--pods", "20"]);
    expect((await json("-n", ns, "get", "resourcequota", "caps")).spec.hard).toEqual({ "requests.cpu": "4", "limits.memory": "8Gi", pods: "20" });
    await cli(["create", "limitrange", "defaults", "-n", ns, "--default-request-cpu", "100m", "--default-limit-memory", "256Mi"]);
    expect((await json("-n", ns, "get", "limitrange", "defaults")).spec.limits[0].defaultRequest.cpu).toBe("100m");
    await cli(["create", "role", "reader", "-n", ns, "--verb", "get,list", "--resource", "pods,deployments", "--api-group", ",apps"]);
    expect((await json("-n", ns, "get", "role", "reader")).rules[0].verbs).toEqual(["get", "list"]);
    await cli(["create", "rolebinding", "readers", "-n", ns, "--role", "reader", "--user", "ana", "--serviceaccount", "ci"]);
    const rb = await json("-n", ns, "get", "rolebinding", "readers");
    expect(rb.subjects.map((s: { kind: string; name: string }) => `${s.kind}/${s.name}`)).toEqual(["User/ana", "ServiceAccount/ci"]);
    await cli(["create", "networkpolicy", "web", "-n", ns, "--pod-selector", "app=web", "--allow-from-pod", "app=gw", "--port", "8080/tcp"]);
    const np = await json("-n", ns, "get", "networkpolicy", "web");
    expect(np.spec.ingress[0].ports[0]).toEqual({ port: 8080, protocol: "TCP" });
  });

  it("rejects bad flags with the field named, changing nothing", async () => {
    const r = await cli(["create", "quota", "bad", "-n", ns, "--requests-cpu", "lots"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/requestsCpu: a quantity/);
    const none = await cli(["create", "quota", "empty", "-n", ns]);
    expect(none.stderr).toMatch(/at least one limit/);
    const both = await cli(["create", "rolebinding", "x", "-n", ns, "--role", "a", "--clusterrole", "b", "--user", "u"]);
    expect(both.stderr).toMatch(/exactly one of --role or --clusterrole/);
    expect((await kubectl("-n", ns, "get", "resourcequota", "bad", "--ignore-not-found")).stdout).toBe("");
  });
});
