import type { CostQueryResult } from "@meridian/core";
import { describe, expect, it } from "vitest";
import {
  chartModel,
  defaultGranularity,
  detectFormat,
  filterProblem,
  filterString,
  formatDecimal,
  formatMoney,
  formatShare,
  groupTotals,
  OTHER_KEY,
  parseDecimal,
  periodsBetween,
  presetRange,
  sortGroups,
  sumDecimals,
} from "./explorer";

const row = (group: string | null, period: string | null, cost: string | null) => ({ dimensions: { ServiceName: group }, period, cost });
const result = (series: CostQueryResult["series"], from = "2024-09-01", to = "2024-09-04"): CostQueryResult => ({
  metric: "EffectiveCost",
  from: `${from}T00:00:00Z`,
  to: `${to}T00:00:00Z`,
  groupBy: ["ServiceName"],
  granularity: "day",
  series,
  total: sumDecimals(series.map((s) => s.cost)),
});

describe("decimal sums", () => {
  it("adds the API's decimal strings exactly, where floating point would not", () => {
    expect(sumDecimals(["0.1", "0.2"])).toBe("0.3");
    expect(sumDecimals(["0.00000080000", "0.00001605990", "-0.000001"])).toBe("0.0000158599");
    expect(sumDecimals(["12345678901234.123456789012345", "1"])).toBe("12345678901235.123456789012345");
    expect(sumDecimals([null, "", "-5"])).toBe("-5");
    expect(formatDecimal(parseDecimal("-0.5"))).toBe("-0.5");
  });
  it("formats money for display with two decimals, or three significant digits below a cent", () => {
    expect(formatMoney("1234.5")).toBe("1,234.50");
    expect(formatMoney("0.000123456")).toBe("0.000123");
    expect(formatMoney("0")).toBe("0.00");
    expect(formatMoney(null)).toBe("—");
    expect(formatShare(parseDecimal("1"), parseDecimal("3"))).toBe("33.3%");
    expect(formatShare(1n, 0n)).toBe("—");
    expect(formatShare(parseDecimal("0.00004"), parseDecimal("1.96"))).toBe("<0.01%");
    expect(formatShare(parseDecimal("0.0012"), parseDecimal("1.96"))).toBe("0.06%");
  });
});

describe("time ranges", () => {
  const now = new Date("2025-03-15T10:00:00Z");
  it("computes the presets as [from, to) UTC dates", () => {
    expect(presetRange("last30", now)).toEqual({ from: "2025-02-14", to: "2025-03-16" });
    expect(presetRange("thisMonth", now)).toEqual({ from: "2025-03-01", to: "2025-04-01" });
    expect(presetRange("last3Months", now)).toEqual({ from: "2025-01-01", to: "2025-04-01" });
    expect(presetRange("thisMonth", new Date("2024-12-31T23:00:00Z"))).toEqual({ from: "2024-12-01", to: "2025-01-01" });
  });
  it("spans the loaded billing periods, and falls back to 30 days without any", () => {
    expect(presetRange("loaded", now, [{ billingPeriodStart: "2024-09-01T00:00:00Z" }, { billingPeriodStart: "2024-07-01T00:00:00Z" }])).toEqual({ from: "2024-07-01", to: "2024-10-01" });
    expect(presetRange("loaded", now, [{ billingPeriodStart: "2024-12-01T00:00:00Z" }])).toEqual({ from: "2024-12-01", to: "2025-01-01" });
    expect(presetRange("loaded", now, [])).toEqual(presetRange("last30", now));
  });
  it("picks days for short ranges, months for long ones, and lists every period", () => {
    expect(defaultGranularity("2024-09-01", "2024-10-01")).toBe("day");
    expect(defaultGranularity("2024-01-01", "2024-10-01")).toBe("month");
    expect(periodsBetween("2024-09-29", "2024-10-02", "day")).toEqual(["2024-09-29T00:00:00Z", "2024-09-30T00:00:00Z", "2024-10-01T00:00:00Z"]);
    expect(periodsBetween("2024-11-15", "2025-02-01", "month")).toEqual(["2024-11-01T00:00:00Z", "2024-12-01T00:00:00Z", "2025-01-01T00:00:00Z"]);
  });
});

describe("chart model and table", () => {
  it("stacks the top groups per period, sums the rest into Other, and keeps empty days", () => {
    const r = result([
      row("A", "2024-09-01T00:00:00Z", "10"),
      row("B", "2024-09-01T00:00:00Z", "5"),
      row("C", "2024-09-01T00:00:00Z", "1"),
      row("D", "2024-09-03T00:00:00Z", "0.5"),
      row(null, "2024-09-03T00:00:00Z", "2"),
    ]);
    const m = chartModel(r, "day", 2);
    expect(m.keys.map((k) => k.key)).toEqual(["A", "B", OTHER_KEY]);
    expect(m.keys[2]?.label).toBe("Other (3)");
    expect(m.bars.map((b) => b.period)).toEqual(["2024-09-01", "2024-09-02", "2024-09-03"]);
    expect(m.bars[0]?.segments.map((s) => [s.key, formatDecimal(s.value)])).toEqual([["A", "10"], ["B", "5"], [OTHER_KEY, "1"]]);
    expect(m.bars[1]?.segments).toEqual([]);
    expect(formatDecimal(m.bars[2]?.total ?? 0n)).toBe("2.5");
    // The bars add up to the total.
    expect(formatDecimal(m.bars.reduce((a, b) => a + b.total, 0n))).toBe(r.total);
  });
  it("does not make an Other of a single group", () => {
    const r = result([row("A", "2024-09-01T00:00:00Z", "1"), row("B", "2024-09-01T00:00:00Z", "2"), row("C", "2024-09-01T00:00:00Z", "3")]);
    expect(chartModel(r, "day", 2).keys.map((k) => k.key)).toEqual(["C", "B", "A"]);
  });
  it("totals per group over periods, sortable by name or amount", () => {
    const r = result([row("b", "2024-09-01T00:00:00Z", "1"), row("a", "2024-09-01T00:00:00Z", "2"), row("b", "2024-09-02T00:00:00Z", "2"), row(null, null, "0.5")]);
    const g = groupTotals(r);
    expect(g.map((x) => [x.label, formatDecimal(x.total)])).toEqual([["b", "3"], ["a", "2"], ["(not set)", "0.5"]]);
    expect(sortGroups(g, "group", "asc").map((x) => x.label)).toEqual(["(not set)", "a", "b"]);
    expect(sortGroups(g, "total", "asc").map((x) => x.label)).toEqual(["(not set)", "a", "b"]);
  });
});

describe("filters and formats", () => {
  it("builds the API's filter string and says what is wrong with a filter", () => {
    expect(filterString([])).toBeUndefined();
    expect(filterString([{ dimension: "ProviderName", value: "AWS" }, { dimension: "tag:env", value: "prod" }])).toBe("ProviderName=AWS;tag:env=prod");
    expect(filterProblem({ dimension: "ServiceName", value: "a;b" })).toBe("A value cannot contain ;");
    expect(filterProblem({ dimension: "", value: "x" })).toBe("Choose a dimension");
    expect(filterProblem({ dimension: "ServiceName", value: "Amazon S3" })).toBeNull();
  });
  it("detects the upload format from the file name", () => {
    expect(detectFormat("bill.csv")).toBe("csv");
    expect(detectFormat("Bill.PARQUET")).toBe("parquet");
    expect(detectFormat("export")).toBe("csv");
  });
});
