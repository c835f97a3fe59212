import { randomUUID } from "node:crypto";
import type { Queryable } from "@meridian/db";
import { genesisHash, hashEvent } from "./hash-chain.js";

export interface AuditRecord {
  orgId: string | null;
  time: Date;
  actor: { kind: "user" | "token" | "system" | "anonymous"; id: string | null; name: string };
  action: string;
  target: { type: string; id: string | null; name: string | null };
  summary: Record<string, unknown>;
  result: "success" | "failure" | "denied";
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export function chainKeyOf(orgId: string | null): string {
  return orgId ? `org:${orgId}` : "system";
}

/**
 * Appends one event to its organization's chain. Must run inside the transaction of the change it records:
 * the chain head row is locked, so events of one organization are written one at a time, in commit order.
 */
export async function appendAuditEvent(tx: Queryable, rec: AuditRecord): Promise<{ seq: number; hash: string }> {
  const chainKey = chainKeyOf(rec.orgId);
  await tx.query(
    "INSERT INTO audit_chains (chain_key, org_id, last_seq, last_hash, anchor_seq, anchor_hash) VALUES ($1, $2, 0, $3, 0, $3) ON CONFLICT (chain_key) DO NOTHING",
    [chainKey, rec.orgId, genesisHash],
  );
  const head = await tx.query<{ last_seq: number; last_hash: string }>("SELECT last_seq, last_hash FROM audit_chains WHERE chain_key = $1 FOR UPDATE", [chainKey]);
  const h = head.rows[0];
  if (!h) throw new Error(`audit chain ${chainKey} vanished`);
  const fields = {
    chainKey,
    seq: h.last_seq + 1,
    id: randomUUID(),
    time: rec.time.toISOString(),
    actorKind: rec.actor.kind,
    actorId: rec.actor.id,
    actorName: rec.actor.name,
    action: rec.action,
    targetType: rec.target.type,
    targetId: rec.target.id,
    targetName: rec.target.name,
    summary: rec.summary,
    result: rec.result,
    ip: rec.ip,
    userAgent: rec.userAgent,
    requestId: rec.requestId,
    prevHash: h.last_hash,
  };
  const hash = hashEvent(fields);
  await tx.query(
    `INSERT INTO audit_events (chain_key, seq, id, org_id, time, actor_kind, actor_id, actor_name, action, target_type, target_id,
       target_name, summary, result, ip, user_agent, request_id, prev_hash, hash)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19)`,
    [
      chainKey,
      fields.seq,
      fields.id,
      rec.orgId,
      fields.time,
      fields.actorKind,
      fields.actorId,
      fields.actorName,
      fields.action,
      fields.targetType,
      fields.targetId,
      fields.targetName,
      JSON.stringify(fields.summary),
      fields.result,
      fields.ip,
      fields.userAgent,
      fields.requestId,
      fields.prevHash,
      hash,
    ],
  );
  await tx.query("UPDATE audit_chains SET last_seq = $2, last_hash = $3 WHERE chain_key = $1", [chainKey, fields.seq, hash]);
  return { seq: fields.seq, hash };
}
