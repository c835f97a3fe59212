import { z } from "zod";

/** FOCUS bill ingestion and cost queries (issue 6). Money travels as exact decimal strings. */

export const CostFormat = z.enum(["csv", "parquet", "aws-cur", "azure-ea"]);
export type CostFormat = z.infer<typeof CostFormat>;

export const CostImportQuery = z.object({
  format: CostFormat.optional().describe("csv or parquet (FOCUS), aws-cur or azure-ea (converted to FOCUS first); default from the file name"),
  filename: z.string().trim().min(1).max(255).optional().describe("The file's name, for the import log and messages"),
});

export const CostRuleFailure = z.object({
  ruleId: z.string(),
  column: z.string(),
  keyword: z.string(),
  severity: z.enum(["error", "warning"]),
  message: z.string(),
  failingRows: z.number().int(),
  sampleLines: z.array(z.number().int()).describe("File lines (header = 1) of the first failing rows"),
});

export const CostConformance = z.object({
  modelVersion: z.string(),
  rulesEvaluated: z.number().int(),
  passed: z.number().int(),
  failed: z.array(CostRuleFailure),
  notEvaluated: z.array(z.object({ ruleId: z.string(), reason: z.string() })),
});

export const CostImportResult = z.object({
  importId: z.number().int(),
  filename: z.string(),
  format: CostFormat,
  bytes: z.number().int(),
  rows: z.number().int(),
  billingPeriods: z.array(z.string()).describe("Billing periods (UTC starts) this import replaced"),
  renamedColumns: z.record(z.string(), z.string()).describe("File column -> the FOCUS column it was read as"),
  ignoredColumns: z.array(z.string()),
  conformance: CostConformance.describe("Warnings (SHOULD rules) are listed; MUST failures reject the file with 400"),
  conversion: z
    .object({ rows: z.number().int(), skipped: z.array(z.object({ column: z.string(), transform: z.string(), reason: z.string() })) })
    .nullable()
    .describe("For aws-cur and azure-ea: the conversion to FOCUS"),
});
export type CostImportResult = z.infer<typeof CostImportResult>;

export const CostPeriod = z.object({
  providerName: z.string(),
  billingAccountId: z.string(),
  billingPeriodStart: z.string(),
  rows: z.number().int(),
  billedCost: z.string(),
  effectiveCost: z.string(),
  listCost: z.string(),
  contractedCost: z.string(),
});
export type CostPeriod = z.infer<typeof CostPeriod>;

const DateOrTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?Z)?$/, "a UTC date (2024-09-01) or time (2024-09-01T00:00:00Z)");

export const CostGroupDimensions = ["ServiceName", "ProviderName", "RegionName", "SubAccountName", "ChargeCategory"] as const;

export const CostQuery = z.object({
  groupBy: z
    .string()
    .max(500)
    .optional()
    .describe(`Comma-separated dimensions: ${CostGroupDimensions.join(", ")} (or any FOCUS column), tag:<key>`),
  from: DateOrTime.describe("Inclusive start of ChargePeriodStart (UTC)"),
  to: DateOrTime.describe("Exclusive end of ChargePeriodStart (UTC)"),
  granularity: z.enum(["day", "month"]).optional().describe("Split each group by day or month"),
  metric: z.enum(["BilledCost", "EffectiveCost", "ListCost", "ContractedCost"]).default("EffectiveCost"),
  filter: z.string().max(2000).optional().describe("Dimension=value pairs separated by ';' (e.g. ProviderName=AWS;tag:env=prod); a dimension named twice matches either value"),
});
export type CostQuery = z.infer<typeof CostQuery>;

export const CostSeriesRow = z.object({
  dimensions: z.record(z.string(), z.string().nullable()),
  period: z.string().nullable(),
  cost: z.string().nullable(),
});

export const CostQueryResult = z.object({
  metric: z.string(),
  from: z.string(),
  to: z.string(),
  groupBy: z.array(z.string()),
  granularity: z.enum(["day", "month"]).nullable(),
  series: z.array(CostSeriesRow),
  total: z.string().nullable().describe("Exact sum over everything matching (null when nothing does)"),
});
export type CostQueryResult = z.infer<typeof CostQueryResult>;
