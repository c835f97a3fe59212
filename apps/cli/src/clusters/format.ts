import type { KindColumn } from "@meridian/core";

/** 250 -> "250m", 2000 -> "2": cores when whole, millicores otherwise, as kubectl prints quantities. */
export function formatMillicores(value: unknown): string {
  const n = toNumber(value);
  if (n === undefined) return value === null || value === undefined ? "-" : String(value);
  const m = Math.round(n);
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}

const binaryUnits = ["Ki", "Mi", "Gi", "Ti", "Pi"] as const;

/** 134217728 -> "128Mi", 1.5 GiB -> "1.5Gi": the largest binary unit, one decimal at most. */
export function formatBytes(value: unknown): string {
  const n = toNumber(value);
  if (n === undefined) return value === null || value === undefined ? "-" : String(value);
  if (Math.abs(n) < 1024) return String(Math.round(n));
  let v = n;
  let unit = "";
  for (const u of binaryUnits) {
    if (Math.abs(v) < 1024) break;
    v /= 1024;
    unit = u;
  }
  return `${Number(v.toFixed(1))}${unit}`;
}

/** kubectl's HumanDuration: 45s, 3m20s, 17m, 4h12m, 20h, 3d5h, 41d, 2y30d. */
export function formatDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return "<invalid>";
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

/** Age of an RFC 3339 time, "-" when unknown. */
export function formatAge(iso: unknown, now = Date.now()): string {
  if (typeof iso !== "string" || iso === "") return "-";
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : formatDuration(now - t);
}

/** One summary cell in the catalog's format. */
export function formatCell(value: unknown, format: KindColumn["format"], now = Date.now()): string {
  if (value === null || value === undefined || value === "") return "-";
  switch (format) {
    case "millicores":
      return formatMillicores(value);
    case "bytes":
      return formatBytes(value);
    case "age":
      return formatAge(value, now);
    case "number":
    case "text":
    case undefined:
      return String(value);
  }
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return undefined;
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
