import { AppError, type AppTarget, type DesiredApp, type Slot, slots } from "@meridian/core";

/**
 * Checks what the driver relies on before anything reaches the cluster. The release engine builds DesiredApp from a
 * validated AppSpec; these checks catch engine bugs and hand-built states with every problem listed at once.
 */
const dns1123Label = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/;

function targetProblems(t: AppTarget): string[] {
  const out: string[] = [];
  // `<app>-canary` and `<app>-green` must stay DNS labels too (Service names are at most 63).
  if (!dns1123Label.test(t.app) || t.app.length > 50) out.push(`app name '${t.app}' must be a DNS label of at most 50 characters`);
  if (!dns1123Label.test(t.namespace)) out.push(`namespace '${t.namespace}' must be a DNS label`);
  for (const [k, v] of [["project", t.project], ["environment", t.environment]] as const) {
    if (!/^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/.test(v)) out.push(`${k} '${v}' must be usable as a label value`);
  }
  return out;
}

export function assertTarget(t: AppTarget): void {
  const problems = targetProblems(t);
  if (problems.length) throw new AppError("invalid_input", problems.join("; "), { details: { problems } });
}

export function trafficProblems(traffic: Partial<Record<Slot, number>>, existing: readonly Slot[]): string[] {
  const out: string[] = [];
  for (const [s, w] of Object.entries(traffic)) {
    if (!slots.includes(s as Slot)) out.push(`traffic names an unknown slot '${s}'`);
    else if (!existing.includes(s as Slot)) out.push(`traffic names slot ${s}, which is not desired`);
    if (typeof w !== "number" || !Number.isInteger(w) || w < 0 || w > 100) out.push(`traffic of ${s} must be an integer percent, got ${String(w)}`);
  }
  const sum = existing.reduce((a, s) => a + (traffic[s] ?? 0), 0);
  if (existing.length > 0 && sum !== 100) out.push(`traffic of the desired slots must sum to 100, got ${sum}`);
  return out;
}

export function assertDesiredApp(d: DesiredApp): void {
  const out = targetProblems(d.target);
  const seen = new Set<Slot>();
  for (const s of d.slots) {
    if (!slots.includes(s.slot)) out.push(`unknown slot '${s.slot}'`);
    if (seen.has(s.slot)) out.push(`slot ${s.slot} is listed twice`);
    seen.add(s.slot);
    if (!Number.isInteger(s.replicas) || s.replicas < 0) out.push(`slot ${s.slot}: replicas must be a non-negative integer`);
    if (!s.image) out.push(`slot ${s.slot}: image is required`);
    for (const v of s.volumes) if (!dns1123Label.test(v.name)) out.push(`slot ${s.slot}: volume name '${v.name}' must be a DNS label`);
  }
  out.push(...trafficProblems(d.traffic, [...seen]));
  const names = new Set<string>();
  for (const s of d.secrets) {
    if (!dns1123Subdomain.test(s.name)) out.push(`secret name '${s.name}' must be a DNS subdomain`);
    if (names.has(s.name)) out.push(`secret ${s.name} is listed twice`);
    names.add(s.name);
  }
  const a = d.autoscaling;
  if (a) {
    if (!seen.has(a.slot)) out.push(`autoscaling targets slot ${a.slot}, which is not desired`);
    if (!(a.min >= 1 && a.min <= a.max)) out.push("autoscaling needs 1 <= min <= max");
    if (!(a.cpuTarget >= 1 && a.cpuTarget <= 100)) out.push("autoscaling cpuTarget must be 1..100");
  }
  if (d.routes.length > 0 && d.slots.length > 0 && d.slots.every((s) => s.ports.length === 0)) out.push("routes need a slot with ports");
  if (out.length) throw new AppError("invalid_input", out.join("; "), { details: { problems: out } });
}
