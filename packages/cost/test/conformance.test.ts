import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConformanceReport, type CostStore, openCostStore } from "../src/index.js";
import { errorOf, finopsData, focusSample, makeTempDir, query } from "./helpers.js";

let tmp: Awaited<ReturnType<typeof makeTempDir>>;
let store: CostStore;
beforeAll(async () => {
  tmp = await makeTempDir();
  store = await openCostStore({ dir: join(tmp.dir, "store"), threads: 2 });
});
afterAll(async () => {
  await store.close();
  await tmp.cleanup();
});

const nullish = (c: string) => `(${c} IS NULL OR ${c} IN ('', 'NULL'))`;

describe("focus_sample.csv (real FOCUS 1.0 export, 1,000 rows)", () => {
  it("is rejected with the row-level problems it really has, and a full conformance report", async () => {
    const err = await errorOf(store.importFocus(focusSample));
    expect(err.code).toBe("invalid_input");
    const report = err.details?.report as ConformanceReport;
    const failed = new Map(report.failed.map((f) => [f.ruleId, f]));

    // Every rule of the model is accounted for: evaluated (passed or failed) or listed with a reason.
    expect(report.rulesEvaluated).toBe(report.passed + report.failed.length);
    expect(report.rulesEvaluated + report.notEvaluated.length).toBe(store.model.rules.size);
    for (const n of report.notEvaluated) expect(n.reason.length).toBeGreaterThan(10);

    // Oracle rows leave ContractedCost empty: count them from the file itself.
    const [c] = await query(`SELECT count(*)::INT AS n FROM read_csv($1, all_varchar = true) WHERE ${nullish('"ContractedCost"')}`, [focusSample]);
    expect(failed.get("ContractedCost-C-003-M")?.failingRows).toBe(Number(c?.n));
    // Microsoft rows whose ListCost is not ListUnitPrice x PricingQuantity.
    const [l] = await query(
      `SELECT count(*)::INT AS n, min(line)::INT AS first FROM (SELECT row_number() OVER () + 1 AS line, * FROM read_csv($1, all_varchar = true))
       WHERE NOT ${nullish('"ListUnitPrice"')} AND NOT ${nullish('"PricingQuantity"')}
         AND abs("ListUnitPrice"::DOUBLE * "PricingQuantity"::DOUBLE - "ListCost"::DOUBLE) > greatest(1e-9, 1e-6 * abs("ListCost"::DOUBLE))`,
      [focusSample],
    );
    expect(failed.get("ListCost-C-009-C")?.failingRows).toBe(Number(l?.n));
    expect(failed.get("ListCost-C-009-C")?.sampleLines[0]).toBe(Number(l?.first));
    // Amazon EC2 is filed under two ServiceCategories (a dataset-level MUST).
    const [s] = await query(
      `SELECT count(*)::INT AS n FROM read_csv($1, all_varchar = true) WHERE "ServiceName" IN
        (SELECT "ServiceName" FROM read_csv($1, all_varchar = true) GROUP BY 1 HAVING count(DISTINCT "ServiceCategory") > 1)`,
      [focusSample],
    );
    expect(failed.get("ServiceName-C-005-C")?.failingRows).toBe(Number(s?.n));
    // The sample's defects that have one reading were normalized, so their rules pass.
    for (const id of ["ChargePeriodStart-C-002-M", "BillingPeriodStart-C-002-M", "ChargeFrequency-C-003-M", "Tags-C-001-M"]) {
      expect(failed.has(id), id).toBe(false);
    }
    // A SHOULD-level miss warns; the model's defective ProviderName/InvoiceIssuerName proxy is downgraded.
    expect(failed.get("CostAndUsage-D-033-O")?.severity).toBe("warning");
    expect(failed.get("BilledCost-C-005-C")?.severity).toBe("warning");
    const errors = err.details?.errors as { line: number; ruleId: string }[];
    expect(errors.length).toBeLessThanOrEqual(100);
    expect(err.details?.errorCount).toBe(errors.length + Number(err.details?.omitted));
    expect((await store.summarizePeriods()).length).toBe(0);
  });
});

describe("the FOCUS 1.2 spec's example files", () => {
  it("each fails with exactly the mandatory columns it lacks, or with its real row-level problems", async () => {
    const root = join(finopsData, "focus-spec-v1.2-examples");
    const files = (await readdir(root, { recursive: true })).filter((f) => f.endsWith(".csv")).sort();
    expect(files.length).toBe(26);
    const mandatory = store.model.columns.filter((c) => c.mandatory).map((c) => c.name);
    for (const f of files) {
      const file = join(root, f);
      const header = (await query(`SELECT column_name FROM (DESCRIBE SELECT * FROM read_csv($1, all_varchar = true))`, [file])).map((r) => String(r.column_name).replace(/^\uFEFF/, ""));
      const missing = mandatory.filter((m) => !header.some((h) => h.toLowerCase() === m.toLowerCase()));
      const err = await errorOf(store.importFocus(file));
      expect(err.code, f).toBe("invalid_input");
      if (missing.length > 0) expect((err.details?.missingColumns as string[]).sort(), f).toEqual(missing.sort());
      else expect((err.details?.errors as unknown[]).length, f).toBeGreaterThan(0);
    }
    expect((await store.summarizePeriods()).length).toBe(0);
  });

  it("rejects currency-formatted amounts ($10,100.00) of the SaaS examples as NumericFormat errors", async () => {
    const file = join(finopsData, "focus-spec-v1.2-examples/saas_examples/simple_agreements/simple_saas_agreements_c.csv");
    const err = await errorOf(store.importFocus(file));
    const errors = err.details?.errors as { line: number; column: string; value: string; ruleId: string }[];
    expect(errors).toContainEqual(expect.objectContaining({ line: 2, column: "BilledCost", value: "$10,100.00 ", ruleId: "BilledCost-C-001-M" }));
  });
});
