import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from "node:crypto";
import { AppError } from "@meridian/core";
import type { Queryable } from "@meridian/db";
import type { KeyRing } from "./key-ring.js";

/**
 * Envelope encryption shaped like Vault transit: one data key (DEK) per organization encrypts its secrets
 * with AES-256-GCM; the DEK is stored wrapped by the current master key (KEK). The additional data binds a
 * ciphertext to its row and field, so ciphertexts swapped between rows or tenants fail to decrypt.
 * Ciphertext format: `enc:<dekId>:<base64url nonce>:<base64url ciphertext+tag>`.
 */
export interface Envelope {
  encrypt(db: Queryable, orgId: string, context: SecretContext, plaintext: string): Promise<string>;
  decrypt(db: Queryable, orgId: string, context: SecretContext, ciphertext: string): Promise<string>;
  /** Rewraps every data key under the current KEK; resumable, never exposes plaintext secrets. */
  rewrapAll(db: Queryable, onProgress?: (done: number, total: number) => void): Promise<{ rewrapped: number; total: number }>;
}

export interface SecretContext {
  resourceType: string;
  resourceId: string;
  field: string;
}

const aadOf = (orgId: string, c: SecretContext) => Buffer.from(`${orgId}|${c.resourceType}|${c.resourceId}|${c.field}`);
const dekAad = (dekId: string, orgId: string, kek: number) => Buffer.from(`dek|${dekId}|${orgId}|v${kek}`);

export function sealAesGcm(key: Buffer, plaintext: Buffer, aad: Buffer): { nonce: Buffer; sealed: Buffer } {
  const nonce = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", key, nonce);
  c.setAAD(aad);
  const sealed = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
  return { nonce, sealed };
}

export function openAesGcm(key: Buffer, nonce: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < 16) throw new AppError("internal", "ciphertext too short");
  const d = createDecipheriv("aes-256-gcm", key, nonce);
  d.setAAD(aad);
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  try {
    return Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]);
  } catch (cause) {
    throw new AppError("internal", "a secret failed its integrity check (tampered, moved, or the wrong key)", { cause });
  }
}

interface DekRow {
  id: string;
  org_id: string;
  kek_version: number;
  nonce: Buffer;
  wrapped: Buffer;
}

export function createEnvelope(deps: { keyRing: () => KeyRing }): Envelope {
  const deks = new Map<string, Buffer>(); // `${orgId}/${dekId}` -> plaintext DEK, process memory only

  function unwrap(row: DekRow): Buffer {
    const kek = deps.keyRing().get(row.kek_version);
    if (!kek) throw new AppError("unavailable", `master key v${row.kek_version} is not in the key file`);
    return openAesGcm(kek, row.nonce, row.wrapped, dekAad(row.id, row.org_id, row.kek_version));
  }

  async function currentDek(db: Queryable, orgId: string): Promise<{ id: string; key: Buffer }> {
    const found = await db.query<DekRow>("SELECT * FROM data_keys WHERE org_id = $1 ORDER BY created_at DESC LIMIT 1", [orgId]);
    const row = found.rows[0];
    if (row) {
      const key = deks.get(`${orgId}/${row.id}`) ?? unwrap(row);
      deks.set(`${orgId}/${row.id}`, key);
      return { id: row.id, key };
    }
    const ring = deps.keyRing();
    const id = randomUUID();
    const key = randomBytes(32);
    const { nonce, sealed } = sealAesGcm(ring.get(ring.current) as Buffer, key, dekAad(id, orgId, ring.current));
    await db.query("INSERT INTO data_keys (id, org_id, kek_version, nonce, wrapped) VALUES ($1, $2, $3, $4, $5)", [id, orgId, ring.current, nonce, sealed]);
    deks.set(`${orgId}/${id}`, key);
    return { id, key };
  }

  return {
    async encrypt(db, orgId, context, plaintext) {
      const dek = await currentDek(db, orgId);
      const { nonce, sealed } = sealAesGcm(dek.key, Buffer.from(plaintext, "utf8"), aadOf(orgId, context));
      return `enc:${dek.id}:${nonce.toString("base64url")}:${sealed.toString("base64url")}`;
    },
    async decrypt(db, orgId, context, ciphertext) {
      const parts = ciphertext.split(":");
      if (parts.length !== 4 || parts[0] !== "enc") throw new AppError("internal", "not a Meridian ciphertext");
      const [, dekId, nonce, sealed] = parts as [string, string, string, string];
      let key = deks.get(`${orgId}/${dekId}`);
      if (!key) {
        const r = await db.query<DekRow>("SELECT * FROM data_keys WHERE id = $1 AND org_id = $2", [dekId, orgId]);
        if (!r.rows[0]) throw new AppError("internal", "a secret's data key is missing (wrong organization?)");
        key = unwrap(r.rows[0]);
        deks.set(`${orgId}/${dekId}`, key);
      }
      return openAesGcm(key, Buffer.from(nonce, "base64url"), Buffer.from(sealed, "base64url"), aadOf(orgId, context)).toString("utf8");
    },
    async rewrapAll(db, onProgress) {
      const ring = deps.keyRing();
      const behind = await db.query<DekRow>("SELECT * FROM data_keys WHERE kek_version <> $1 ORDER BY id", [ring.current]);
      let done = 0;
      for (const row of behind.rows) {
        const key = unwrap(row);
        const { nonce, sealed } = sealAesGcm(ring.get(ring.current) as Buffer, key, dekAad(row.id, row.org_id, ring.current));
        // Guarded by the old version so two concurrent rotations cannot overwrite each other.
        await db.query("UPDATE data_keys SET kek_version = $2, nonce = $3, wrapped = $4 WHERE id = $1 AND kek_version = $5", [row.id, ring.current, nonce, sealed, row.kek_version]);
        done++;
        onProgress?.(done, behind.rows.length);
      }
      return { rewrapped: done, total: behind.rows.length };
    },
  };
}
