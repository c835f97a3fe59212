/** URL search parameters of the cluster pages: the URL is the state, so views can be linked and reloaded. */

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : undefined);

function pick<K extends string>(s: Record<string, unknown>, keys: readonly K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const k of keys) {
    const v = str(s[k]);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export interface ResourcesSearch {
  kind?: string;
  group?: string;
  cluster?: string;
  namespace?: string;
  q?: string;
  selector?: string;
  status?: string;
  sort?: string;
}
export const parseResourcesSearch = (s: Record<string, unknown>): ResourcesSearch => pick(s, ["kind", "group", "cluster", "namespace", "q", "selector", "status", "sort"]);

export interface ResourceSearch {
  kind: string;
  name: string;
  namespace?: string;
  apiVersion?: string;
  tab?: string;
}
export const parseResourceSearch = (s: Record<string, unknown>): ResourceSearch => ({ kind: "", name: "", ...pick(s, ["kind", "name", "namespace", "apiVersion", "tab"]) });

export interface LogsSearch {
  kind: string;
  name: string;
  namespace?: string;
  container?: string;
}
export const parseLogsSearch = (s: Record<string, unknown>): LogsSearch => ({ kind: "", name: "", ...pick(s, ["kind", "name", "namespace", "container"]) });

export interface ApplySearch {
  cluster?: string;
}
export const parseApplySearch = (s: Record<string, unknown>): ApplySearch => pick(s, ["cluster"]);

/** A resource's detail page; custom kinds need their apiVersion (group/version), built-in kinds none. */
export function resourceLink(orgId: string, i: { clusterId: string; kind: string; namespace: string | null; name: string }, tab?: string, apiVersion?: string): string {
  const sp = new URLSearchParams({ kind: i.kind, name: i.name });
  if (i.namespace) sp.set("namespace", i.namespace);
  if (apiVersion) sp.set("apiVersion", apiVersion);
  if (tab) sp.set("tab", tab);
  return `/orgs/${orgId}/clusters/${i.clusterId}/resource?${sp.toString()}`;
}

export function logsLink(orgId: string, i: { clusterId: string; kind: string; namespace: string | null; name: string }): string {
  const sp = new URLSearchParams({ kind: i.kind, name: i.name });
  if (i.namespace) sp.set("namespace", i.namespace);
  return `/orgs/${orgId}/clusters/${i.clusterId}/logs?${sp.toString()}`;
}

export function resourcesLink(orgId: string, s: ResourcesSearch): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(s)) if (v) sp.set(k, v);
  const qs = sp.toString();
  return `/orgs/${orgId}/resources${qs ? `?${qs}` : ""}`;
}
