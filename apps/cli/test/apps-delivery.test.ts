import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { AppEnvironmentStatus, Build } from "@meridian/core";
import { startTestServer, type TestServer } from "@meridian/testing";
import { ensureK8sTestbed, ensureSwarmTestbed, type K8sTestbed, type SwarmTestbed } from "@meridian/testing/testbed";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildLogLine, describeBuildOutcome } from "../src/apps/build-watch.js";
import { formatAppStatus, formatInProgress } from "../src/apps/format.js";
import { formatExpiry } from "../src/commands/domains.js";
import { createKubectl, type Kubectl } from "./kube.js";
import { type CliResult, type CliRunner, createCliRunner } from "./run-cli.js";

/**
 * Delivery beyond image deploys: builds from git (a local bare repository; the Swarm testbed's Docker engine builds
 * and its registry stores, the Kubernetes testbed runs the release), push webhooks, domains and certificates.
 */
const run = promisify(execFile);
let server: TestServer;
let dir: string;
let configPath: string;
let cli: CliRunner;
let tb: K8sTestbed;
let sw: SwarmTestbed;
let kubectl: Kubectl;
let work: string;
let bare: string;
const ns = `clidel-${Date.now().toString(36)}`;
const host = `${ns}.example.test`;
const bin = fileURLToPath(new URL("../bin/meridian.js", import.meta.url));

/** A deploy that builds follows the build and then the release: longer than the runner's 30 s. */
function runLong(args: string[], timeoutMs = 280_000): Promise<CliResult> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("MERIDIAN_")) env[k] = v;
  Object.assign(env, { MERIDIAN_CONFIG: configPath, NO_COLOR: "1" });
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [bin, ...args], { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
    child.stdin?.end("");
  });
}

const noStack = (stderr: string) => expect(stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
const gitEnv = { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.test", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.test" };
const git = (cwd: string, ...args: string[]) => run("git", args, { cwd, env: gitEnv }).then((r) => r.stdout.trim());

async function commit(files: Record<string, string>, message: string): Promise<string> {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(work, name), text);
  await git(work, "add", "-A");
  await git(work, "commit", "-q", "-m", message);
  await git(work, "push", "-q", "origin", "main");
  return git(work, "rev-parse", "HEAD");
}

beforeAll(async () => {
  [tb, sw] = await Promise.all([ensureK8sTestbed(), ensureSwarmTestbed()]);
  kubectl = createKubectl(tb.kubectl, tb.kubeconfigPath);
  dir = mkdtempSync(join(tmpdir(), "meridian-cli-delivery-"));
  configPath = join(dir, "config.json");
  bare = join(dir, "site.git");
  work = join(dir, "work");
  await run("git", ["init", "-q", "--bare", "-b", "main", bare]);
  await run("git", ["clone", "-q", bare, work]);
  await git(work, "checkout", "-q", "-b", "main");
  await commit({ Dockerfile: `FROM ${sw.images.busybox}\nCOPY index.html /www/index.html\nCMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n`, "index.html": "version one\n" }, "first");

  server = await startTestServer({ env: { MERIDIAN_BUILD_REGISTRY: sw.registry, MERIDIAN_BUILD_DOCKER_HOST: sw.dockerHost, MERIDIAN_ALLOW_LOCAL_GIT: "true" } });
  cli = createCliRunner(configPath);
  const login = await cli(["login", "--server", server.baseUrl, "--username", "admin", "--password-stdin"], { input: server.adminPassword });
  if (login.code !== 0) throw new Error(login.stderr);
  const project = await cli(["projects", "create", "shop", "--name", "Shop", "--env", "dev,prod"]);
  if (project.code !== 0) throw new Error(project.stderr);
  const created = await kubectl("create", "namespace", ns);
  if (created.code !== 0) throw new Error(created.stderr);
  const add = await cli(["clusters", "add", "k8s", "--kubeconfig", tb.kubeconfigPath]);
  if (add.code !== 0) throw new Error(add.stderr);
  const bind = await cli(["clusters", "bind", "k8s", "--project", "shop", "--env", "dev", "--namespace", ns]);
  if (bind.code !== 0) throw new Error(bind.stderr);
  writeFileSync(
    join(dir, "site.yaml"),
    `apiVersion: meridian.dev/v1
kind: App
metadata: {name: site, project: shop}
spec:
  source: {git: {url: "${bare}", ref: main}}
  ports: [{name: http, port: 8080}]
  replicas: 1
  routes: [{host: ${host}}]
`,
  );
  const apply = await cli(["apply", "-f", join(dir, "site.yaml")]);
  if (apply.stdout !== "app shop/site created\n") throw new Error(apply.stderr);
}, 600_000);

afterAll(async () => {
  await kubectl?.("delete", "namespace", ns, "--wait=false");
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("formatting (pure)", () => {
  it("names the step of a release in progress", () => {
    expect(formatInProgress({ number: 5, state: "progressing", step: 1, steps: 6, stepName: "Send 10% of traffic" })).toBe("r5 progressing 2/6 Send 10% of traffic");
    expect(formatInProgress({ number: 2, state: "pending", step: 0, steps: 0, stepName: null })).toBe("r2 pending");
    const env: AppEnvironmentStatus = {
      environmentId: "x",
      environmentSlug: "prod",
      environmentName: "Prod",
      target: null,
      deployed: true,
      activeSlot: "blue",
      current: { number: 4, image: "i", finishedAt: null },
      inProgress: { number: 5, state: "paused", step: 2, steps: 6, stepName: "Wait for promote" },
      replicas: { desired: 2, ready: 2 },
      health: "progressing",
      routes: [],
    };
    expect(formatAppStatus([env])).toBe("prod … r4 2/2 → r5 paused 3/6 Wait for promote");
  });

  it("reads build log lines and describes outcomes", () => {
    expect(buildLogLine('{"source":"build 1","time":null,"line":"Step 1/3 : FROM busybox"}')).toBe("Step 1/3 : FROM busybox");
    expect(buildLogLine("")).toBeNull();
    expect(() => buildLogLine('{"error":{"message":"gone"}}')).toThrow(/the build log stream failed: gone/);
    const b = { number: 3, state: "succeeded", ref: "main", commit: "a".repeat(40), image: "r.test/shop/site:3", digest: `sha256:${"b".repeat(64)}`, reason: "built and pushed", startedAt: "2025-01-01T00:00:00Z", finishedAt: "2025-01-01T00:00:41Z" } as Build;
    expect(describeBuildOutcome({ ...b, image: "127.0.0.1:5000/shop/site:abc" })).toMatch(/image 127\.0\.0\.1:5000\/shop\/site@sha256:b{64}$/);
    expect(describeBuildOutcome(b)).toBe(`build 3 succeeded in 41s: commit ${"a".repeat(12)} (main), image r.test/shop/site@sha256:${"b".repeat(64)}`);
    expect(describeBuildOutcome({ ...b, state: "failed", reason: "the build failed: exit 1", commit: null, image: null, digest: null })).toBe("build 3 failed in 41s: the build failed: exit 1");
    expect(formatExpiry("2025-03-01T00:00:00Z", Date.parse("2025-01-30T00:00:00Z"))).toBe("2025-03-01 (in 30d)");
    expect(formatExpiry(null)).toBeNull();
  });
});

describe("builds", () => {
  let built: Build;

  it("deploy of a git app streams the build log, prints the commit and digest, then follows the release to success", async () => {
    const r = await runLong(["deploy", "site", "--project", "shop", "--env", "dev"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^build 1 of site \(main\) queued; its log follows\n/);
    expect(r.stdout).toMatch(/checked out/);
    expect(r.stdout).toMatch(/COPY index\.html/);
    const outcome = new RegExp(`^build 1 succeeded in \\d+s: commit [0-9a-f]{12} \\(main\\), image ${sw.registry.replace(/[.]/g, "\\.")}/shop/site@sha256:[0-9a-f]{64}$`, "m");
    expect(r.stdout).toMatch(outcome);
    // The release comes after the build's outcome, and is followed like an image deploy.
    const afterBuild = r.stdout.slice(r.stdout.search(outcome));
    expect(afterBuild).toMatch(/\nrelease 1 → dev \(rolling\) created: .*\/shop\/site@sha256:[0-9a-f]{12}\n/);
    expect(r.stdout).toMatch(/\nrelease 1 → dev \(rolling\) succeeded in \d+s\n$/);
    const deployments = await kubectl.json<{ items: { spec: { template: { spec: { containers: { image: string }[] } } } }[] }>("-n", ns, "get", "deployment", "-l", "meridian.dev/app=site");
    expect(deployments.items.map((d) => d.spec.template.spec.containers[0]?.image)).toEqual([expect.stringMatching(/\/shop\/site@sha256:[0-9a-f]{64}$/)]);
  }, 300_000);

  it("lists builds, shows one, and prints its log", async () => {
    const list = await cli(["builds", "list", "site", "--project", "shop"]);
    expect(list.stderr).toBe("");
    expect(list.stdout).toMatch(/^#\s+REF\s+COMMIT\s+STATE\s+TRIGGER\s+RELEASES\s+BY\s+CREATED\s+TOOK\s+REASON\n1\s+main\s+[0-9a-f]{12}\s+succeeded\s+manual\s+dev r1\s+admin\s+.*built and pushed\n$/);
    [built] = await cli.json<Build[]>(["builds", "list", "site", "--project", "shop"]) as [Build];
    expect(built).toMatchObject({ number: 1, state: "succeeded", releases: [{ number: 1, error: null }] });
    const get = await cli(["builds", "get", "site", "1", "--project", "shop"]);
    expect(get.stdout).toMatch(new RegExp(`^Commit: +${built.commit}$`, "m"));
    expect(get.stdout).toMatch(new RegExp(`^Digest: +${built.digest}$`, "m"));
    expect(get.stdout).toMatch(/^State: +succeeded$/m);
    expect(get.stdout).toMatch(/^Releases: +dev r1$/m);
    const logs = await cli(["builds", "logs", "site", "1", "--project", "shop"]);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/COPY index\.html/);
    expect(logs.stdout).not.toMatch(/"line"/);
    const followed = await cli(["builds", "logs", "site", "1", "--project", "shop", "-f"]);
    expect(followed.code).toBe(0);
    expect(followed.stdout).toMatch(/COPY index\.html/);
    const missing = await cli(["builds", "get", "site", "9", "--project", "shop"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("error: build 9 not found\n");
    const bad = await cli(["builds", "get", "site", "x", "--project", "shop"]);
    expect(bad.code).toBe(2);
  });

  it("a failing Dockerfile step exits 1 with the build's reason, after its log, and deploys nothing", async () => {
    await commit({ Dockerfile: `FROM ${sw.images.busybox}\nRUN echo about to fail && false\n` }, "broken");
    const r = await runLong(["deploy", "site", "--project", "shop", "--env", "dev"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^build 2 of site \(main\) queued; its log follows\n/);
    expect(r.stdout).toMatch(/about to fail/);
    expect(r.stdout).not.toMatch(/release 2/);
    expect(r.stderr).toMatch(/^error: build 2 failed in \d+s: .*the build failed/);
    noStack(r.stderr);
    const list = await cli.json<Build[]>(["builds", "list", "site", "--project", "shop"]);
    expect(list.map((b) => `${b.number}:${b.state}`)).toEqual(["2:failed", "1:succeeded"]);
    expect((await cli.json<unknown[]>(["releases", "list", "site", "--project", "shop"])).length).toBe(1);
    // --ref of a branch that does not exist fails the same way; --no-wait only says the build is queued.
    const queued = await cli(["deploy", "site", "--project", "shop", "--env", "dev", "--ref", "no-such-branch", "--no-wait"]);
    expect(queued.code).toBe(0);
    expect(queued.stdout).toMatch(/^build 3 of site \(no-such-branch\) queued; it deploys to dev once the image is pushed \(follow it with: meridian builds logs site 3 --project shop -f\)\n$/);
    const followed = await runLong(["builds", "logs", "site", "3", "--project", "shop", "-f"]);
    expect(followed.code).toBe(0);
    const failed = await cli(["builds", "get", "site", "3", "--project", "shop"]);
    expect(failed.stdout).toMatch(/^Reason: +.*could not check out no-such-branch/m);
  }, 300_000);
});

describe("webhooks", () => {
  it("set prints the URL and the secret once (stdout), with a note to store it; get never shows it", async () => {
    const none = await cli(["webhooks", "get", "site", "--project", "shop"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe("error: site has no push webhook\n");
    const noEnv = await cli(["webhooks", "set", "site", "--project", "shop"]);
    expect(noEnv.code).toBe(2);
    const set = await cli(["webhooks", "set", "site", "--project", "shop", "--env", "dev", "--env", "prod"]);
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/^URL: +http:\/\/\S+\/api\/v1\/hooks\/apps\/[0-9a-f-]{36}$/m);
    const secret = /^Secret: +(\S+)$/m.exec(set.stdout)?.[1] as string;
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(set.stdout).toMatch(/^Environments: +dev, prod$/m);
    expect(set.stderr).toMatch(/^Store the secret now: it is not shown again/m);
    expect(set.stderr).not.toContain(secret);

    const get = await cli(["webhooks", "get", "site", "--project", "shop"]);
    expect(get.stdout).not.toContain(secret);
    expect(get.stdout).toMatch(/^Environments: +dev, prod$/m);
    expect(get.stdout).toMatch(/^Secret: +\(not shown again; rotate with: meridian webhooks set site --project shop --env ENV\)$/m);
    expect((await cli.json<{ secret: string | null }>(["webhooks", "get", "site", "--project", "shop"])).secret).toBeNull();

    // Captured with -o json; a second set rotates the secret.
    const rotated = await cli.json<{ secret: string; environments: string[] }>(["webhooks", "set", "site", "--project", "shop", "--env", "dev"]);
    expect(rotated.secret).toBeTruthy();
    expect(rotated.secret).not.toBe(secret);
    expect(rotated.environments.length).toBe(1);

    const del = await cli(["webhooks", "delete", "site", "--project", "shop"]);
    expect(del.stdout).toBe("push webhook of shop/site deleted\n");
    expect((await cli(["webhooks", "get", "site", "--project", "shop"])).code).toBe(1);
  });
});

describe("domains", () => {
  it("lists the deployed app's domain, unverified and without a certificate", async () => {
    const list = await cli(["domains", "list", "site", "--project", "shop"]);
    expect(list.stderr).toBe("");
    expect(list.stdout).toMatch(new RegExp(`^HOST\\s+ENV\\s+VERIFIED\\s+CERTIFICATE\\s+EXPIRES\\s+ERROR\\n${host.replace(/[.]/g, "\\.")}\\s+dev\\s+no\\s+none\\s+-\\s+-\\n$`));
  });

  it("verify prints the TXT record to add and fails with the server's explanation on Kubernetes", async () => {
    const r = await cli(["domains", "verify", "site", host, "--project", "shop"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^${host.replace(/[.]/g, "\\.")} \\(dev\\) is not verified\\. Prove you own it with this DNS record:\\n {2}TXT {2}_meridian-challenge\\.${host.replace(/[.]/g, "\\.")} {2}"\\S+"\\n`));
    expect(r.stderr).toMatch(new RegExp(`^error: ${host.replace(/[.]/g, "\\.")} \\(dev\\) is not verified: .*cannot answer HTTP challenges on Kubernetes`));
    noStack(r.stderr);
    const list = await cli(["domains", "list", "site", "--project", "shop"]);
    expect(list.stdout).toMatch(/\s+dev\s+no\s+none\s+-\s+no TXT record _meridian-challenge\./);
    const unknown = await cli(["domains", "verify", "site", "nope.example.test", "--project", "shop"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(`error: site routes no domain nope.example.test; its domains: ${host} (dev)\n`);
    const otherEnv = await cli(["domains", "verify", "site", host, "--project", "shop", "--env", "prod"]);
    expect(otherEnv.stderr).toBe(`error: site routes no domain ${host} in prod; its domains: ${host} (dev)\n`);
  });

  it("uploads a certificate (listed as uploaded with its expiry); refuses one for another host and --issue without ACME", async () => {
    const selfSigned = async (name: string) => {
      const cert = join(dir, `${name}.crt`);
      const key = join(dir, `${name}.key`);
      await run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "30", "-subj", `/CN=${name}`, "-addext", `subjectAltName=DNS:${name}`, "-keyout", key, "-out", cert]);
      return { cert, key };
    };
    const usage = await cli(["domains", "certificate", "site", host, "--project", "shop"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe("error: give --issue (ACME) or --cert-file F --key-file K (your own certificate)\n");
    const issue = await cli(["domains", "certificate", "site", host, "--project", "shop", "--issue"]);
    expect(issue.code).toBe(1);
    expect(issue.stderr).toMatch(/^error: (no ACME CA is configured|.*not verified)/);
    noStack(issue.stderr);

    const wrong = await selfSigned("other.example.test");
    const refused = await cli(["domains", "certificate", "site", host, "--project", "shop", "--cert-file", wrong.cert, "--key-file", wrong.key]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: .*not .*example\.test/);
    noStack(refused.stderr);

    const mine = await selfSigned(host);
    const ok = await cli(["domains", "certificate", "site", host, "--project", "shop", "--env", "dev", "--cert-file", mine.cert, "--key-file", mine.key]);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`^certificate of ${host.replace(/[.]/g, "\\.")} \\(dev\\) uploaded \\(issuer .*\\), valid until \\d{4}-\\d\\d-\\d\\d \\(in (29|30)d\\); renewing it is up to you\\n$`));
    const list = await cli(["domains", "list", "site", "--project", "shop"]);
    expect(list.stdout).toMatch(new RegExp(`\\n${host.replace(/[.]/g, "\\.")}\\s+dev\\s+no\\s+uploaded\\s+\\d{4}-\\d\\d-\\d\\d \\(in (29|30)d\\)`));
    const json = await cli.json<{ certificate: { state: string; notAfter: string } }[]>(["domains", "list", "site", "--project", "shop"]);
    expect(json[0]?.certificate.state).toBe("uploaded");
    expect(JSON.stringify(json)).not.toContain("PRIVATE KEY");
    const missingFile = await cli(["domains", "certificate", "site", host, "--project", "shop", "--cert-file", join(dir, "nope.pem"), "--key-file", mine.key]);
    expect(missingFile.stderr).toBe(`error: cannot read --cert-file ${join(dir, "nope.pem")}: no such file\n`);
  });
});
