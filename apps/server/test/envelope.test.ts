import type { Database } from "@meridian/db";
import { startTestServer, type TestServer } from "@meridian/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEnvelope } from "../src/secrets/envelope.js";
import { addKeyVersion, type KeyRing, parseKeyFile } from "../src/secrets/key-ring.js";

let server: TestServer;
let db: Database;
let orgA: string;
let orgB: string;

beforeAll(async () => {
  server = await startTestServer();
  db = await server.openDatabase();
  orgA = (await db.query<{ id: string }>("SELECT id FROM organizations WHERE slug = 'default'")).rows[0]!.id;
  orgB = crypto.randomUUID();
  await db.query("INSERT INTO organizations (id, slug, name) VALUES ($1, 'other', 'Other')", [orgB]);
});
afterAll(async () => {
  await db?.close();
  await server?.stop();
});

const ctx = { resourceType: "cluster", resourceId: "c1", field: "token" };

describe("envelope encryption on PostgreSQL", () => {
  it("round-trips, stores no plaintext, and binds ciphertexts to their organization and field", async () => {
    let ring: KeyRing = parseKeyFile(`v1:${Buffer.alloc(32, 3).toString("base64")}`);
    const env = createEnvelope({ keyRing: () => ring });
    const ct = await env.encrypt(db, orgA, ctx, "eyJhbGciOi-secret-token");
    expect(ct).toMatch(/^enc:[0-9a-f-]{36}:/);
    expect(ct).not.toContain("secret-token");
    expect(await env.decrypt(db, orgA, ctx, ct)).toBe("eyJhbGciOi-secret-token");
    await expect(env.decrypt(db, orgA, { ...ctx, field: "caData" }, ct)).rejects.toThrow(/integrity/);
    await expect(env.decrypt(db, orgB, ctx, ct)).rejects.toThrow(/data key is missing/);
    const wrapped = await db.query<{ wrapped: Buffer }>("SELECT wrapped FROM data_keys WHERE org_id = $1", [orgA]);
    expect(wrapped.rows).toHaveLength(1);

    // rotate: add v2, rewrap, drop v1 from the ring; a fresh process (empty DEK cache) still decrypts
    ring = addKeyVersion(ring);
    const other = await env.encrypt(db, orgB, ctx, "b-secret");
    const progress: number[] = [];
    const r = await createEnvelope({ keyRing: () => ring }).rewrapAll(db, (d) => progress.push(d));
    expect(r.rewrapped).toBe(1); // orgB's key was made under v2 already
    expect(progress).toEqual([1]);
    const onlyV2: KeyRing = { current: 2, get: (v) => (v === 2 ? ring.get(2) : undefined), versions: () => [2] };
    const fresh = createEnvelope({ keyRing: () => onlyV2 });
    expect(await fresh.decrypt(db, orgA, ctx, ct)).toBe("eyJhbGciOi-secret-token");
    expect(await fresh.decrypt(db, orgB, ctx, other)).toBe("b-secret");
    expect((await db.query("SELECT 1 FROM data_keys WHERE kek_version <> 2")).rowCount).toBe(0);
    // a process that lost the key cannot read anything
    const lost = createEnvelope({ keyRing: () => parseKeyFile(`v2:${Buffer.alloc(32, 9).toString("base64")}`) });
    await expect(lost.decrypt(db, orgA, ctx, ct)).rejects.toThrow(/integrity/);
  });
});
