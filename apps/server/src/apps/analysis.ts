import type { Release, Slot, TrafficSample } from "@meridian/core";
import type { AppSpec } from "@meridian/core";

/**
 * Analysis gates between release steps: the router's error rate and latency for the new slot (when the driver
 * reports them) and PromQL queries against a configured Prometheus. Each check yields one result; a gate fails
 * after `failureLimit` failing rounds in a row.
 */
export type AnalysisResult = Release["analysis"][number];

export interface AnalysisContext {
  spec: AppSpec;
  slot: Slot;
  step: number;
  vars: Record<string, string>;
  prometheusUrl: string | null;
  /** Router counters now and at the previous round (deltas are what count). */
  sample: TrafficSample[] | null;
  previous: TrafficSample[] | null;
  now: Date;
}

async function queryPrometheus(base: string, query: string): Promise<number | null> {
  const u = new URL("/api/v1/query", base);
  u.searchParams.set("query", query);
  const res = await fetch(u, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`Prometheus answered ${res.status}`);
  const body = (await res.json()) as { status: string; data?: { resultType: string; result: unknown } };
  if (body.status !== "success" || !body.data) throw new Error("Prometheus query failed");
  const { resultType, result } = body.data;
  if (resultType === "scalar") return Number((result as [number, string])[1]);
  const vec = result as { value: [number, string] }[];
  if (vec.length === 0) return null;
  return Number(vec[0]?.value[1]);
}

export async function runAnalysis(c: AnalysisContext): Promise<AnalysisResult[]> {
  const a = c.spec.analysis;
  if (!a) return [];
  const at = c.now.toISOString();
  const out: AnalysisResult[] = [];
  const cur = c.sample?.find((s) => s.slot === c.slot);
  const prev = c.previous?.find((s) => s.slot === c.slot);
  if (cur && (a.maxErrorRate !== undefined || a.maxLatencyMs !== undefined)) {
    const requests = cur.requests - (prev?.requests ?? 0);
    const errors = cur.errors - (prev?.errors ?? 0);
    if (a.maxErrorRate !== undefined) {
      const rate = requests > 0 ? errors / requests : null;
      const ok = rate === null || rate <= a.maxErrorRate;
      out.push({ at, step: c.step, check: "error rate", value: rate, threshold: `≤ ${a.maxErrorRate}`, ok, message: rate === null ? "no requests yet" : `${errors} of ${requests} requests failed` });
    }
    if (a.maxLatencyMs !== undefined) {
      const ok = cur.p95Ms === null || cur.p95Ms <= a.maxLatencyMs;
      out.push({ at, step: c.step, check: "p95 latency", value: cur.p95Ms, threshold: `≤ ${a.maxLatencyMs} ms`, ok, message: cur.p95Ms === null ? "no latency data yet" : `p95 ${cur.p95Ms} ms` });
    }
  }
  for (const q of a.prometheus) {
    const query = q.query.replace(/\$(app|project|environment|namespace|slot|release)\b/g, (_, k: string) => c.vars[k] ?? "");
    const threshold = [q.min !== undefined ? `≥ ${q.min}` : null, q.max !== undefined ? `≤ ${q.max}` : null].filter(Boolean).join(" and ") || "any";
    if (!c.prometheusUrl) {
      out.push({ at, step: c.step, check: q.name, value: null, threshold, ok: false, message: "no Prometheus is configured (MERIDIAN_PROMETHEUS_URL)" });
      continue;
    }
    try {
      const v = await queryPrometheus(c.prometheusUrl, query);
      const ok = v !== null && !Number.isNaN(v) && (q.min === undefined || v >= q.min) && (q.max === undefined || v <= q.max);
      out.push({ at, step: c.step, check: q.name, value: v, threshold, ok, message: v === null ? "the query returned no samples" : `${q.name} = ${v}` });
    } catch (err) {
      out.push({ at, step: c.step, check: q.name, value: null, threshold, ok: false, message: (err as Error).message });
    }
  }
  return out;
}
