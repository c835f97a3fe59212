import { describe, expect, it } from "vitest";
import { type SlotUpstreams, buildUpstreamList, getUpstreamCounts } from "./upstream-weights.js";

const hosts = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}:${3000 + i}`);
const shareOf = (list: string[], prefix: string) => list.filter((a) => a.startsWith(prefix)).length / list.length;

describe("weights as repeated upstreams", () => {
  it.each<[string, SlotUpstreams[], Record<string, number>]>([
    ["90/10 over 2 and 1 replicas", [{ slot: "blue", weight: 90, addresses: hosts("b", 2) }, { slot: "green", weight: 10, addresses: hosts("g", 1) }], { blue: 9, green: 2 }],
    ["50/50 over 1 and 1", [{ slot: "blue", weight: 50, addresses: hosts("b", 1) }, { slot: "green", weight: 50, addresses: hosts("g", 1) }], { blue: 1, green: 1 }],
    ["100/0: the idle slot gets no entries", [{ slot: "blue", weight: 100, addresses: hosts("b", 3) }, { slot: "green", weight: 0, addresses: hosts("g", 2) }], { blue: 1 }],
    ["a weighted slot without ready tasks is left out", [{ slot: "blue", weight: 10, addresses: [] }, { slot: "green", weight: 90, addresses: hosts("g", 2) }], { green: 1 }],
    ["33/67 over 3 and 2", [{ slot: "blue", weight: 33, addresses: hosts("b", 3) }, { slot: "green", weight: 67, addresses: hosts("g", 2) }], { blue: 22, green: 67 }],
  ])("%s", (_name, groups, expected) => {
    expect(Object.fromEntries(getUpstreamCounts(groups))).toEqual(expected);
  });

  it("gives each slot exactly its weight's share and spreads it over its replicas", () => {
    const list = buildUpstreamList([
      { slot: "blue", weight: 90, addresses: hosts("b", 2) },
      { slot: "green", weight: 10, addresses: hosts("g", 1) },
    ]);
    expect(list).toHaveLength(20);
    expect(shareOf(list, "g")).toBe(0.1);
    expect(list.filter((a) => a === "b:3000")).toHaveLength(9);
    // Interleaved: the two green entries are not next to each other.
    const greens = list.flatMap((a, i) => (a.startsWith("g") ? [i] : []));
    expect((greens[1] ?? 0) - (greens[0] ?? 0)).toBeGreaterThan(5);
  });

  it("caps the list for awkward replica counts and stays within a percent", () => {
    const list = buildUpstreamList([
      { slot: "blue", weight: 33, addresses: hosts("b", 7) },
      { slot: "green", weight: 67, addresses: hosts("g", 9) },
    ]);
    expect(list.length).toBeLessThanOrEqual(1000);
    expect(Math.abs(shareOf(list, "g") - 0.67)).toBeLessThan(0.01);
  });

  it("is empty when nothing can serve, and deterministic", () => {
    expect(buildUpstreamList([{ slot: "blue", weight: 100, addresses: [] }])).toEqual([]);
    const groups: SlotUpstreams[] = [{ slot: "blue", weight: 60, addresses: ["b:2", "b:1"] }, { slot: "green", weight: 40, addresses: ["g:1"] }];
    expect(buildUpstreamList(groups)).toEqual(buildUpstreamList(structuredClone(groups)));
  });
});
