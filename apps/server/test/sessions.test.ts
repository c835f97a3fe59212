import { ApiError } from "@meridian/client";
import { loginAs, startTestServer, type TestServer } from "@meridian/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

const status = (p: Promise<unknown>) => p.then(() => 200, (e: ApiError) => e.status);

describe("sessions", () => {
  it("lists own sessions and revokes another one", async () => {
    const s1 = await loginAs(server.baseUrl, "admin", server.adminPassword);
    const s2 = await loginAs(server.baseUrl, "admin", server.adminPassword);
    const list = await s1.client.call("listSessions");
    expect(list.items.length).toBeGreaterThanOrEqual(2);
    expect(list.items.filter((s) => s.current)).toHaveLength(1);
    const other = list.items.find((s) => !s.current)!;
    expect(await status(s2.client.call("getMe"))).toBe(200);
    const current2 = (await s2.client.call("listSessions")).items.find((s) => s.current)!;
    await s1.client.call("revokeSession", { params: { sessionId: current2.id } });
    expect(await status(s2.client.call("getMe"))).toBe(401);
    expect(other).toBeTruthy();
  });

  it("logout ends the session", async () => {
    const s = await loginAs(server.baseUrl, "admin", server.adminPassword);
    await s.client.call("logout");
    expect(await status(s.client.call("getMe"))).toBe(401);
  });

  it("idle and absolute timeouts end sessions", async () => {
    const idle = await loginAs(server.baseUrl, "admin", server.adminPassword);
    const abs = await loginAs(server.baseUrl, "admin", server.adminPassword);
    const db = await server.openDatabase();
    try {
      const idleId = (await idle.client.call("listSessions")).items.find((s) => s.current)!.id;
      const absId = (await abs.client.call("listSessions")).items.find((s) => s.current)!.id;
      await db.query("UPDATE sessions SET last_seen_at = now() - interval '3 hours' WHERE id = $1", [idleId]);
      await db.query("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = $1", [absId]);
    } finally {
      await db.close();
    }
    await new Promise((r) => setTimeout(r, 5200)); // the session cache holds rows for 5 s
    expect(await status(idle.client.call("getMe"))).toBe(401);
    expect(await status(abs.client.call("getMe"))).toBe(401);
  });

  it("changing the password revokes the other sessions", async () => {
    const keep = await loginAs(server.baseUrl, "admin", server.adminPassword);
    const other = await loginAs(server.baseUrl, "admin", server.adminPassword);
    const e = await keep.client.call("changePassword", { body: { currentPassword: "wrong", newPassword: "a-new-password-456" } }).catch((x: ApiError) => x);
    expect((e as ApiError).status).toBe(403);
    await keep.client.call("changePassword", { body: { currentPassword: server.adminPassword, newPassword: "a-new-password-456" } });
    expect(await status(keep.client.call("getMe"))).toBe(200);
    expect(await status(other.client.call("getMe"))).toBe(401);
    await keep.client.call("changePassword", { body: { currentPassword: "a-new-password-456", newPassword: server.adminPassword } });
  });

  it("throttles repeated failed logins with Retry-After", async () => {
    const attempt = () =>
      fetch(`${server.baseUrl}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "ghost", password: "nope" }) });
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await attempt()).status);
    expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    const r = await attempt();
    expect(r.status).toBe(429);
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = (await r.json()) as { error: { details: { retryAfterSeconds: number } } };
    expect(body.error.details.retryAfterSeconds).toBeGreaterThan(0);
  });

  it("sets an HTTP-only cookie and never returns password hashes", async () => {
    const res = await fetch(`${server.baseUrl}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "admin", password: server.adminPassword }) });
    expect(res.headers.get("set-cookie")).toMatch(/meridian_session=.*HttpOnly.*SameSite=Lax/i);
    const text = await res.text();
    expect(text).not.toMatch(/argon2|password/i);
  });
});
