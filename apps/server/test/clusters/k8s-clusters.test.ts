import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import type { Cluster } from "@meridian/core";
import { loginAs, type Session, startTestServer, type TestServer } from "@meridian/testing";
import { ensureK8sTestbed, type K8sTestbed } from "@meridian/testing/testbed";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { errorOf, waitFor } from "./helpers.js";

const run = promisify(execFile);
let server: TestServer;
let admin: Session;
let tb: K8sTestbed;
const ns = `mer-${Date.now().toString(36)}`;
const org = { orgId: "default" };

const kubectl = (...args: string[]) => run(tb.kubectl, ["--kubeconfig", tb.kubeconfigPath, ...args]).then((r) => r.stdout);


const getCluster = (ref: string) => admin.client.call("getCluster", { params: { ...org, clusterId: ref } }) as Promise<Cluster>;

beforeAll(async () => {
  tb = await ensureK8sTestbed();
  server = await startTestServer();
  admin = await loginAs(server.baseUrl, "admin", server.adminPassword);
  await kubectl("create", "namespace", ns);
});
afterAll(async () => {
  await kubectl("delete", "namespace", ns, "--wait=false").catch(() => undefined);
  await server?.stop();
});

describe("connecting Kubernetes clusters", () => {
  it("lists a kubeconfig's contexts and says which cannot be used and why", async () => {
    const good = await admin.client.call("inspectKubeconfig", { params: org, body: { kubeconfig: readFileSync(tb.kubeconfigPath, "utf8") } });
    expect(good.contexts.length).toBeGreaterThan(0);
    expect(good.contexts[0]?.problem).toBeNull();
    const eks = `apiVersion: v1
kind: Config
clusters: [{ name: eks, cluster: { server: "https://example.eks.amazonaws.com", certificate-authority-data: "" } }]
users: [{ name: eks-user, user: { exec: { apiVersion: client.authentication.k8s.io/v1beta1, command: aws, args: [eks, get-token, --cluster-name, prod] } } }]
contexts: [{ name: prod, context: { cluster: eks, user: eks-user } }]
current-context: prod
`;
    const r = await admin.client.call("inspectKubeconfig", { params: org, body: { kubeconfig: eks } });
    expect(r.contexts[0]?.authMethod).toBe("exec");
    expect(r.contexts[0]?.problem).toMatch(/aws eks get-token.*Amazon EKS/);
    const e = await errorOf(admin.client.call("createCluster", { params: org, body: { slug: "eks", connection: { kind: "kubernetes", kubeconfig: eks } } }));
    expect(e?.status).toBe(400);
    expect(e?.message).toMatch(/credential plugins|exec/);
  });

  it("refuses bad kubeconfigs, unknown contexts and unreachable servers with clear errors, storing nothing", async () => {
    const notYaml = await errorOf(admin.client.call("createCluster", { params: org, body: { slug: "bad", connection: { kind: "kubernetes", kubeconfig: "{{{" } } }));
    expect(notYaml?.status).toBe(400);
    expect(notYaml?.message).toMatch(/not valid YAML/);
    const ctx = await errorOf(admin.client.call("createCluster", { params: org, body: { slug: "bad", connection: { kind: "kubernetes", kubeconfig: readFileSync(tb.kubeconfigPath, "utf8"), context: "nope" } } }));
    expect(ctx?.message).toMatch(/context 'nope' is not in the kubeconfig/);
    const down = await errorOf(admin.client.call("createCluster", { params: org, body: { slug: "bad", connection: { kind: "kubernetes", server: "https://127.0.0.1:1", token: "x", insecureSkipTlsVerify: true } } }));
    expect(down?.status).toBe(400);
    expect(down?.message).toMatch(/cannot connect to https:\/\/127\.0\.0\.1:1.*connection refused/);
    const wrongCa = await errorOf(
      admin.client.call("createCluster", { params: org, body: { slug: "bad", connection: { kind: "kubernetes", server: tb.server, token: "x" } } }),
    );
    expect(wrongCa?.message).toMatch(/TLS verification failed|certificate/);
    const list = await admin.client.call("listClusters", { params: org });
    expect(list.items.find((c) => c.slug === "bad")).toBeUndefined();
  });

  it("connects with a kubeconfig, encrypts the credentials and becomes ready with a full inventory", async () => {
    const kubeconfig = readFileSync(tb.kubeconfigPath, "utf8");
    const created = await admin.client.call("createCluster", { params: org, body: { slug: "testbed", name: "Testbed", labels: { env: "test" }, connection: { kind: "kubernetes", kubeconfig } } });
    expect(created.runtime).toBe("kubernetes");
    expect(created.endpoint).toBe(tb.server);
    const ready = await waitFor("cluster ready", async () => {
      const c = await getCluster("testbed");
      return c.state === "ready" && c.summary.nodes >= 3 && c ? c : null;
    });
    expect(ready.version).toMatch(/^v1\./);
    expect(ready.conditions.map((c) => [c.type, c.status])).toEqual([
      ["Reachable", "True"],
      ["Authenticated", "True"],
      ["Ready", "True"],
    ]);
    expect(ready.summary.cpuCapacity).toBeGreaterThan(0);
    // Stored encrypted, and nothing secret comes back from the API.
    const db = await server.openDatabase();
    try {
      const row = await db.query<{ credentials: string }>("SELECT credentials FROM clusters WHERE slug = 'testbed'");
      expect(row.rows[0]?.credentials).toMatch(/^enc:/);
      const keyData = (parse(kubeconfig) as { users: { user: Record<string, string> }[] }).users[0]?.user["client-key-data"] ?? "";
      const pem = Buffer.from(keyData, "base64").toString("utf8").split("\n")[1] ?? "";
      expect(pem.length).toBeGreaterThan(10);
      expect(row.rows[0]?.credentials.includes(pem)).toBe(false);
      expect(JSON.stringify(await getCluster("testbed")).includes(pem)).toBe(false);
      const audit = await db.query<{ summary: unknown }>("SELECT summary FROM audit_events WHERE action = 'cluster.create' ORDER BY time DESC LIMIT 1");
      expect(JSON.stringify(audit.rows[0]?.summary)).not.toContain(pem.slice(0, 20));
    } finally {
      await db.close();
    }
  });

  it("lists every built-in kind from the live inventory", async () => {
    await kubectl("-n", ns, "create", "deployment", "web", "--image=registry.local/web:1", "--replicas=2");
    await kubectl("-n", ns, "create", "configmap", "cfg", "--from-literal=color=blue");
    await kubectl("-n", ns, "create", "secret", "generic", "db", "--from-literal=password=s3cr3t-value");
    await kubectl("-n", ns, "create", "service", "clusterip", "web", "--tcp=80:8080");
    await kubectl("-n", ns, "create", "job", "once", "--image=registry.local/job:1");
    await kubectl("-n", ns, "create", "cronjob", "nightly", "--image=registry.local/job:1", "--schedule=0 3 * * *");
    const kinds = ["Node", "Namespace", "Deployment", "ReplicaSet", "Pod", "Service", "EndpointSlice", "ConfigMap", "Secret", "Job", "CronJob", "Event", "Role", "RoleBinding"];
    for (const kind of kinds) {
      const page = await waitFor(`${kind} items`, async () => {
        const p = await admin.client.call("queryInventory", { params: org, query: { kind, cluster: "testbed" } });
        return p.total > 0 ? p : null;
      });
      expect(page.items[0]?.kind).toBe(kind);
    }
    // Kinds with nothing in them yet still answer (and report a complete inventory).
    for (const kind of ["StatefulSet", "DaemonSet", "Ingress", "PersistentVolumeClaim", "PersistentVolume", "ResourceQuota", "LimitRange", "NetworkPolicy", "CustomResourceDefinition"]) {
      const p = await admin.client.call("queryInventory", { params: org, query: { kind } });
      expect(p.incomplete).toEqual([]);
    }
    const pods = await waitFor("running pods", async () => {
      const p = await admin.client.call("queryInventory", { params: org, query: { kind: "pods", namespace: ns, selector: "app=web", status: "Running" } });
      return p.total === 2 ? p : null;
    });
    expect(pods.items.every((p) => p.summary.node && p.health === "ok")).toBe(true);
    // Nodes carry what their pods request, summed by the server.
    const nodes = await admin.client.call("queryInventory", { params: org, query: { kind: "Node", cluster: "testbed" } });
    const podCount = nodes.items.reduce((n, x) => n + Number(x.summary.podCount), 0);
    const allPods = await admin.client.call("queryInventory", { params: org, query: { kind: "Pod", cluster: "testbed", limit: 1000 } });
    expect(podCount).toBe(allPods.items.filter((p) => p.summary.node && !["Succeeded", "Failed", "Completed"].includes(p.status)).length);
    // Secrets: key names only, never values, in the inventory and in the object view.
    const secret = await admin.client.call("queryInventory", { params: org, query: { kind: "secret", namespace: ns, q: "db" } });
    expect(secret.items[0]?.summary.keys).toBe("password");
    expect(JSON.stringify(secret)).not.toContain(Buffer.from("s3cr3t-value").toString("base64"));
    const detail = await admin.client.call("getResource", { params: { ...org, clusterId: "testbed" }, query: { kind: "Secret", namespace: ns, name: "db" } });
    expect(JSON.stringify(detail)).not.toContain(Buffer.from("s3cr3t-value").toString("base64"));
    expect(detail.yaml).toContain("password: (hidden by Meridian)");
  });

  it("discovers CRDs and lists and reads their objects", async () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.example.com }
spec:
  group: example.com
  scope: Namespaced
  names: { plural: widgets, singular: widget, kind: Widget }
  versions:
    - name: v1
      served: true
      storage: true
      schema: { openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true } }
`;
    await admin.client.call("applyResources", { params: { ...org, clusterId: "testbed" }, body: { yaml: crd } });
    await waitFor("CRD established", async () => (await admin.client.call("queryInventory", { params: org, query: { kind: "crd", q: "widgets" } })).items[0]?.status === "Established");
    // objects of the new kind are applied and watched without a restart
    await waitFor("widget applied", () =>
      admin.client.call("applyResources", { params: { ...org, clusterId: "testbed" }, body: { yaml: `apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: gizmo, namespace: ${ns} }\nspec: { size: 3 }\n` } }),
    );
    const widgets = await waitFor("widgets in inventory", async () => {
      const p = await admin.client.call("queryInventory", { params: org, query: { kind: "Widget", group: "example.com" } });
      return p.total === 1 ? p : null;
    });
    expect(widgets.items[0]?.name).toBe("gizmo");
    const detail = await admin.client.call("getResource", { params: { ...org, clusterId: "testbed" }, query: { kind: "Widget", namespace: ns, name: "gizmo" } });
    expect(detail.yaml).toContain("size: 3");
    await kubectl("delete", "crd", "widgets.example.com");
    await waitFor("widgets gone", async () => (await admin.client.call("queryInventory", { params: org, query: { kind: "Widget" } })).total === 0);
  });

  it("pages, sorts and filters across the query", async () => {
    const all = await admin.client.call("queryInventory", { params: org, query: { kind: "Event", namespace: ns, limit: 1000 } });
    expect(all.total).toBeGreaterThan(3);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const p = await admin.client.call("queryInventory", { params: org, query: { kind: "Event", namespace: ns, limit: 2, cursor, sort: "-name" } });
      seen.push(...p.items.map((i) => i.key));
      cursor = p.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(all.total);
    const bad = await errorOf(admin.client.call("queryInventory", { params: org, query: { kind: "Pod", selector: "app in web" } }));
    expect(bad?.status).toBe(400);
    const unknownCluster = await errorOf(admin.client.call("queryInventory", { params: org, query: { kind: "Pod", cluster: "nope" } }));
    expect(unknownCluster?.status).toBe(404);
  });
});

/** Reads an SSE response until `until` says stop; returns the events seen. */
async function readEvents(res: Response, until: (events: { event: string; data: unknown }[]) => boolean, timeoutMs = 20_000) {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const dec = new TextDecoder();
  const events: { event: string; data: unknown }[] = [];
  let buf = "";
  const timer = setTimeout(() => void reader.cancel(), timeoutMs);
  try {
    while (!until(events)) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let i = buf.indexOf("\n\n");
      while (i >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const ev = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (ev && data) events.push({ event: ev, data: JSON.parse(data) });
        i = buf.indexOf("\n\n");
      }
    }
  } finally {
    clearTimeout(timer);
    await reader.cancel().catch(() => undefined);
  }
  return events;
}

describe("managing resources", () => {
  it("streams the changes matching a query over SSE", async () => {
    const res = await fetch(`${server.baseUrl}/api/v1/orgs/default/inventory/stream?kind=Pod&namespace=${ns}&selector=app%3Dweb`, { headers: { cookie: admin.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const collecting = readEvents(res, (evs) => evs.filter((e) => e.event === "upsert" && (e.data as { status: string }).status === "Running").length >= 1 && evs.some((e) => e.event === "hello"));
    await new Promise((r) => setTimeout(r, 300));
    await admin.client.call("scaleResource", { params: { ...org, clusterId: "testbed" }, body: { kind: "deploy", namespace: ns, name: "web", replicas: 3 } });
    const events = await collecting;
    const upserts = events.filter((e) => e.event === "upsert").map((e) => e.data as { kind: string; namespace: string; labels: Record<string, string> });
    expect(upserts.length).toBeGreaterThan(0);
    expect(upserts.every((u) => u.kind === "Pod" && u.namespace === ns && u.labels.app === "web")).toBe(true);
    const deployment = JSON.parse(await kubectl("-n", ns, "get", "deployment", "web", "-o", "json"));
    expect(deployment.spec.replicas).toBe(3);
    // The stream's subscription ends when the client goes away.
    await waitFor("no subscribers left", async () => /meridian_inventory_subscribers 0\b/.test(await (await fetch(`${server.baseUrl}/metrics`)).text()));
    const metrics = await (await fetch(`${server.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/meridian_inventory_objects\{cluster="testbed",kind="Pod"\} [1-9]/);
    expect(metrics).toMatch(/meridian_cluster_ready\{cluster="testbed",state="ready"\} 1/);
  });

  it("previews an apply as a diff, applies it with server-side apply and audits it", async () => {
    const yaml = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
spec:
  replicas: 3
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: registry.local/web:2
---
apiVersion: v1
kind: ConfigMap
metadata: { name: extra, namespace: ${ns} }
data: { a: "1" }
`;
    const preview = await admin.client.call("applyResources", { params: { ...org, clusterId: "testbed" }, body: { yaml, dryRun: true } });
    expect(preview.results.map((r) => [r.kind, r.action])).toEqual([
      ["Deployment", "configured"],
      ["ConfigMap", "created"],
    ]);
    expect(preview.results[0]?.diff).toMatch(/-\s+- image: registry\.local\/web:1|-\s+image: registry\.local\/web:1/);
    expect(preview.results[0]?.diff).toMatch(/\+\s+(- )?image: registry\.local\/web:2/);
    // a dry run changes nothing
    expect(await kubectl("-n", ns, "get", "configmap", "extra", "--ignore-not-found")).toBe("");
    const applied = await admin.client.call("applyResources", { params: { ...org, clusterId: "testbed" }, body: { yaml } });
    expect(applied.results.map((r) => r.action)).toEqual(["configured", "created"]);
    const dep = JSON.parse(await kubectl("-n", ns, "get", "deployment", "web", "-o", "json", "--show-managed-fields"));
    expect(dep.spec.template.spec.containers[0].image).toBe("registry.local/web:2");
    expect(dep.metadata.managedFields.some((f: { manager: string }) => f.manager === "meridian")).toBe(true);
    const again = await admin.client.call("applyResources", { params: { ...org, clusterId: "testbed" }, body: { yaml, dryRun: true } });
    expect(again.results.map((r) => r.action)).toEqual(["unchanged", "unchanged"]);
    // Invalid objects are refused by the cluster and nothing of the batch is applied.
    const bad = await errorOf(
      admin.client.call("applyResources", {
        params: { ...org, clusterId: "testbed" },
        body: { yaml: `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: first-ok, namespace: ${ns} }\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: broken, namespace: ${ns} }\nspec: { replicas: "many" }\n` },
      }),
    );
    expect(bad?.status).toBe(400);
    expect(await kubectl("-n", ns, "get", "configmap", "first-ok", "--ignore-not-found")).toBe("");
    const events = await admin.client.call("listAuditEvents", { params: org, query: { action: "resource.apply", limit: 10 } });
    expect(events.items.length).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(events.items[0]?.summary)).toMatch(/Deployment|ConfigMap/);
  });

  it("restarts, rolls back and deletes, and reads objects with their events and related objects", async () => {
    await admin.client.call("restartResource", { params: { ...org, clusterId: "testbed" }, body: { kind: "Deployment", namespace: ns, name: "web" } });
    const dep = JSON.parse(await kubectl("-n", ns, "get", "deployment", "web", "-o", "json"));
    expect(dep.spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]).toBeTruthy();
    await waitFor("two revisions", async () => {
      const p = await admin.client.call("queryInventory", { params: org, query: { kind: "ReplicaSet", namespace: ns, owner: "Deployment/web" } });
      return p.total >= 2;
    });
    await admin.client.call("rollbackResource", { params: { ...org, clusterId: "testbed" }, body: { kind: "Deployment", namespace: ns, name: "web" } });
    const rolled = JSON.parse(await kubectl("-n", ns, "get", "deployment", "web", "-o", "json"));
    expect(rolled.spec.template.metadata.annotations?.["kubectl.kubernetes.io/restartedAt"]).toBeUndefined();
    const detail = await admin.client.call("getResource", { params: { ...org, clusterId: "testbed" }, query: { kind: "Deployment", namespace: ns, name: "web" } });
    expect(detail.yaml).toContain("kind: Deployment");
    expect(detail.yaml).not.toContain("managedFields");
    expect(detail.related.some((r) => r.kind === "ReplicaSet")).toBe(true);
    expect(detail.related.some((r) => r.kind === "Pod")).toBe(true);
    expect(detail.events.some((e) => e.summary.reason === "ScalingReplicaSet")).toBe(true);
    await admin.client.call("deleteResource", { params: { ...org, clusterId: "testbed" }, query: { kind: "ConfigMap", namespace: ns, name: "extra" } });
    expect(await kubectl("-n", ns, "get", "configmap", "extra", "--ignore-not-found")).toBe("");
    const gone = await errorOf(admin.client.call("getResource", { params: { ...org, clusterId: "testbed" }, query: { kind: "ConfigMap", namespace: ns, name: "extra" } }));
    expect(gone?.status).toBe(404);
    const cannot = await errorOf(admin.client.call("scaleResource", { params: { ...org, clusterId: "testbed" }, body: { kind: "ConfigMap", namespace: ns, name: "cfg", replicas: 2 } }));
    expect(cannot?.status).toBe(400);
  });

  it("cordons, uncordons and drains a node", async () => {
    const nodes = await admin.client.call("queryInventory", { params: org, query: { kind: "Node", cluster: "testbed" } });
    const node = nodes.items.find((n) => n.health === "ok")?.name as string;
    await admin.client.call("setNodeSchedulable", { params: { ...org, clusterId: "testbed", node }, body: { schedulable: false } });
    expect(JSON.parse(await kubectl("get", "node", node, "-o", "json")).spec.unschedulable).toBe(true);
    await waitFor("cordoned node in inventory", async () => {
      const p = await admin.client.call("queryInventory", { params: org, query: { kind: "Node", q: node } });
      return p.items.find((n) => n.name === node)?.status.includes("SchedulingDisabled");
    });
    await admin.client.call("setNodeSchedulable", { params: { ...org, clusterId: "testbed", node }, body: { schedulable: true } });
    expect(JSON.parse(await kubectl("get", "node", node, "-o", "json")).spec.unschedulable).toBeUndefined();
    const podsOnNode = JSON.parse(await kubectl("get", "pods", "-A", "--field-selector", `spec.nodeName=${node}`, "-o", "json")).items.length as number;
    const drained = await admin.client.call("drainNode", { params: { ...org, clusterId: "testbed", node } });
    expect(drained.evicted + drained.skipped.length).toBeLessThanOrEqual(podsOnNode);
    expect(JSON.parse(await kubectl("get", "node", node, "-o", "json")).spec.unschedulable).toBe(true);
    await admin.client.call("setNodeSchedulable", { params: { ...org, clusterId: "testbed", node }, body: { schedulable: true } });
  });

  it("says clearly when a pod's logs cannot be fetched (KWOK nodes run no kubelet)", async () => {
    const pod = (await admin.client.call("queryInventory", { params: org, query: { kind: "Pod", namespace: ns } })).items[0];
    const res = await fetch(`${server.baseUrl}/api/v1/orgs/default/clusters/testbed/logs?kind=Pod&namespace=${ns}&name=${pod?.name}`, { headers: { cookie: admin.cookie } });
    const body = await res.text();
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(body).toMatch(/logs|kubelet|node/i);
  });
});
