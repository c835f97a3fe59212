import { execFile } from "node:child_process";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Release } from "@meridian/core";
import { loginAs, type Session, startTestServer, type TestServer } from "@meridian/testing";
import { ensureSwarmTestbed, type SwarmTestbed } from "@meridian/testing/testbed";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../clusters/helpers.js";

/**
 * Apps on Swarm with real containers and real traffic through Caddy: the test app (busybox httpd answering its
 * version) deployed from the loopback registry, pinned to the manager (the netns workers cannot pull from it).
 */
const run = promisify(execFile);
let server: TestServer;
let admin: Session;
let sw: SwarmTestbed;
let root: string;
const stack = `st${Date.now().toString(36)}`;
const host = `${stack}.apps.test`;
const org = { orgId: "default" };
let projectId: string;
let envId: string;
const appParams = (app: string) => ({ ...org, projectId, app });
const envParams = (app: string) => ({ ...org, projectId, environmentId: envId, app });
const docker = (...args: string[]) => run("docker", args, { env: { ...process.env, DOCKER_HOST: sw.dockerHost } }).then((r) => r.stdout.trim());

/** GET through Caddy with the app's Host header (fetch may not set Host, so node:http). */
function get(h: string, path = "/"): Promise<{ status: number; body: string }> {
  const u = new URL(sw.router.httpUrl);
  return new Promise((resolve) => {
    const req = httpRequest({ host: u.hostname, port: u.port, path, headers: { host: h }, agent: false, timeout: 5000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve({ status: 0, body: "" }));
    req.end();
  });
}
/** GET over TLS with SNI and Host set to `servername`, trusting only `ca`. */
function httpsText(url: string, servername: string, ca: string): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: u.hostname, port: u.port, path: u.pathname, servername: servername === "127.0.0.1" ? undefined : servername, headers: { host: servername }, ca, agent: false, timeout: 5000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });
}
const versionsOf = async (n: number) => {
  const seen = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const r = await get(host);
    const v = /meridian testapp (\S+)/.exec(r.body)?.[1] ?? `http-${r.status}`;
    seen.set(v, (seen.get(v) ?? 0) + 1);
  }
  return seen;
};
async function settle(app: string, number: number, timeoutMs = 180_000): Promise<Release> {
  return waitFor(`release ${number} of ${app}`, async () => {
    const r = await admin.client.call("getRelease", { params: { ...appParams(app), number }, query: { environmentId: envId } });
    return ["succeeded", "failed", "rolled_back", "aborted"].includes(r.state) ? r : null;
  }, timeoutMs);
}
const spec = (image: string, extra: Record<string, unknown> = {}) => ({
  source: { image },
  ports: [{ name: "http", port: 8080 }],
  replicas: 3,
  resources: { limits: { cpu: "250m", memory: "64Mi" } },
  routes: [{ host }],
  health: { readiness: { http: { path: "/healthz", port: "http" }, periodSeconds: 1, failureThreshold: 2 } },
  placement: { constraints: ["node.role==manager"] },
  ...extra,
});

beforeAll(async () => {
  sw = await ensureSwarmTestbed();
  root = await mkdtemp(join(tmpdir(), "meridian-swarm-apps-"));
  const acme = sw.acme;
  const acmeEnv: Record<string, string> = acme
    ? { MERIDIAN_ACME_DIRECTORY: acme.directoryUrl, MERIDIAN_ACME_CA_FILE: acme.caFile, MERIDIAN_DNS_SERVER: acme.dnsServer, MERIDIAN_HTTP_CHALLENGE_PORT: String(acme.httpChallengePort) }
    : {};
  server = await startTestServer({
    env: { ...(sw.prometheusUrl ? { MERIDIAN_PROMETHEUS_URL: sw.prometheusUrl } : {}), MERIDIAN_AUTOSCALE_INTERVAL_SECONDS: "2", MERIDIAN_DOMAIN_SWEEP_SECONDS: "2", MERIDIAN_BUILD_REGISTRY: sw.registry, MERIDIAN_BUILD_DOCKER_HOST: sw.dockerHost, MERIDIAN_ALLOW_LOCAL_GIT: "true", ...acmeEnv },
  });
  admin = await loginAs(server.baseUrl, "admin", server.adminPassword);
  await admin.client.call("createCluster", { params: org, body: { slug: "swarm", connection: { kind: "swarm", host: sw.dockerHost, router: { caddyAdminUrl: sw.router.adminUrl } } } });
  await waitFor("swarm ready", async () => (await admin.client.call("getCluster", { params: { ...org, clusterId: "swarm" } })).state === "ready");
  const p = await admin.client.call("createProject", { params: org, body: { slug: stack, name: "Shop", environments: ["prod"] } });
  projectId = p.id;
  envId = (await admin.client.call("listEnvironments", { params: { ...org, projectId } })).items[0]?.id as string;
  await admin.client.call("createClusterTarget", { params: { ...org, clusterId: "swarm" }, body: { projectId, environmentId: envId, namespace: stack } });
}, 600_000);
afterAll(async () => {
  for (const app of ["web", "site", "burn", "crash"]) await admin?.client.call("deleteApp", { params: appParams(app) }).catch(() => undefined);
  await server?.stop();
  await rm(root, { recursive: true, force: true });
});

describe("apps on Swarm, with traffic through Caddy", () => {
  it("deploys 3 replicas of the test app and serves them at the app's domain", async () => {
    await admin.client.call("putApp", { params: appParams("web"), body: { spec: spec(sw.images.testapp.v1 as string) } });
    const { release } = await admin.client.call("deployApp", { params: envParams("web"), body: {} });
    const done = await settle("web", release?.number as number);
    expect(done.state).toBe("succeeded");
    const running = await docker("service", "ls", "--filter", `label=meridian.dev/app=web`, "--format", "{{.Name}} {{.Replicas}}");
    expect(running).toContain("3/3");
    expect(await versionsOf(6)).toEqual(new Map([["v1", 6]]));
  });

  it("verifies the domain through the router, gets a certificate from Pebble and serves the app over HTTPS", async () => {
    const acme = sw.acme;
    if (!acme) throw new Error("this test needs the local testbed's Pebble (an external testbed has none)");
    const { items } = await admin.client.call("listAppDomains", { params: appParams("web") });
    // (The 2 s sweep may have verified it already: verify is idempotent either way.)
    const domain = items.find((d) => d.host === host);
    expect(domain?.verification.dnsRecord.name).toBe(`_meridian-challenge.${host}`);
    const after = await admin.client.call("verifyAppDomain", { params: { ...appParams("web"), domainId: domain?.id as string } });
    expect(after.verification).toMatchObject({ verified: true, lastError: null });
    expect(after.certificate).toMatchObject({ state: "issued", lastError: null });
    expect(after.certificate.issuer).toMatch(/Pebble/i);
    expect(new Date(after.certificate.renewAt as string).getTime()).toBeLessThan(new Date(after.certificate.notAfter as string).getTime());
    const root = await httpsText(acme.rootsUrl, "127.0.0.1", await readFile(acme.caFile, "utf8"));
    const page = await waitFor("HTTPS answer", async () => {
      const u = new URL(sw.router.httpsUrl);
      const r = await httpsText(`https://${u.hostname}:${u.port}/`, host, root).catch(() => null);
      return r?.includes("meridian testapp") ? r : null;
    });
    expect(page).toContain("meridian testapp v1");
  });

  it("renews a certificate that is about to expire, without being asked", async () => {
    const { items } = await admin.client.call("listAppDomains", { params: appParams("web") });
    const before = items.find((d) => d.host === host)?.certificate;
    const db = await server.openDatabase();
    try {
      // Pretend the certificate expires tomorrow: inside the 30-day renewal window.
      await db.query("UPDATE app_domains SET certificate = jsonb_set(certificate, '{notAfter}', to_jsonb($2::text)) WHERE host = $1", [host, new Date(Date.now() + 86_400_000).toISOString()]);
    } finally {
      await db.close();
    }
    const renewed = await waitFor("renewal", async () => {
      const d = (await admin.client.call("listAppDomains", { params: appParams("web") })).items.find((x) => x.host === host);
      return d && d.certificate.notBefore !== before?.notBefore && new Date(d.certificate.notAfter as string).getTime() > Date.now() + 30 * 86_400_000 ? d : null;
    }, 60_000);
    expect(renewed.certificate).toMatchObject({ state: "issued", lastError: null });
  });

  it("rolls a canary that fails its health check back automatically, and traffic never leaves v1", async () => {
    await admin.client.call("putApp", {
      params: appParams("web"),
      body: { spec: spec(sw.images.testapp.v2 as string, { env: { FAIL_HEALTH: "1" }, strategy: { type: "canary", steps: [{ weight: 30, pause: "5s" }] } }) },
    });
    const { release } = await admin.client.call("deployApp", { params: envParams("web"), body: {} });
    const done = await settle("web", release?.number as number);
    expect(done.state).toBe("rolled_back");
    expect(done.reason).toMatch(/rolled back to release 1/);
    expect(done.steps[0]).toMatchObject({ kind: "rollout", status: "failed" });
    expect(await versionsOf(6)).toEqual(new Map([["v1", 6]]));
    const services = await docker("service", "ls", "--filter", `label=meridian.dev/app=web`, "--format", "{{.Name}}");
    expect(services.split("\n").filter(Boolean)).toHaveLength(1);
  });

  it("rolls a canary back when its PromQL gate fails, with the measured values in the release", async () => {
    const analysis = { interval: "1s", failureLimit: 2, prometheus: [{ name: "router up", query: 'up{job="caddy"}', max: 0 }] };
    await admin.client.call("putApp", { params: appParams("web"), body: { spec: spec(sw.images.testapp.v2 as string, { analysis, strategy: { type: "canary", steps: [{ weight: 20, pause: "20s" }] } }) } });
    const { release } = await admin.client.call("deployApp", { params: envParams("web"), body: {} });
    const done = await settle("web", release?.number as number);
    expect(done.state).toBe("rolled_back");
    expect(done.reason).toMatch(/analysis failed 2 times in a row: router up up{job="caddy"} = 1|analysis failed 2 times in a row: router up/);
    expect(done.analysis.length).toBeGreaterThanOrEqual(2);
    expect(done.analysis.every((a) => a.check === "router up" && a.value === 1 && a.ok === false && a.threshold === "≤ 0")).toBe(true);
    expect(await versionsOf(6)).toEqual(new Map([["v1", 6]]));
  });

  it("runs a healthy canary through weighted traffic to 100%, its PromQL gate passing", async () => {
    const analysis = { interval: "1s", failureLimit: 1, prometheus: [{ name: "router up", query: 'up{job="caddy"}', min: 1 }] };
    await admin.client.call("putApp", { params: appParams("web"), body: { spec: spec(sw.images.testapp.v2 as string, { analysis, strategy: { type: "canary", steps: [{ weight: 50, pause: "manual" }] } }) } });
    const { release } = await admin.client.call("deployApp", { params: envParams("web"), body: {} });
    await waitFor("paused at 50%", async () => (await admin.client.call("getRelease", { params: { ...appParams("web"), number: release?.number as number }, query: { environmentId: envId } })).state === "paused", 180_000);
    const split = await versionsOf(40);
    expect(split.get("v1")).toBeGreaterThan(5);
    expect(split.get("v2")).toBeGreaterThan(5);
    await admin.client.call("promoteRelease", { params: envParams("web") });
    const done = await settle("web", release?.number as number);
    expect(done.state).toBe("succeeded");
    expect(done.analysis.length).toBeGreaterThan(0);
    expect(done.analysis.every((a) => a.ok)).toBe(true);
    expect(await versionsOf(6)).toEqual(new Map([["v2", 6]]));
  });

  it("switches blue/green atomically and back on rollback", async () => {
    await admin.client.call("putApp", { params: appParams("web"), body: { spec: spec(sw.images.testapp.v1 as string, { strategy: { type: "bluegreen", verifySeconds: 2 } }) } });
    const { release } = await admin.client.call("deployApp", { params: envParams("web"), body: {} });
    expect((await settle("web", release?.number as number)).state).toBe("succeeded");
    expect(await versionsOf(6)).toEqual(new Map([["v1", 6]]));
    const releases = await admin.client.call("listReleases", { params: appParams("web"), query: { environmentId: envId } });
    const previous = releases.items.find((r) => r.state === "succeeded" && r.number < (release?.number as number)) as Release;
    const started = Date.now();
    const back = await admin.client.call("rollbackApp", { params: envParams("web"), body: { to: previous.number } });
    expect((await settle("web", back.number)).state).toBe("succeeded");
    const switchMs = Date.now() - started;
    expect(await versionsOf(6)).toEqual(new Map([["v2", 6]]));
    expect(switchMs).toBeGreaterThan(0);
  });

  it("scales with CPU: a busy app grows to its maximum, an idle one shrinks to its minimum", async () => {
    const burn = `while :; do :; done & exec /app/start.sh`;
    await admin.client.call("putApp", {
      params: appParams("burn"),
      body: { spec: { ...spec(sw.images.testapp.v1 as string), routes: [], replicas: 1, command: ["sh", "-c", burn], autoscaling: { min: 1, max: 3, cpuTarget: 40, cooldownSeconds: 0 } } },
    });
    const { release } = await admin.client.call("deployApp", { params: envParams("burn"), body: {} });
    expect((await settle("burn", release?.number as number)).state).toBe("succeeded");
    await waitFor("scaled up to 3", async () => (await docker("service", "ls", "--filter", "label=meridian.dev/app=burn", "--format", "{{.Replicas}}")).startsWith("3/"), 120_000);
    await admin.client.call("putApp", { params: appParams("burn"), body: { spec: { ...spec(sw.images.testapp.v1 as string), routes: [], replicas: 3, autoscaling: { min: 1, max: 3, cpuTarget: 40, cooldownSeconds: 0 } } } });
    const second = await admin.client.call("deployApp", { params: envParams("burn"), body: {} });
    expect((await settle("burn", second.release?.number as number)).state).toBe("succeeded");
    await waitFor("scaled down to 1", async () => (await docker("service", "ls", "--filter", "label=meridian.dev/app=burn", "--format", "{{.Replicas}}")).startsWith("1/"), 120_000);
  });

  it("reports a crash-looping first deploy as failed with the exit reason, and leaves nothing behind", async () => {
    await admin.client.call("putApp", { params: appParams("crash"), body: { spec: { ...spec(sw.images.testapp.v1 as string), routes: [], replicas: 1, command: ["sh", "-c", "echo starting; exit 3"] } } });
    const { release } = await admin.client.call("deployApp", { params: envParams("crash"), body: {} });
    const done = await settle("crash", release?.number as number);
    expect(done.state).toBe("failed");
    expect(done.reason).toMatch(/the new version failed: .*exit/i);
    expect(done.reason).toMatch(/nothing served before this release, so its objects were removed/);
    await waitFor("services removed", async () => (await docker("service", "ls", "--filter", "label=meridian.dev/app=crash", "--format", "{{.Name}}")) === "");
    const app = await admin.client.call("getApp", { params: appParams("crash") });
    expect(app.environments[0]?.current).toBeNull();
  });

  it("builds a git repository and serves the result", async () => {
    const bare = join(root, "site.git");
    const work = join(root, "site");
    const gitEnv = { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.test", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.test" };
    await run("git", ["init", "-q", "--bare", "-b", "main", bare]);
    await run("git", ["init", "-q", "-b", "main", work]);
    await writeFile(join(work, "Dockerfile"), `FROM ${sw.images.busybox}\nRUN mkdir -p /www && echo ok > /www/healthz && echo built from git > /www/index.html\nCMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n`);
    await run("git", ["add", "-A"], { cwd: work });
    await run("git", ["commit", "-q", "-m", "site"], { cwd: work, env: gitEnv });
    await run("git", ["push", "-q", bare, "main"], { cwd: work });
    const siteHost = `site-${host}`;
    await admin.client.call("putApp", { params: appParams("site"), body: { spec: { ...spec("unused:1"), source: { git: { url: bare, ref: "main" } }, replicas: 1, routes: [{ host: siteHost }] } } });
    const res = await admin.client.call("deployApp", { params: envParams("site"), body: {} });
    const build = await waitFor("build", async () => {
      const b = await admin.client.call("getBuild", { params: { ...appParams("site"), number: res.build?.number as number } });
      return b.state === "succeeded" || b.state === "failed" ? b : null;
    }, 180_000);
    expect(build.state).toBe("succeeded");
    const rel = await settle("site", build.releases[0]?.number as number);
    expect(rel.state).toBe("succeeded");
    expect(rel.image).toBe(`${sw.registry}/${stack}/site@${build.digest}`);
    const page = await waitFor("site served", async () => {
      const r = await get(siteHost);
      return r.status === 200 ? r : null;
    });
    expect(page.body).toBe("built from git\n");
  });
});
