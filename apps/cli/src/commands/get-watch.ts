import type { InventoryItemView } from "@meridian/core";
import { formatValue, type Column, renderData, truncateCell } from "../output.js";
import type { InventoryFilter } from "../clusters/inventory.js";
import { createSseParser, readBodyLines, type SseEvent } from "../clusters/streams.js";
import type { Runtime } from "../runtime.js";

export type WatchChange =
  | { type: "upsert"; item: InventoryItemView }
  | { type: "delete"; key: string; clusterId?: string; item?: InventoryItemView }
  | { type: "reset"; reason: string };

const upsertTypes = new Set(["upsert", "added", "modified", "update", "add", "change"]);
const deleteTypes = new Set(["delete", "deleted", "remove", "removed"]);

const isItem = (v: unknown): v is InventoryItemView => !!v && typeof v === "object" && typeof (v as InventoryItemView).key === "string" && typeof (v as InventoryItemView).name === "string";

/**
 * One SSE event of watchInventory as a change. The event name (or a `type` field) says upsert or delete;
 * the object is the data itself or its `item`/`object`. Other events (heartbeats, ready) are skipped.
 */
export function parseWatchEvent(e: SseEvent): WatchChange | undefined {
  let data: unknown;
  try {
    data = JSON.parse(e.data);
  } catch {
    return undefined;
  }
  if (!data || typeof data !== "object") return undefined;
  const d = data as { type?: unknown; item?: unknown; object?: unknown; key?: unknown; clusterId?: unknown; reason?: unknown };
  const type = (e.event !== "message" ? e.event : typeof d.type === "string" ? d.type : "").toLowerCase();
  const item = isItem(d.item) ? d.item : isItem(d.object) ? d.object : isItem(data) ? data : undefined;
  if (upsertTypes.has(type) && item) return { type: "upsert", item };
  if (deleteTypes.has(type)) {
    const key = typeof d.key === "string" ? d.key : item?.key;
    const clusterId = typeof d.clusterId === "string" ? d.clusterId : item?.clusterId;
    if (key) return { type: "delete", key, ...(clusterId ? { clusterId } : {}), ...(item ? { item } : {}) };
  }
  // the server dropped changes for a slow reader: the list has to be read again
  if (type === "reset") return { type: "reset", reason: typeof d.reason === "string" ? d.reason : "the server asked for a new listing" };
  return undefined;
}

/** Prints rows one at a time, aligned with the table printed before (columns widen when a cell needs it). */
function createRowWriter(columns: readonly Column<InventoryItemView>[], initial: readonly InventoryItemView[]) {
  const cellsOf = (row: InventoryItemView) => columns.map((c) => truncateCell(formatValue(c.value(row)), c.max ?? 48));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...initial.map((r) => [...(cellsOf(r)[i] ?? "")].length)));
  const line = (cells: string[]) => {
    cells.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
    return cells.map((cell, i) => (i === cells.length - 1 ? cell : cell + " ".repeat((widths[i] ?? 0) - [...cell].length))).join("  ").trimEnd();
  };
  return {
    header: () => line(columns.map((c) => c.header.toUpperCase())),
    row: (item: InventoryItemView) => line(cellsOf(item)),
  };
}

/** `get -w`: the current list, then every change the server streams, until Ctrl+C. */
export async function watchInventory(
  rt: Runtime,
  orgId: string,
  filter: InventoryFilter,
  items: InventoryItemView[],
  columns: Column<InventoryItemView>[],
  relist: () => Promise<InventoryItemView[]>,
): Promise<void> {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const structured = rt.printer.format !== "table";
  const writer = createRowWriter(columns, items);
  // json/yaml: one JSON line (or YAML document) per object or change, so a consumer can read them as they come
  const emit = (data: unknown) => (rt.printer.format === "json" ? out(JSON.stringify(data)) : process.stdout.write(`---\n${renderData(data, "yaml")}`));
  if (structured) for (const item of items) emit({ type: "upsert", item });
  else {
    out(writer.header());
    for (const item of items) out(writer.row(item));
  }
  const res = await rt.getClient().raw("watchInventory", { params: { orgId }, query: filter });
  const idOf = (i: InventoryItemView) => `${i.clusterId}/${i.key}`;
  const known = new Map(items.map((i) => [idOf(i), i]));
  const show = (change: WatchChange & { type: "upsert" }) => (structured ? emit(change) : out(writer.row(change.item)));
  const parse = createSseParser((e) => {
    const change = parseWatchEvent(e);
    if (!change) return;
    if (change.type === "reset") {
      rt.printer.note(`note: ${change.reason}; listing again`);
      void relist().then((fresh) => {
        known.clear();
        for (const item of fresh) {
          known.set(idOf(item), item);
          show({ type: "upsert", item });
        }
      }, (err: unknown) => rt.printer.note(`warning: listing again failed: ${(err as Error).message}`));
      return;
    }
    if (change.type === "upsert") {
      known.set(idOf(change.item), change.item);
      return show(change);
    }
    // a deletion carries only the key; the row printed before supplies the rest
    const item = change.item ?? known.get(`${change.clusterId}/${change.key}`) ?? [...known.values()].find((i) => i.key === change.key);
    if (item) known.delete(idOf(item));
    if (structured) return emit(change);
    out(item ? writer.row({ ...item, status: "Deleted" }) : `${change.key} deleted`);
  });
  await readBodyLines(res, parse);
}
