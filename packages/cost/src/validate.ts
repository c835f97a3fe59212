import type { DuckDBConnection } from "@duckdb/node-api";
import type { FocusModel, ModelRule } from "./focus-model.js";
import { type CompileContext, columnsOf, compileCheck, compileFailure, NotCompilable } from "./rule-sql.js";
import { quoteIdent } from "./sql.js";

export type Severity = "error" | "warning";

export interface RuleFailure {
  ruleId: string;
  column: string;
  keyword: string;
  severity: Severity;
  message: string;
  failingRows: number;
  /** File line numbers (the header is line 1) of the first failing rows. */
  sampleLines: number[];
}

export interface ConformanceReport {
  modelVersion: string;
  rulesEvaluated: number;
  passed: number;
  failed: RuleFailure[];
  notEvaluated: { ruleId: string; reason: string }[];
}

export interface RowProblem {
  line: number;
  column: string;
  value: string | null;
  ruleId: string;
  message: string;
}

export interface ValidateOptions {
  /** Applicability criteria of the model (e.g. COMMITMENT_DISCOUNT_SUPPORTED) the provider declares. */
  applicability?: string[];
  sampleLines?: number;
}

/** MUST-level rules reject rows; SHOULD/RECOMMENDED rules warn; MAY rules state a permission. */
function severityOf(keyword: string): Severity | undefined {
  if (keyword === "MUST" || keyword === "MUST NOT") return "error";
  if (keyword === "SHOULD" || keyword === "SHOULD NOT" || keyword === "RECOMMENDED") return "warning";
  return undefined;
}

type Plan =
  | { kind: "row"; rule: ModelRule; failure: string; column: string }
  | { kind: "distinct"; rule: ModelRule; a: string; b: string; expected: number }
  | { kind: "presence"; rule: ModelRule; present: boolean }
  | { kind: "composite"; rule: ModelRule; children: string[] }
  | { kind: "skip"; rule: ModelRule; reason: string };

/** Conditions of conditional composites ("When X is not null, X adheres to…") apply to their children. */
function inheritedConditions(model: FocusModel, ctx: CompileContext): Map<string, string | undefined | Error> {
  const parents = new Map<string, ModelRule[]>();
  for (const r of model.rules.values()) {
    if (r.function !== "Composite") continue;
    for (const item of r.requirement.Items ?? []) {
      if (item.ModelRuleId) parents.set(item.ModelRuleId, [...(parents.get(item.ModelRuleId) ?? []), r]);
    }
  }
  const memo = new Map<string, string | undefined | Error>();
  const resolve = (id: string, seen: Set<string>): string | undefined | Error => {
    if (memo.has(id)) return memo.get(id);
    const paths: string[] = [];
    let unconditional = false;
    for (const p of parents.get(id) ?? []) {
      if (seen.has(p.id)) continue;
      const up = resolve(p.id, new Set([...seen, p.id]));
      if (up instanceof Error) return up;
      let own: string | undefined;
      try {
        own = p.condition.CheckFunction ? compileCheck(p.condition, ctx) : undefined;
      } catch (e) {
        memo.set(id, e as Error);
        return e as Error;
      }
      const both = [up, own].filter(Boolean).map((c) => `(${c})`);
      if (both.length === 0) unconditional = true;
      else paths.push(both.join(" AND "));
    }
    const result = unconditional || paths.length === 0 ? undefined : paths.map((p) => `(${p})`).join(" OR ");
    memo.set(id, result);
    return result;
  };
  for (const id of model.rules.keys()) resolve(id, new Set([id]));
  return memo;
}

/** Applicability criteria of composite ancestors bind their children too (CommitmentDiscountStatus-C-000-C…). */
function inheritedApplicability(model: FocusModel): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const visit = (id: string, criteria: Set<string>, seen: Set<string>) => {
    const rule = model.rules.get(id);
    if (!rule || seen.has(id)) return;
    const mine = new Set([...criteria, ...rule.applicability]);
    const prev = out.get(id);
    // A rule reached by several paths needs only the criteria common to all of them.
    out.set(id, prev ? new Set([...prev].filter((c) => mine.has(c))) : mine);
    for (const item of rule.requirement.Items ?? []) if (item.ModelRuleId) visit(item.ModelRuleId, mine, new Set([...seen, id]));
  };
  for (const id of model.rules.keys()) if (!out.has(id)) visit(id, new Set(), new Set());
  return out;
}

function planRules(model: FocusModel, ctx: CompileContext, opts: ValidateOptions): Plan[] {
  const declared = new Set(opts.applicability ?? []);
  const inherited = inheritedConditions(model, ctx);
  const applicability = inheritedApplicability(model);
  const plans: Plan[] = [];
  for (const rule of model.rules.values()) {
    const req = rule.requirement;
    if (rule.function === "Composite") {
      plans.push({ kind: "composite", rule, children: (req.Items ?? []).flatMap((i) => (i.ModelRuleId ? [i.ModelRuleId] : [])) });
      continue;
    }
    const correction = model.corrections.get(rule.id);
    if (correction?.action === "skip") {
      plans.push({ kind: "skip", rule, reason: correction.reason });
      continue;
    }
    if (!severityOf(rule.keyword)) {
      plans.push({ kind: "skip", rule, reason: `${rule.keyword} rule: states a permission, nothing can break it` });
      continue;
    }
    if (!req.CheckFunction) {
      plans.push({ kind: "skip", rule, reason: `the model states this ${rule.function.toLowerCase()} rule in prose only (${rule.type}, no check function)` });
      continue;
    }
    if (rule.function === "Presence") {
      const name = req.ColumnName ?? rule.reference;
      const present = ctx.present.has(name);
      const undeclared = rule.applicability.filter((a) => !declared.has(a));
      if (!present && undeclared.length > 0) {
        plans.push({ kind: "skip", rule, reason: `applies only when the provider declares ${undeclared.join(" and ")}` });
      } else plans.push({ kind: "presence", rule, present });
      continue;
    }
    const undeclared = [...(applicability.get(rule.id) ?? rule.applicability)].filter((a) => !declared.has(a));
    if (undeclared.length > 0) {
      plans.push({ kind: "skip", rule, reason: `applies only when the provider declares ${undeclared.join(" and ")}` });
      continue;
    }
    const cond = inherited.get(rule.id);
    try {
      if (cond instanceof Error) throw cond;
      if (req.CheckFunction === "CheckDistinctCount") {
        const a = req.ColumnAName ?? "";
        const b = req.ColumnBName ?? "";
        for (const c of [a, b]) if (!ctx.present.has(c)) throw new NotCompilable(`column ${c} is not in the file`);
        plans.push({ kind: "distinct", rule, a, b, expected: req.ExpectedCount ?? 1 });
        continue;
      }
      const failure = compileFailure(rule, cond, ctx);
      const column = ctx.present.has(rule.reference) ? rule.reference : ([...columnsOf(req)][0] ?? rule.reference);
      plans.push({ kind: "row", rule, failure, column });
    } catch (e) {
      if (!(e instanceof NotCompilable)) throw e;
      plans.push({ kind: "skip", rule, reason: e.message });
    }
  }
  return plans;
}

export interface ValidationResult {
  report: ConformanceReport;
  /** Row-level problems of error severity, capped; `problemCount` counts them all. */
  problems: RowProblem[];
  problemCount: number;
  rejected: boolean;
}

/**
 * Evaluates the model over `view` (normalized text columns plus `line`): every row check in one scan,
 * then a bounded query per failing rule for its sample lines.
 */
export async function validateStaged(
  conn: DuckDBConnection,
  view: string,
  model: FocusModel,
  present: Set<string>,
  opts: ValidateOptions & { maxProblems: number },
): Promise<ValidationResult> {
  const ctx: CompileContext = { model, present };
  const plans = planRules(model, ctx, opts);
  const rows = plans.filter((p): p is Extract<Plan, { kind: "row" }> => p.kind === "row");
  const counts = new Map<string, number>();
  if (rows.length > 0) {
    const select = rows.map((p, i) => `count(*) FILTER (WHERE ${p.failure}) AS "r${i}"`).join(",\n");
    const result = (await conn.runAndReadAll(`SELECT ${select} FROM ${view}`)).getRows()[0] ?? [];
    rows.forEach((p, i) => counts.set(p.rule.id, Number(result[i] ?? 0)));
  }
  const sampleSize = opts.sampleLines ?? 5;
  const failed: RuleFailure[] = [];
  const problems: RowProblem[] = [];
  let problemCount = 0;
  const status = new Map<string, "passed" | "failed" | "warned" | "skipped">();
  const notEvaluated: ConformanceReport["notEvaluated"] = [];

  const fail = (rule: ModelRule, column: string, failingRows: number, sampleLines: number[], message = rule.mustSatisfy) => {
    const corrected = model.corrections.get(rule.id);
    const severity = corrected?.action === "warn" ? "warning" : (severityOf(rule.keyword) ?? "warning");
    if (corrected) message = `${message} (${corrected.reason})`;
    failed.push({ ruleId: rule.id, column, keyword: rule.keyword, severity, message, failingRows, sampleLines });
    status.set(rule.id, severity === "error" ? "failed" : "warned");
  };

  for (const p of plans) {
    if (p.kind === "skip") {
      notEvaluated.push({ ruleId: p.rule.id, reason: p.reason });
      status.set(p.rule.id, "skipped");
    } else if (p.kind === "presence") {
      if (p.present) status.set(p.rule.id, "passed");
      else fail(p.rule, p.rule.requirement.ColumnName ?? p.rule.reference, 0, [], `${p.rule.mustSatisfy} (column missing)`);
    } else if (p.kind === "row") {
      const n = counts.get(p.rule.id) ?? 0;
      if (n === 0) {
        status.set(p.rule.id, "passed");
        continue;
      }
      const col = quoteIdent(p.column);
      const isError = severityOf(p.rule.keyword) === "error" && model.corrections.get(p.rule.id)?.action !== "warn";
      const take = isError ? Math.max(sampleSize, Math.min(n, opts.maxProblems - problems.length)) : sampleSize;
      const sample = (await conn.runAndReadAll(`SELECT line, ${col}::VARCHAR FROM ${view} WHERE ${p.failure} ORDER BY line LIMIT ${Math.max(1, take)}`)).getRows();
      fail(p.rule, p.column, n, sample.slice(0, sampleSize).map((r) => Number(r[0])));
      if (isError) {
        problemCount += n;
        for (const r of sample) {
          if (problems.length >= opts.maxProblems) break;
          problems.push({ line: Number(r[0]), column: p.column, value: r[1] === null ? null : String(r[1]), ruleId: p.rule.id, message: p.rule.mustSatisfy });
        }
      }
    } else if (p.kind === "distinct") {
      const a = quoteIdent(p.a);
      const b = quoteIdent(p.b);
      const bad = `SELECT ${a} AS k FROM ${view} WHERE ${a} IS NOT NULL GROUP BY ${a} HAVING count(DISTINCT ${b}) <> ${p.expected}`;
      const res = (await conn.runAndReadAll(`SELECT count(*), min(line), list(line ORDER BY line)[1:${sampleSize}] FROM ${view} WHERE ${a} IN (${bad})`)).getRows()[0] ?? [];
      const n = Number(res[0] ?? 0);
      if (n === 0) status.set(p.rule.id, "passed");
      else {
        const lines = (res[2] as { items?: unknown[] } | null)?.items?.map(Number) ?? [];
        fail(p.rule, p.a, n, lines);
        if (severityOf(p.rule.keyword) === "error") {
          problemCount += n;
          for (const line of lines) if (problems.length < opts.maxProblems) problems.push({ line, column: p.a, value: null, ruleId: p.rule.id, message: p.rule.mustSatisfy });
        }
      }
    }
  }

  // Composites are as good as their children: failed if one failed at error level, passed if all passed.
  const composites = plans.filter((p): p is Extract<Plan, { kind: "composite" }> => p.kind === "composite");
  const resolve = (id: string, seen: Set<string>): string => {
    const known = status.get(id);
    if (known) return known;
    const c = composites.find((p) => p.rule.id === id);
    if (!c || seen.has(id)) return "skipped";
    const child = c.children.map((ch) => resolve(ch, new Set([...seen, id])));
    const failedChildren = c.children.filter((_, i) => child[i] === "failed");
    const skipped = c.children.filter((_, i) => child[i] === "skipped");
    if (failedChildren.length > 0) {
      const failingRows = failed.filter((f) => failedChildren.includes(f.ruleId)).reduce((s, f) => Math.max(s, f.failingRows), 0);
      fail(c.rule, c.rule.reference, failingRows, [], `${c.rule.mustSatisfy} Broken: ${failedChildren.join(", ")}`);
      // A composite's failure is its children's: it never adds row problems of its own.
    } else if (skipped.length > 0) {
      status.set(id, "skipped");
      notEvaluated.push({ ruleId: id, reason: `depends on rules not evaluated: ${skipped.slice(0, 5).join(", ")}${skipped.length > 5 ? ` and ${skipped.length - 5} more` : ""}` });
    } else status.set(id, "passed");
    return status.get(id) ?? "skipped";
  };
  for (const c of composites) resolve(c.rule.id, new Set());

  const passed = [...status.values()].filter((s) => s === "passed").length;
  const report: ConformanceReport = { modelVersion: model.version, rulesEvaluated: passed + failed.length, passed, failed, notEvaluated };
  const rejected = failed.some((f) => f.severity === "error");
  return { report, problems, problemCount, rejected };
}
