import { createReadStream, createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ApiError } from "@meridian/client";
import { buildPath, type CostImportResult, type CostPeriod, type CostQueryResult, CostFormat, ErrorBody, routes } from "@meridian/core";
import { type Command, Option } from "commander";
import { selectToken, type CliEnv } from "../config.js";
import { CliError, UsageError } from "../errors.js";
import { type Column, createSpinner } from "../output.js";
import { cliVersion, normalizeServer, type Runtime, withRuntime } from "../runtime.js";
import { parseTimeFlag } from "./audit.js";

interface QueryOptions {
  groupBy?: string;
  from?: string;
  to?: string;
  granularity?: "day" | "month";
  metric: "BilledCost" | "EffectiveCost" | "ListCost" | "ContractedCost";
  filter?: string[];
}

function addQueryOptions(cmd: Command): Command {
  return cmd
    .option("--group-by <dims>", "comma-separated: ServiceName, ProviderName, RegionName, SubAccountName, ChargeCategory, any FOCUS column, tag:<key>")
    .option("--from <time>", "inclusive start (YYYY-MM-DD, RFC 3339 or an age like 30d; default 30d)")
    .option("--to <time>", "exclusive end (default: now)")
    .addOption(new Option("--granularity <g>", "also split by day or month").choices(["day", "month"]))
    .addOption(new Option("--metric <column>", "cost column").choices(["BilledCost", "EffectiveCost", "ListCost", "ContractedCost"]).default("EffectiveCost"))
    .option("--filter <dim=value>", "keep rows whose dimension has this value (repeatable)", (v: string, prev: string[] = []) => [...prev, v]);
}

function toQuery(opts: QueryOptions) {
  const from = parseTimeFlag("--from", opts.from ?? "30d") as string;
  const to = parseTimeFlag("--to", opts.to ?? "0s") as string;
  for (const f of opts.filter ?? []) if (!/^[^=;]+=[^;]*$/.test(f)) throw new UsageError(`--filter must be dimension=value without ';' (got "${f}")`);
  return {
    from,
    to,
    metric: opts.metric,
    ...(opts.groupBy ? { groupBy: opts.groupBy } : {}),
    ...(opts.granularity ? { granularity: opts.granularity } : {}),
    ...(opts.filter?.length ? { filter: opts.filter.join(";") } : {}),
  };
}

export function registerCostCommands(program: Command, env: CliEnv): void {
  const cost = program.command("cost").description("Cloud bills (FOCUS 1.2): import, query, export");
  cost
    .command("import <file>")
    .description("Import a bill file; replaces the billing periods it covers. Exits 1 when it does not conform")
    .addOption(new Option("--format <format>", "file format (default: from the extension, csv or parquet)").choices(CostFormat.options))
    .action(withRuntime(env, importCost));
  cost.command("imports").description("The billing periods loaded, per provider and account").action(withRuntime(env, listImports));
  addQueryOptions(cost.command("query").description("Cost grouped by dimensions, with the total")).action(withRuntime(env, queryCost));
  addQueryOptions(cost.command("export").description("The same query as CSV (stdout, or --file)"))
    .option("-f, --file <path>", "write to this file instead of stdout")
    .action(withRuntime(env, exportCost));
}

/** The API client speaks JSON; a bill is sent as a raw streamed body with the same credentials. */
function tokenFor(rt: Runtime): string {
  rt.getClient(); // same checks and messages as every command (server, login)
  const server = rt.getServer();
  const org = rt.globals.org ?? rt.context?.org;
  const token = rt.globals.token ?? rt.env.token ?? (rt.context && normalizeServer(rt.context.server) === server ? selectToken(rt.context, org) : undefined);
  if (!token) throw new CliError(`not logged in to ${server}`);
  return token;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 2 ** 20) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 2 ** 30) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  return `${(n / 2 ** 30).toFixed(2)} GiB`;
}

interface RowProblem {
  line: number;
  column: string;
  value: string | null;
  ruleId: string;
  message: string;
}

async function importCost(rt: Runtime, args: string[], opts: { format?: CostImportResult["format"] }): Promise<void> {
  const file = args[0] as string;
  const size = (await stat(file).catch(() => null))?.size;
  if (size === undefined) throw new CliError(`cannot read ${file}`);
  const token = tokenFor(rt);
  const qs = new URLSearchParams({ filename: basename(file), ...(opts.format ? { format: opts.format } : {}) });
  const url = `${rt.getServer()}${buildPath(routes.importCostFile.path, { orgId: rt.getOrg() })}?${qs}`;
  const spinner = createSpinner(process.stderr, rt.stderrIsTTY, `Uploading ${basename(file)}… 0 B of ${formatBytes(size)}`);
  let sent = 0;
  const progress = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      sent += chunk.length;
      spinner.update(sent < size ? `Uploading ${basename(file)}… ${formatBytes(sent)} of ${formatBytes(size)}` : `Validating and importing ${basename(file)}…`);
      cb(null, chunk);
    },
  });
  const body = Readable.toWeb(createReadStream(file).pipe(progress)) as ReadableStream<Uint8Array>;
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream", accept: "application/json", "user-agent": `meridian-cli/${cliVersion}` },
      body,
      duplex: "half",
    } as RequestInit);
  } catch (cause) {
    spinner.stop();
    throw new ApiError(0, { error: { code: "unavailable", message: `cannot reach the Meridian server at ${rt.getServer()}` } }, String(cause));
  }
  const json: unknown = await res.json().catch(() => null);
  spinner.stop();
  if (!res.ok) {
    const parsed = ErrorBody.safeParse(json);
    const err = new ApiError(res.status, parsed.success ? parsed.data : null, `the import failed with HTTP ${res.status}`);
    const problems = (err.details?.errors ?? []) as RowProblem[];
    if (problems.length > 0) {
      if (rt.printer.format !== "table") rt.printer.item(err.details, []);
      else {
        rt.printer.list(problems, [
          { header: "Line", value: (p) => p.line },
          { header: "Column", value: (p) => p.column },
          { header: "Value", value: (p) => p.value, max: 40 },
          { header: "Rule", value: (p) => p.ruleId },
          { header: "Problem", value: (p) => p.message, max: 80 },
        ]);
        const omitted = Number(err.details?.omitted ?? 0);
        if (omitted > 0) rt.printer.note(`… and ${omitted} more row-level problem(s)`);
      }
      throw new CliError(`${basename(file)} was rejected; nothing was imported: ${err.message}`);
    }
    throw err;
  }
  const r = json as CostImportResult;
  if (rt.printer.format !== "table") {
    rt.printer.item(r, []);
    return;
  }
  const warnings = r.conformance.failed.filter((f) => f.severity === "warning");
  rt.printer.done(
    `Imported ${r.rows} row(s) from ${r.filename} (${r.format}, ${formatBytes(r.bytes)}); replaced billing period(s) ${r.billingPeriods.join(", ")}.\n` +
      `FOCUS ${r.conformance.modelVersion} conformance: ${r.conformance.passed} of ${r.conformance.rulesEvaluated} rules passed, ${warnings.length} warning(s), ${r.conformance.notEvaluated.length} not evaluated.`,
  );
  if (warnings.length > 0) {
    rt.printer.list(warnings, [
      { header: "Rule", value: (f) => f.ruleId },
      { header: "Column", value: (f) => f.column },
      { header: "Rows", value: (f) => f.failingRows },
      { header: "Lines", value: (f) => f.sampleLines.slice(0, 5) },
      { header: "Warning", value: (f) => f.message, max: 80 },
    ]);
  }
  if (Object.keys(r.renamedColumns).length > 0) rt.printer.note(`columns read under their FOCUS names: ${Object.entries(r.renamedColumns).map(([a, b]) => `${a} -> ${b}`).join(", ")}`);
  if (r.ignoredColumns.length > 0) rt.printer.note(`columns ignored (not FOCUS): ${r.ignoredColumns.join(", ")}`);
}

async function listImports(rt: Runtime): Promise<void> {
  const r = await rt.getClient().call("listCostImports", { params: { orgId: rt.getOrg() } });
  const columns: Column<CostPeriod>[] = [
    { header: "Provider", value: (p) => p.providerName },
    { header: "Billing account", value: (p) => p.billingAccountId },
    { header: "Period", value: (p) => p.billingPeriodStart.slice(0, 10) },
    { header: "Rows", value: (p) => p.rows },
    { header: "Billed", value: (p) => money(p.billedCost) },
    { header: "Effective", value: (p) => money(p.effectiveCost) },
  ];
  rt.printer.list(r.items, columns, "No bills imported yet: run `meridian cost import FILE`.");
}

/** Display only: the exact figures are in -o json and the export. */
function money(v: string | null): string {
  return v === null ? "-" : Number(v).toFixed(2);
}

async function queryCost(rt: Runtime, _args: string[], opts: QueryOptions): Promise<void> {
  const r: CostQueryResult = await rt.getClient().call("queryCost", { params: { orgId: rt.getOrg() }, query: toQuery(opts) });
  if (rt.printer.format !== "table") {
    rt.printer.item(r, []);
    return;
  }
  type Row = CostQueryResult["series"][number];
  const columns: Column<Row>[] = [
    ...r.groupBy.map((g) => ({ header: g, value: (s: Row) => s.dimensions[g] })),
    ...(r.granularity ? [{ header: r.granularity === "day" ? "Day" : "Month", value: (s: Row) => s.period?.slice(0, r.granularity === "day" ? 10 : 7) }] : []),
    { header: r.metric, value: (s: Row) => money(s.cost) },
  ];
  rt.printer.list(r.series, columns, "No cost in this range.");
  if (r.series.length > 0) rt.printer.done(`Total ${r.metric}: ${money(r.total)} (${r.from.slice(0, 10)} to ${r.to.slice(0, 10)})`);
}

async function exportCost(rt: Runtime, _args: string[], opts: QueryOptions & { file?: string }): Promise<void> {
  const res = await rt.getClient().raw("exportCost", { params: { orgId: rt.getOrg() }, query: toQuery(opts) });
  if (!res.body) throw new CliError("the server sent an empty export");
  const source = Readable.fromWeb(res.body as import("node:stream/web").ReadableStream<Uint8Array>);
  if (opts.file) {
    await pipeline(source, createWriteStream(opts.file));
    rt.printer.done(`Exported to ${opts.file}.`, { ok: true, file: opts.file });
  } else await pipeline(source, process.stdout, { end: false });
}
