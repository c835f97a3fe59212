import { z } from "zod";
import { Id, Timestamp } from "./common.js";

export const AuditResult = z.enum(["success", "failure", "denied"]);
export const AuditEvent = z.object({
  id: Id,
  seq: z.number().int(),
  time: Timestamp,
  actor: z.object({ kind: z.enum(["user", "token", "system", "anonymous"]), id: z.string().nullable(), name: z.string() }),
  action: z.string().describe("dotted, e.g. project.create, auth.login"),
  target: z.object({ type: z.string(), id: z.string().nullable(), name: z.string().nullable() }),
  summary: z.record(z.string(), z.unknown()).describe("What changed (secret values never appear)"),
  result: AuditResult,
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  requestId: z.string().nullable(),
  hash: z.string(),
  prevHash: z.string(),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

export const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(512).optional(),
  actor: z.string().max(100).optional().describe("username or token name"),
  action: z.string().max(100).optional().describe("exact action, or a prefix ending in '.' or '*'"),
  target: z.string().max(200).optional().describe("target id or name"),
  result: AuditResult.optional(),
  since: Timestamp.optional(),
  until: Timestamp.optional(),
  sort: z.enum(["-seq", "seq"]).default("-seq"),
});
export type AuditQuery = z.infer<typeof AuditQuery>;
export const AuditExportQuery = AuditQuery.omit({ limit: true, cursor: true, sort: true }).extend({
  format: z.enum(["csv", "jsonl"]).default("jsonl"),
});

export const AuditProblem = z.object({
  seq: z.number().int(),
  kind: z.enum(["altered", "missing", "reordered", "broken_link"]),
  message: z.string(),
});
export const AuditVerifyResult = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  firstSeq: z.number().int().nullable(),
  lastSeq: z.number().int().nullable(),
  headSeq: z.number().int(),
  problems: z.array(AuditProblem),
});
export type AuditVerifyResult = z.infer<typeof AuditVerifyResult>;
