import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { loginAs, type Session, startTestServer, type TestServer } from "@meridian/testing";
import { ensureK8sTestbed, type K8sTestbed } from "@meridian/testing/testbed";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorOf, waitFor } from "./helpers.js";

const run = promisify(execFile);
let server: TestServer;
let admin: Session;
let tb: K8sTestbed;
const org = { orgId: "default" };
const suffix = Date.now().toString(36);
const nsA = `acc-a-${suffix}`;
const nsB = `acc-b-${suffix}`;
const kubectl = (...args: string[]) => run(tb.kubectl, ["--kubeconfig", tb.kubeconfigPath, ...args]).then((r) => r.stdout);


beforeAll(async () => {
  tb = await ensureK8sTestbed();
  server = await startTestServer();
  admin = await loginAs(server.baseUrl, "admin", server.adminPassword);
  for (const ns of [nsA, nsB]) {
    await kubectl("create", "namespace", ns);
    await kubectl("-n", ns, "create", "deployment", "app", "--image=registry.local/app:1");
  }
  await admin.client.call("createCluster", { params: org, body: { slug: "main", connection: { kind: "kubernetes", kubeconfig: readFileSync(tb.kubeconfigPath, "utf8") } } });
  await admin.client.call("createCluster", { params: org, body: { slug: "limited", connection: { kind: "kubernetes", kubeconfig: readFileSync(tb.restrictedKubeconfigPath as string, "utf8") } } });
});
afterAll(async () => {
  for (const ns of [nsA, nsB]) await kubectl("delete", "namespace", ns, "--wait=false").catch(() => undefined);
  await server?.stop();
});

describe("permissions inside clusters", () => {
  it("shows Kubernetes permission errors of a restricted cluster user as such", async () => {
    const limited = await waitFor("limited cluster inventory", async () => {
      const c = await admin.client.call("getCluster", { params: { ...org, clusterId: "limited" } });
      return c.state !== "connecting" && c.inventory.some((i) => i.kind === "Secret" && i.phase === "error") ? c : null;
    });
    // It can view cluster-wide but not read Secrets: the cluster is degraded and says why.
    expect(limited.state).toBe("degraded");
    expect(limited.inventory.find((i) => i.kind === "Secret")?.message).toMatch(/forbidden|cannot list/i);
    const e = await errorOf(
      admin.client.call("scaleResource", { params: { ...org, clusterId: "limited" }, body: { kind: "Deployment", namespace: nsB, name: "app", replicas: 2 } }),
    );
    expect(e?.status).toBe(403);
    expect(e?.message).toMatch(/^the cluster refused: .*forbidden/);
    const q = await admin.client.call("queryInventory", { params: org, query: { kind: "Secret", cluster: "limited" } });
    expect(q.incomplete[0]?.phase).toBe("error");
  });

  it("limits environment-scoped members to the namespaces bound to their environments", async () => {
    const project = await admin.client.call("createProject", { params: org, body: { slug: `p-${suffix}`, name: "Shop", environments: ["prod"] } });
    const env = (await admin.client.call("listEnvironments", { params: { ...org, projectId: project.id } })).items[0]!;
    const main = await admin.client.call("getCluster", { params: { ...org, clusterId: "main" } });
    const target = await admin.client.call("createClusterTarget", { params: { ...org, clusterId: "main" }, body: { projectId: project.id, environmentId: env.id, namespace: nsA } });
    expect(target.namespace).toBe(nsA);
    const dup = await errorOf(admin.client.call("createClusterTarget", { params: { ...org, clusterId: "main" }, body: { projectId: project.id, environmentId: env.id, namespace: nsA } }));
    expect(dup?.status).toBe(409);
    // A user with developer rights on that environment only.
    const roles = await admin.client.call("listRoles", { params: org });
    const inv = await admin.client.call("createInvitation", { params: org, body: { email: `dev-${suffix}@example.test`, roleId: roles.items.find((r) => r.slug === "viewer")!.id, teamIds: [] } });
    const r = await fetch(`${server.baseUrl}/api/v1/invitations/${inv.token}/accept`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ signup: { username: `dev-${suffix}`, password: "developer-password-1" } }),
    });
    expect(r.status).toBe(200);
    const dev = await loginAs(server.baseUrl, `dev-${suffix}`, "developer-password-1");
    const member = (await admin.client.call("listMembers", { params: org, query: { q: `dev-${suffix}` } })).items[0]!;
    // Make them a member without organization roles, then give developer on the environment.
    await admin.client.call("createRoleBinding", {
      params: org,
      body: { roleId: roles.items.find((x) => x.slug === "developer")!.id, subject: { kind: "user", id: member.userId }, scope: { kind: "environment", projectId: project.id, environmentId: env.id } },
    });
    await waitFor("bound pods visible", async () => {
      const p = await dev.client.call("queryInventory", { params: org, query: { kind: "Pod", cluster: "main", namespace: [nsA, nsB].join(",") } });
      return p.total > 0 ? p : null;
    });
    // viewer at org scope sees everything; drop that to test the environment scope alone
    for (const b of member.roles) await admin.client.call("deleteRoleBinding", { params: { ...org, bindingId: b.bindingId } });
    const visible = await dev.client.call("queryInventory", { params: org, query: { kind: "Pod", namespace: [nsA, nsB].join(",") } });
    expect(visible.items.length).toBeGreaterThan(0);
    expect(visible.items.every((i) => i.namespace === nsA && i.clusterId === main.id)).toBe(true);
    const nodes = await dev.client.call("queryInventory", { params: org, query: { kind: "Node" } });
    expect(nodes.total).toBe(0);
    // may scale in the bound namespace, not in another one
    await dev.client.call("scaleResource", { params: { ...org, clusterId: "main" }, body: { kind: "Deployment", namespace: nsA, name: "app", replicas: 2 } });
    const denied = await errorOf(dev.client.call("scaleResource", { params: { ...org, clusterId: "main" }, body: { kind: "Deployment", namespace: nsB, name: "app", replicas: 2 } }));
    expect(denied?.status).toBe(403);
    expect(denied?.message).toMatch(/workload:update/);
    const audit = await admin.client.call("listAuditEvents", { params: org, query: { action: "resource.scale", limit: 20 } });
    expect(audit.items.some((e) => e.result === "denied")).toBe(true);
  });
});
