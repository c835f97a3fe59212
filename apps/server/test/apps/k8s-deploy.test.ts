import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Release } from "@meridian/core";
import { loginAs, type Session, startTestServer, type TestServer } from "@meridian/testing";
import { ensureK8sTestbed, ensureSwarmTestbed, type K8sTestbed, type SwarmTestbed } from "@meridian/testing/testbed";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorOf, waitFor } from "../clusters/helpers.js";

/**
 * Apps on the Kubernetes testbed: real API server, controllers and scheduler, KWOK nodes. KWOK pods run no
 * containers (they turn Ready), so traffic and failing health checks are tested on Swarm; here: objects rendered
 * and applied, rollouts observed through the real Deployment controller, weights on the routing objects, HPA.
 */
const run = promisify(execFile);
let server: TestServer;
let admin: Session;
let tb: K8sTestbed;
let sw: SwarmTestbed;
let dataDir: string;
const ns = `apps-${Date.now().toString(36)}`;
const org = { orgId: "default" };
let projectId: string;
let envId: string;
const kubectl = (...args: string[]) => run(tb.kubectl, ["--kubeconfig", tb.kubeconfigPath, ...args]).then((r) => r.stdout);
const kjson = async <T>(...args: string[]) => JSON.parse(await kubectl(...args, "-o", "json")) as T;
const appParams = (app: string) => ({ ...org, projectId, app });
const envParams = (app: string) => ({ ...org, projectId, environmentId: envId, app });

async function settle(app: string, number: number, timeoutMs = 120_000): Promise<Release> {
  return waitFor(
    `release ${number} of ${app} to finish`,
    async () => {
      const r = await admin.client.call("getRelease", { params: { ...appParams(app), number }, query: { environmentId: envId } });
      return ["succeeded", "failed", "rolled_back", "aborted"].includes(r.state) ? r : null;
    },
    timeoutMs,
  );
}
const deploymentImage = async (name: string) => (await kjson<{ spec: { template: { spec: { containers: { image: string }[] } } } }>("-n", ns, "get", "deployment", name)).spec.template.spec.containers[0]?.image;
const names = async (kind: string, app: string) => (await kubectl("-n", ns, "get", kind, "-l", `meridian.dev/app=${app}`, "-o", "name")).trim().split("\n").filter(Boolean).sort();

const spec = (image: string, extra: Record<string, unknown> = {}) => ({
  source: { image },
  ports: [{ name: "http", port: 8080 }],
  replicas: 10,
  env: { GREETING: "hi" },
  secrets: [{ env: "TOKEN", secret: "api-token" }],
  resources: { requests: { cpu: "10m", memory: "16Mi" } },
  routes: [{ host: `${ns}.example.test` }],
  health: { readiness: { http: { path: "/healthz", port: "http" } } },
  ...extra,
});

beforeAll(async () => {
  [tb, sw] = await Promise.all([ensureK8sTestbed(), ensureSwarmTestbed()]);
  dataDir = await mkdtemp(join(tmpdir(), "meridian-apps-"));
  server = await startTestServer({ dataDir });
  admin = await loginAs(server.baseUrl, "admin", server.adminPassword);
  await kubectl("create", "namespace", ns);
  await admin.client.call("createCluster", { params: org, body: { slug: "kube", connection: { kind: "kubernetes", kubeconfig: await readFile(tb.kubeconfigPath, "utf8") } } });
  await waitFor("cluster ready", async () => (await admin.client.call("getCluster", { params: { ...org, clusterId: "kube" } })).state === "ready");
  const p = await admin.client.call("createProject", { params: org, body: { slug: "shop", name: "Shop", environments: ["dev"] } });
  projectId = p.id;
  envId = (await admin.client.call("listEnvironments", { params: { ...org, projectId } })).items[0]?.id as string;
  await admin.client.call("createClusterTarget", { params: { ...org, clusterId: "kube" }, body: { projectId, environmentId: envId, namespace: ns } });
  await admin.client.call("putProjectSecret", { params: { ...org, projectId, name: "api-token" }, body: { value: "t0ken" } });
}, 600_000);
afterAll(async () => {
  await kubectl("delete", "namespace", ns, "--wait=false").catch(() => undefined);
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("apps on Kubernetes", () => {
  it("previews the first deploy as objects to create, then rolls out 10 replicas pinned by digest", async () => {
    await admin.client.call("putApp", { params: appParams("web"), body: { spec: spec(sw.images.testapp.v1 as string, { autoscaling: { min: 10, max: 20, cpuTarget: 70 } }) } });
    const preview = await admin.client.call("deployApp", { params: envParams("web"), body: { dryRun: true } });
    expect(preview.release).toBeNull();
    expect(preview.preview?.map((r) => `${r.kind}:${r.action}`)).toEqual(expect.arrayContaining(["Deployment:created", "Service:created", "Secret:created", "HorizontalPodAutoscaler:created"]));
    expect(await names("deployment", "web")).toEqual([]);
    const { release } = await admin.client.call("deployApp", { params: envParams("web"), body: {} });
    expect(release).toMatchObject({ number: 1, state: "pending", kind: "deploy" });
    expect(release?.image).toMatch(/@sha256:[a-f0-9]{64}$/);
    const done = await settle("web", 1);
    expect(done.state).toBe("succeeded");
    expect(done.steps.map((s) => `${s.kind}:${s.status}`)).toEqual(["rollout:done"]);
    expect(await deploymentImage("web-blue")).toBe(release?.image);
    const dep = await kjson<{ status: { readyReplicas: number } }>("-n", ns, "get", "deployment", "web-blue");
    expect(dep.status.readyReplicas).toBe(10);
    const hpa = await kjson<{ spec: { minReplicas: number; maxReplicas: number; scaleTargetRef: { name: string } } }>("-n", ns, "get", "hpa", "web");
    expect(hpa.spec).toMatchObject({ minReplicas: 10, maxReplicas: 20, scaleTargetRef: { name: "web-blue" } });
    const secrets = await names("secret", "web");
    expect(secrets.length).toBe(1);
    const app = await admin.client.call("getApp", { params: appParams("web") });
    expect(app.environments[0]).toMatchObject({ deployed: true, activeSlot: "blue", current: { number: 1 }, health: "ok", replicas: { desired: 10, ready: 10 } });
  });

  it("runs a canary through weights and a manual pause, and promote finishes it", async () => {
    const canary = { type: "canary", steps: [{ weight: 20, pause: "1s" }, { weight: 50, pause: "manual" }] };
    await admin.client.call("putApp", { params: appParams("web"), body: { spec: spec(sw.images.testapp.v2 as string, { strategy: canary }) } });
    const { release } = await admin.client.call("deployApp", { params: envParams("web"), body: {} });
    const paused = await waitFor("paused at 50%", async () => {
      const r = await admin.client.call("getRelease", { params: { ...appParams("web"), number: release?.number as number }, query: { environmentId: envId } });
      return r.state === "paused" ? r : null;
    });
    expect(paused.slot).toBe("green");
    expect(paused.steps.map((s) => s.status)).toEqual(["done", "done", "done", "done", "running", "pending", "pending", "pending"]);
    expect(await names("deployment", "web")).toEqual(["deployment.apps/web-blue", "deployment.apps/web-green"]);
    const green = await kjson<{ spec: { replicas: number } }>("-n", ns, "get", "deployment", "web-green");
    expect(green.spec.replicas).toBe(5);
    const early = await errorOf(admin.client.call("rollbackApp", { params: envParams("web"), body: { to: 7 } }));
    expect(early?.status).toBe(404);
    await admin.client.call("promoteRelease", { params: envParams("web") });
    const done = await settle("web", release?.number as number);
    expect(done.state).toBe("succeeded");
    expect(done.steps.every((s) => s.status === "done")).toBe(true);
    expect(await names("deployment", "web")).toEqual(["deployment.apps/web-green"]);
    expect(await deploymentImage("web-green")).toMatch(/testapp@sha256/);
  });

  it("keeps the old version on blue/green and switches back instantly on rollback", async () => {
    await admin.client.call("putApp", { params: appParams("web"), body: { spec: spec(sw.images.testapp.v1 as string, { strategy: { type: "bluegreen", verifySeconds: 1 } }) } });
    const { release } = await admin.client.call("deployApp", { params: envParams("web"), body: {} });
    const done = await settle("web", release?.number as number);
    expect(done.state).toBe("succeeded");
    expect(done.steps.map((s) => s.kind)).toEqual(["rollout", "verify", "switch"]);
    expect(await names("deployment", "web")).toEqual(["deployment.apps/web-blue", "deployment.apps/web-green"]);
    const app = await admin.client.call("getApp", { params: appParams("web") });
    expect(app.environments[0]?.activeSlot).toBe("blue");
    const greenBefore = await kjson<{ metadata: { generation: number } }>("-n", ns, "get", "deployment", "web-green");
    const back = await admin.client.call("rollbackApp", { params: envParams("web"), body: { to: 2 } });
    expect(back).toMatchObject({ kind: "rollback", rollbackOf: 2, strategy: { type: "bluegreen" } });
    const rolled = await settle("web", back.number);
    expect(rolled.state).toBe("succeeded");
    const greenAfter = await kjson<{ metadata: { generation: number } }>("-n", ns, "get", "deployment", "web-green");
    // The switch back touched only traffic: the previous version's Deployment was not updated.
    expect(greenAfter.metadata.generation).toBe(greenBefore.metadata.generation);
    expect((await admin.client.call("getApp", { params: appParams("web") })).environments[0]?.activeSlot).toBe("green");
  });

  it("aborts a release at its pause and returns to the serving version", async () => {
    const canary = { type: "canary", steps: [{ weight: 10, pause: "manual" }] };
    await admin.client.call("putApp", { params: appParams("web"), body: { spec: spec(sw.images.testapp.v1 as string, { strategy: canary }) } });
    const { release } = await admin.client.call("deployApp", { params: envParams("web"), body: {} });
    await waitFor("paused", async () => (await admin.client.call("getRelease", { params: { ...appParams("web"), number: release?.number as number }, query: { environmentId: envId } })).state === "paused");
    await admin.client.call("abortRelease", { params: envParams("web") });
    const done = await settle("web", release?.number as number);
    expect(done.state).toBe("aborted");
    expect(done.reason).toMatch(/aborted on request; rolled back to release/);
    expect(await names("deployment", "web")).toEqual(["deployment.apps/web-green"]);
    const nothing = await errorOf(admin.client.call("promoteRelease", { params: envParams("web") }));
    expect(nothing?.status).toBe(409);
  });

  it("serializes concurrent deploys and finishes a release after Meridian is killed in the middle", async () => {
    const canary = { type: "canary", steps: [{ weight: 20, pause: "4s" }, { weight: 60, pause: "4s" }] };
    await admin.client.call("putApp", { params: appParams("web"), body: { spec: spec(sw.images.testapp.v2 as string, { strategy: canary }) } });
    const [a, b] = await Promise.all([admin.client.call("deployApp", { params: envParams("web"), body: {} }), admin.client.call("deployApp", { params: envParams("web"), body: {} })]);
    const numbers = [a.release?.number as number, b.release?.number as number].sort((x, y) => x - y);
    expect(numbers[1]).toBe((numbers[0] as number) + 1);
    await waitFor("first release in its pause", async () => {
      const r = await admin.client.call("getRelease", { params: { ...appParams("web"), number: numbers[0] as number }, query: { environmentId: envId } });
      return r.step >= 2 ? r : null;
    });
    const second = await admin.client.call("getRelease", { params: { ...appParams("web"), number: numbers[1] as number }, query: { environmentId: envId } });
    expect(second.state).toBe("pending");
    server.kill();
    await new Promise((r) => setTimeout(r, 500));
    server = await startTestServer({ dataDir });
    admin = await loginAs(server.baseUrl, "admin", server.adminPassword);
    const first = await settle("web", numbers[0] as number);
    expect(first.state).toBe("succeeded");
    const next = await settle("web", numbers[1] as number);
    expect(next.state).toBe("succeeded");
    expect(new Date(next.startedAt as string).getTime()).toBeGreaterThanOrEqual(new Date(first.finishedAt as string).getTime());
    const all = await admin.client.call("listReleases", { params: appParams("web"), query: {} });
    expect(new Set(all.items.map((r) => r.number)).size).toBe(all.items.length);
    expect(all.items.filter((r) => ["pending", "progressing", "paused"].includes(r.state))).toEqual([]);
  });

  it("refuses a domain another app routes, and an image the registry does not have", async () => {
    await admin.client.call("putApp", { params: appParams("other"), body: { spec: spec(sw.images.testapp.v1 as string) } });
    const taken = await errorOf(admin.client.call("deployApp", { params: envParams("other"), body: {} }));
    expect(taken?.status).toBe(409);
    expect(taken?.message).toMatch(/already routed/);
    const missing = await errorOf(admin.client.call("deployApp", { params: envParams("web"), body: { image: `${sw.registry}/meridian/testapp:no-such-tag` } }));
    expect(missing?.status).toBe(400);
    expect(missing?.message).toMatch(/not found/);
    expect(await names("deployment", "other")).toEqual([]);
  });

  it("serves an uploaded certificate from a TLS Secret, refuses one for another host, and says why verification fails", async () => {
    const { items } = await admin.client.call("listAppDomains", { params: appParams("web") });
    expect(items.map((d) => d.host)).toEqual([`${ns}.example.test`]);
    const domain = items[0] as (typeof items)[number];
    expect(domain.verification.dnsRecord).toMatchObject({ type: "TXT", name: `_meridian-challenge.${ns}.example.test` });
    const checked = await admin.client.call("verifyAppDomain", { params: { ...appParams("web"), domainId: domain.id } });
    expect(checked.verification.verified).toBe(false);
    expect(checked.verification.lastError).toMatch(/cannot answer HTTP challenges on Kubernetes/);
    const dir = await mkdtemp(join(tmpdir(), "meridian-cert-"));
    const selfSigned = async (host: string) => {
      await run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "30", "-subj", `/CN=${host}`, "-addext", `subjectAltName=DNS:${host}`, "-keyout", join(dir, "k.pem"), "-out", join(dir, "c.pem")]);
      return { certificatePem: await readFile(join(dir, "c.pem"), "utf8"), privateKeyPem: await readFile(join(dir, "k.pem"), "utf8") };
    };
    const wrong = await errorOf(admin.client.call("uploadDomainCertificate", { params: { ...appParams("web"), domainId: domain.id }, body: await selfSigned("other.example.test") }));
    expect(wrong?.status).toBe(400);
    expect(wrong?.message).toMatch(/not .*example\.test/);
    const ok = await admin.client.call("uploadDomainCertificate", { params: { ...appParams("web"), domainId: domain.id }, body: await selfSigned(`${ns}.example.test`) });
    expect(ok.certificate).toMatchObject({ state: "uploaded", lastError: null });
    expect(new Date(ok.certificate.notAfter as string).getTime()).toBeGreaterThan(Date.now());
    const tls = await waitFor("TLS secret", async () => {
      const list = await kjson<{ items: { type: string; data: Record<string, string> }[] }>("-n", ns, "get", "secret", "-l", "meridian.dev/app=web");
      return list.items.find((x) => x.type === "kubernetes.io/tls") ?? null;
    });
    expect(Buffer.from(tls.data["tls.crt"] as string, "base64").toString()).toContain("BEGIN CERTIFICATE");
    expect(JSON.stringify(await admin.client.call("listAppDomains", { params: appParams("web") }))).not.toContain("PRIVATE KEY");
    await rm(dir, { recursive: true, force: true });
  });

  it("deleting the app removes every object it made", async () => {
    await admin.client.call("deleteApp", { params: appParams("web") });
    await waitFor("objects gone", async () => (await names("all", "web")).length === 0 && (await names("secret", "web")).length === 0);
    expect((await errorOf(admin.client.call("getApp", { params: appParams("web") })))?.status).toBe(404);
  });
});
