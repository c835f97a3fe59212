import { readFileSync } from "node:fs";
import { packageAsset } from "./assets.js";

/**
 * The FOCUS 1.2 rule model of the FinOps Foundation's focus_validator (vendored in ../rules with its licence
 * and source commit). Everything the importer knows about columns, types and rules is read from it, so a
 * new model version is a file swap, not a code change.
 */
export interface CheckNode {
  CheckFunction?: string;
  Items?: CheckNode[];
  ColumnName?: string;
  ColumnAName?: string;
  ColumnBName?: string;
  ResultColumnName?: string;
  Value?: string | number | null;
  ExpectedCount?: number;
  ModelRuleId?: string;
}

export interface ModelRule {
  id: string;
  function: string;
  reference: string;
  entityType: string;
  type: string;
  keyword: string;
  mustSatisfy: string;
  applicability: string[];
  requirement: CheckNode;
  condition: CheckNode;
}

export type FocusType = "decimal" | "datetime" | "string" | "json";

export interface FocusColumn {
  name: string;
  type: FocusType;
  /** From the column's Presence rule: mandatory (no applicability criteria and MUST) or not. */
  mandatory: boolean;
}

export interface FocusModel {
  version: string;
  rules: Map<string, ModelRule>;
  columns: FocusColumn[];
  currencyCodes: Set<string>;
  /** Known defects of the model's checks (rules/model-corrections.json): skipped or downgraded, with the reason. */
  corrections: Map<string, { action: "skip" | "warn"; reason: string }>;
}

export const defaultModelPath = packageAsset("rules/model-1.2.json");
const defaultCurrencyPath = packageAsset("rules/currency_codes.csv");
const defaultCorrectionsPath = packageAsset("rules/model-corrections.json");

interface RawRule {
  Function: string;
  Reference: string;
  EntityType: string;
  Type: string;
  Status: string;
  ApplicabilityCriteria: string[];
  ValidationCriteria: { MustSatisfy: string; Keyword: string; Requirement: CheckNode; Condition: CheckNode };
}

const typeByCheck: Record<string, FocusType> = { TypeDecimal: "decimal", TypeDateTime: "datetime", TypeString: "string" };

export function loadFocusModel(path = defaultModelPath, currencyPath = defaultCurrencyPath, correctionsPath: string | null = defaultCorrectionsPath): FocusModel {
  const raw = JSON.parse(readFileSync(path, "utf8")) as { Details: { FOCUSVersion: string }; ModelRules: Record<string, RawRule> };
  const rules = new Map<string, ModelRule>();
  for (const [id, r] of Object.entries(raw.ModelRules)) {
    if (r.Status !== "Active") continue;
    rules.set(id, {
      id,
      function: r.Function,
      reference: r.Reference,
      entityType: r.EntityType,
      type: r.Type,
      keyword: r.ValidationCriteria.Keyword,
      mustSatisfy: r.ValidationCriteria.MustSatisfy,
      applicability: r.ApplicabilityCriteria,
      requirement: r.ValidationCriteria.Requirement,
      condition: r.ValidationCriteria.Condition,
    });
  }
  const currencyCodes = new Set(
    readFileSync(currencyPath, "utf8")
      .split("\n")
      .slice(1)
      .map((l) => l.split(",")[1]?.trim() ?? "")
      .filter(Boolean),
  );
  const corrections = new Map<string, { action: "skip" | "warn"; reason: string }>(
    correctionsPath ? Object.entries((JSON.parse(readFileSync(correctionsPath, "utf8")) as { rules: Record<string, { action: "skip" | "warn"; reason: string }> }).rules) : [],
  );
  return { version: raw.Details.FOCUSVersion, rules, columns: deriveColumns(rules), currencyCodes, corrections };
}

/** Columns are the Presence rules' columns; their types come from the Type rules (JSON for key-value columns). */
function deriveColumns(rules: Map<string, ModelRule>): FocusColumn[] {
  const columns = new Map<string, FocusColumn>();
  for (const r of rules.values()) {
    if (r.function !== "Presence" || !r.requirement.ColumnName) continue;
    const name = r.requirement.ColumnName;
    const mandatory = r.applicability.length === 0 && r.keyword === "MUST";
    const prev = columns.get(name);
    columns.set(name, { name, type: "string", mandatory: mandatory || (prev?.mandatory ?? false) });
  }
  for (const r of rules.values()) {
    const col = columns.get(r.reference);
    if (!col || r.entityType !== "Column") continue;
    const fn = r.requirement.CheckFunction ?? "";
    if (r.function === "Type" && typeByCheck[fn]) col.type = typeByCheck[fn];
    if (r.function === "Format" && fn === "FormatKeyValue") col.type = "json";
  }
  return [...columns.values()].sort((a, b) => a.name.localeCompare(b.name));
}
