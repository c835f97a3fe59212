import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Release } from "@meridian/core";
import { startTestServer, type TestServer } from "@meridian/testing";
import { ensureK8sTestbed, type K8sTestbed } from "@meridian/testing/testbed";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { splitAppDocuments } from "../src/apps/apply-apps.js";
import { formatAppStatus, shortImage } from "../src/apps/format.js";
import { progressBar, transitionLines } from "../src/apps/release-watch.js";
import { createKubectl, type Kubectl } from "./kube.js";
import { type CliResult, type CliRunner, createCliRunner } from "./run-cli.js";

let server: TestServer;
let dir: string;
let configPath: string;
let cli: CliRunner;
const bin = fileURLToPath(new URL("../bin/meridian.js", import.meta.url));

/** A deploy follows its release for as long as it runs: the runner's 30 s limit is too short for that. */
function runLong(args: string[], timeoutMs = 240_000): Promise<CliResult> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("MERIDIAN_")) env[k] = v;
  Object.assign(env, { MERIDIAN_CONFIG: configPath, NO_COLOR: "1" });
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [bin, ...args], { env, timeout: timeoutMs }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
    child.stdin?.end("");
  });
}

const noStack = (stderr: string) => expect(stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);

beforeAll(async () => {
  // A short deploy timeout, so a release that cannot become healthy is rolled back within the test.
  server = await startTestServer({ env: { MERIDIAN_DEPLOY_TIMEOUT_SECONDS: "30" } });
  dir = mkdtempSync(join(tmpdir(), "meridian-cli-apps-"));
  configPath = join(dir, "config.json");
  cli = createCliRunner(configPath);
  const login = await cli(["login", "--server", server.baseUrl, "--username", "admin", "--password-stdin"], { input: server.adminPassword });
  if (login.code !== 0) throw new Error(login.stderr);
  const project = await cli(["projects", "create", "shop", "--name", "Shop"]);
  if (project.code !== 0) throw new Error(project.stderr);
});

afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("formatting (pure)", () => {
  const names = ["Start the canary (1 replica)", "Send 10% of traffic", "Wait for promote"];
  const at = (step: number, failed = false): Release["steps"] =>
    names.map((name, i) => ({ kind: "step", name, status: i < step ? ("done" as const) : i > step ? ("pending" as const) : failed ? ("failed" as const) : ("running" as const), ...(failed && i === step ? { message: "no replicas started" } : {}) }));
  const release = (over: Partial<Release>): Release =>
    ({ number: 4, environmentSlug: "prod", kind: "deploy", rollbackOf: null, strategy: { type: "canary", steps: [{ weight: 10 }] }, state: "progressing", step: 0, steps: at(0), reason: "", ...over }) as Release;

  it("prints one line per step that starts, the pause, new reasons and failed steps", () => {
    const r0 = release({});
    expect(transitionLines(null, r0)).toEqual(["release 4 → prod (canary)  [1/3] Start the canary (1 replica)"]);
    expect(transitionLines(r0, r0)).toEqual([]);
    const r1 = release({ step: 1, steps: at(1), reason: "retrying: the cluster is unreachable" });
    expect(transitionLines(r0, r1)).toEqual(["release 4 → prod (canary)  [2/3] Send 10% of traffic", "  retrying: the cluster is unreachable"]);
    const paused = release({ step: 2, steps: at(2), state: "paused", reason: "waiting for promote" });
    expect(transitionLines(r1, paused)).toEqual(["release 4 → prod (canary)  [3/3] Wait for promote", "release 4 → prod (canary)  [3/3] paused: waiting for promote"]);
    // steps the server went through between two polls still get their line
    expect(transitionLines(r0, paused).slice(0, 2)).toEqual(["release 4 → prod (canary)  [2/3] Send 10% of traffic", "release 4 → prod (canary)  [3/3] Wait for promote"]);
    const failed = release({ state: "rolled_back", step: 0, steps: at(0, true), reason: "x" });
    expect(transitionLines(r0, failed)).toEqual(["  ✗ [1/3] Start the canary (1 replica): no replicas started"]);
    const first = release({ steps: [{ kind: "rollout", name: "Roll out 2 replicas", status: "running" }] });
    expect(transitionLines(null, first)).toEqual(["release 4 → prod (canary, first release: rolling)  [1/1] Roll out 2 replicas"]);
    expect(transitionLines(null, release({ kind: "rollback", rollbackOf: 2, steps: [], state: "pending" }))).toEqual(["release 4 → prod (rollback to 2)  pending"]);
  });

  it("draws bars, short digests and status cells", () => {
    expect(progressBar(2, 6, 6)).toBe("██░░░░");
    expect(progressBar(0, 0)).toBe("");
    expect(shortImage(`r.example/app@sha256:${"a".repeat(64)}`)).toBe("r.example/app@sha256:aaaaaaaaaaaa");
    const env = { environmentId: "x", environmentName: "Dev", target: null, activeSlot: "blue" as const, routes: [] as string[] };
    expect(
      formatAppStatus([
        { ...env, environmentSlug: "dev", deployed: true, health: "ok", current: { number: 3, image: "i", finishedAt: null }, replicas: { desired: 2, ready: 2 }, inProgress: null },
        { ...env, environmentSlug: "staging", deployed: false, health: "not_deployed", current: null, replicas: null, inProgress: null },
        { ...env, environmentSlug: "prod", deployed: true, health: "failed", current: null, replicas: null, inProgress: null },
      ]),
    ).toBe("dev ✓ r3 2/2, prod ✗ failed");
  });

  it("splits App documents from cluster objects, keeping a file without apps as it is", () => {
    const k8s = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n";
    expect(splitAppDocuments(k8s, "f.yaml")).toEqual({ apps: [], rest: k8s });
    const mixed = `${k8s}---\napiVersion: meridian.dev/v1\nkind: App\nmetadata: {name: web, project: shop}\nspec: {source: {image: nginx}}\n`;
    const split = splitAppDocuments(mixed, "f.yaml");
    expect(split.apps.map((a) => `${a.project}/${a.name}`)).toEqual(["shop/web"]);
    expect(split.rest).toContain("kind: ConfigMap");
    expect(split.rest).not.toContain("meridian.dev");
    expect(() => splitAppDocuments("apiVersion: meridian.dev/v1\nkind: Ap\nmetadata: {name: Web}\nspec: {}\n", "f.yaml")).toThrow(
      /app Web \(f\.yaml\) is invalid:\n {2}- kind: "Ap" is not a Meridian kind \(App is\)\n {2}- metadata\.name: lowercase.*\n {2}- metadata\.project: the project's slug is required/,
    );
  });
});

describe("apps", () => {
  it("needs --project, and says so", async () => {
    const r = await cli(["apps", "get", "web"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: --project is required: apps live in a project (see: meridian projects list)\n");
  });

  it("creates an app from an image, refuses to create it twice, and from a template", async () => {
    const r = await cli(["apps", "create", "web", "--project", "shop", "--image", "registry.example.test/shop/web:1.4", "--port", "8080", "--replicas", "2", "--env", "GREETING=hello", "--env", "MODE=a=b"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("app shop/web created; deploy it with: meridian deploy web --project shop --env ENV\n");
    const again = await cli(["apps", "create", "web", "--project", "shop", "--image", "nginx"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error: app shop\/web already exists; change it with `meridian export web --project shop > web\.yaml`/);
    const db = await cli(["apps", "create", "db", "--project", "shop", "--template", "postgresql"]);
    expect(db.code).toBe(0);
    const bad = await cli(["apps", "create", "x", "--project", "shop", "--template", "mysql"]);
    expect(bad.stderr).toBe("error: no template \"mysql\"; templates: static-site, node-service, postgresql, redis\n");
    const badEnv = await cli(["apps", "create", "x", "--project", "shop", "--image", "nginx", "--env", "1X=y"]);
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toBe('error: --env must be KEY=VALUE with KEY a variable name (got "1X=y")\n');
    const badImage = await cli(["apps", "create", "x", "--project", "shop", "--image", "Not An Image!"]);
    expect(badImage.code).toBe(1);
    expect(badImage.stderr).toMatch(/image reference/);
    noStack(badImage.stderr);
  });

  it("lists apps with their source and status, and shows one", async () => {
    const list = await cli(["apps", "list", "--project", "shop"]);
    expect(list.stdout).toMatch(/^APP\s+SOURCE\s+STATUS\s+UPDATED\n/);
    expect(list.stdout).toMatch(/\nshop\/web\s+registry\.example\.test\/shop\/web:1\.4\s+not deployed\s+/);
    expect(list.stdout).toMatch(/\nshop\/db\s+docker\.io\/library\/postgres:16\s+not deployed/);
    const json = await cli.json<{ name: string; source: string }[]>(["apps", "list"]);
    expect(json.map((a) => a.name).sort()).toEqual(["db", "web"]);
    const get = await cli(["apps", "get", "web", "--project", "shop"]);
    expect(get.stdout).toMatch(/^Name: +web$/m);
    expect(get.stdout).toMatch(/^Ports: +http:8080\/http$/m);
    expect(get.stdout).toMatch(/^Replicas: +2$/m);
    expect(get.stdout).toMatch(/^Env: +(GREETING, MODE|MODE, GREETING)$/m);
    expect(get.stdout).toMatch(/^Environments:\n {2}ENV\s+TARGET\s+HEALTH/m);
    expect(get.stdout).toMatch(/^ {2}dev\s+no cluster bound\s+not deployed/m);
    const spec = await cli.json<{ spec: { env: Record<string, string> } }>(["apps", "get", "web", "--project", "shop"]);
    expect(spec.spec.env).toEqual({ GREETING: "hello", MODE: "a=b" });
    const missing = await cli(["apps", "get", "nope", "--project", "shop"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: .*not found/);
  });

  it("exports YAML that applies back unchanged; an edit is configured, a new name created (no cluster needed)", async () => {
    const exported = await cli(["export", "web", "--project", "shop"]);
    expect(exported.code).toBe(0);
    const file = join(dir, "web.yaml");
    writeFileSync(file, exported.stdout);
    const doc = parseAllDocuments(exported.stdout)[0]?.toJS() as { apiVersion: string; kind: string; metadata: { name: string; project: string }; spec: { replicas: number } };
    expect(doc).toMatchObject({ apiVersion: "meridian.dev/v1", kind: "App", metadata: { name: "web", project: "shop" }, spec: { replicas: 2 } });
    const unchanged = await cli(["apply", "-f", file]);
    expect(unchanged.stderr).toBe("");
    expect(unchanged.stdout).toBe("app shop/web unchanged\n");
    const before = await cli.json<{ specVersion: number }>(["apps", "get", "web", "--project", "shop"]);

    writeFileSync(file, exported.stdout.replace("replicas: 2", "replicas: 3"));
    const dry = await cli(["apply", "-f", file, "--dry-run"]);
    expect(dry.stdout).toMatch(/^app shop\/web configured \(dry run\)\n--- shop\/web \(server\)\n\+\+\+ shop\/web \(file\)\n/);
    expect(dry.stdout).toMatch(/^-replicas: 2\n\+replicas: 3$/m);
    expect((await cli.json<{ specVersion: number }>(["apps", "get", "web", "--project", "shop"])).specVersion).toBe(before.specVersion);
    const configured = await cli(["apply", "-f", file]);
    expect(configured.stdout).toBe("app shop/web configured\n");
    expect((await cli.json<{ specVersion: number; spec: { replicas: number } }>(["apps", "get", "web", "--project", "shop"])).spec.replicas).toBe(3);

    writeFileSync(file, exported.stdout.replace("name: web", "name: web2"));
    expect((await cli(["apply", "-f", file])).stdout).toBe("app shop/web2 created\n");

    // The whole project, as multi-document YAML and as JSON, applies back unchanged too.
    const all = await cli(["export", "--project", "shop"]);
    expect(parseAllDocuments(all.stdout).map((d) => (d.toJS() as { metadata: { name: string } }).metadata.name)).toEqual(["db", "web", "web2"]);
    writeFileSync(join(dir, "all.yaml"), all.stdout);
    expect((await cli(["apply", "-f", join(dir, "all.yaml")])).stdout).toBe("app shop/db unchanged\napp shop/web unchanged\napp shop/web2 unchanged\n");
    const asJson = await cli(["export", "--project", "shop", "-o", "json"]);
    expect(Array.isArray(JSON.parse(asJson.stdout))).toBe(true);
    const fromStdin = await cli(["apply", "-f", "-"], { input: asJson.stdout });
    expect(fromStdin.stdout).toBe("app shop/db unchanged\napp shop/web unchanged\napp shop/web2 unchanged\n");
    const one = await cli(["export", "web2", "--project", "shop", "-o", "json"]);
    expect(JSON.parse(one.stdout)).toMatchObject({ kind: "App", metadata: { name: "web2" } });
  });

  it("shows the server's field issues for an invalid App document, and a missing project by name", async () => {
    const file = join(dir, "bad.yaml");
    writeFileSync(file, "apiVersion: meridian.dev/v1\nkind: App\nmetadata: {name: bad, project: shop}\nspec:\n  source: {image: nginx}\n  ports: [{name: http, port: 70000}]\n  routes: [{host: x.example.test, port: admin}]\n");
    const r = await cli(["apply", "-f", file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: app shop/bad \\(${file.replace(/[.]/g, "\\.")}\\) is invalid:\\n {2}- spec\\.ports\\.0\\.port: .*\\n`));
    noStack(r.stderr);
    writeFileSync(file, "apiVersion: meridian.dev/v1\nkind: App\nmetadata: {name: bad, project: shop}\nspec:\n  source: {image: nginx}\n  environments: {production: {replicas: 2}}\n");
    const env = await cli(["apply", "-f", file]);
    expect(env.stderr).toMatch(/^error: app shop\/bad .* is invalid:\n {2}- spec\.environments\.production: no such environment in the project\n$/);
    writeFileSync(file, "apiVersion: meridian.dev/v1\nkind: App\nmetadata: {name: bad, project: nope}\nspec: {source: {image: nginx}}\n");
    const project = await cli(["apply", "-f", file]);
    expect(project.stderr).toMatch(/^error: app nope\/bad .*: metadata\.project: project "nope" not found/);
    expect((await cli(["apps", "get", "bad", "--project", "shop"])).code).toBe(1);
    // Cluster objects still need a cluster, and the file's apps are not applied when there is none.
    writeFileSync(file, "apiVersion: meridian.dev/v1\nkind: App\nmetadata: {name: mixed, project: shop}\nspec: {source: {image: nginx}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n");
    const mixed = await cli(["apply", "-f", file]);
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toMatch(/cluster/);
    expect((await cli(["apps", "get", "mixed", "--project", "shop"])).code).toBe(1);
  });

  it("deletes an app only when confirmed", async () => {
    const refused = await cli(["apps", "delete", "web2", "--project", "shop"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe("error: refusing to delete app shop/web2 without --yes (stdin is not a terminal)\n");
    const r = await cli(["apps", "delete", "web2", "--project", "shop", "--yes"]);
    expect(r.stdout).toBe("app shop/web2 deleted\n");
    expect((await cli(["apps", "get", "web2", "--project", "shop"])).code).toBe(1);
  });
});

describe("secrets", () => {
  it("sets a secret from stdin, lists it without its value, rotates and deletes it", async () => {
    const set = await cli(["secrets", "set", "api-token", "--project", "shop"], { input: "s3cret-value\n" });
    expect(set.stderr).toBe("");
    expect(set.stdout).toBe("secret api-token created in project shop (version 1)\n");
    const file = join(dir, "token.txt");
    writeFileSync(file, "rotated-value");
    expect((await cli(["secrets", "set", "api-token", "--project", "shop", "--value-file", file])).stdout).toBe("secret api-token updated in project shop (version 2)\n");
    const flag = await cli(["secrets", "set", "db-password", "--project", "shop", "--env", "prod", "--value", "flag-value"]);
    expect(flag.stderr).toMatch(/^warning: --value leaves the secret in your shell history/);
    expect(flag.stdout).toBe("secret db-password created in shop/prod (version 1)\n");
    const org = await cli(["secrets", "set", "registry-token"], { input: "org-value" });
    expect(org.stdout).toBe("secret registry-token created in organization default (version 1)\n");
    const list = await cli(["secrets", "list", "--project", "shop"]);
    expect(list.stdout).toMatch(/^NAME\s+SCOPE\s+VERSION\s+VERSIONS\s+BY\s+UPDATED\n/);
    expect(list.stdout).toMatch(/\napi-token\s+project\s+2\s+2\s+admin\s+/);
    expect(list.stdout).toMatch(/\ndb-password\s+env prod\s+1\s+1\s+admin/);
    const all = [list, await cli(["secrets", "list"]), await cli(["secrets", "list", "--project", "shop", "--env", "prod", "-o", "json"]), set, flag, org];
    for (const r of all) expect(`${r.stdout}${r.stderr}`).not.toMatch(/s3cret|rotated-value|flag-value|org-value/);
    expect((await cli(["secrets", "list"])).stdout).toMatch(/\nregistry-token\s+organization\s+1/);
    const empty = await cli(["secrets", "set", "x", "--project", "shop"], { input: "\n" });
    expect(empty.stderr).toBe("error: the value of secret x is empty; nothing was stored\n");
    const badName = await cli(["secrets", "set", "API_TOKEN"], { input: "v" });
    expect(badName.code).toBe(2);
    const del = await cli(["secrets", "delete", "db-password", "--project", "shop", "--env", "prod", "--yes"]);
    expect(del.stdout).toBe("secret db-password deleted from shop/prod\n");
    expect((await cli(["secrets", "delete", "db-password", "--project", "shop", "--env", "prod", "--yes"])).code).toBe(1);
  });
});

describe("deploy: errors", () => {
  it("passes on the server's reason: a missing secret, no cluster bound, --ref", async () => {
    const file = join(dir, "needs.yaml");
    writeFileSync(file, "apiVersion: meridian.dev/v1\nkind: App\nmetadata: {name: needs, project: shop}\nspec:\n  source: {image: registry.example.test/shop/needs:1}\n  secrets: [{env: PASSWORD, secret: needs-password}]\n");
    expect((await cli(["apply", "-f", file])).code).toBe(0);
    const noSecret = await cli(["deploy", "needs", "--project", "shop", "--env", "staging"]);
    expect(noSecret.code).toBe(1);
    expect(noSecret.stderr).toMatch(/^error: secret needs-password not found: looked in environment staging, project shop and the organization/);
    noStack(noSecret.stderr);
    const noCluster = await cli(["deploy", "web", "--project", "shop", "--env", "staging"]);
    expect(noCluster.code).toBe(1);
    expect(noCluster.stderr).toMatch(/^error: environment staging has no cluster to deploy to: bind a namespace or stack to it first/);
    const ref = await cli(["deploy", "web", "--project", "shop", "--env", "staging", "--ref", "main"]);
    expect(ref.code).toBe(1);
    expect(ref.stderr).toMatch(/^error: .*(git|build)/);
    const both = await cli(["deploy", "web", "--project", "shop", "--env", "staging", "--ref", "main", "--image", "nginx"]);
    expect(both.stderr).toBe("error: give --image or --ref, not both\n");
    const noEnv = await cli(["deploy", "web", "--project", "shop"]);
    expect(noEnv.stderr).toBe("error: --env is required: releases happen in one environment\n");
    const strategy = await cli(["deploy", "web", "--project", "shop", "--env", "dev", "--strategy", "big-bang"]);
    expect(strategy.code).toBe(2);
    expect((await cli.json<unknown[]>(["releases", "list", "web", "--project", "shop"])).length).toBe(0);
  });
});

// A real deploy on the Kubernetes testbed (KWOK: pods become Ready without running anything, so there are no
// app logs to read). The Swarm driver's app support is not finished yet (it does not apply spec.placement, so on
// the testbed the tasks land on workers that cannot pull from the loopback registry and never become ready).
// Images carry a digest, so the server pins them without asking a registry.
describe("deploy on Kubernetes", () => {
  let testbed: K8sTestbed;
  let kubectl: Kubectl;
  const ns = `cliapps-${Date.now().toString(36)}`;
  const appFile = () => join(dir, "site.yaml");
  const image = (v: string, hex: string) => `registry.example.test/meridian/testapp:${v}@sha256:${hex.repeat(64)}`;
  const v1 = image("v1", "1");
  const v2 = image("v2", "2");
  const siteYaml = (over: { pause?: string; placement?: string } = {}) => `apiVersion: meridian.dev/v1
kind: App
metadata: {name: site, project: shop}
spec:
  source: {image: "${v1}"}
  ports: [{name: http, port: 8080}]
  replicas: 2
  health: {readiness: {http: {path: /healthz, port: http}}}
  placement: {constraints: [${over.placement ?? ""}]}
  strategy: {type: canary, steps: [{weight: 50, pause: ${over.pause ?? "2s"}}]}
`;

  beforeAll(async () => {
    testbed = await ensureK8sTestbed();
    kubectl = createKubectl(testbed.kubectl, testbed.kubeconfigPath);
    const created = await kubectl("create", "namespace", ns);
    if (created.code !== 0) throw new Error(created.stderr);
    const add = await cli(["clusters", "add", "k8s", "--kubeconfig", testbed.kubeconfigPath]);
    if (add.code !== 0) throw new Error(add.stderr);
    const bind = await cli(["clusters", "bind", "k8s", "--project", "shop", "--env", "dev", "--namespace", ns]);
    if (bind.code !== 0) throw new Error(bind.stderr);
  }, 600_000);

  afterAll(async () => {
    await kubectl?.("delete", "namespace", ns, "--wait=false");
  });

  it("deploys v1 and follows it to success, one line per step", async () => {
    writeFileSync(appFile(), siteYaml());
    expect((await cli(["apply", "-f", appFile()])).stdout).toBe("app shop/site created\n");
    const dry = await cli(["deploy", "site", "--project", "shop", "--env", "dev", "--dry-run"]);
    expect(dry.stderr).toBe("");
    expect(dry.stdout).toMatch(/^deployment\.apps\/site-blue created \(dry run\)\n/m);
    expect(dry.stdout).toMatch(/^\+\s+image: registry\.example\.test\/meridian\/testapp:v1@sha256:1{64}$/m);
    expect((await cli.json<unknown[]>(["releases", "list", "site", "--project", "shop"])).length).toBe(0);

    const r = await runLong(["deploy", "site", "--project", "shop", "--env", "dev"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    // The first release has nothing to shift traffic from: it rolls out.
    expect(r.stdout).toMatch(/^release 1 → dev \(canary\) created: registry\.example\.test\/meridian\/testapp:v1@sha256:1{12}\n/);
    expect(r.stdout).toMatch(/^release 1 → dev \(canary, first release: rolling\) {2}\[1\/1\] Roll out 2 replicas$/m);
    expect(r.stdout).toMatch(/\nrelease 1 → dev \(canary, first release: rolling\) succeeded in \d+s\n$/);
    const deployment = await kubectl.json<{ spec: { template: { spec: { containers: { image: string }[] } } } }>("-n", ns, "get", "deployment", "site-blue");
    expect(deployment.spec.template.spec.containers[0]?.image).toBe(v1);
    const list = await cli(["apps", "list", "--project", "shop"]);
    expect(list.stdout).toMatch(/\nshop\/site\s+registry\.example\.test\/meridian\/testapp:v1@sha256:1{12}\s+dev ✓ r1 2\/2\s/);
  }, 300_000);

  it("deploys v2 as a canary, step by step, then lists and shows the releases", async () => {
    const r = await runLong(["deploy", "site", "--project", "shop", "--env", "dev", "--image", v2]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n").filter((l) => /^release 2 → dev \(canary\) {2}\[/.test(l));
    expect(lines).toEqual([
      "release 2 → dev (canary)  [1/6] Start the canary (1 replica)",
      "release 2 → dev (canary)  [2/6] Send 50% of traffic",
      "release 2 → dev (canary)  [3/6] Analyze for 2s",
      "release 2 → dev (canary)  [4/6] Scale the new version to 2",
      "release 2 → dev (canary)  [5/6] Send 100% of traffic to the new version",
      "release 2 → dev (canary)  [6/6] Remove the old version",
    ]);
    expect(r.stdout).toMatch(/\nrelease 2 → dev \(canary\) succeeded in \d+s\n$/);
    const green = await kubectl.json<{ spec: { template: { spec: { containers: { image: string }[] } } } }>("-n", ns, "get", "deployment", "site-green");
    expect(green.spec.template.spec.containers[0]?.image).toBe(v2);

    const list = await cli(["releases", "list", "site", "--project", "shop", "--env", "dev"]);
    expect(list.stdout).toMatch(/^#\s+ENV\s+KIND\s+IMAGE\s+STRATEGY\s+STATE\s+BY\s+CREATED\s+REASON\n2\s+dev\s+deploy\s+registry\.example\.test\/meridian\/testapp:v2@sha256:2{12}\s+canary\s+succeeded\s+admin\s+.*\n1\s+dev\s+deploy\s+.*succeeded/);
    const get2 = await cli(["releases", "get", "site", "2", "--project", "shop", "--env", "dev"]);
    expect(get2.stdout).toMatch(/^State: +succeeded$/m);
    expect(get2.stdout).toMatch(/^Steps:\n {2}\s+#\s+STEP\s+STATUS\s+TOOK\s+MESSAGE\n {2}✓\s+1\s+Start the canary \(1 replica\)\s+done/m);
    expect(get2.stdout).toMatch(/^ {2}✓\s+6\s+Remove the old version\s+done/m);
  }, 300_000);

  it("rolls back to release 1 and shows the app's environment", async () => {
    const r = await runLong(["rollback", "site", "--project", "shop", "--env", "dev", "--to", "1"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^release 3 → dev \(rollback to 1\) created: back to release 1 \(registry\.example\.test\/meridian\/testapp:v1@sha256:1{12}\)\n/);
    expect(r.stdout).toMatch(/\nrelease 3 → dev \(rollback to 1\) succeeded in \d+s\n$/);
    const releases = await cli.json<Release[]>(["releases", "list", "site", "--project", "shop"]);
    expect(releases.map((x) => `${x.number}:${x.kind}:${x.state}`)).toEqual(["3:rollback:succeeded", "2:deploy:succeeded", "1:deploy:succeeded"]);
    const app = await cli(["apps", "get", "site", "--project", "shop"]);
    expect(app.stdout).toMatch(new RegExp(`^ {2}dev\\s+k8s/${ns} \\(kubernetes\\)\\s+ok\\s+r3\\s+registry\\.example\\.test/meridian/testapp:v1@sha256:1{12}\\s+2/2\\s`, "m"));
    const logs = await cli(["logs", "app/site", "--project", "shop", "--env", "staging"]);
    expect(logs.code).toBe(1);
    expect(logs.stderr).toBe("error: site is not deployed in this environment\n");
    const mixed = await cli(["logs", "app/site", "--project", "shop", "--env", "dev", "-n", "x"]);
    expect(mixed.stderr).toBe("error: -n is for cluster workloads, not apps\n");
  }, 300_000);

  it("stops at a manual pause with the promote command, and promote --wait finishes the release", async () => {
    writeFileSync(appFile(), siteYaml({ pause: "manual" }));
    expect((await cli(["apply", "-f", appFile()])).stdout).toBe("app shop/site configured\n");
    const r = await runLong(["deploy", "site", "--project", "shop", "--env", "dev", "--image", v2]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\nrelease 4 → dev \(canary\) paused at \[3\/6\] Wait for promote\nwaiting for promote: meridian promote site --project shop --env dev/);
    const notWaiting = await cli(["promote", "site", "--project", "shop", "--env", "staging"]);
    expect(notWaiting.code).toBe(1);
    expect(notWaiting.stderr).toMatch(/^error: no release of site is running in staging/);
    const p = await runLong(["promote", "site", "--project", "shop", "--env", "dev", "--wait"]);
    expect(p.stderr).toBe("");
    expect(p.code).toBe(0);
    expect(p.stdout).toMatch(/^release 4 → dev \(canary\) promoted\n/);
    expect(p.stdout).toMatch(/\nrelease 4 → dev \(canary\) succeeded in \d+s\n$/);
    const noRelease = await cli(["abort", "site", "--project", "shop", "--env", "dev"]);
    expect(noRelease.code).toBe(1);
    expect(noRelease.stderr).toMatch(/^error: no release of site is running in dev/);
  }, 300_000);

  it("aborts a paused release (exit 0); a release that cannot become healthy is rolled back (exit 1, with why)", async () => {
    const r = await runLong(["deploy", "site", "--project", "shop", "--env", "dev", "--image", v1]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/release 5 → dev \(canary\) paused at/);
    const a = await runLong(["abort", "site", "--project", "shop", "--env", "dev"]);
    expect(a.stderr).toBe("");
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/\nrelease 5 → dev \(canary\) aborted: aborted on request; rolled back to release 4\n$/);
    // No node has this label: the pods stay Pending until the server's deploy timeout (30 s here) rolls back.
    writeFileSync(appFile(), siteYaml({ placement: '"node.labels.zone==nowhere"' }));
    expect((await cli(["apply", "-f", appFile()])).code).toBe(0);
    const broken = await runLong(["deploy", "site", "--project", "shop", "--env", "dev", "--strategy", "rolling"]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/^release 6 → dev \(rolling\) {2}\[1\/1\] Roll out 2 replicas$/m);
    expect(broken.stderr).toMatch(/^error: release 6 → dev \(rolling\) rolled back: not healthy after 30s: .*; rolled back to release 4\n$/);
    expect((await cli.json<Release[]>(["releases", "list", "site", "--project", "shop"]))[0]?.state).toBe("rolled_back");
  }, 300_000);
});
