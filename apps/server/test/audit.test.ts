import { loginAs, type Session, startTestServer, type TestServer } from "@meridian/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { purgeExpiredAuditEvents } from "../src/audit/retention.js";

let server: TestServer;
let admin: Session;

beforeAll(async () => {
  server = await startTestServer();
  admin = await loginAs(server.baseUrl, "admin", server.adminPassword);
  for (let i = 0; i < 5; i++) await admin.client.call("createTeam", { params: { orgId: "default" }, body: { slug: `team-${i}`, name: `Team ${i}` } });
});
afterAll(async () => {
  await server?.stop();
});

describe("audit log", () => {
  it("filters by actor, action prefix, target and result, newest first, with cursors", async () => {
    const teams = await admin.client.call("listAuditEvents", { params: { orgId: "default" }, query: { action: "team.", limit: 2 } });
    expect(teams.items.map((e) => e.target.name)).toEqual(["team-4", "team-3"]);
    expect(teams.nextCursor).not.toBeNull();
    const next = await admin.client.call("listAuditEvents", { params: { orgId: "default" }, query: { action: "team.", limit: 2, cursor: teams.nextCursor! } });
    expect(next.items.map((e) => e.target.name)).toEqual(["team-2", "team-1"]);
    const byTarget = await admin.client.call("listAuditEvents", { params: { orgId: "default" }, query: { target: "team-0" } });
    expect(byTarget.items).toHaveLength(1);
    expect(byTarget.items[0]).toMatchObject({ action: "team.create", actor: { name: "admin" }, result: "success", summary: { name: "Team 0" } });
    expect(byTarget.items[0]!.requestId).toBeTruthy();
    expect(byTarget.items[0]!.ip).toBe("127.0.0.1");
    const nobody = await admin.client.call("listAuditEvents", { params: { orgId: "default" }, query: { actor: "nobody" } });
    expect(nobody.items).toEqual([]);
  });

  it("records failed logins of members in their organizations", async () => {
    const res = await fetch(`${server.baseUrl}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "admin", password: "wrong-password" }) });
    expect(res.status).toBe(401);
    const ev = await admin.client.call("listAuditEvents", { params: { orgId: "default" }, query: { action: "auth.login", result: "failure" } });
    expect(ev.items[0]).toMatchObject({ actor: { kind: "anonymous", name: "admin" }, result: "failure" });
  });

  it("exports CSV and JSON lines with the same events", async () => {
    const csv = await (await admin.client.raw("exportAuditEvents", { params: { orgId: "default" }, query: { format: "csv", action: "team." } })).text();
    const lines = csv.trim().split("\n");
    expect(lines[0]).toMatch(/^seq,time,actor_kind,actor_name,action/);
    expect(lines).toHaveLength(6);
    const jsonl = await (await admin.client.raw("exportAuditEvents", { params: { orgId: "default" }, query: { format: "jsonl", action: "team." } })).text();
    const events = jsonl.trim().split("\n").map((l) => JSON.parse(l) as { action: string; seq: number });
    expect(events.map((e) => e.action)).toEqual(Array(5).fill("team.create"));
    expect(events.map((e) => e.seq)).toEqual([...events.map((e) => e.seq)].sort((x, y) => x - y));
  });

  it("the database refuses updates and deletes of audit rows", async () => {
    const db = await server.openDatabase();
    try {
      await expect(db.query("UPDATE audit_events SET actor_name = 'x'")).rejects.toThrow(/append-only/);
      await expect(db.query("DELETE FROM audit_events")).rejects.toThrow(/retention/);
    } finally {
      await db.close();
    }
  });

  it("verify detects an altered, a deleted and a reordered event, and says where", async () => {
    expect((await admin.client.call("verifyAuditLog", { params: { orgId: "default" } })).ok).toBe(true);
    const db = await server.openDatabase();
    try {
      const org = (await db.query<{ id: string }>("SELECT id FROM organizations WHERE slug = 'default'")).rows[0]!;
      const key = `org:${org.id}`;
      const seqOf = async (name: string) =>
        (await db.query<{ seq: number }>("SELECT seq FROM audit_events WHERE chain_key = $1 AND target_name = $2", [key, name])).rows[0]!.seq;
      const s1 = await seqOf("team-1");
      const s3 = await seqOf("team-3");
      // An attacker with database access disables the guard.
      await db.query("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only");
      await db.query("UPDATE audit_events SET actor_name = 'mallory' WHERE chain_key = $1 AND seq = $2", [key, s1]);
      let r = await admin.client.call("verifyAuditLog", { params: { orgId: "default" } });
      expect(r.ok).toBe(false);
      expect(r.problems).toContainEqual(expect.objectContaining({ seq: s1, kind: "altered" }));
      await db.query("DELETE FROM audit_events WHERE chain_key = $1 AND seq = $2", [key, s3]);
      r = await admin.client.call("verifyAuditLog", { params: { orgId: "default" } });
      expect(r.problems).toContainEqual(expect.objectContaining({ seq: s3 + 1, kind: "missing" }));
      await db.query("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only");
    } finally {
      await db.close();
    }
    const events = await admin.client.call("listAuditEvents", { params: { orgId: "default" }, query: { action: "audit.verify" } });
    expect(events.items[0]!.summary).toMatchObject({ ok: false });
  });

  it("retention purges old events and leaves a chain that still verifies from its anchor", async () => {
    // A second organization with a clean chain.
    await admin.client.call("createOrg", { body: { slug: "retained", name: "Retained" } });
    await admin.client.call("createTeam", { params: { orgId: "retained" }, body: { slug: "old", name: "Old" } });
    await admin.client.call("updateOrg", { params: { orgId: "retained" }, body: { auditRetentionDays: 30 } });
    const db = await server.openDatabase();
    try {
      const purged = await purgeExpiredAuditEvents(db, new Date(Date.now() + 31 * 86_400_000));
      const org = await admin.client.call("getOrg", { params: { orgId: "retained" } });
      expect(purged.find((p) => p.orgId === org.id)?.deleted).toBe(3);
    } finally {
      await db.close();
    }
    const list = await admin.client.call("listAuditEvents", { params: { orgId: "retained" } });
    expect(list.items.map((e) => e.action)).toEqual(["audit.retention.purge"]);
    const v = await admin.client.call("verifyAuditLog", { params: { orgId: "retained" } });
    expect(v).toMatchObject({ ok: true, checked: 1, firstSeq: 4 });
  });
});
