import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Cluster, InventoryItemView } from "@meridian/core";
import { startTestServer, type TestServer } from "@meridian/testing";
import { ensureK8sTestbed, type K8sTestbed } from "@meridian/testing/testbed";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKubectl, eventually, type Kubectl } from "./kube.js";
import { type CliRunner, createCliRunner, spawnCli } from "./run-cli.js";

// Runs against the shared Kubernetes testbed: everything this file creates lives in its own namespace.
const ns = `cli-${Date.now().toString(36)}`;
let server: TestServer;
let testbed: K8sTestbed;
let kubectl: Kubectl;
let dir: string;
let configPath: string;
let cli: CliRunner;

const deployment = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: app
          image: nginx:1.27
          resources: {requests: {cpu: 100m, memory: 64Mi}}
`;

beforeAll(async () => {
  [server, testbed] = await Promise.all([startTestServer(), ensureK8sTestbed()]);
  kubectl = createKubectl(testbed.kubectl, testbed.kubeconfigPath);
  const created = await kubectl("create", "namespace", ns);
  if (created.code !== 0) throw new Error(created.stderr);
  dir = mkdtempSync(join(tmpdir(), "meridian-cli-clusters-"));
  configPath = join(dir, "config.json");
  cli = createCliRunner(configPath);
  const login = await cli(["login", "--server", server.baseUrl, "--username", "admin", "--password-stdin"], { input: server.adminPassword });
  if (login.code !== 0) throw new Error(login.stderr);
});

afterAll(async () => {
  await kubectl?.("delete", "namespace", ns, "--wait=false");
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const noStack = (stderr: string) => expect(stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);

describe("clusters add: errors", () => {
  it("names a missing kubeconfig file and exits 1", async () => {
    const r = await cli(["clusters", "add", "nope", "--kubeconfig", join(dir, "missing.yaml")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: cannot read --kubeconfig ${join(dir, "missing.yaml")}: no such file\n`);
  });

  it("refuses a file that is not a kubeconfig, naming the file", async () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "this: [is not\n  a kubeconfig");
    const r = await cli(["clusters", "add", "nope", "--kubeconfig", bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: ${bad.replace(/[.]/g, "\\.")} is not a usable kubeconfig: \\S`));
    noStack(r.stderr);
  });

  it("lists the kubeconfig's contexts when --context names none of them", async () => {
    const r = await cli(["clusters", "add", "nope", "--kubeconfig", testbed.kubeconfigPath, "--context", "prod"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*admin\.kubeconfig: context "prod" not found; contexts: \S+/);
  });

  it("passes on the server's reason a context cannot be used (an exec credential plugin)", async () => {
    const file = join(dir, "eks.kubeconfig");
    writeFileSync(
      file,
      [
        "apiVersion: v1",
        "kind: Config",
        "current-context: eks",
        "clusters: [{name: eks, cluster: {server: 'https://example.eks.amazonaws.com'}}]",
        "users: [{name: aws, user: {exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: aws, args: [eks, get-token]}}}]",
        "contexts: [{name: eks, context: {cluster: eks, user: aws}}]",
      ].join("\n"),
    );
    const r = await cli(["clusters", "add", "eks", "--kubeconfig", file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: context "eks" in \S+eks\.kubeconfig cannot be used: .*aws eks get-token/);
  });

  it("explains an unreachable API server and saves nothing", async () => {
    const r = await cli(["clusters", "add", "far", "--server", "https://127.0.0.1:1", "--token", "abc", "--insecure-skip-tls-verify"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: \S.*/);
    noStack(r.stderr);
    expect(await cli.json(["clusters", "list"])).toEqual([]);
  });

  it("refuses mixed connection flags as a usage error", async () => {
    const r = await cli(["clusters", "add", "x", "--kubeconfig", testbed.kubeconfigPath, "--token", "t"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: --token goes with --server, not --kubeconfig\n");
  });
});

describe("clusters", () => {
  it("adds the testbed from its kubeconfig and waits for the inventory", async () => {
    const r = await cli(["clusters", "add", "testbed", "--kubeconfig", testbed.kubeconfigPath, "--label", "env=test", "--description", "KWOK testbed"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Cluster testbed added: kubernetes v1\.36\.\d+ at https:\/\/127\.0\.0\.1:\d+ \(context \S+\), auth \S+\.$/m);
    expect(r.stdout).toMatch(/^State: ready; nodes \d+\/\d+ ready, \d+ pods, .* inventory: [1-9]\d* objects\.$/m);
  });

  it("inlines the certificate files a kubeconfig points to", async () => {
    // the testbed's kubeconfig with its embedded certificates moved into files beside it, as kind and minikube write them
    type Named<T> = { name: string } & T;
    const kc = JSON.parse(readFileSync(testbed.kubeconfigPath, "utf8")) as {
      clusters: Named<{ cluster: Record<string, string> }>[];
      users: Named<{ user: Record<string, string> }>[];
    };
    const toFile = (obj: Record<string, string>, field: string, name: string) => {
      writeFileSync(join(dir, name), Buffer.from(obj[`${field}-data`] as string, "base64"));
      delete obj[`${field}-data`];
      obj[field] = name;
    };
    for (const c of kc.clusters) toFile(c.cluster, "certificate-authority", "ca.crt");
    for (const u of kc.users) {
      toFile(u.user, "client-certificate", "admin.crt");
      toFile(u.user, "client-key", "admin.key");
    }
    writeFileSync(join(dir, "files.kubeconfig"), JSON.stringify(kc));
    const r = await cli(["clusters", "add", "from-files", "--kubeconfig", join(dir, "files.kubeconfig"), "-o", "json"]);
    expect(r.stderr).toBe("");
    expect((JSON.parse(r.stdout) as Cluster).conditions.find((c) => c.type === "Authenticated")?.status).toBe("True");
    expect((await cli(["clusters", "remove", "from-files", "--yes"])).code).toBe(0);
  });

  it("lists and shows the cluster with what the cluster itself reports", async () => {
    const nodes = await kubectl.json<{ items: unknown[] }>("get", "nodes");
    const list = await cli(["clusters", "list"]);
    expect(list.stdout.split("\n")[0]).toMatch(/^NAME\s+RUNTIME\s+STATE\s+VERSION\s+NODES\s+PODS\s+CPU REQ\/CAP\s+MEM REQ\/CAP\s+AGE$/);
    expect(list.stdout).toMatch(new RegExp(`\\ntestbed\\s+kubernetes\\s+ready\\s+v1\\.36\\.\\d+\\s+${nodes.items.length}/${nodes.items.length}\\s+\\d+\\s+\\S+/\\S+\\s+\\S+/\\S+\\s+\\S+\\n`));

    const cluster = await cli.json<Cluster>(["clusters", "get", "testbed"]);
    expect(cluster).toMatchObject({ slug: "testbed", runtime: "kubernetes", state: "ready", labels: { env: "test" }, description: "KWOK testbed" });
    expect(cluster.summary.nodes).toBe(nodes.items.length);
    const details = await cli(["clusters", "get", "testbed"]);
    expect(details.stdout).toMatch(/^Conditions:\n\s+TYPE\s+STATUS\s+REASON/m);
    expect(details.stdout).toMatch(/^\s+Ready\s+True\s/m);
    expect(details.stdout).toMatch(/^Targets: <none>$/m);
    expect(details.stdout).toMatch(/^\s+Pod\s+-\s+watching\s+\d+/m);
  });

  it("binds a namespace to a project environment and unbinds it", async () => {
    expect((await cli(["projects", "create", "shop", "--env", "dev"])).code).toBe(0);
    const bound = await cli(["clusters", "bind", "testbed", "--project", "shop", "--env", "dev", "--namespace", ns]);
    expect(bound.stdout).toMatch(new RegExp(`^Namespace ${ns} of cluster testbed bound to \\S+/\\S+ \\(target [0-9a-f-]{36}\\)\\.$`, "m"));
    expect((await cli.json<Cluster>(["clusters", "get", "testbed"])).targets.map((t) => t.namespace)).toEqual([ns]);
    expect((await cli(["clusters", "unbind", "testbed", ns])).code).toBe(0);
    expect((await cli.json<Cluster>(["clusters", "get", "testbed"])).targets).toEqual([]);
  });
});

describe("resources", () => {
  const file = () => join(dir, "web.yaml");

  it("lists nodes like kubectl, with catalog columns", async () => {
    const nodes = await kubectl.json<{ items: { metadata: { name: string } }[] }>("get", "nodes");
    const listed = await cli.json<InventoryItemView[]>(["get", "nodes"]);
    expect(listed.map((n) => n.name).sort()).toEqual(nodes.items.map((n) => n.metadata.name).sort());
    const table = await cli(["get", "no"]);
    expect(table.stdout.split("\n")[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+VERSION\s+CPU\s+MEMORY\s+PODS\s+INSTANCE TYPE\s+ZONE\s+AGE$/);
    expect(table.stdout).toMatch(/\nkwok-node-\d+\s+Ready\s+\S+\s+v1\.36\.\d+\s+\d+(\.\d+)?(m)?\s+\d+(\.\d)?[KMG]i\s+\d+\s+\S+\s+testbed-1[abc]\s+\d+[smhd]/);
  });

  it("apply --dry-run prints the diff and changes nothing; apply creates", async () => {
    writeFileSync(file(), deployment(2));
    const dry = await cli(["apply", "-f", file(), "-n", ns, "--dry-run"]);
    expect(dry.stderr).toBe("");
    expect(dry.stdout).toMatch(/^deployment\.apps\/web created \(dry run\)$/m);
    expect(dry.stdout).toMatch(/^\+.*replicas: 2$/m);
    expect((await kubectl("get", "deployment", "web", "-n", ns)).code).not.toBe(0);

    const real = await cli(["apply", "-f", file(), "-n", ns]);
    expect(real.stdout).toBe("deployment.apps/web created\n");
    expect((await kubectl.json<{ spec: { replicas: number } }>("get", "deployment", "web", "-n", ns)).spec.replicas).toBe(2);

    writeFileSync(file(), deployment(3));
    const diff = await cli(["apply", "-f", "-", "-n", ns, "--dry-run"], { input: deployment(3) });
    expect(diff.stdout).toMatch(/^deployment\.apps\/web configured \(dry run\)$/m);
    expect(diff.stdout).toMatch(/^-.*replicas: 2$/m);
    expect(diff.stdout).toMatch(/^\+.*replicas: 3$/m);
    expect((await kubectl.json<{ spec: { replicas: number } }>("get", "deployment", "web", "-n", ns)).spec.replicas).toBe(2);
  });

  it("gets pods by namespace, selector and across namespaces", async () => {
    const pods = await eventually(async () => {
      const items = await cli.json<InventoryItemView[]>(["get", "pods", "-n", ns, "-l", "app=web"]);
      expect(items).toHaveLength(2);
      return items;
    });
    const live = await kubectl.json<{ items: { metadata: { name: string } }[] }>("get", "pods", "-n", ns, "-l", "app=web");
    expect(pods.map((p) => p.name).sort()).toEqual(live.items.map((p) => p.metadata.name).sort());

    const all = await cli.json<InventoryItemView[]>(["get", "pods", "-A"]);
    expect(new Set(all.map((p) => p.namespace))).toContain(ns);
    const table = await cli(["get", "pods", "-A"]);
    expect(table.stdout.split("\n")[0]).toMatch(/^NAMESPACE\s+NAME\s+STATUS\s+READY\s+RESTARTS\s+NODE\s+IP\s+CPU REQ\s+MEM REQ\s+AGE$/);
    expect(table.stdout).toMatch(new RegExp(`\\n${ns}\\s+web-\\S+\\s+\\S+\\s+\\S+\\s+\\d+\\s+\\S+\\s+\\S+\\s+100m\\s+64Mi\\s+\\d+[sm]`));

    const none = await cli(["get", "pods", "-n", ns, "-l", "app=nothing"]);
    expect(none.code).toBe(0);
    expect(none.stderr).toBe(`No pods found in namespace ${ns}.\n`);
    const one = await cli(["get", "deploy", "web", "-n", ns]);
    expect(one.stdout).toMatch(/^NAME\s+STATUS\s+READY\s+UP TO DATE\s+AVAILABLE\s+IMAGES\s+AGE\nweb\s+/);
    const yaml = await cli(["get", "deploy", "web", "-n", ns, "-o", "yaml"]);
    expect(yaml.stdout).toMatch(/^kind: Deployment$/m);
    expect(yaml.stdout).toMatch(/^ {2}namespace: /m);
  });

  it("scales a deployment", async () => {
    const r = await cli(["scale", "deploy", "web", "-n", ns, "--replicas", "3"]);
    expect(r.stdout).toBe("deployment.apps/web scaled to 3\n");
    expect((await kubectl.json<{ spec: { replicas: number } }>("get", "deployment", "web", "-n", ns)).spec.replicas).toBe(3);
    const bad = await cli(["scale", "svc", "web", "-n", ns, "--replicas", "1"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: services cannot be scaled; these can: deployments, /);
  });

  it("restarts a rollout", async () => {
    type Deploy = { metadata: { generation: number }; spec: { template: { metadata: { annotations?: Record<string, string> } } } };
    const before = await kubectl.json<Deploy>("get", "deployment", "web", "-n", ns);
    const r = await cli(["rollout", "restart", `deployment/web`, "-n", ns]);
    expect(r.stdout).toBe("deployment.apps/web restarted\n");
    const after = await kubectl.json<Deploy>("get", "deployment", "web", "-n", ns);
    expect(after.metadata.generation).toBeGreaterThan(before.metadata.generation);
    expect(after.spec.template.metadata.annotations).not.toEqual(before.spec.template.metadata.annotations);
  });

  it("describes a deployment with its related objects and events", async () => {
    const r = await cli(["describe", "deploy/web", "-n", ns]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Name:\s+web$/m);
    expect(r.stdout).toMatch(new RegExp(`^Namespace:\\s+${ns}$`, "m"));
    expect(r.stdout).toMatch(/^Kind:\s+Deployment \(apps\/v1\)$/m);
    expect(r.stdout).toMatch(/^Labels:\s+app=web$/m);
    expect(r.stdout).toMatch(/^Containers:\s+app \(nginx:1\.27\)$/m);
    expect(r.stdout).toMatch(/^Related:\n\s+KIND\s+NAME\s+STATUS\s+AGE\n(.*\n)*\s+ReplicaSet\s+web-/m);
    expect(r.stdout).toMatch(/^Events:/m);
  });

  it("watches pods and stops cleanly on Ctrl+C", async () => {
    type PodList = { items: { metadata: { name: string } }[] };
    const existing = new Set((await kubectl.json<PodList>("get", "pods", "-n", ns)).items.map((p) => p.metadata.name));
    const watch = spawnCli(configPath, ["get", "pods", "-n", ns, "-w"]);
    await watch.waitForOutput(/^NAME\s+STATUS/m);
    await kubectl("scale", "deployment", "web", "-n", ns, "--replicas=4");
    // a row for a pod that did not exist when the watch started
    await eventually(async () => {
      const rows = [...watch.output().matchAll(/^(web-\S+)/gm)].map((m) => m[1] as string);
      expect(rows.filter((n) => !existing.has(n))).not.toEqual([]);
    });
    const r = await watch.interrupt("SIGINT");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
  });

  it("explains that KWOK pods have no logs", async () => {
    const pod = (await cli.json<InventoryItemView[]>(["get", "pods", "-n", ns]))[0] as InventoryItemView;
    const r = await cli(["logs", pod.name, "-n", ns]);
    expect(r.code).toBe(1);
    // the message names the pod and what failed, not a bare HTTP status
    expect(r.stderr).toMatch(new RegExp(`^error: .*logs.*${pod.name}`));
    expect(r.stderr).not.toMatch(/HTTP 5\d\d|internal/i);
    noStack(r.stderr);
  });
});

describe("several clusters and a restricted user", () => {
  it("adds the restricted user's cluster; apply outside its namespace is refused by the cluster", async () => {
    const restricted = testbed.restrictedKubeconfigPath as string;
    expect((await cli(["clusters", "add", "team-a", "--kubeconfig", restricted])).code).toBe(0);
    writeFileSync(join(dir, "web.yaml"), deployment(1));
    const r = await cli(["apply", "-f", join(dir, "web.yaml"), "--cluster", "team-a", "-n", ns]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: the cluster refused/);
    expect((await kubectl.json<{ spec: { replicas: number } }>("get", "deployment", "web", "-n", ns)).spec.replicas).toBe(4);
  });

  it("asks for --cluster when several clusters could be meant, and shows a CLUSTER column", async () => {
    const r = await cli(["scale", "deploy", "web", "-n", ns, "--replicas", "1"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: several clusters: name one with --cluster (team-a, testbed)\n");
    const table = await eventually(async () => {
      const t = await cli(["get", "deploy", "-n", ns]);
      expect(t.stdout).toMatch(/\nteam-a\s+web\s/);
      return t;
    });
    expect(table.stdout.split("\n")[0]).toMatch(/^CLUSTER\s+NAME\s+STATUS/);
    expect(table.stdout).toMatch(/\ntestbed\s+web\s/);
  });

  it("deletes the deployment", async () => {
    const r = await cli(["delete", "deployment", "web", "-n", ns, "--cluster", "testbed"]);
    expect(r.stdout).toBe("deployment.apps/web deleted\n");
    const gone = await kubectl("get", "deployment", "web", "-n", ns);
    expect(gone.stderr).toMatch(/NotFound|not found/);
  });

  it("removes clusters: --yes is required without a terminal, and the cluster itself is untouched", async () => {
    const refused = await cli(["clusters", "remove", "team-a"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/without --yes/);
    expect((await cli(["clusters", "remove", "team-a", "--yes"])).stdout).toBe("Cluster team-a removed.\n");
    expect((await cli(["clusters", "rm", "testbed", "--yes"])).code).toBe(0);
    expect(await cli.json(["clusters", "list"])).toEqual([]);
    expect((await kubectl("get", "namespace", ns)).code).toBe(0);
  });
});
