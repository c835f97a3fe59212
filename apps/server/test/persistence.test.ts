import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DebianPostgres, loginAs, startDebianPostgres, startTestServer } from "@meridian/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("embedded PostgreSQL", () => {
  it("keeps all data across a restart and bootstraps only once", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "meridian-restart-"));
    try {
      const first = await startTestServer({ dataDir });
      const s = await loginAs(first.baseUrl, "admin", first.adminPassword);
      await s.client.call("createProject", { params: { orgId: "default" }, body: { slug: "kept", name: "Kept" } });
      await first.stop();
      const second = await startTestServer({ dataDir, env: { MERIDIAN_BOOTSTRAP_PASSWORD: "a-different-password" } });
      try {
        expect(second.logs()).not.toMatch(/Created the first user/);
        const s2 = await loginAs(second.baseUrl, "admin", first.adminPassword);
        const projects = await s2.client.call("listProjects", { params: { orgId: "default" } });
        expect(projects.items.map((p) => p.slug)).toEqual(["kept"]);
        expect((await s2.client.call("verifyAuditLog", { params: { orgId: "default" } })).ok).toBe(true);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("a killed server restarts cleanly on the same data dir", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "meridian-crash-"));
    try {
      const first = await startTestServer({ dataDir });
      first.kill();
      await new Promise((r) => setTimeout(r, 500));
      const second = await startTestServer({ dataDir });
      const ready = await fetch(`${second.baseUrl}/readyz`);
      expect(ready.status).toBe(200);
      await second.stop();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe("external PostgreSQL (Debian's postgresql server)", () => {
  let pg: DebianPostgres;
  beforeAll(async () => {
    pg = await startDebianPostgres();
  });
  afterAll(async () => {
    await pg?.stop();
  });

  it("runs the same migrations and serves the API, and a restart re-applies nothing", async () => {
    const server = await startTestServer({ databaseUrl: pg.url });
    try {
      const ready = (await fetch(`${server.baseUrl}/readyz`).then((r) => r.json())) as { status: string; migrations: number };
      expect(ready.status).toBe("ready");
      const s = await loginAs(server.baseUrl, "admin", server.adminPassword);
      await s.client.call("createProject", { params: { orgId: "default" }, body: { slug: "ext", name: "External" } });
    } finally {
      await server.stop();
    }
    const again = await startTestServer({ databaseUrl: pg.url });
    try {
      const s = await loginAs(again.baseUrl, "admin", again.adminPassword);
      expect((await s.client.call("listProjects", { params: { orgId: "default" } })).items.map((p) => p.slug)).toEqual(["ext"]);
      const db = await again.openDatabase();
      const m = await db.query("SELECT name FROM schema_migrations");
      expect(m.rowCount).toBeGreaterThan(0);
      await db.close();
    } finally {
      await again.stop();
    }
  });

  it("two processes on one database: a change through one invalidates the other's cached reads", async () => {
    const one = await startTestServer({ databaseUrl: pg.url });
    const two = await startTestServer({ databaseUrl: pg.url });
    try {
      const a = await loginAs(one.baseUrl, "admin", one.adminPassword);
      const b = await loginAs(two.baseUrl, "admin", two.adminPassword);
      const before = await b.client.call("listProjects", { params: { orgId: "default" } });
      await b.client.call("listProjects", { params: { orgId: "default" } }); // now cached in process two
      await a.client.call("createProject", { params: { orgId: "default" }, body: { slug: "from-one", name: "From one" } });
      let after = before;
      for (let i = 0; i < 50 && after.items.length === before.items.length; i++) {
        await new Promise((r) => setTimeout(r, 20));
        after = await b.client.call("listProjects", { params: { orgId: "default" } });
      }
      expect(after.items.map((p) => p.slug)).toContain("from-one");
    } finally {
      await one.stop();
      await two.stop();
    }
  });

  it("/readyz reports an unreachable database", async () => {
    const server = await startTestServer({ databaseUrl: pg.url });
    try {
      await pg.stop();
      const r = await fetch(`${server.baseUrl}/readyz`);
      expect(r.status).toBe(503);
      expect(((await r.json()) as { status: string }).status).toBe("database_unreachable");
      expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
    } finally {
      await server.kill();
    }
  });
});
