import { describe, expect, it } from "vitest";
import { loadFocusModel } from "./focus-model.js";
import { compileCheck, compileFailure, NotCompilable } from "./rule-sql.js";

const model = loadFocusModel();
const ctx = { model, present: new Set(["ChargeCategory", "ChargeClass", "ListCost", "ListUnitPrice", "PricingQuantity", "BilledCost"]) };

describe("compileCheck", () => {
  it.each([
    [{ CheckFunction: "CheckValue", ColumnName: "ChargeClass", Value: null }, `"ChargeClass" IS NULL`],
    [{ CheckFunction: "CheckNotValue", ColumnName: "ChargeClass", Value: "Correction" }, `"ChargeClass" IS DISTINCT FROM 'Correction'`],
    [{ CheckFunction: "CheckValue", ColumnName: "ChargeCategory", Value: "Tax" }, `coalesce("ChargeCategory" = 'Tax', false)`],
  ])("%j -> %s", (node, sql) => {
    expect(compileCheck(node, ctx)).toBe(sql);
  });

  it("says why a check cannot be compiled", () => {
    expect(() => compileCheck({ CheckFunction: "CheckValue", ColumnName: "Tags", Value: null }, ctx)).toThrow(new NotCompilable("column Tags is not in the file"));
    expect(() => compileCheck({}, ctx)).toThrow(NotCompilable);
  });

  it("lets value rules pass on null and keeps their condition", () => {
    const rule = model.rules.get("ListUnitPrice-C-010-C");
    if (!rule) throw new Error("rule missing from the model");
    const sql = compileFailure(rule, undefined, ctx);
    expect(sql).toContain(`"ListUnitPrice" IS NULL OR`);
    expect(sql).toContain(`"ChargeClass" IS DISTINCT FROM 'Correction'`);
  });
});

describe("loadFocusModel", () => {
  it("derives the 57 FOCUS 1.2 columns and their types from the rule model", () => {
    expect(model.columns).toHaveLength(57);
    expect(model.columns.filter((c) => c.mandatory)).toHaveLength(new Set([...model.rules.values()].filter((r) => r.function === "Presence" && r.applicability.length === 0 && r.keyword === "MUST").map((r) => r.requirement.ColumnName)).size);
    expect(model.columns.find((c) => c.name === "BilledCost")?.type).toBe("decimal");
    expect(model.columns.find((c) => c.name === "ChargePeriodStart")?.type).toBe("datetime");
    expect(model.columns.find((c) => c.name === "Tags")?.type).toBe("json");
  });
});
