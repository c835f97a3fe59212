import type { KindColumn } from "./kinds.js";

/**
 * Quantities as people read them in Kubernetes tools: CPU in millicores below one core ("250m") and in
 * cores above ("1.5"), memory in binary units ("512Mi", "2Gi"), ages kubectl-style ("45s", "3h", "12d").
 * Inputs are the inventory's numbers (millicores, bytes), but quantity strings are accepted too, because a
 * summary field may carry the cluster's own text ("3800m", "16Gi"). Shared by the web UI and the CLI;
 * `empty` is what an unknown value shows as ("—" in the UI, "-" in terminals).
 */

const cpuSuffix: Record<string, number> = { n: 1e-6, u: 1e-3, m: 1, "": 1000, k: 1e6 };
const byteSuffix: Record<string, number> = {
  "": 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
};

const quantity = /^\s*([+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*([a-zA-Z]*)\s*$/;

/** Millicores from a number (already millicores) or a CPU quantity ("2", "250m", "1.5"); undefined if neither. */
export function parseMillicores(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string") return undefined;
  const m = quantity.exec(value);
  const factor = m ? cpuSuffix[m[2] ?? ""] : undefined;
  return m && factor !== undefined ? Number(m[1]) * factor : undefined;
}

/** Bytes from a number or a memory quantity ("512Mi", "1G", "1048576"); undefined if neither. */
export function parseBytes(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string") return undefined;
  const m = quantity.exec(value);
  const factor = m ? byteSuffix[m[2] ?? ""] : undefined;
  return m && factor !== undefined ? Number(m[1]) * factor : undefined;
}

function trim(n: number, decimals: number): string {
  return String(Number(n.toFixed(decimals)));
}

/** 250 -> "250m", 1500 -> "1.5", 2000 -> "2", 0 -> "0"; fewer decimals as numbers grow (155810 -> "156"). */
export function formatMillicores(value: unknown, empty = "—"): string {
  const n = parseMillicores(value);
  if (n === undefined) return value === null || value === undefined || value === "" ? empty : String(value);
  if (n === 0) return "0";
  if (Math.abs(n) < 1000) return `${Math.round(n)}m`;
  const cores = n / 1000;
  return trim(cores, Math.abs(cores) < 10 ? 2 : Math.abs(cores) < 100 ? 1 : 0);
}

const binaryUnits = ["Ki", "Mi", "Gi", "Ti", "Pi"] as const;

/** 536870912 -> "512Mi", 2147483648 -> "2Gi", 1.5 GiB -> "1.5Gi", 900 -> "900". */
export function formatBytes(value: unknown, empty = "—"): string {
  const n = parseBytes(value);
  if (n === undefined) return value === null || value === undefined || value === "" ? empty : String(value);
  if (Math.abs(n) < 1024) return String(Math.round(n));
  let v = n;
  let unit = "";
  for (const u of binaryUnits) {
    if (Math.abs(v) < 1024) break;
    v /= 1024;
    unit = u;
  }
  return `${trim(v, 1)}${unit}`;
}

/** kubectl's short durations: 45s, 3m20s, 17m, 4h12m, 20h, 3d5h, 41d, 2y30d. */
export function formatDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 0) return "0s";
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (days < 365 * 2) return `${days}d`;
  const years = Math.floor(days / 365);
  if (days < 365 * 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}

/** Age of an ISO time ("—" when unknown). */
export function formatAge(iso: unknown, now = Date.now(), empty = "—"): string {
  if (typeof iso !== "string" || iso === "") return empty;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : formatDuration(now - t);
}

/** One summary value in the kind catalog's format. */
export function formatCell(value: unknown, format: KindColumn["format"], now = Date.now(), empty = "—"): string {
  if (value === null || value === undefined || value === "") return empty;
  switch (format) {
    case "millicores":
      return formatMillicores(value);
    case "bytes":
      return formatBytes(value);
    case "age":
      return formatAge(value, now, empty);
    case "number":
    case "text":
    case undefined:
      return typeof value === "boolean" ? (value ? "yes" : "no") : String(value);
    default: {
      const never: never = format;
      return String(never);
    }
  }
}

/** Share of capacity in percent, clamped to 0..999 so a broken capacity cannot blow up a bar; null if unknown. */
export function percentOf(used: number | undefined, capacity: number | undefined): number | null {
  if (used === undefined || capacity === undefined || !(capacity > 0)) return null;
  return Math.max(0, Math.min(999, Math.round((used / capacity) * 100)));
}

// API groups of the built-in kinds, for kubectl-style names (`deployment.apps/web`) where only a kind is known.
const builtinGroups: Record<string, string> = {
  Deployment: "apps",
  StatefulSet: "apps",
  DaemonSet: "apps",
  ReplicaSet: "apps",
  Job: "batch",
  CronJob: "batch",
  Ingress: "networking.k8s.io",
  NetworkPolicy: "networking.k8s.io",
  EndpointSlice: "discovery.k8s.io",
  Role: "rbac.authorization.k8s.io",
  RoleBinding: "rbac.authorization.k8s.io",
  ClusterRole: "rbac.authorization.k8s.io",
  ClusterRoleBinding: "rbac.authorization.k8s.io",
  CustomResourceDefinition: "apiextensions.k8s.io",
};

/** `deployment.apps/web`, `pod/web-1`, `swarmservice/api`. */
export function formatObjectName(kind: string, name: string, group?: string | null): string {
  const g = group ?? builtinGroups[kind] ?? "";
  return `${kind.toLowerCase()}${g ? `.${g}` : ""}/${name}`;
}
