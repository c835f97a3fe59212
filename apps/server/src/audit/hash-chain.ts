import { createHash } from "node:crypto";

/** The fields of an audit event covered by its hash (everything but the hash itself). */
export interface ChainedFields {
  chainKey: string;
  seq: number;
  id: string;
  time: string;
  actorKind: string;
  actorId: string | null;
  actorName: string;
  action: string;
  targetType: string;
  targetId: string | null;
  targetName: string | null;
  summary: unknown;
  result: string;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  prevHash: string;
}

export const genesisHash = "0".repeat(64);

/** JSON with object keys sorted at every level, so jsonb's key reordering cannot change a hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export function hashEvent(e: ChainedFields): string {
  const body = canonicalJson([
    e.chainKey,
    e.seq,
    e.id,
    e.time,
    e.actorKind,
    e.actorId,
    e.actorName,
    e.action,
    e.targetType,
    e.targetId,
    e.targetName,
    e.summary,
    e.result,
    e.ip,
    e.userAgent,
    e.requestId,
    e.prevHash,
  ]);
  return createHash("sha256").update(body).digest("hex");
}

export interface StoredEvent extends ChainedFields {
  hash: string;
}

export interface ChainProblem {
  seq: number;
  kind: "altered" | "missing" | "reordered" | "broken_link";
  message: string;
}

/**
 * Checks a run of events, in ascending seq order, against the hash of the event before the run. Stateful
 * so a long chain can be fed in batches. An event is `altered` when its content no longer gives its hash,
 * `missing` when seq numbers skip, `reordered` when it links to an event other than its predecessor, and
 * `broken_link` when it links to nothing we know.
 */
export function createChainVerifier(start: { seq: number; hash: string }) {
  let prevSeq = start.seq;
  let prevHash = start.hash;
  const seen = new Map<string, number>([[start.hash, start.seq]]);
  const problems: ChainProblem[] = [];
  let checked = 0;
  return {
    feed(events: readonly StoredEvent[]) {
      for (const e of events) {
        checked++;
        if (hashEvent(e) !== e.hash) {
          problems.push({ seq: e.seq, kind: "altered", message: `event ${e.seq} (${e.action}) does not match its hash: its content was changed` });
        }
        if (e.seq !== prevSeq + 1) {
          problems.push({
            seq: e.seq,
            kind: "missing",
            message: `events ${prevSeq + 1}..${e.seq - 1} are missing (deleted) before event ${e.seq}`,
          });
        }
        if (e.prevHash !== prevHash) {
          const linked = seen.get(e.prevHash);
          if (linked !== undefined && linked !== prevSeq) {
            problems.push({ seq: e.seq, kind: "reordered", message: `event ${e.seq} follows event ${linked} in the chain but is stored after ${prevSeq}` });
          } else if (e.seq === prevSeq + 1) {
            problems.push({ seq: e.seq, kind: "broken_link", message: `event ${e.seq} does not link to event ${prevSeq}` });
          }
        }
        seen.set(e.hash, e.seq);
        prevSeq = e.seq;
        prevHash = e.hash;
      }
    },
    /** Compares the end of the stored events with the chain head, which catches deletion of the newest events. */
    finish(head: { seq: number; hash: string }) {
      if (head.seq > prevSeq) {
        problems.push({ seq: prevSeq + 1, kind: "missing", message: `events ${prevSeq + 1}..${head.seq} are missing: the chain head is at ${head.seq}` });
      } else if (head.seq === prevSeq && head.hash !== prevHash) {
        problems.push({ seq: head.seq, kind: "altered", message: `the newest event ${head.seq} does not match the chain head` });
      }
      return { checked, problems, lastSeq: checked > 0 ? prevSeq : null };
    },
  };
}
