import type { InventoryItemView } from "@meridian/core";
import type { InfiniteData } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { applyInventoryEvents, type InventoryPage, isOlder, rowId, streamUrl } from "./live";

const item = (name: string, status = "Running", clusterId = "c1"): InventoryItemView => ({
  clusterId,
  clusterSlug: clusterId,
  key: `Pod//default/${name}`,
  kind: "Pod",
  group: "",
  namespace: "default",
  name,
  uid: name,
  labels: {},
  createdAt: null,
  status,
  health: "ok",
  owner: null,
  summary: {},
  resourceVersion: "1",
});

const data = (...pages: InventoryItemView[][]): InfiniteData<InventoryPage> => ({
  pageParams: pages.map(() => undefined),
  pages: pages.map((items, i) => ({ items, nextCursor: i < pages.length - 1 ? "x" : null, total: pages.flat().length, incomplete: [] })),
});

const names = (d: InfiniteData<InventoryPage>) => d.pages.map((p) => p.items.map((i) => `${i.name}:${i.status}`));

describe("applyInventoryEvents", () => {
  it("replaces changed rows in place, puts new rows on top and drops deleted ones", () => {
    const before = data([item("a"), item("b")], [item("c")]);
    const after = applyInventoryEvents(before, [
      { type: "upsert", item: item("c", "Pending") },
      { type: "upsert", item: item("d") },
      { type: "upsert", item: item("e") },
      { type: "delete", clusterId: "c1", key: "Pod//default/a" },
    ]);
    expect(names(after)).toEqual([["e:Running", "d:Running", "b:Running"], ["c:Pending"]]);
    expect(after.pages[0]?.total).toBe(4);
  });

  it("counts a row created and deleted in one batch as nothing", () => {
    const after = applyInventoryEvents(data([item("a")]), [
      { type: "upsert", item: item("n") },
      { type: "upsert", item: item("n", "Pending") },
      { type: "delete", clusterId: "c1", key: "Pod//default/n" },
    ]);
    expect(names(after)).toEqual([["a:Running"]]);
    expect(after.pages[0]?.total).toBe(1);
  });

  it("keeps same-named rows of different clusters apart and ignores unknown deletes", () => {
    const after = applyInventoryEvents(data([item("a", "Running", "c1")]), [
      { type: "upsert", item: item("a", "Failed", "c2") },
      { type: "delete", clusterId: "c3", key: "Pod//default/a" },
    ]);
    expect(after.pages[0]?.items.map(rowId)).toEqual(["c2/Pod//default/a", "c1/Pod//default/a"]);
    expect(after.pages[0]?.total).toBe(2);
  });

  it("ignores an upsert older than the row it would replace (a replay after a refetch)", () => {
    const fresh = { ...item("a", "Running"), resourceVersion: "120" };
    const stale = { ...item("a", "Pending"), resourceVersion: "99" };
    expect(names(applyInventoryEvents(data([fresh]), [{ type: "upsert", item: stale }]))).toEqual([["a:Running"]]);
    expect(names(applyInventoryEvents(data([stale]), [{ type: "upsert", item: fresh }]))).toEqual([["a:Running"]]);
    expect(isOlder("99", "120")).toBe(true);
    expect(isOlder("abc", "120")).toBe(false);
  });

  it("returns the same object for an empty batch", () => {
    const d = data([item("a")]);
    expect(applyInventoryEvents(d, [])).toBe(d);
  });
});

describe("streamUrl", () => {
  it("drops empty filters", () => {
    expect(streamUrl("acme", { kind: "Pod", cluster: "prod", q: "", namespace: undefined })).toBe("/api/v1/orgs/acme/inventory/stream?kind=Pod&cluster=prod");
  });
});
