import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { loginAs, type Session, startTestServer, type TestServer } from "@meridian/testing";
import { ensureSwarmTestbed, type SwarmTestbed } from "@meridian/testing/testbed";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorOf, waitFor } from "./helpers.js";

const run = promisify(execFile);
let server: TestServer;
let admin: Session;
let tb: SwarmTestbed;
const org = { orgId: "default" };
const svc = `echo-${Date.now().toString(36)}`;
const stack = "shop";
const docker = (...args: string[]) => run("docker", args, { env: { ...process.env, DOCKER_HOST: tb.dockerHost } }).then((r) => r.stdout.trim());
const cluster = { ...org, clusterId: "swarm" };


const spec = (image: string, replicas: number) => `kind: SwarmService
name: ${svc}
namespace: ${stack}
image: ${image}
replicas: ${replicas}
constraints: ["node.role==manager"]
command: ["sh", "-c", "i=0; while true; do echo line-$i from $HOSTNAME; i=$((i+1)); sleep 0.5; done"]
`;

beforeAll(async () => {
  tb = await ensureSwarmTestbed();
  server = await startTestServer();
  admin = await loginAs(server.baseUrl, "admin", server.adminPassword);
});
afterAll(async () => {
  await docker("service", "rm", svc).catch(() => undefined);
  await server?.stop();
});

describe("Docker Swarm clusters", () => {
  it("refuses unreachable Docker endpoints with a clear error", async () => {
    const e = await errorOf(admin.client.call("createCluster", { params: org, body: { slug: "nope", connection: { kind: "swarm", host: "unix:///tmp/no-such-docker.sock" } } }));
    expect(e?.status).toBe(400);
    expect(e?.message).toMatch(/no-such-docker\.sock/);
    const tcp = await errorOf(admin.client.call("createCluster", { params: org, body: { slug: "nope", connection: { kind: "swarm", host: "tcp://127.0.0.1:1" } } }));
    expect(tcp?.message).toMatch(/127\.0\.0\.1:1/);
  });

  it("connects over the unix socket and lists nodes with capacity", async () => {
    const c = await admin.client.call("createCluster", { params: org, body: { slug: "swarm", connection: { kind: "swarm", host: tb.dockerHost } } });
    expect(c.runtime).toBe("swarm");
    expect(c.authMethod).toBe("unix-socket");
    const ready = await waitFor("swarm ready", async () => {
      const x = await admin.client.call("getCluster", { params: cluster });
      return x.state === "ready" && x.summary.nodes >= 1 ? x : null;
    });
    expect(ready.summary.cpuCapacity).toBeGreaterThan(0);
    expect(ready.version).toBeTruthy();
    const nodes = await admin.client.call("queryInventory", { params: org, query: { kind: "SwarmNode", cluster: "swarm" } });
    expect(nodes.total).toBe(ready.summary.nodes);
  });

  it("runs a service's lifecycle: apply with diff, tasks, scale, logs, update, rollback, remove", async () => {
    const preview = await admin.client.call("applyResources", { params: cluster, body: { yaml: spec(tb.images.busybox, 1), dryRun: true } });
    expect(preview.results[0]?.action).toBe("created");
    expect(await docker("service", "ls", "-q", "--filter", `name=${svc}`)).toBe("");
    await admin.client.call("applyResources", { params: cluster, body: { yaml: spec(tb.images.busybox, 1) } });
    await waitFor("running task", async () => {
      const p = await admin.client.call("queryInventory", { params: org, query: { kind: "SwarmTask", namespace: stack, owner: `SwarmService/${svc}`, status: "running" } });
      return p.total === 1;
    });
    await admin.client.call("scaleResource", { params: cluster, body: { kind: "SwarmService", namespace: stack, name: svc, replicas: 2 } });
    await waitFor("two running tasks", async () => {
      const p = await admin.client.call("queryInventory", { params: org, query: { kind: "SwarmTask", owner: `SwarmService/${svc}`, status: "running" } });
      return p.total === 2;
    });
    expect(await docker("service", "inspect", svc, "--format", "{{.Spec.Mode.Replicated.Replicas}}")).toBe("2");
    // merged logs of both replicas, with search
    const res = await fetch(`${server.baseUrl}/api/v1/orgs/default/clusters/swarm/logs?kind=SwarmService&namespace=${stack}&name=${svc}&tail=20&q=line-`, { headers: { cookie: admin.cookie } });
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split("\n").map((l) => JSON.parse(l) as { source: string; line: string });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.line.includes("line-"))).toBe(true);
    // following streams new lines until the client goes away
    const ctl = new AbortController();
    const follow = await fetch(`${server.baseUrl}/api/v1/orgs/default/clusters/swarm/logs?kind=SwarmService&namespace=${stack}&name=${svc}&follow=true&tail=0`, { headers: { cookie: admin.cookie }, signal: ctl.signal });
    const reader = (follow.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toMatch(/line-\d+/);
    ctl.abort();
    // update to another image, then roll back to the previous spec
    const update = await admin.client.call("applyResources", { params: cluster, body: { yaml: spec((tb.images.testapp.v1 as string), 2), dryRun: true } });
    expect(update.results[0]?.action).toBe("configured");
    expect(update.results[0]?.diff).toContain("testapp");
    await admin.client.call("applyResources", { params: cluster, body: { yaml: spec((tb.images.testapp.v1 as string), 2) } });
    expect(await docker("service", "inspect", svc, "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}")).toContain("testapp");
    await admin.client.call("rollbackResource", { params: cluster, body: { kind: "SwarmService", namespace: stack, name: svc } });
    expect(await docker("service", "inspect", svc, "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}")).toContain("busybox");
    await admin.client.call("restartResource", { params: cluster, body: { kind: "SwarmService", namespace: stack, name: svc } });
    expect(Number(await docker("service", "inspect", svc, "--format", "{{.Spec.TaskTemplate.ForceUpdate}}"))).toBeGreaterThan(0);
    const detail = await admin.client.call("getResource", { params: cluster, query: { kind: "SwarmService", namespace: stack, name: svc } });
    expect(detail.related.some((r) => r.kind === "SwarmTask")).toBe(true);
    await admin.client.call("deleteResource", { params: cluster, query: { kind: "SwarmService", namespace: stack, name: svc } });
    expect(await docker("service", "ls", "-q", "--filter", `name=${svc}`)).toBe("");
    await waitFor("service gone from inventory", async () => (await admin.client.call("queryInventory", { params: org, query: { kind: "SwarmService", q: svc } })).total === 0);
    const audit = await admin.client.call("listAuditEvents", { params: org, query: { action: "resource.scale", limit: 5 } });
    expect(audit.items[0]?.target.name).toContain(svc);
  });

  it("pauses and activates a node", async () => {
    const node = (await admin.client.call("queryInventory", { params: org, query: { kind: "SwarmNode", cluster: "swarm" } })).items[0]!;
    await admin.client.call("setNodeSchedulable", { params: { ...cluster, node: node.name }, body: { schedulable: false } });
    expect(await docker("node", "inspect", node.uid, "--format", "{{.Spec.Availability}}")).toBe("pause");
    await admin.client.call("setNodeSchedulable", { params: { ...cluster, node: node.name }, body: { schedulable: true } });
    expect(await docker("node", "inspect", node.uid, "--format", "{{.Spec.Availability}}")).toBe("active");
  });
});
