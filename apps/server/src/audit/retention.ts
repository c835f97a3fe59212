import type { Database } from "@meridian/db";
import { appendAuditEvent, chainKeyOf } from "./audit-writer.js";

/**
 * Deletes audit events older than each organization's retention. The chain stays verifiable: the hash of
 * the newest deleted event becomes the chain's anchor, and the purge itself is recorded as an event.
 */
export async function purgeExpiredAuditEvents(db: Database, now: Date): Promise<{ orgId: string; deleted: number }[]> {
  const orgs = await db.query<{ id: string; audit_retention_days: number }>("SELECT id, audit_retention_days FROM organizations WHERE audit_retention_days IS NOT NULL");
  const out: { orgId: string; deleted: number }[] = [];
  for (const org of orgs.rows) {
    const cutoff = new Date(now.getTime() - org.audit_retention_days * 86_400_000).toISOString();
    const deleted = await db.transaction(async (tx) => {
      const key = chainKeyOf(org.id);
      await tx.query("SELECT 1 FROM audit_chains WHERE chain_key = $1 FOR UPDATE", [key]);
      const last = await tx.query<{ seq: number; hash: string }>("SELECT seq, hash FROM audit_events WHERE chain_key = $1 AND time < $2 ORDER BY seq DESC LIMIT 1", [key, cutoff]);
      const anchor = last.rows[0];
      if (!anchor) return 0;
      await tx.query("SELECT set_config('meridian.audit_purge', 'on', true)");
      const d = await tx.query("DELETE FROM audit_events WHERE chain_key = $1 AND seq <= $2", [key, anchor.seq]);
      await tx.query("SELECT set_config('meridian.audit_purge', 'off', true)");
      await tx.query("UPDATE audit_chains SET anchor_seq = $2, anchor_hash = $3 WHERE chain_key = $1", [key, anchor.seq, anchor.hash]);
      await appendAuditEvent(tx, {
        orgId: org.id,
        time: now,
        actor: { kind: "system", id: null, name: "meridian" },
        action: "audit.retention.purge",
        target: { type: "audit", id: org.id, name: null },
        summary: { deleted: d.rowCount ?? 0, throughSeq: anchor.seq, retentionDays: org.audit_retention_days },
        result: "success",
        ip: null,
        userAgent: null,
        requestId: null,
      });
      return d.rowCount ?? 0;
    });
    if (deleted > 0) out.push({ orgId: org.id, deleted });
  }
  return out;
}
