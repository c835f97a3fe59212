import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { AuditEvent, AuditVerifyResult } from "@meridian/core";
import { type Command, Option } from "commander";
import type { CliEnv } from "../config.js";
import { CliError, UsageError } from "../errors.js";
import { type Column, createSpinner } from "../output.js";
import { collectPages, parseLimit } from "../paging.js";
import { type Runtime, withRuntime } from "../runtime.js";

const columns: Column<AuditEvent>[] = [
  { header: "Seq", value: (e) => e.seq },
  { header: "Time", value: (e) => e.time, kind: "time" },
  { header: "Actor", value: (e) => (e.actor.kind === "user" || e.actor.kind === "token" ? e.actor.name : `${e.actor.kind}:${e.actor.name}`) },
  { header: "Action", value: (e) => e.action },
  { header: "Target", value: (e) => (e.target.name ? `${e.target.type}/${e.target.name}` : e.target.type) },
  { header: "Result", value: (e) => e.result },
  { header: "IP", value: (e) => e.ip },
];

interface FilterOptions {
  actor?: string;
  action?: string;
  target?: string;
  result?: "success" | "failure" | "denied";
  since?: string;
  until?: string;
}

const durationUnits: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };

/** RFC 3339, a date (2026-01-31), or an age like 15m, 2h, 7d (meaning that long before now). */
export function parseTimeFlag(flag: string, value: string | undefined, now = Date.now()): string | undefined {
  if (value === undefined) return undefined;
  const age = /^(\d+)([smhdw])$/.exec(value.trim());
  if (age) return new Date(now - Number(age[1]) * (durationUnits[age[2] as string] as number)).toISOString();
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new UsageError(`${flag} must be a time (RFC 3339 or YYYY-MM-DD) or an age like 30m, 24h, 7d (got "${value}")`);
  return new Date(t).toISOString();
}

function toFilters(opts: FilterOptions) {
  const since = parseTimeFlag("--since", opts.since);
  const until = parseTimeFlag("--until", opts.until);
  return {
    ...(opts.actor ? { actor: opts.actor } : {}),
    ...(opts.action ? { action: opts.action } : {}),
    ...(opts.target ? { target: opts.target } : {}),
    ...(opts.result ? { result: opts.result } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
  };
}

function addFilterOptions(cmd: Command): Command {
  return cmd
    .option("--actor <name>", "username or token name")
    .option("--action <action>", "exact action, or a prefix ending in '.' or '*' (e.g. project.*)")
    .option("--target <target>", "target id or name")
    .addOption(new Option("--result <result>", "outcome").choices(["success", "failure", "denied"]))
    .option("--since <time>", "from this time (RFC 3339, date, or age like 24h, 7d)")
    .option("--until <time>", "up to this time");
}

export function registerAuditCommands(program: Command, env: CliEnv): void {
  const audit = program.command("audit").description("The organization's tamper-evident audit log");
  addFilterOptions(audit.command("list", { isDefault: true }).alias("ls").description("Query audit events, newest first"))
    .option("--limit <n>", "show at most n (default: all matching)")
    .option("--oldest-first", "ascending sequence order")
    .action(withRuntime(env, listAuditEvents));
  addFilterOptions(audit.command("export").description("Export matching events as CSV or JSON lines"))
    .addOption(new Option("--format <format>", "file format").choices(["csv", "jsonl"]).default("jsonl"))
    .option("-f, --file <path>", "write to this file instead of stdout")
    .action(withRuntime(env, exportAuditEvents));
  audit.command("verify").description("Check the hash chain; exits 1 when events were altered, removed or reordered").action(withRuntime(env, verifyAuditLog));
}

async function listAuditEvents(rt: Runtime, _args: string[], opts: FilterOptions & { limit?: string; oldestFirst?: boolean }): Promise<void> {
  const limit = parseLimit(opts.limit);
  const spinner = createSpinner(process.stderr, rt.stderrIsTTY, "Fetching audit events…");
  const query = { ...toFilters(opts), sort: opts.oldestFirst ? ("seq" as const) : ("-seq" as const) };
  try {
    const items = await collectPages(rt.getClient(), "listAuditEvents", { params: { orgId: rt.getOrg() }, query }, limit, (n) =>
      spinner.update(`Fetching audit events… ${n}`),
    );
    spinner.stop();
    rt.printer.list(items, columns, "No matching audit events.");
  } finally {
    spinner.stop();
  }
}

/** Counts records in a CSV or JSON-lines stream: newlines outside quoted CSV fields. */
export function createRecordCounter(csv: boolean) {
  let inQuotes = false;
  let records = 0;
  return {
    push(chunk: string) {
      for (const ch of chunk) {
        if (csv && ch === '"') inQuotes = !inQuotes;
        else if (ch === "\n" && !inQuotes) records++;
      }
    },
    get records() {
      return records;
    },
  };
}

async function exportAuditEvents(rt: Runtime, _args: string[], opts: FilterOptions & { format: "csv" | "jsonl"; file?: string }): Promise<void> {
  const res = await rt.getClient().raw("exportAuditEvents", { params: { orgId: rt.getOrg() }, query: { ...toFilters(opts), format: opts.format } });
  if (!res.body) throw new CliError("the server sent an empty export");
  const counter = createRecordCounter(opts.format === "csv");
  const spinner = createSpinner(process.stderr, rt.stderrIsTTY && Boolean(opts.file), "Exporting audit events…");
  const decoder = new TextDecoder();
  const source = Readable.fromWeb(res.body as import("node:stream/web").ReadableStream<Uint8Array>);
  source.on("data", (chunk: Buffer) => {
    counter.push(decoder.decode(chunk, { stream: true }));
    spinner.update(`Exporting audit events… ${counter.records}`);
  });
  try {
    if (opts.file) await pipeline(source, createWriteStream(opts.file, { mode: 0o600 }));
    else await pipeline(source, process.stdout, { end: false });
  } finally {
    spinner.stop();
  }
  const events = opts.format === "csv" ? Math.max(0, counter.records - 1) : counter.records;
  if (opts.file) rt.printer.done(`Exported ${events} event(s) to ${opts.file} (${opts.format}).`, { ok: true, file: opts.file, format: opts.format, events });
}

async function verifyAuditLog(rt: Runtime): Promise<void> {
  const spinner = createSpinner(process.stderr, rt.stderrIsTTY, "Verifying the audit hash chain…");
  let r: AuditVerifyResult;
  try {
    r = await rt.getClient().call("verifyAuditLog", { params: { orgId: rt.getOrg() } });
  } finally {
    spinner.stop();
  }
  const failed = !r.ok || r.problems.length > 0;
  if (rt.printer.format !== "table") rt.printer.item(r, []);
  else if (!failed) {
    rt.printer.done(`Audit log intact: ${r.checked} event(s) checked (seq ${r.firstSeq ?? "-"}..${r.lastSeq ?? "-"}, head ${r.headSeq}).`);
  } else {
    rt.printer.list(r.problems, [
      { header: "Seq", value: (p) => p.seq },
      { header: "Kind", value: (p) => p.kind },
      { header: "Problem", value: (p) => p.message, max: 100 },
    ]);
  }
  if (failed) throw new CliError(`audit log verification failed: ${r.problems.length} problem(s) in ${r.checked} checked event(s)`);
}
