import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { formatAge, formatBytes, formatDuration, formatMillicores, formatObjectName } from "../src/clusters/format.js";
import { parseObjectArgs, pickNamespace, resolveKindArg } from "../src/clusters/kind-ref.js";
import { chooseContext, inlineKubeconfigFiles } from "../src/clusters/kubeconfig.js";
import { createSseParser, type SseEvent } from "../src/clusters/streams.js";
import { colorDiff, readGroups } from "../src/commands/apply.js";
import { renameClusterAddFlags } from "../src/commands/cluster-add.js";
import { describeHeader } from "../src/commands/describe.js";
import { buildInventoryFilter } from "../src/commands/get.js";
import { parseWatchEvent } from "../src/commands/get-watch.js";
import { createLogPrinter, parseSince } from "../src/commands/logs.js";

describe("quantities and ages", () => {
  it.each([
    [250, "250m"],
    [2000, "2"],
    [1500, "1.5"],
    [0, "0"],
    ["750m", "750m"],
    [null, "-"],
  ])("millicores %s -> %s", (n, text) => expect(formatMillicores(n)).toBe(text));
  it.each([
    [512, "512"],
    [128 * 1024 ** 2, "128Mi"],
    [16 * 1024 ** 3, "16Gi"],
    [1.5 * 1024 ** 3, "1.5Gi"],
    [3 * 1024 ** 4, "3Ti"],
  ])("bytes %s -> %s", (n, text) => expect(formatBytes(n)).toBe(text));
  it.each([
    [45_000, "45s"],
    [200_000, "3m20s"],
    [17 * 60_000, "17m"],
    [(4 * 60 + 12) * 60_000, "4h12m"],
    [20 * 3600_000, "20h"],
    [(3 * 24 + 5) * 3600_000, "3d5h"],
    [41 * 86400_000, "41d"],
    [(2 * 365 + 30) * 86400_000, "2y30d"],
  ])("duration %s ms -> %s (kubectl's HumanDuration)", (ms, text) => expect(formatDuration(ms)).toBe(text));
  it("ages an RFC 3339 time and leaves unknown ones as -", () => {
    const now = Date.parse("2026-03-01T12:00:00Z");
    expect(formatAge("2026-03-01T09:00:00Z", now)).toBe("3h");
    expect(formatAge(null, now)).toBe("-");
  });
  it("names objects like kubectl", () => {
    expect(formatObjectName("Deployment", "web")).toBe("deployment.apps/web");
    expect(formatObjectName("Pod", "web-1")).toBe("pod/web-1");
    expect(formatObjectName("Widget", "w", "example.com")).toBe("widget.example.com/w");
  });
});

describe("kind arguments", () => {
  it("resolves plurals, aliases and resource.group, and passes custom kinds through", () => {
    expect(resolveKindArg("po").kind).toBe("Pod");
    expect(resolveKindArg("deployments.apps").kind).toBe("Deployment");
    expect(resolveKindArg("widgets.example.com")).toEqual({ kind: "widgets", group: "example.com" });
    expect(resolveKindArg("Widget")).toEqual({ kind: "Widget" });
  });
  it("takes KIND NAME and KIND/NAME", () => {
    expect(parseObjectArgs(["deploy", "web"], "KIND NAME")).toMatchObject({ kind: { kind: "Deployment" }, name: "web" });
    expect(parseObjectArgs(["svc/api"], "KIND NAME")).toMatchObject({ kind: { kind: "Service" }, name: "api" });
    expect(() => parseObjectArgs(["web"], "KIND NAME")).toThrow("expected KIND NAME");
  });
  it('defaults namespaced Kubernetes kinds to "default", and nothing else', () => {
    expect(pickNamespace(resolveKindArg("pods"), undefined)).toBe("default");
    expect(pickNamespace(resolveKindArg("pods"), "shop")).toBe("shop");
    expect(pickNamespace(resolveKindArg("nodes"), "shop")).toBeUndefined();
    expect(pickNamespace(resolveKindArg("swarmservices"), undefined)).toBeUndefined();
    expect(pickNamespace(resolveKindArg("widgets.example.com"), undefined)).toBeUndefined();
  });
  it("builds the inventory query from get's flags", () => {
    expect(buildInventoryFilter(resolveKindArg("po"), {}).filter).toEqual({ kind: "Pod", namespace: "default" });
    expect(buildInventoryFilter(resolveKindArg("po"), { allNamespaces: true, selector: "app=web", cluster: "a, b" }).filter).toEqual({ kind: "Pod", selector: "app=web", cluster: "a,b" });
    expect(buildInventoryFilter(resolveKindArg("nodes"), {}).filter).toEqual({ kind: "Node" });
    expect(() => buildInventoryFilter(resolveKindArg("po"), { allNamespaces: true, namespace: "x" })).toThrow("not both");
  });
});

describe("clusters add flags", () => {
  const argv = (...a: string[]) => ["node", "meridian", ...a];
  it("renames --server/--token/--context after `clusters add`, keeping global ones before it", () => {
    expect(renameClusterAddFlags(argv("--server", "http://m", "clusters", "add", "k", "--server", "https://k", "--token=t", "--context", "c", "-o", "json"))).toEqual(
      argv("--server", "http://m", "clusters", "add", "k", "--api-server", "https://k", "--api-token=t", "--kube-context", "c", "-o", "json"),
    );
    expect(renameClusterAddFlags(argv("clusters", "list", "--server", "http://m"))).toEqual(argv("clusters", "list", "--server", "http://m"));
    expect(renameClusterAddFlags(argv("get", "pods", "--context", "x"))).toEqual(argv("get", "pods", "--context", "x"));
  });
});

describe("kubeconfig", () => {
  it("inlines certificate, key and token files relative to the kubeconfig", () => {
    const dir = mkdtempSync(join(tmpdir(), "kc-"));
    writeFileSync(join(dir, "ca.crt"), "CA PEM");
    writeFileSync(join(dir, "token"), "secret-token\n");
    const text = ["clusters:", "- name: c", "  cluster: {server: 'https://k:6443', certificate-authority: ca.crt}", "users:", "- name: u", `  user: {tokenFile: ${join(dir, "token")}}`].join("\n");
    const out = parseYaml(inlineKubeconfigFiles(text, join(dir, "config")).text);
    expect(out.clusters[0].cluster).toEqual({ server: "https://k:6443", "certificate-authority-data": Buffer.from("CA PEM").toString("base64") });
    expect(out.users[0].user).toEqual({ token: "secret-token" });
    expect(inlineKubeconfigFiles("clusters: []\n", join(dir, "config"))).toEqual({ text: "clusters: []\n", unreadable: [] });
    // left for the server to judge: it matters only if the chosen context uses it
    const missing = inlineKubeconfigFiles("users:\n- name: u\n  user: {client-key: missing.key}\n", join(dir, "config"));
    expect(parseYaml(missing.text).users[0].user).toEqual({ "client-key": "missing.key" });
    expect(missing.unreadable).toEqual([{ section: "users", name: "u", message: `client-key of user "u" (${join(dir, "missing.key")}): no such file` }]);
  });
  const contexts = [
    { name: "a", cluster: "a", user: "ua", server: "https://a", problem: null },
    { name: "b", cluster: "b", user: "ub", server: "https://b", problem: "needs the exec plugin aws" },
    { name: "c", cluster: "c", user: "ua", server: "https://c", problem: "CA file on another machine (ca.crt)" },
  ];
  it("uses --context, else the current-context, and lists the contexts when it cannot", () => {
    expect(chooseContext({ currentContext: "a", contexts }, undefined, "kc").name).toBe("a");
    expect(() => chooseContext({ currentContext: "a", contexts }, "zzz", "kc")).toThrow('kc: context "zzz" not found; contexts: a, b, c');
    expect(() => chooseContext({ currentContext: null, contexts }, undefined, "kc")).toThrow("several contexts and no current-context: pick one with --context (a, b, c)");
    const unreadable = [{ section: "clusters" as const, name: "c", message: "certificate-authority of cluster c: no such file" }];
    expect(() => chooseContext({ currentContext: "b", contexts }, undefined, "kc", unreadable)).toThrow(/^context "b" in kc cannot be used: needs the exec plugin aws \(usable contexts: a\)$/);
    expect(() => chooseContext({ currentContext: "b", contexts }, "c", "kc", unreadable)).toThrow("(usable contexts: a); files it names that cannot be read here: certificate-authority of cluster c: no such file");
  });
});

describe("streams", () => {
  it("parses Server-Sent Events line by line", () => {
    const events: SseEvent[] = [];
    const feed = createSseParser((e) => events.push(e));
    for (const l of [": hi", "event: upsert", "data: {\"a\":", "data: 1}", "", "data: x", "id: 7", ""]) feed(l);
    expect(events).toEqual([
      { event: "upsert", data: '{"a":\n1}' },
      { event: "message", data: "x", id: "7" },
    ]);
  });
  const item = { clusterId: "c", clusterSlug: "c", key: "Pod//default/web", kind: "Pod", group: "", namespace: "default", name: "web" };
  it("reads upserts and deletions from the event name or a type field", () => {
    expect(parseWatchEvent({ event: "upsert", data: JSON.stringify(item) })).toMatchObject({ type: "upsert", item: { name: "web" } });
    expect(parseWatchEvent({ event: "message", data: JSON.stringify({ type: "delete", key: item.key }) })).toEqual({ type: "delete", key: item.key });
    expect(parseWatchEvent({ event: "heartbeat", data: "{}" })).toBeUndefined();
  });
  it("prefixes log lines with their source for workloads, and for a pod once a second container appears", () => {
    const out: string[] = [];
    const pod = createLogPrinter("Pod", (s) => out.push(s));
    pod(JSON.stringify({ source: "web/app", line: "one" }));
    pod(JSON.stringify({ source: "web/sidecar", line: "two" }));
    createLogPrinter("Deployment", (s) => out.push(s))(JSON.stringify({ source: "web-1", line: "three" }));
    expect(out).toEqual(["one\n", "[web/sidecar] two\n", "[web-1] three\n"]);
    expect(() => pod(JSON.stringify({ error: { message: "container not found" } }))).toThrow("the log stream failed: container not found");
  });
  it("parses --since", () => {
    expect(parseSince("10m")).toBe(600);
    expect(parseSince("45")).toBe(45);
    expect(() => parseSince("soon")).toThrow("--since must be a duration");
  });
});

describe("apply and describe rendering", () => {
  it("finds each object's API group in the YAML", () => {
    const groups = readGroups("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\n");
    expect([...groups]).toEqual([
      ["Deployment/web", "apps"],
      ["Service/web", ""],
    ]);
  });
  it("colours diffs only when asked", () => {
    expect(colorDiff("-a\n+b", false)).toBe("-a\n+b");
    expect(colorDiff("-a\n+b", true)).toBe("\x1b[31m-a\x1b[0m\n\x1b[32m+b\x1b[0m");
  });
  it("describes Kubernetes and Swarm headers", () => {
    const k8s = describeHeader({ kind: "Deployment", apiVersion: "apps/v1", metadata: { name: "web", namespace: "shop", labels: { app: "web" } }, spec: { replicas: 2, template: { spec: { containers: [{ name: "app", image: "nginx" }] } } } }, "Deployment", "prod");
    expect(Object.fromEntries(k8s.map((f) => [f.field, f.value]))).toEqual({ Name: "web", Namespace: "shop", Kind: "Deployment (apps/v1)", Cluster: "prod", Labels: ["app=web"], Replicas: 2, Containers: ["app (nginx)"] });
    const swarm = describeHeader({ ID: "abc", Spec: { Name: "api", Mode: { Replicated: { Replicas: 3 } }, TaskTemplate: { ContainerSpec: { Image: "busybox" } } } }, "SwarmService", "s");
    expect(Object.fromEntries(swarm.map((f) => [f.field, f.value]))).toEqual({ Name: "api", Kind: "SwarmService", Cluster: "s", ID: "abc", Replicas: 3, Image: "busybox" });
  });
});
