import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CostStore, convertAwsCur, convertAzureEa, openCostStore } from "../src/index.js";
import { errorOf, finopsData, makeTempDir, query } from "./helpers.js";

let tmp: Awaited<ReturnType<typeof makeTempDir>>;
let store: CostStore;
beforeEach(async () => {
  tmp = await makeTempDir();
  store = await openCostStore({ dir: join(tmp.dir, "store"), threads: 2 });
});
afterEach(async () => {
  await store.close();
  await tmp.cleanup();
});

describe("AWS CUR -> FOCUS", () => {
  it("converts every row by the mapping table; the import names the Usage rows that have no pricing term", async () => {
    const cur = join(finopsData, "focus-converters/sample-anonymous-aws-export-dataset.csv");
    const out = join(tmp.dir, "aws-focus.csv");
    const r = await convertAwsCur(cur, out);
    const [src] = await query(
      `SELECT count(*)::INT AS n, count(*) FILTER (WHERE "lineItem/LineItemType" = 'Usage' AND "pricing/term" IS NULL)::INT AS unpriced,
        sum("lineItem/UnblendedCost")::DECIMAL(38,10)::VARCHAR AS cost FROM read_csv($1)`,
      [cur],
    );
    expect(r.rows).toBe(Number(src?.n));
    expect(r.skipped.map((s) => s.column).sort()).toEqual(["CommitmentDiscountName", "SubAccountName"]);
    const [conv] = await query(`SELECT count(*)::INT AS n, sum("BilledCost"::DECIMAL(38,10))::VARCHAR AS cost FROM read_csv($1, all_varchar = true)`, [out]);
    expect(Number(conv?.n)).toBe(Number(src?.n));
    expect(conv?.cost).toBe(src?.cost);
    const err = await errorOf(store.importFocus(out));
    const failed = (err.details?.report as { failed: { ruleId: string; severity: string; failingRows: number }[] }).failed.filter((f) => f.severity === "error");
    expect(failed.map((f) => f.ruleId).sort()).toEqual(["PricingCategory-C-002-M", "PricingCategory-C-004-C", "PricingCategory-C-000-M", "CostAndUsage-D-002-M", "CostAndUsage-D-000-M"].sort());
    expect(failed.find((f) => f.ruleId === "PricingCategory-C-004-C")?.failingRows).toBe(Number(src?.unpriced));
  });
});

describe("Azure EA actual/amortized pair -> FOCUS", () => {
  const dir = join(finopsData, "microsoft-finops-toolkit");
  const sums = (file: string) =>
    query(
      `SELECT count(*)::INT AS n, sum("Cost")::DECIMAL(38,10)::VARCHAR AS cost,
        sum("Cost") FILTER (WHERE "ChargeType" = 'Purchase')::DECIMAL(38,10)::VARCHAR AS purchases FROM read_csv($1)`,
      [file],
    ).then((r) => r[0]);

  it("amortized imports and ties to the export; actual is rejected on its reservation purchase row", async () => {
    const actual = await sums(join(dir, "EA_ActualCost_Small.csv"));
    const amortized = await sums(join(dir, "EA_AmortizedCost_Small.csv"));

    const amOut = join(tmp.dir, "amortized.csv");
    await convertAzureEa(join(dir, "EA_AmortizedCost_Small.csv"), amOut);
    const am = await store.importFocus(amOut);
    expect(am.rows).toBe(Number(amortized?.n));
    const periods = await store.summarizePeriods();
    const total = periods.reduce((s, p) => s + Number(p.effectiveCost), 0);
    expect(total.toFixed(2)).toBe(Number(amortized?.cost).toFixed(2));

    // Actual cost carries the reservation purchase at its price with EffectiveCost = BilledCost, which FOCUS
    // forbids for a purchase that covers future usage (EffectiveCost-C-005-C): the amortized export is the
    // one that holds FOCUS's EffectiveCost.
    const acOut = join(tmp.dir, "actual.csv");
    await convertAzureEa(join(dir, "EA_ActualCost_Small.csv"), acOut);
    const err = await errorOf(store.importFocus(acOut));
    const errors = err.details?.errors as { ruleId: string; value: string }[];
    expect(errors.map((e) => e.ruleId)).toEqual(["EffectiveCost-C-005-C"]);
    expect(Number(errors[0]?.value).toFixed(2)).toBe(Number(actual?.purchases).toFixed(2));
    // Both totals, reported: actual (billed) and amortized (effective).
    console.log(`Azure EA pair: actual ${actual?.n} rows, ${actual?.cost}; amortized ${amortized?.n} rows, ${amortized?.cost}`);
  });
});
