import { AppError, findKind, type InventoryItem, type InventoryItemView } from "@meridian/core";
import { type ClusterBucket, assertKnownHealth, healthRank, viewOf } from "./inventory-store.js";
import { parseLabelSelector } from "./label-selector.js";

/** Which (cluster, namespace) pairs the caller may see; "all" for organization-wide readers. */
export type Visibility = "all" | { namespaces: Set<string> /* `${clusterId}/${namespace}` */; clusterWide: boolean };

export interface InventoryFilterInput {
  kind: string;
  group?: string;
  cluster?: string[];
  namespace?: string[];
  selector?: string;
  status?: string[];
  health?: string[];
  node?: string;
  owner?: string;
  q?: string;
}

export interface InventoryFilter {
  kind: string;
  /** Clusters in scope (ids), already resolved from ids or slugs. */
  clusterIds: Set<string> | null;
  matches(clusterId: string, item: InventoryItem): boolean;
}

/** Resolves `pods`/`po`/`Pod` to the catalog kind; custom kinds pass through as typed. */
export function resolveKindName(kind: string): string {
  return findKind(kind)?.kind ?? kind;
}

export function buildFilter(input: InventoryFilterInput, buckets: ClusterBucket[], visibility: Visibility): InventoryFilter {
  const kind = resolveKindName(input.kind);
  let clusterIds: Set<string> | null = null;
  if (input.cluster?.length) {
    clusterIds = new Set();
    for (const ref of input.cluster) {
      const b = buckets.find((x) => x.id === ref || x.slug === ref);
      if (!b) throw new AppError("not_found", `cluster ${ref} not found`, { details: { issues: [{ path: "query.cluster", message: `unknown cluster ${ref}` }] } });
      clusterIds.add(b.id);
    }
  }
  const namespaces = input.namespace?.length ? new Set(input.namespace) : null;
  const labels = input.selector ? parseLabelSelector(input.selector) : null;
  const statuses = input.status?.length ? new Set(input.status.map((s) => s.toLowerCase())) : null;
  const health = input.health?.length ? new Set(assertKnownHealth(input.health)) : null;
  const text = input.q?.toLowerCase() ?? null;
  const owner = input.owner ?? null;
  const node = input.node ?? null;
  const group = input.group;
  return {
    kind,
    clusterIds,
    matches(clusterId, item) {
      if (group !== undefined && item.group !== group) return false;
      if (visibility !== "all") {
        if (item.namespace === null) {
          if (!visibility.clusterWide && !(item.kind === "Namespace" && visibility.namespaces.has(`${clusterId}/${item.name}`))) return false;
        } else if (!visibility.namespaces.has(`${clusterId}/${item.namespace}`)) return false;
      }
      if (namespaces && !namespaces.has(item.namespace ?? "")) return false;
      if (statuses && !statuses.has(item.status.toLowerCase())) return false;
      if (health && !health.has(item.health)) return false;
      if (node && item.summary.node !== node) return false;
      if (owner && (!item.owner || `${item.owner.kind}/${item.owner.name}` !== owner)) return false;
      if (labels && !labels(item.labels)) return false;
      if (text && !item.name.toLowerCase().includes(text) && !(item.namespace ?? "").toLowerCase().includes(text) && !item.status.toLowerCase().includes(text)) return false;
      return true;
    },
  };
}

type SortField = "name" | "namespace" | "cluster" | "status" | "createdAt" | "health";

/** Sort value plus the unique tiebreak (namespace, name, cluster, group): also what a cursor holds. */
type Pos = [string | number, string, string, string, string];

interface Row {
  b: ClusterBucket;
  item: InventoryItem;
  pos: Pos;
}

function sortValue(field: SortField, b: ClusterBucket, i: InventoryItem): string | number {
  switch (field) {
    case "name":
      return i.name;
    case "namespace":
      return i.namespace ?? "";
    case "cluster":
      return b.slug;
    case "status":
      return i.status;
    case "createdAt":
      return i.createdAt ?? "";
    case "health":
      return healthRank[i.health];
  }
}

function comparePos(a: Pos, b: Pos): number {
  for (let k = 0; k < 5; k++) {
    const x = a[k] as string | number;
    const y = b[k] as string | number;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

function encodeCursor(p: Pos): string {
  return Buffer.from(JSON.stringify(p)).toString("base64url");
}
function decodeCursor(c: string): Pos {
  try {
    const x = JSON.parse(Buffer.from(c, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(x) && x.length === 5 && (typeof x[0] === "string" || typeof x[0] === "number") && x.slice(1).every((v) => typeof v === "string")) return x as Pos;
  } catch {
    // fall through
  }
  throw new AppError("invalid_input", "invalid cursor", { details: { issues: [{ path: "query.cursor", message: "not a cursor from this endpoint" }] } });
}

export interface InventoryPageResult {
  items: InventoryItemView[];
  nextCursor: string | null;
  total: number;
}

/**
 * Filters, then keeps only the first `limit + 1` rows after the cursor in order (a bounded insertion, so a
 * page costs one pass over the kind instead of a full sort), with a unique tiebreak so pages never overlap.
 */
export function queryInventory(buckets: ClusterBucket[], filter: InventoryFilter, sort: string | undefined, limit: number, cursor: string | undefined): InventoryPageResult {
  const dir = sort?.startsWith("-") ? -1 : 1;
  const field = (sort ? sort.replace(/^-/, "") : "namespace") as SortField;
  const after = cursor ? decodeCursor(cursor) : null;
  const order = (a: Pos, b: Pos) => dir * comparePos(a, b);
  const keep = limit + 1;
  const best: Row[] = [];
  let total = 0;
  for (const b of buckets) {
    if (filter.clusterIds && !filter.clusterIds.has(b.id)) continue;
    const m = b.byKind.get(filter.kind);
    if (!m) continue;
    for (const item of m.values()) {
      if (!filter.matches(b.id, item)) continue;
      total++;
      const pos: Pos = [sortValue(field, b, item), item.namespace ?? "", item.name, b.slug, item.group];
      if (after && order(pos, after) <= 0) continue;
      if (best.length === keep && order(pos, (best[keep - 1] as Row).pos) >= 0) continue;
      let lo = 0;
      let hi = best.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (order((best[mid] as Row).pos, pos) <= 0) lo = mid + 1;
        else hi = mid;
      }
      best.splice(lo, 0, { b, item, pos });
      if (best.length > keep) best.pop();
    }
  }
  const page = best.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => viewOf(r.b, r.item)),
    nextCursor: last && best.length > limit ? encodeCursor(last.pos) : null,
    total,
  };
}
