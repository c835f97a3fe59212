import type { MeridianClient } from "@meridian/client";
import type { InventoryItemView, KindInfo } from "@meridian/core";
import type { Column } from "../output.js";
import { formatAge, formatCell } from "./format.js";

export type InventoryFilter = {
  kind: string;
  group?: string;
  cluster?: string;
  namespace?: string;
  selector?: string;
  status?: string;
  q?: string;
};

export interface InventoryResult {
  items: InventoryItemView[];
  total: number;
  incomplete: { clusterSlug: string; phase: string; message?: string | undefined }[];
}

const MAX_PAGE = 1000;

/** Follows the cursor until every matching object is read, or `limit` of them. */
export async function queryInventoryPages(client: MeridianClient, orgId: string, filter: InventoryFilter, sort?: string, limit?: number): Promise<InventoryResult> {
  const items: InventoryItemView[] = [];
  let cursor: string | undefined;
  let total = 0;
  let incomplete: InventoryResult["incomplete"] = [];
  for (;;) {
    const pageSize = Math.min(MAX_PAGE, limit === undefined ? MAX_PAGE : limit - items.length);
    const page = await client.call("queryInventory", {
      params: { orgId },
      query: { ...filter, ...(sort ? { sort } : {}), limit: pageSize, ...(cursor ? { cursor } : {}) },
    });
    items.push(...page.items);
    total = page.total;
    if (cursor === undefined) incomplete = page.incomplete;
    if (!page.nextCursor || (limit !== undefined && items.length >= limit)) break;
    cursor = page.nextCursor;
  }
  return { items, total, incomplete };
}

/** Table columns of a kind from the catalog; CLUSTER and NAMESPACE only when they tell rows apart. */
export function inventoryColumns(info: KindInfo | undefined, show: { cluster: boolean; namespace: boolean }, now = Date.now()): Column<InventoryItemView>[] {
  return [
    ...(show.cluster ? [{ header: "Cluster", value: (i: InventoryItemView) => i.clusterSlug }] : []),
    ...(show.namespace ? [{ header: "Namespace", value: (i: InventoryItemView) => i.namespace }] : []),
    { header: "Name", value: (i) => i.name, max: 63 },
    { header: "Status", value: (i) => i.status },
    ...(info?.columns ?? []).map((c) => ({ header: c.title, value: (i: InventoryItemView) => formatCell(i.summary[c.key], c.format, now) })),
    { header: "Age", value: (i) => formatAge(i.createdAt, now) },
  ];
}
