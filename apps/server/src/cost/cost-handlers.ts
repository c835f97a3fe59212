import { rename } from "node:fs/promises";
import { basename, join } from "node:path";
import { AppError, type CostFormat, type CostQuery, type CostQueryResult } from "@meridian/core";
import { type ConversionResult, convertAwsCur, convertAzureEa, type CostStore } from "@meridian/cost";
import { csvCell } from "../audit/audit-handlers.js";
import type { Handlers } from "../http/context.js";
import { requireOrg } from "../http/context.js";
import type { CostStores } from "./cost-stores.js";
import { uploadOf } from "./upload.js";

type CostHandlers = Pick<Handlers, "importCostFile" | "listCostImports" | "queryCost" | "exportCost">;

/** Row-level problems a rejected import lists (the rest are counted). */
const maxProblems = 100;
const maxDimensions = 5;

/** Library messages name the file by its path; callers know it by the name they sent. */
function renamePath(err: unknown, path: string, name: string): unknown {
  if (!(err instanceof AppError) || !err.message.includes(path)) return err;
  return new AppError(err.code, err.message.replaceAll(path, name), { cause: err.cause, ...(err.details ? { details: err.details } : {}) });
}

function parseGroupBy(groupBy: string | undefined): string[] {
  const dims = (groupBy ?? "")
    .split(",")
    .map((d) => d.trim())
    .filter(Boolean);
  if (dims.length > maxDimensions) throw new AppError("invalid_input", `group by at most ${maxDimensions} dimensions`);
  if (new Set(dims).size !== dims.length) throw new AppError("invalid_input", "a dimension is named twice in groupBy");
  return dims;
}

/** `ProviderName=AWS;tag:env=prod;ProviderName=Microsoft` -> { ProviderName: [AWS, Microsoft], tag:env: [prod] }. */
function parseFilter(filter: string | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const part of (filter ?? "").split(";")) {
    if (part.trim() === "") continue;
    const at = part.indexOf("=");
    if (at <= 0) throw new AppError("invalid_input", `filter "${part}" is not Dimension=value`);
    const dim = part.slice(0, at).trim();
    (out[dim] ??= []).push(part.slice(at + 1));
  }
  return out;
}

async function runQuery(store: CostStore | null, q: CostQuery): Promise<CostQueryResult> {
  const groupBy = parseGroupBy(q.groupBy);
  const filters = parseFilter(q.filter);
  const base = { metric: q.metric, from: q.from, to: q.to, groupBy, granularity: q.granularity ?? null };
  if (!store) {
    // Nothing imported yet: validate like a real query would, answer empty.
    return { ...base, series: [], total: null };
  }
  const query = { from: q.from, to: q.to, metric: q.metric, filters };
  const [rows, totals] = await Promise.all([
    store.queryCostBy({ ...query, groupBy, ...(q.granularity ? { granularity: q.granularity } : {}) }),
    store.queryCostBy({ ...query, groupBy: [] }),
  ]);
  return {
    ...base,
    series: rows.map((r) => ({
      dimensions: Object.fromEntries(groupBy.map((g) => [g, r[g] ?? null])),
      period: r.period ?? null,
      cost: r.cost ?? null,
    })),
    total: totals[0]?.cost ?? null,
  };
}

function formatOf(requested: CostFormat | undefined, filename: string): CostFormat {
  if (requested) return requested;
  return /\.parquet$/i.test(filename) ? "parquet" : "csv";
}

export function createCostHandlers(deps: { stores: CostStores }): CostHandlers {
  return {
    async importCostFile(ctx, { query }) {
      const org = requireOrg(ctx);
      const upload = uploadOf(ctx.reply.request);
      if (!upload || upload.bytes === 0) {
        throw new AppError("invalid_input", "send the bill file as the request body (content-type: text/csv or application/octet-stream)");
      }
      const filename = basename(query.filename ?? "upload").slice(0, 255) || "upload";
      const format = formatOf(query.format, filename);
      // The importer tells Parquet from CSV by the file's extension.
      const path = join(upload.dir, format === "parquet" ? "bill.parquet" : "bill.csv");
      await rename(upload.path, path);
      let focusFile = path;
      let conversion: ConversionResult | null = null;
      try {
        if (format === "aws-cur" || format === "azure-ea") {
          focusFile = join(upload.dir, "focus.csv");
          conversion = await (format === "aws-cur" ? convertAwsCur : convertAzureEa)(path, focusFile);
        }
        const store = await deps.stores.forOrg(org.id);
        const r = await store.importFocus(focusFile, { maxErrors: maxProblems });
        ctx.audit.target = { type: "cost", id: String(r.importId), name: filename };
        // What was imported, never what the rows say.
        ctx.audit.summary = { filename, format, bytes: upload.bytes, rows: r.rows, billingPeriods: r.billingPeriods };
        return {
          importId: r.importId,
          filename,
          format,
          bytes: upload.bytes,
          rows: r.rows,
          billingPeriods: r.billingPeriods,
          renamedColumns: r.renamedColumns,
          ignoredColumns: r.ignoredColumns,
          conformance: r.report,
          conversion: conversion ? { rows: conversion.rows, skipped: conversion.skipped } : null,
        };
      } catch (e) {
        throw renamePath(renamePath(e, focusFile, filename), path, filename);
      }
    },

    async listCostImports(ctx) {
      const store = await deps.stores.findForOrg(requireOrg(ctx).id);
      return { items: store ? await store.summarizePeriods() : [] };
    },

    async queryCost(ctx, { query }) {
      return runQuery(await deps.stores.findForOrg(requireOrg(ctx).id), query);
    },

    async exportCost(ctx, { query }) {
      const org = requireOrg(ctx);
      const r = await runQuery(await deps.stores.findForOrg(org.id), query);
      const header = [...r.groupBy, ...(r.granularity ? ["period"] : []), r.metric];
      const lines = [header.map(csvCell).join(",")];
      for (const row of r.series) {
        // Money is written as it is (a negative credit must stay a number), dimensions guarded against formulas.
        lines.push([...r.groupBy.map((g) => csvCell(row.dimensions[g])), ...(r.granularity ? [csvCell(row.period)] : []), row.cost ?? ""].join(","));
      }
      return {
        raw: true,
        contentType: "text/csv; charset=utf-8",
        filename: `cost-${org.slug}-${query.from.slice(0, 10)}-${query.to.slice(0, 10)}.csv`,
        body: `${lines.join("\n")}\n`,
      };
    },
  };
}
