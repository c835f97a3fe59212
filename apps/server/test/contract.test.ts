import { buildPath, type RouteDef, routes } from "@meridian/core";
import { loginAs, type Session, startTestServer, type TestServer } from "@meridian/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let server: TestServer;
let a: Session; // owner of org "default"
let b: Session; // owner of org "beta", a second tenant
const ids: Record<string, string> = {};

const entries = Object.entries(routes) as [string, RouteDef][];
const fakeId = "00000000-0000-4000-8000-000000000000";

async function raw(s: Session | null, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (s) {
    headers.cookie = s.cookie;
    headers["x-csrf-token"] = s.csrfToken;
  }
  if (body !== undefined) headers["content-type"] = "application/json";
  const ctl = new AbortController();
  const res = await fetch(`${server.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: ctl.signal });
  // Streams (SSE, followed logs) never end by themselves: their status and headers are the answer.
  if (res.ok && /text\/event-stream|ndjson/.test(res.headers.get("content-type") ?? "")) {
    ctl.abort();
    return { status: res.status, text: "" };
  }
  return { status: res.status, text: await res.text() };
}

beforeAll(async () => {
  server = await startTestServer();
  a = await loginAs(server.baseUrl, "admin", server.adminPassword);
  // tenant B: a second user who owns org "beta" with one of everything
  const roles = await a.client.call("listRoles", { params: { orgId: "default" } });
  const inv = await a.client.call("createInvitation", { params: { orgId: "default" }, body: { email: "b@example.com", roleId: roles.items.find((r) => r.slug === "viewer")!.id } });
  await fetch(`${server.baseUrl}/api/v1/invitations/${inv.token}/accept`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ signup: { username: "bella", password: "bella-password-123" } }),
  });
  b = await loginAs(server.baseUrl, "bella", "bella-password-123");
  await b.client.call("createOrg", { body: { slug: "beta", name: "Beta Inc" } });
  const org = await b.client.call("getOrg", { params: { orgId: "beta" } });
  const project = await b.client.call("createProject", { params: { orgId: "beta" }, body: { slug: "secret-project", name: "Secret" } });
  const envs = await b.client.call("listEnvironments", { params: { orgId: "beta", projectId: project.id } });
  const team = await b.client.call("createTeam", { params: { orgId: "beta" }, body: { slug: "core", name: "Core" } });
  const bRoles = await b.client.call("listRoles", { params: { orgId: "beta" } });
  const role = await b.client.call("createRole", { params: { orgId: "beta" }, body: { slug: "custom", name: "Custom", permissions: ["project:read"] } });
  const binding = await b.client.call("createRoleBinding", { params: { orgId: "beta" }, body: { roleId: role.id, subject: { kind: "team", id: team.id } } });
  const token = await b.client.call("createToken", { params: { orgId: "beta" }, body: { name: "t", roleId: bRoles.items.find((r) => r.slug === "viewer")!.id } });
  const invitation = await b.client.call("createInvitation", { params: { orgId: "beta" }, body: { email: "x@example.com", roleId: role.id } });
  // Tenant B's app and secret: A must not reach them by their real names either.
  await b.client.call("putApp", { params: { orgId: "beta", projectId: project.id, app: "secret-app" }, body: { spec: { source: { image: "busybox:1.36" } } } });
  await b.client.call("putOrgSecret", { params: { orgId: "beta", name: "beta-secret" }, body: { value: "Beta Inc's secret" } });
  Object.assign(ids, {
    app: "secret-app",
    number: "1",
    name: "beta-secret",
    orgId: org.slug,
    projectId: project.id,
    environmentId: envs.items[0]!.id,
    teamId: team.id,
    roleId: role.id,
    bindingId: binding.id,
    tokenId: token.id,
    invitationId: invitation.id,
    userId: b.userId,
    sessionId: fakeId,
    token: "inv_" + "x".repeat(40),
  });
});
afterAll(async () => {
  await server?.stop();
});

describe("every route", () => {
  it("rejects unauthenticated calls with 401 (public routes excepted)", async () => {
    const failures: string[] = [];
    for (const [id, def] of entries) {
      if (def.auth.kind === "public") continue;
      const path = buildPath(def.path, Object.fromEntries((def.path.match(/:([a-zA-Z]+)/g) ?? []).map((p) => [p.slice(1), p === ":orgId" ? "default" : fakeId])));
      const r = await raw(null, def.method, path, def.body ? {} : undefined);
      if (r.status !== 401) failures.push(`${id}: ${r.status}`);
      // a garbage bearer token is refused too
      const t = await fetch(`${server.baseUrl}${path}`, { method: def.method, headers: { authorization: "Bearer mer_forged" } });
      if (t.status !== 401) failures.push(`${id} (forged token): ${t.status}`);
    }
    expect(failures).toEqual([]);
  });

  it("isolates tenants: a user of org A gets 404 for everything of org B and changes nothing", async () => {
    const before = await raw(b, "GET", "/api/v1/orgs/beta/audit-events?limit=500");
    const failures: string[] = [];
    for (const [id, def] of entries) {
      if (!def.path.includes(":orgId")) continue;
      const path = buildPath(def.path, Object.fromEntries((def.path.match(/:([a-zA-Z]+)/g) ?? []).map((p) => [p.slice(1), ids[p.slice(1)] ?? fakeId])));
      const r = await raw(a, def.method, path, def.body ? {} : undefined);
      if (r.status !== 404) failures.push(`${id}: ${r.status} ${r.text.slice(0, 100)}`);
      if (r.text.includes("secret-project") || r.text.includes("Beta Inc")) failures.push(`${id}: leaked tenant B data`);
    }
    expect(failures).toEqual([]);
    // org B's own audit chain saw nothing from A (outsiders' attempts go to the system chain)
    const after = await raw(b, "GET", "/api/v1/orgs/beta/audit-events?limit=500");
    expect(after.text).toBe(before.text);
    expect((await b.client.call("listProjects", { params: { orgId: "beta" } })).items.map((p) => p.slug)).toEqual(["secret-project"]);
  });

  it("a token bound to one organization cannot reach another the user belongs to", async () => {
    const roles = await b.client.call("listRoles", { params: { orgId: "beta" } });
    const t = await b.client.call("createToken", { params: { orgId: "beta" }, body: { name: "beta-only", roleId: roles.items.find((r) => r.slug === "owner")!.id } });
    const res = await fetch(`${server.baseUrl}/api/v1/orgs/default/projects`, { headers: { authorization: `Bearer ${t.token}` } });
    expect(res.status).toBe(404);
    const me = await fetch(`${server.baseUrl}/api/v1/orgs`, { headers: { authorization: `Bearer ${t.token}` } }).then((r) => r.json());
    expect((me as { items: { slug: string }[] }).items.map((o) => o.slug)).toEqual(["beta"]);
  });
});

describe("fuzzing from the OpenAPI document", () => {
  const skip = new Set(["logout", "deleteOrg", "changePassword", "login"]); // would end the fuzzing session itself
  const payloads = ["' OR '1'='1", "\"; DROP TABLE users; --", "../../etc/passwd", "<script>alert(1)</script>", "${7*7}", "%00", "\u0000", "𝕏".repeat(300), "-1", "1e309", "[]", "{}", "null", "true", "a".repeat(5000)];
  const anyString = fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom(...payloads), fc.uuid(), fc.constantFrom("default", "beta"));
  const anyValue = fc.oneof(anyString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(anyString, { maxLength: 3 }), fc.dictionary(anyString, anyString, { maxKeys: 3 }));

  it("no input makes any route answer 5xx, and errors keep their shape", async () => {
    const doc = (await fetch(`${server.baseUrl}/api/openapi.json`).then((r) => r.json())) as {
      paths: Record<string, Record<string, { operationId: string; parameters: { name: string; in: string }[]; requestBody?: { content: { "application/json": { schema: { properties?: Record<string, unknown> } } } } }>>;
    };
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })));
    expect(ops.length).toBe(entries.length);
    const failures: string[] = [];
    for (const { path, method, op } of ops) {
      if (skip.has(op.operationId)) continue;
      const pathParams = op.parameters.filter((p) => p.in === "path").map((p) => p.name);
      const queryParams = op.parameters.filter((p) => p.in === "query").map((p) => p.name);
      const bodyKeys = Object.keys(op.requestBody?.content["application/json"].schema.properties ?? {});
      await fc.assert(
        fc.asyncProperty(
          fc.record(Object.fromEntries(pathParams.map((n) => [n, n === "orgId" ? fc.oneof(fc.constant("default"), anyString) : anyString]))),
          fc.dictionary(fc.constantFrom("x", ...queryParams), anyString, { maxKeys: 4 }),
          fc.oneof(fc.dictionary(fc.constantFrom("zz", ...bodyKeys), anyValue, { maxKeys: 5 }), anyValue),
          async (pp, qp, body) => {
            const url = path.replace(/\{(\w+)\}/g, (_, n: string) => encodeURIComponent(String(pp[n] ?? "x")) || "x") + (Object.keys(qp).length ? `?${new URLSearchParams(qp as Record<string, string>)}` : "");
            const r = await raw(a, method, url, method === "GET" ? undefined : body);
            if (r.status >= 500) failures.push(`${op.operationId} ${method} ${url} -> ${r.status} ${r.text.slice(0, 200)}`);
            else if (r.status >= 400 && !/^\{"error":\{"code":"[a-z_]+","message":/.test(r.text)) failures.push(`${op.operationId}: bad error shape ${r.text.slice(0, 100)}`);
          },
        ),
        { numRuns: 25, seed: 42 },
      );
    }
    expect(failures.slice(0, 10)).toEqual([]);
    // the server is still healthy and the admin's data is intact
    expect((await fetch(`${server.baseUrl}/readyz`)).status).toBe(200);
    const verify = await a.client.call("verifyAuditLog", { params: { orgId: "default" } });
    expect(verify.ok).toBe(true);
  });
});
