import { loginAs, startTestServer, type TestServer } from "@meridian/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

describe("operations endpoints", () => {
  it("health, readiness and Prometheus metrics", async () => {
    expect(await fetch(`${server.baseUrl}/healthz`).then((r) => r.json())).toEqual({ status: "ok" });
    expect(await fetch(`${server.baseUrl}/readyz`).then((r) => r.json())).toMatchObject({ status: "ready" });
    const s = await loginAs(server.baseUrl, "admin", server.adminPassword);
    await s.client.call("createTeam", { params: { orgId: "default" }, body: { slug: "metrics-team", name: "M" } });
    const res = await fetch(`${server.baseUrl}/metrics`);
    expect(res.headers.get("content-type")).toMatch(/text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/meridian_http_requests_total\{method="POST",route="\/api\/v1\/orgs\/:orgId\/teams",status="201"\} 1/);
    expect(text).toMatch(/meridian_audit_events_total \d+/);
    expect(text).toMatch(/meridian_http_request_duration_seconds_bucket/);
  });

  it("serves the OpenAPI 3.1 document and browsable docs", async () => {
    const doc = (await fetch(`${server.baseUrl}/api/openapi.json`).then((r) => r.json())) as { openapi: string; paths: Record<string, Record<string, { operationId: string }>> };
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.paths["/api/v1/orgs/{orgId}/projects"]?.post?.operationId).toBe("createProject");
    const docs = await fetch(`${server.baseUrl}/api/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toMatch(/swagger/i);
  });

  it("answers unknown API paths with the error shape, and every response carries a request id", async () => {
    const r = await fetch(`${server.baseUrl}/api/v1/nope`, { headers: { "x-request-id": "trace-123" } });
    expect(r.status).toBe(404);
    expect(r.headers.get("x-request-id")).toBe("trace-123");
    expect(await r.json()).toEqual({ error: { code: "not_found", message: "no such API route" } });
  });

  it("rejects oversized and non-JSON bodies with 400", async () => {
    const s = await loginAs(server.baseUrl, "admin", server.adminPassword);
    const big = await fetch(`${server.baseUrl}/api/v1/orgs/default/teams`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: s.cookie, "x-csrf-token": s.csrfToken },
      body: JSON.stringify({ slug: "x", name: "y".repeat(2_000_000) }),
    });
    expect(big.status).toBe(400);
    const bad = await fetch(`${server.baseUrl}/api/v1/orgs/default/teams`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: s.cookie, "x-csrf-token": s.csrfToken },
      body: "{not json",
    });
    expect(bad.status).toBe(400);
  });

  it("stops gracefully on SIGTERM", async () => {
    const other = await startTestServer();
    const started = Date.now();
    await other.stop(); // SIGTERM, waits for exit
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(other.logs()).toMatch(/SIGTERM: shutting down/);
    expect(other.exitCode()).toBe(0);
    await expect(fetch(`${other.baseUrl}/healthz`)).rejects.toThrow();
  });
});
