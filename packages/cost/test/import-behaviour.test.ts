import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CostStore, openCostStore } from "../src/index.js";
import { errorOf, focusSample, makeTempDir, query, run, writeConformingSubset } from "./helpers.js";

let tmp: Awaited<ReturnType<typeof makeTempDir>>;
let store: CostStore;
let subset: string;
let expected: { rows: number; billed: string; effective: string };

beforeEach(async () => {
  tmp = await makeTempDir();
  store = await openCostStore({ dir: join(tmp.dir, "store"), threads: 2 });
  subset = join(tmp.dir, "aws-subset.csv");
  await writeConformingSubset(subset);
  // Expected figures straight from the file, with "NULL" strings read as nulls, summed exactly.
  const [row] = await query(
    `SELECT count(*)::VARCHAR AS n, sum(CAST(NULLIF("BilledCost", 'NULL') AS DECIMAL(38,15)))::VARCHAR AS b,
      sum(CAST(NULLIF("EffectiveCost", 'NULL') AS DECIMAL(38,15)))::VARCHAR AS e FROM read_csv($1, all_varchar = true)`,
    [subset],
  );
  expected = { rows: Number(row?.n), billed: String(row?.b), effective: String(row?.e) };
});

afterEach(async () => {
  await store.close();
  await tmp.cleanup();
});

async function totals() {
  const periods = await store.summarizePeriods();
  return { periods, rows: periods.reduce((s, p) => s + p.rows, 0) };
}

describe("importFocus", () => {
  it("imports real conforming rows with exact sums, and re-importing the period replaces it", async () => {
    const first = await store.importFocus(subset);
    expect(first.rows).toBe(expected.rows);
    expect(first.billingPeriods).toEqual(["2024-09-01T00:00:00Z"]);
    expect(first.ignoredColumns).toEqual(["Id"]);
    const after1 = await totals();
    expect(after1.rows).toBe(expected.rows);
    expect(after1.periods).toHaveLength(1);
    expect(Number(after1.periods[0]?.billedCost)).toBeCloseTo(Number(expected.billed), 12);
    expect(after1.periods[0]?.billedCost).toBe(expected.billed);
    expect(after1.periods[0]?.effectiveCost).toBe(expected.effective);

    const second = await store.importFocus(subset);
    expect(second.importId).not.toBe(first.importId);
    expect(await totals()).toEqual(after1);
  });

  it("normalizes the sample's defects: NULL strings, space-separated dates, casing, padded tag keys", async () => {
    const padded = join(tmp.dir, "padded.csv");
    // Real (Microsoft) rows carrying the padded " org" tag key next to "org" with the same value, keeping
    // those whose ListCost matches ListUnitPrice x PricingQuantity (the others break ListCost-C-009-C);
    // the header's casing and padding drifted on top.
    await run(
      `COPY (SELECT * FROM read_csv($1, all_varchar = true) WHERE "Tags" LIKE '%" org"%'
        AND abs("ListUnitPrice"::DOUBLE * "PricingQuantity"::DOUBLE - "ListCost"::DOUBLE) <= 1e-9) TO '${padded}' (HEADER)`,
      [focusSample],
    );
    const text = await readFile(padded, "utf8");
    const [header, ...rest] = text.split("\n");
    await writeFile(padded, [header?.replace("BilledCost", " billedcost ").replace("ChargeFrequency", "chargefrequency"), ...rest].join("\n"));
    const rows = text.trim().split("\n").length - 1;
    expect(rows).toBeGreaterThan(0);
    const r = await store.importFocus(padded);
    expect(r.rows).toBe(rows);
    // DuckDB's reader trims header padding itself; casing drift is ours to map.
    expect(Object.values(r.renamedColumns).sort()).toEqual(["BilledCost", "ChargeFrequency"]);
    const tags = await store.queryCostBy({ from: "2024-09-01T00:00:00Z", to: "2024-10-01T00:00:00Z", groupBy: ["Tags", "ChargeFrequency"] });
    for (const t of tags) {
      const keys = Object.keys(JSON.parse(String(t.Tags)) as object);
      expect(keys).toContain("org");
      expect(keys).not.toContain(" org");
      expect(t.ChargeFrequency).toBe("Usage-Based");
    }
  });

  it("commits nothing when one row in the middle is bad, and names its line, column, value and rule", async () => {
    await store.importFocus(subset);
    const before = await totals();
    const lines = (await readFile(subset, "utf8")).split("\n");
    const middle = Math.floor(lines.length / 2); // 0-based index; its file line is middle + 1
    lines[middle] = lines[middle]?.replace(/,Usage,/, ",Usgae,") ?? "";
    expect(lines[middle]).toContain(",Usgae,");
    const bad = join(tmp.dir, "bad-row.csv");
    await writeFile(bad, lines.join("\n"));
    const err = await errorOf(store.importFocus(bad));
    expect(err.code).toBe("invalid_input");
    const errors = err.details?.errors as { line: number; column: string; value: string; ruleId: string }[];
    expect(errors).toContainEqual(expect.objectContaining({ line: middle + 1, column: "ChargeCategory", value: "Usgae", ruleId: "ChargeCategory-C-003-M" }));
    expect(err.details?.errorCount).toBe(errors.length + Number(err.details?.omitted));
    expect(await totals()).toEqual(before);
  });

  it("rejects a truncated file with a clear error and commits nothing", async () => {
    await store.importFocus(subset);
    const before = await totals();
    const text = await readFile(subset, "utf8");
    const cut = join(tmp.dir, "truncated.csv");
    // Cut inside a quoted field of the last row, as an interrupted download does.
    const lastQuote = text.lastIndexOf('"{');
    await writeFile(cut, text.slice(0, lastQuote > 0 ? lastQuote + 5 : text.length - 40));
    const err = await errorOf(store.importFocus(cut));
    expect(err.code).toBe("invalid_input");
    expect(String(err.details?.rule)).toMatch(/^csv-/);
    // Not the file's own name ("truncated.csv"): the diagnosis must say it.
    expect(err.message.replace(cut, "FILE")).toMatch(/^FILE .*(truncated|well-formed|unterminated)/);
    expect(err.details?.line).toBeUndefined();
    expect(await totals()).toEqual(before);
  });

  it("rejects a semicolon-separated file", async () => {
    const semi = join(tmp.dir, "semicolon.csv");
    await run(`COPY (SELECT * FROM read_csv($1, all_varchar = true)) TO '${semi}' (HEADER, DELIMITER ';')`, [subset]);
    const err = await errorOf(store.importFocus(semi));
    expect(err.code).toBe("invalid_input");
    expect(err.details).toMatchObject({ rule: "csv-delimiter", delimiter: ";", line: 1 });
    expect((await totals()).rows).toBe(0);
  });

  it("rejects a huge field beyond the line limit", async () => {
    const lines = (await readFile(subset, "utf8")).split("\n");
    lines[3] = lines[3]?.replace(/arn:[^,]*/, `"${"x".repeat(5 * 2 ** 20)}"`) ?? "";
    expect(lines[3]?.length).toBeGreaterThan(5 * 2 ** 20);
    const huge = join(tmp.dir, "huge.csv");
    await writeFile(huge, lines.join("\n"));
    const err = await errorOf(store.importFocus(huge));
    expect(err.code).toBe("invalid_input");
    expect(err.details?.rule).toBe("csv-line-too-long");
    expect((await totals()).rows).toBe(0);
  });

  it("rejects a file without mandatory columns, listing them", async () => {
    const narrow = join(tmp.dir, "narrow.csv");
    await run(`COPY (SELECT * EXCLUDE ("BilledCost", "ServiceName") FROM read_csv($1, all_varchar = true)) TO '${narrow}' (HEADER)`, [subset]);
    const err = await errorOf(store.importFocus(narrow));
    expect(err.details?.missingColumns).toEqual(expect.arrayContaining(["BilledCost", "ServiceName"]));
    expect((await totals()).rows).toBe(0);
  });

  it("two concurrent imports of one period end with exactly one copy", async () => {
    const [a, b] = await Promise.all([store.importFocus(subset), store.importFocus(subset)]);
    expect(a.rows).toBe(expected.rows);
    expect(b.rows).toBe(expected.rows);
    const t = await totals();
    expect(t.rows).toBe(expected.rows);
    expect(t.periods[0]?.billedCost).toBe(expected.billed);
  });
});
