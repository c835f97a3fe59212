import { type AuditEvent, type AuditQuery, AppError } from "@meridian/core";
import { decodeCursor, encodeCursor, type Queryable } from "@meridian/db";
import type { Handlers } from "../http/context.js";
import { requireOrg } from "../http/context.js";
import { chainKeyOf } from "./audit-writer.js";
import { createChainVerifier, genesisHash, type StoredEvent } from "./hash-chain.js";

export interface AuditRow {
  chain_key: string;
  seq: number;
  id: string;
  time: string;
  actor_kind: AuditEvent["actor"]["kind"];
  actor_id: string | null;
  actor_name: string;
  action: string;
  target_type: string;
  target_id: string | null;
  target_name: string | null;
  summary: Record<string, unknown>;
  result: AuditEvent["result"];
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  prev_hash: string;
  hash: string;
}

export const toAuditEvent = (r: AuditRow): AuditEvent => ({
  id: r.id,
  seq: r.seq,
  time: r.time,
  actor: { kind: r.actor_kind, id: r.actor_id, name: r.actor_name },
  action: r.action,
  target: { type: r.target_type, id: r.target_id, name: r.target_name },
  summary: r.summary,
  result: r.result,
  ip: r.ip,
  userAgent: r.user_agent,
  requestId: r.request_id,
  hash: r.hash,
  prevHash: r.prev_hash,
});

const toStored = (r: AuditRow): StoredEvent => ({
  chainKey: r.chain_key,
  seq: r.seq,
  id: r.id,
  time: r.time,
  actorKind: r.actor_kind,
  actorId: r.actor_id,
  actorName: r.actor_name,
  action: r.action,
  targetType: r.target_type,
  targetId: r.target_id,
  targetName: r.target_name,
  summary: r.summary,
  result: r.result,
  ip: r.ip,
  userAgent: r.user_agent,
  requestId: r.request_id,
  prevHash: r.prev_hash,
  hash: r.hash,
});

type Filters = Omit<AuditQuery, "limit" | "cursor" | "sort">;

/** WHERE clauses for the audit filters; every value is a parameter. */
function buildFilters(chainKey: string, f: Filters, params: unknown[]): string {
  params.push(chainKey);
  const where = [`chain_key = $${params.length}`];
  const add = (sql: (n: string) => string, v: unknown) => {
    params.push(v);
    where.push(sql(`$${params.length}`));
  };
  if (f.actor) add((n) => `actor_name ILIKE ${n}`, `${f.actor.replace(/[%_\\]/g, "\\$&")}%`);
  if (f.action) {
    if (f.action.endsWith("*") || f.action.endsWith(".")) add((n) => `action LIKE ${n}`, `${f.action.replace(/\*$/, "").replace(/[%_\\]/g, "\\$&")}%`);
    else add((n) => `action = ${n}`, f.action);
  }
  if (f.target) add((n) => `(target_id = ${n} OR target_name ILIKE ${n})`, f.target);
  if (f.result) add((n) => `result = ${n}`, f.result);
  if (f.since) add((n) => `time >= ${n}`, f.since);
  if (f.until) add((n) => `time < ${n}`, f.until);
  return where.join(" AND ");
}

async function* streamRows(db: Queryable, chainKey: string, f: Filters): AsyncGenerator<AuditRow[]> {
  let after = 0;
  for (;;) {
    const params: unknown[] = [];
    const where = buildFilters(chainKey, f, params);
    params.push(after);
    const r = await db.query<AuditRow>(`SELECT * FROM audit_events WHERE ${where} AND seq > $${params.length} ORDER BY seq LIMIT 2000`, params);
    if (r.rows.length === 0) return;
    yield r.rows;
    after = (r.rows[r.rows.length - 1] as AuditRow).seq;
  }
}

const csvColumns = ["seq", "time", "actor_kind", "actor_name", "action", "target_type", "target_id", "target_name", "result", "ip", "user_agent", "request_id", "summary", "prev_hash", "hash"] as const;

/** RFC 4180 quoting, plus a leading apostrophe on cells a spreadsheet would run as a formula. */
export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function verifyChain(db: Queryable, chainKey: string) {
  const head = (await db.query<{ last_seq: number; last_hash: string; anchor_seq: number; anchor_hash: string }>("SELECT * FROM audit_chains WHERE chain_key = $1", [chainKey])).rows[0] ?? {
    last_seq: 0,
    last_hash: genesisHash,
    anchor_seq: 0,
    anchor_hash: genesisHash,
  };
  const v = createChainVerifier({ seq: head.anchor_seq, hash: head.anchor_hash });
  let firstSeq: number | null = null;
  for await (const rows of streamRows(db, chainKey, {})) {
    firstSeq ??= rows[0]?.seq ?? null;
    v.feed(rows.map(toStored));
  }
  const r = v.finish({ seq: head.last_seq, hash: head.last_hash });
  return { ok: r.problems.length === 0, checked: r.checked, firstSeq, lastSeq: r.lastSeq, headSeq: head.last_seq, problems: r.problems.slice(0, 1000) };
}

type AuditHandlers = Pick<Handlers, "listAuditEvents" | "exportAuditEvents" | "verifyAuditLog">;

export function createAuditHandlers(): AuditHandlers {
  return {
    async listAuditEvents(ctx, { query }) {
      const org = requireOrg(ctx);
      const params: unknown[] = [];
      let where = buildFilters(chainKeyOf(org.id), query, params);
      const desc = query.sort === "-seq";
      if (query.cursor) {
        const [seq] = decodeCursor(query.cursor);
        if (typeof seq !== "number") throw new AppError("invalid_input", "invalid cursor");
        params.push(seq);
        where += ` AND seq ${desc ? "<" : ">"} $${params.length}`;
      }
      params.push(query.limit + 1);
      const r = await ctx.db.query<AuditRow>(`SELECT * FROM audit_events WHERE ${where} ORDER BY seq ${desc ? "DESC" : "ASC"} LIMIT $${params.length}`, params);
      const more = r.rows.length > query.limit;
      const rows = more ? r.rows.slice(0, query.limit) : r.rows;
      const last = rows[rows.length - 1];
      return { items: rows.map(toAuditEvent), nextCursor: more && last ? encodeCursor(last.seq, last.id) : null };
    },
    async exportAuditEvents(ctx, { query }) {
      const org = requireOrg(ctx);
      const { format, ...filters } = query;
      const db = ctx.db;
      const stamp = ctx.now.toISOString().slice(0, 10);
      async function* lines(): AsyncGenerator<string> {
        if (format === "csv") yield `${csvColumns.join(",")}\n`;
        for await (const rows of streamRows(db, chainKeyOf(org.id), filters)) {
          let chunk = "";
          for (const row of rows) {
            chunk += format === "csv" ? `${csvColumns.map((c) => csvCell(row[c])).join(",")}\n` : `${JSON.stringify(toAuditEvent(row))}\n`;
          }
          yield chunk;
        }
      }
      return {
        raw: true,
        contentType: format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson",
        filename: `audit-${org.slug}-${stamp}.${format === "csv" ? "csv" : "jsonl"}`,
        body: lines(),
      };
    },
    async verifyAuditLog(ctx) {
      const org = requireOrg(ctx);
      const result = await verifyChain(ctx.db, chainKeyOf(org.id));
      ctx.audit.target = { type: "audit", id: org.id, name: org.slug };
      ctx.audit.summary = { ok: result.ok, checked: result.checked, problems: result.problems.length };
      return result;
    },
  };
}
