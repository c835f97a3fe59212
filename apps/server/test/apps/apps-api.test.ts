import type { AppSpecInput } from "@meridian/core";
import { loginAs, type Session, startTestServer, type TestServer } from "@meridian/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { errorOf } from "../clusters/helpers.js";

let server: TestServer;
let admin: Session;
const org = { orgId: "default" };
let projectId: string;
let envs: Record<string, string>;

const spec: AppSpecInput = {
  source: { image: "127.0.0.1:5000/meridian/testapp:v1" },
  ports: [{ name: "http", port: 8080 }],
  replicas: 2,
  env: { GREETING: "hello" },
  secrets: [{ env: "TOKEN", secret: "api-token" }],
  routes: [{ host: "shop.example.test" }],
  health: { readiness: { http: { path: "/healthz", port: "http" } } },
  strategy: { type: "canary", steps: [{ weight: 20, pause: "10s" }] },
  environments: { prod: { replicas: 4 } },
};

beforeAll(async () => {
  server = await startTestServer();
  admin = await loginAs(server.baseUrl, "admin", server.adminPassword);
  const p = await admin.client.call("createProject", { params: org, body: { slug: "shop", name: "Shop" } });
  projectId = p.id;
  const e = await admin.client.call("listEnvironments", { params: { ...org, projectId } });
  envs = Object.fromEntries(e.items.map((x) => [x.slug, x.id]));
});
afterAll(async () => {
  await server?.stop();
});

describe("apps", () => {
  it("creates an app with PUT (201), updates it (200) and lists it with a status per environment", async () => {
    const created = await admin.client.raw("putApp", { params: { ...org, projectId, app: "web" }, body: { description: "storefront", spec } });
    expect(created.status).toBe(201);
    const body = (await created.json()) as { created: boolean; specVersion: number; environments: { environmentSlug: string; health: string; target: unknown }[] };
    expect(body.created).toBe(true);
    expect(body.environments.map((e) => `${e.environmentSlug}:${e.health}`)).toEqual(["dev:not_deployed", "staging:not_deployed", "prod:not_deployed"]);
    expect(body.environments.every((e) => e.target === null)).toBe(true);
    const updated = await admin.client.call("putApp", { params: { ...org, projectId, app: "web" }, body: { spec: { ...spec, replicas: 3 } } });
    expect(updated).toMatchObject({ created: false, specVersion: 2, description: "storefront" });
    expect(updated.spec.replicas).toBe(3);
    const same = await admin.client.call("putApp", { params: { ...org, projectId, app: "web" }, body: { spec: { ...spec, replicas: 3 } } });
    expect(same.specVersion).toBe(2);
    const stale = await errorOf(admin.client.call("putApp", { params: { ...org, projectId, app: "web" }, body: { spec, expectedSpecVersion: 1 } }));
    expect(stale?.status).toBe(409);
    expect(stale?.message).toMatch(/changed meanwhile \(now at version 2/);
    const dup = await errorOf(admin.client.call("putApp", { params: { ...org, projectId, app: "web" }, body: { spec, createOnly: true } }));
    expect(dup?.status).toBe(409);
    const list = await admin.client.call("listApps", { params: org, query: {} });
    expect(list.items.map((a) => `${a.projectSlug}/${a.name}:${a.source}`)).toEqual(["shop/web:127.0.0.1:5000/meridian/testapp:v1"]);
  });

  it("exports YAML that applies back unchanged (the declarative round trip)", async () => {
    const res = await admin.client.raw("exportApp", { params: { ...org, projectId, app: "web" }, query: { format: "yaml" } });
    expect(res.headers.get("content-type")).toContain("yaml");
    const text = await res.text();
    const [doc] = parseAllDocuments(text).map((d) => d.toJSON() as { apiVersion: string; kind: string; metadata: { name: string; project: string }; spec: typeof spec });
    expect(doc).toMatchObject({ apiVersion: "meridian.dev/v1", kind: "App", metadata: { name: "web", project: "shop" } });
    const again = await admin.client.call("putApp", { params: { ...org, projectId, app: "web" }, body: { spec: doc?.spec as AppSpecInput } });
    expect(again.specVersion).toBe(2);
    await admin.client.call("putApp", { params: { ...org, projectId, app: "worker" }, body: { spec: { source: { image: "busybox:1.36" } } } });
    const all = await (await admin.client.raw("exportProjectApps", { params: { ...org, projectId }, query: {} })).text();
    expect(parseAllDocuments(all).map((d) => (d.toJSON() as { metadata: { name: string } }).metadata.name)).toEqual(["web", "worker"]);
  });

  it("rejects bad specs with the field that is wrong, and stores nothing", async () => {
    const bad = async (s: unknown) => errorOf(admin.client.call("putApp", { params: { ...org, projectId, app: "bad" }, body: { spec: s as AppSpecInput } }));
    const image = await bad({ ...spec, source: { image: "Not An Image!" } });
    expect(image?.status).toBe(400);
    expect(JSON.stringify(image?.details)).toMatch(/image reference/);
    const port = await bad({ ...spec, routes: [{ host: "x.example.test", port: "admin" }] });
    expect(JSON.stringify(port?.details)).toMatch(/not one of the app's ports/);
    const env = await bad({ ...spec, environments: { production: { replicas: 2 } } });
    expect(env?.message).toMatch(/unknown environment production/);
    const canary = await bad({ ...spec, strategy: { type: "canary", steps: [{ weight: 60 }, { weight: 30 }] } });
    expect(JSON.stringify(canary?.details)).toMatch(/increase/);
    expect((await errorOf(admin.client.call("getApp", { params: { ...org, projectId, app: "bad" } })))?.status).toBe(404);
  });

  it("refuses to deploy without a secret the app needs or a cluster bound to the environment, creating no release", async () => {
    const noSecret = await errorOf(admin.client.call("deployApp", { params: { ...org, projectId, environmentId: envs.dev as string, app: "web" }, body: {} }));
    expect(noSecret?.status).toBe(400);
    expect(noSecret?.message).toMatch(/secret api-token not found/);
    await admin.client.call("putProjectSecret", { params: { ...org, projectId, name: "api-token" }, body: { value: "s3cret-value" } });
    const noTarget = await errorOf(admin.client.call("deployApp", { params: { ...org, projectId, environmentId: envs.dev as string, app: "web" }, body: {} }));
    expect(noTarget?.status).toBe(400);
    expect(noTarget?.message).toMatch(/has no cluster to deploy to/);
    const releases = await admin.client.call("listReleases", { params: { ...org, projectId, app: "web" }, query: {} });
    expect(releases.items).toEqual([]);
    const unknownEnv = await errorOf(admin.client.call("deployApp", { params: { ...org, projectId, environmentId: "00000000-0000-4000-8000-000000000000", app: "web" }, body: {} }));
    expect(unknownEnv?.status).toBe(404);
    expect(unknownEnv?.message).toMatch(/environment/);
    const missingApp = await errorOf(admin.client.call("deployApp", { params: { ...org, projectId, environmentId: envs.dev as string, app: "nope" }, body: {} }));
    expect(missingApp?.status).toBe(404);
  });

  it("keeps secret values write-only and versions every write", async () => {
    const v2 = await admin.client.call("putProjectSecret", { params: { ...org, projectId, name: "api-token" }, body: { value: "rotated" } });
    expect(v2).toMatchObject({ name: "api-token", scope: "project", version: 2, versions: 2 });
    await admin.client.call("putEnvironmentSecret", { params: { ...org, projectId, environmentId: envs.prod as string, name: "api-token" }, body: { value: "prod-only" } });
    const list = await admin.client.call("listProjectSecrets", { params: { ...org, projectId } });
    expect(list.items.map((s) => `${s.scope}:${s.name}:v${s.version}`)).toEqual(["project:api-token:v2", "environment:api-token:v1"]);
    expect(JSON.stringify(list)).not.toMatch(/rotated|prod-only|s3cret/);
    const db = await server.openDatabase();
    try {
      const stored = await db.query<{ ciphertext: string }>("SELECT ciphertext FROM app_secrets");
      expect(stored.rows.length).toBe(3);
      expect(stored.rows.every((r) => r.ciphertext.startsWith("enc:") && !r.ciphertext.includes("rotated"))).toBe(true);
      const audit = await db.query<{ summary: unknown }>("SELECT summary FROM audit_events WHERE action = 'secret.put'");
      expect(audit.rows.length).toBe(3);
      expect(JSON.stringify(audit.rows)).not.toMatch(/rotated|prod-only|s3cret/);
    } finally {
      await db.close();
    }
    await admin.client.call("deleteEnvironmentSecret", { params: { ...org, projectId, environmentId: envs.prod as string, name: "api-token" } });
    expect((await errorOf(admin.client.call("deleteEnvironmentSecret", { params: { ...org, projectId, environmentId: envs.prod as string, name: "api-token" } })))?.status).toBe(404);
  });

  it("offers templates that expand into apps", async () => {
    const t = await admin.client.call("listAppTemplates", { params: org });
    expect(t.items.map((x) => x.id)).toEqual(["static-site", "node-service", "postgresql", "redis"]);
    const pg = t.items.find((x) => x.id === "postgresql") as unknown as { document: { spec: AppSpecInput } };
    const made = await admin.client.call("putApp", { params: { ...org, projectId, app: "db" }, body: { spec: pg.document.spec } });
    expect(made.spec.volumes).toEqual([{ name: "data", mountPath: "/var/lib/postgresql/data", size: "10Gi" }]);
  });
});
