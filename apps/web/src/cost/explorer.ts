import type { CostFormat, CostPeriod, CostQueryResult } from "@meridian/core";

/** Pure logic of the cost explorer: time ranges, exact decimal sums, pivoting the series into chart stacks and table rows. */

export type Metric = "BilledCost" | "EffectiveCost" | "ListCost";
export type Granularity = "day" | "month";
export type RangePreset = "loaded" | "last30" | "thisMonth" | "last3Months" | "custom";

export const metrics: readonly { id: Metric; label: string }[] = [
  { id: "EffectiveCost", label: "Effective cost" },
  { id: "BilledCost", label: "Billed cost" },
  { id: "ListCost", label: "List cost" },
];

export const groupDimensions: readonly { id: string; label: string }[] = [
  { id: "ServiceName", label: "Service" },
  { id: "ProviderName", label: "Provider" },
  { id: "RegionName", label: "Region" },
  { id: "SubAccountName", label: "Account" },
  { id: "ChargeCategory", label: "Charge category" },
];

export const rangePresets: readonly { id: RangePreset; label: string }[] = [
  { id: "loaded", label: "All loaded periods" },
  { id: "last30", label: "Last 30 days" },
  { id: "thisMonth", label: "This month" },
  { id: "last3Months", label: "Last 3 months" },
  { id: "custom", label: "Custom" },
];

export function dimensionLabel(dim: string): string {
  if (dim.startsWith("tag:")) return `Tag ${dim.slice(4)}`;
  return groupDimensions.find((d) => d.id === dim)?.label ?? dim;
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const utcDay = (y: number, m: number, d = 1) => new Date(Date.UTC(y, m, d));

/** Adds n days to a YYYY-MM-DD date. */
export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return day(d);
}

/**
 * The [from, to) dates (YYYY-MM-DD, `to` exclusive) of a preset. "loaded" spans the billing periods loaded
 * (their first month up to the month after the last), so imported history shows without picking dates.
 */
export function presetRange(preset: Exclude<RangePreset, "custom">, now: Date, loaded: readonly Pick<CostPeriod, "billingPeriodStart">[] = []): { from: string; to: string } {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const tomorrow = addDays(day(now), 1);
  switch (preset) {
    case "last30":
      return { from: addDays(tomorrow, -30), to: tomorrow };
    case "thisMonth":
      return { from: day(utcDay(y, m)), to: day(utcDay(y, m + 1)) };
    case "last3Months":
      return { from: day(utcDay(y, m - 2)), to: day(utcDay(y, m + 1)) };
    case "loaded": {
      const starts = loaded.map((p) => p.billingPeriodStart.slice(0, 10)).sort();
      const first = starts[0];
      const last = starts[starts.length - 1];
      if (!first || !last) return presetRange("last30", now);
      const [ly, lm] = last.split("-").map(Number) as [number, number];
      return { from: `${first.slice(0, 7)}-01`, to: day(utcDay(ly, lm)) };
    }
  }
}

/** A sensible granularity for a range: days up to ~2 months, months beyond. */
export function defaultGranularity(from: string, to: string): Granularity {
  const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
  return days > 62 ? "month" : "day";
}

// Exact decimal arithmetic on the API's decimal strings (money must add up to the cent and beyond).
const SCALE = 18;
const TEN = 10n ** BigInt(SCALE);

export function parseDecimal(s: string | null | undefined): bigint {
  if (s === null || s === undefined || s === "") return 0n;
  const m = /^([+-])?(\d*)(?:\.(\d*))?$/.exec(s.trim());
  if (!m) {
    const n = Number(s);
    return Number.isFinite(n) ? BigInt(Math.round(n * 1e6)) * 10n ** BigInt(SCALE - 6) : 0n;
  }
  const int = BigInt(m[2] || "0");
  const frac = BigInt(((m[3] ?? "") + "0".repeat(SCALE)).slice(0, SCALE));
  const v = int * TEN + frac;
  return m[1] === "-" ? -v : v;
}

export function formatDecimal(v: bigint): string {
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const int = abs / TEN;
  const frac = (abs % TEN).toString().padStart(SCALE, "0").replace(/0+$/, "");
  return `${neg ? "-" : ""}${int}${frac ? `.${frac}` : ""}`;
}

export function sumDecimals(values: readonly (string | null)[]): string {
  return formatDecimal(values.reduce((acc, v) => acc + parseDecimal(v), 0n));
}

export const toNumber = (v: bigint): number => Number(v) / Number(TEN);

const moneyFmt = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const smallFmt = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 3 });

/** Display only: two decimals, or three significant digits for amounts below a cent (cloud bills have many). */
export function formatMoney(v: string | bigint | null): string {
  if (v === null) return "—";
  const n = typeof v === "bigint" ? toNumber(v) : Number(v);
  if (n !== 0 && Math.abs(n) < 0.01) return smallFmt.format(n);
  return moneyFmt.format(n);
}

/** Axis labels: 1.2k, 3.4M. */
export function formatCompact(n: number): string {
  return new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 }).format(n);
}

export function formatShare(part: bigint, total: bigint): string {
  if (total === 0n) return "—";
  const pct = (toNumber(part) / toNumber(total)) * 100;
  if (pct !== 0 && Math.abs(pct) < 0.01) return pct > 0 ? "<0.01%" : ">-0.01%";
  return `${pct.toFixed(Math.abs(pct) < 0.1 ? 2 : 1)}%`;
}

export const NONE_LABEL = "(not set)";
export const OTHER_KEY = "\u0000other";

/** The group a series row belongs to: its single dimension's value, or "Total" without grouping. */
export function groupOf(row: CostQueryResult["series"][number]): string {
  const values = Object.values(row.dimensions);
  if (values.length === 0) return "Total";
  return values.map((v) => (v === null || v === "" ? NONE_LABEL : v)).join(" · ");
}

export interface GroupTotal {
  key: string;
  label: string;
  total: bigint;
}

/** Totals per group over the whole range, largest first. */
export function groupTotals(result: CostQueryResult): GroupTotal[] {
  const sums = new Map<string, bigint>();
  for (const row of result.series) {
    const g = groupOf(row);
    sums.set(g, (sums.get(g) ?? 0n) + parseDecimal(row.cost));
  }
  return [...sums].map(([key, total]) => ({ key, label: key, total })).sort((a, b) => (a.total === b.total ? a.label.localeCompare(b.label) : b.total > a.total ? 1 : -1));
}

/** Every period start between from and to (exclusive), so days or months without cost still take their place. */
export function periodsBetween(from: string, to: string, granularity: Granularity, limit = 400): string[] {
  const out: string[] = [];
  const start = new Date(`${from.slice(0, 10)}T00:00:00Z`);
  const end = Date.parse(to.length === 10 ? `${to}T00:00:00Z` : to);
  const d = granularity === "month" ? utcDay(start.getUTCFullYear(), start.getUTCMonth()) : start;
  while (d.getTime() < end && out.length < limit) {
    out.push(`${day(d)}T00:00:00Z`);
    if (granularity === "month") d.setUTCMonth(d.getUTCMonth() + 1);
    else d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

export interface StackSegment {
  key: string;
  value: bigint;
}
export interface ChartBar {
  period: string;
  segments: StackSegment[];
  total: bigint;
}
export interface ChartModel {
  /** Legend order: the top groups, then "Other" when more exist. */
  keys: GroupTotal[];
  bars: ChartBar[];
}

/** Stacks per period: the `top` largest groups over the range, the rest summed into "Other". */
export function chartModel(result: CostQueryResult, granularity: Granularity, top = 8): ChartModel {
  const totals = groupTotals(result);
  const kept = totals.slice(0, totals.length > top + 1 ? top : top + 1);
  const rest = totals.slice(kept.length);
  const keep = new Set(kept.map((g) => g.key));
  const keys: GroupTotal[] = rest.length ? [...kept, { key: OTHER_KEY, label: `Other (${rest.length})`, total: rest.reduce((a, g) => a + g.total, 0n) }] : kept;
  const byPeriod = new Map<string, Map<string, bigint>>();
  for (const row of result.series) {
    if (!row.period) continue;
    const p = row.period.slice(0, 10);
    const g = groupOf(row);
    const k = keep.has(g) ? g : OTHER_KEY;
    const m = byPeriod.get(p) ?? new Map<string, bigint>();
    m.set(k, (m.get(k) ?? 0n) + parseDecimal(row.cost));
    byPeriod.set(p, m);
  }
  const periods = new Set(periodsBetween(result.from, result.to, granularity).map((p) => p.slice(0, 10)));
  for (const p of byPeriod.keys()) periods.add(p);
  const bars = [...periods].sort().map((p) => {
    const m = byPeriod.get(p) ?? new Map<string, bigint>();
    const segments = keys.map((k) => ({ key: k.key, value: m.get(k.key) ?? 0n })).filter((s) => s.value !== 0n);
    return { period: p, segments, total: segments.reduce((a, s) => a + s.value, 0n) };
  });
  return { keys, bars };
}

export function formatPeriod(period: string, granularity: Granularity): string {
  const d = new Date(`${period.slice(0, 10)}T00:00:00Z`);
  return granularity === "month"
    ? d.toLocaleDateString("en-US", { month: "short", year: "numeric", timeZone: "UTC" })
    : d.toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
}

export type SortKey = "group" | "total";
export function sortGroups(groups: readonly GroupTotal[], key: SortKey, dir: "asc" | "desc"): GroupTotal[] {
  const sign = dir === "asc" ? 1 : -1;
  return [...groups].sort((a, b) => {
    const c = key === "group" ? a.label.localeCompare(b.label) : a.total === b.total ? 0 : a.total > b.total ? 1 : -1;
    return c * sign || a.label.localeCompare(b.label);
  });
}

export interface CostFilter {
  dimension: string;
  value: string;
}

/** The API's filter string: Dimension=value pairs separated by ';'. Values cannot contain ';'. */
export function filterString(filters: readonly CostFilter[]): string | undefined {
  const parts = filters.map((f) => `${f.dimension}=${f.value}`);
  return parts.length ? parts.join(";") : undefined;
}

export function filterProblem(f: CostFilter): string | null {
  if (!f.dimension.trim()) return "Choose a dimension";
  if (f.dimension.includes("=") || f.dimension.includes(";")) return "A dimension cannot contain = or ;";
  if (f.value.includes(";")) return "A value cannot contain ;";
  return null;
}

/** The format an upload is sent as, from the file name: Parquet by extension, else CSV (FOCUS). */
export function detectFormat(filename: string): CostFormat {
  const n = filename.toLowerCase();
  if (n.endsWith(".parquet") || n.endsWith(".pq")) return "parquet";
  return "csv";
}

export const formatLabels: Record<CostFormat, string> = {
  csv: "FOCUS CSV",
  parquet: "FOCUS Parquet",
  "aws-cur": "AWS Cost and Usage Report (converted)",
  "azure-ea": "Azure EA usage (converted)",
};

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 2 ** 20) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 2 ** 30) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  return `${(n / 2 ** 30).toFixed(2)} GiB`;
}
