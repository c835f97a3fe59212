import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { AppTarget, DesiredApp, SlotSpec } from "@meridian/core";
import { createSwarmConnection } from "@meridian/driver-swarm";
import { ensureSwarmTestbed } from "@meridian/testing/testbed";
import { afterAll, describe, expect, it } from "vitest";
import { runDocker, waitFor } from "./helpers.js";

/** What the Swarm app driver does beyond the shared contract: secret handling and the route keeper. */
const tb = await ensureSwarmTestbed();
const connection = createSwarmConnection({ host: tb.dockerHost }, { router: { caddyAdminUrl: tb.router.adminUrl }, appConstraints: ["node.role==manager"], routeResyncMs: 500 });
const driver = connection.apps;
const suffix = Date.now().toString(36);
const targets: AppTarget[] = [];

function target(name: string): AppTarget {
  const t = { app: `${name}-${suffix}`, project: "contract", environment: "test", namespace: "contract" };
  targets.push(t);
  return t;
}

const slot = (extra: Partial<SlotSpec> = {}): SlotSpec => ({
  slot: "blue",
  releaseId: "r1",
  releaseNumber: 1,
  image: tb.images.testapp.v1 ?? "",
  ports: [{ name: "http", port: 8080, protocol: "http" }],
  env: {},
  secretEnv: [],
  resources: {},
  replicas: 1,
  readiness: { http: { path: "/healthz", port: "http" }, initialDelaySeconds: 0, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 2 },
  volumes: [],
  rolling: { maxSurge: 1, maxUnavailable: 0 },
  ...extra,
});

/** Distinct upstreams of the app's routes, read from Caddy directly. */
async function readUpstreams(app: string): Promise<string[]> {
  const routes = (await (await fetch(`${tb.router.adminUrl}/config/apps/http/servers/meridian/routes`)).json()) as { handle?: { handler?: string; "meridian.app"?: string; upstreams?: { dial: string }[] }[] }[];
  const own = routes.filter((r) => r.handle?.some((h) => h["meridian.app"] === app));
  return [...new Set(own.flatMap((r) => r.handle?.flatMap((h) => h.upstreams?.map((u) => u.dial) ?? []) ?? []))].sort();
}

/** A self-signed certificate for host (openssl, argv), as PEM. */
async function createCertificate(host: string): Promise<{ certPem: string; keyPem: string }> {
  const dir = await mkdtemp(join(tmpdir(), "mrdn-cert-"));
  try {
    const [key, cert] = [join(dir, "key.pem"), join(dir, "cert.pem")];
    await promisify(execFile)("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", `/CN=${host}`, "-addext", `subjectAltName=DNS:${host}`]);
    return { certPem: await readFile(cert, "utf8"), keyPem: await readFile(key, "utf8") };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** GET over TLS to Caddy's TLS listener with SNI and Host = host, trusting only ca. */
function getOverTls(host: string, ca: string): Promise<{ status: number; body: string }> {
  const url = new URL(tb.router.httpsUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: "/", servername: host, headers: { host }, ca, agent: false, timeout: 10_000 }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end();
  });
}

afterAll(async () => {
  for (const t of targets) await driver.deleteApp(t).catch(() => undefined);
  await connection.close();
});

describe("Swarm app driver", () => {
  it("never shows a secret variable's value in diffs, and removes a secret version no service uses any more", async () => {
    const t = target("sec");
    const want = (version: number, value: string): DesiredApp => ({
      target: t,
      slots: [slot({ env: { PLAIN: "visible" }, secretEnv: [{ env: "TOKEN", secret: `${t.app}-tok-v${version}`, key: "value" }] })],
      traffic: { blue: 100 },
      routes: [],
      autoscaling: null,
      secrets: [{ name: `${t.app}-tok-v${version}`, data: { value } }],
    });
    const created = await driver.applyApp(want(1, "first pass phrase"), { dryRun: false });
    expect(created.map((r) => r.diff).join("\n")).not.toContain("first pass phrase");
    expect(created.map((r) => r.diff).join("\n")).toContain("TOKEN=(secret)");
    const preview = await driver.applyApp(want(2, "second pass phrase"), { dryRun: true });
    const service = preview.find((r) => r.kind === "SwarmService");
    expect(service?.action).toBe("configured");
    expect(service?.diff).not.toMatch(/pass phrase/);
    await driver.applyApp(want(2, "second pass phrase"), { dryRun: false });
    const secrets = (await runDocker(tb.dockerHost, ["secret", "ls", "--filter", `label=meridian.dev/app=${t.app}`, "--format", "{{.Name}}"])).split("\n");
    expect(secrets).toEqual([`${t.app}-tok-v2`]);
    // The container got the value as a plain variable and the secret as a file.
    const env = await waitFor("a running task", async () => {
      const id = (await runDocker(tb.dockerHost, ["ps", "-q", "--filter", `label=com.docker.swarm.service.name=contract_${t.app}-blue`])).split("\n")[0];
      if (!id) return undefined;
      const inspect = await runDocker(tb.dockerHost, ["inspect", "--format", "{{json .Config.Env}}", id]);
      return inspect.includes("second") ? inspect : undefined;
    });
    expect(env).toContain("TOKEN=second pass phrase");
  });

  it("keeps Caddy's upstreams in step with ready tasks without being asked (a scale-up after applyApp returned)", async () => {
    const t = target("keep");
    const want = (replicas: number): DesiredApp => ({
      target: t,
      slots: [slot({ replicas })],
      traffic: { blue: 100 },
      routes: [{ host: `${t.app}.contract.test`, path: "/", port: "http" }],
      autoscaling: null,
      secrets: [],
    });
    await driver.applyApp(want(1), { dryRun: false });
    await waitFor("one upstream", async () => ((await readUpstreams(t.app)).length === 1 ? true : undefined), 60_000);
    await driver.applyApp(want(3), { dryRun: false });
    // No observeApp, setTraffic or applyApp from here: only the route keeper can add the new tasks.
    const upstreams = await waitFor("three upstreams", async () => {
      const u = await readUpstreams(t.app);
      return u.length === 3 ? u : undefined;
    }, 60_000);
    expect(upstreams.every((u) => /^[\d.]+:\d+$/.test(u))).toBe(true);
  });

  it("serves a route over TLS with the certificate in the desired state, renews it in place, and removes it with the app", async () => {
    const t = target("tls");
    const host = `${t.app}.contract.test`;
    const want = (cert: { certPem: string; keyPem: string }): DesiredApp => ({
      target: t,
      slots: [slot()],
      traffic: { blue: 100 },
      routes: [{ host, path: "/", port: "http" }],
      autoscaling: null,
      secrets: [],
      certificates: [{ host, ...cert }],
    });
    const first = await createCertificate(host);
    const applied = await driver.applyApp(want(first), { dryRun: false });
    expect(applied.find((r) => r.kind === "CaddyCertificate")).toMatchObject({ action: "created", name: host });
    expect(applied.map((r) => r.diff).join("\n")).not.toContain("PRIVATE KEY");
    const answer = await waitFor("an answer over TLS", async () => {
      const r = await getOverTls(host, first.certPem).catch(() => undefined);
      return r?.status === 200 ? r : undefined;
    }, 60_000);
    expect(answer.body).toContain("meridian testapp v1");
    expect((await driver.applyApp(want(first), { dryRun: true })).filter((r) => r.action !== "unchanged")).toEqual([]);
    const renewed = await createCertificate(host);
    await driver.applyApp(want(renewed), { dryRun: false });
    expect((await getOverTls(host, renewed.certPem)).status).toBe(200);
    await expect(getOverTls(host, first.certPem)).rejects.toThrow();
    await driver.deleteApp(t);
    const left = (await (await fetch(`${tb.router.adminUrl}/config/apps/tls/certificates/load_pem`)).json()) as { tags?: string[] }[] | null;
    expect((left ?? []).filter((c) => c.tags?.includes(`meridian:${t.namespace}/${t.app}`))).toEqual([]);
  });
});
