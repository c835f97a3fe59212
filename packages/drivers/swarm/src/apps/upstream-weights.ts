import type { Slot } from "@meridian/core";

export interface SlotUpstreams {
  slot: Slot;
  /** Percent of the route's traffic. */
  weight: number;
  /** host:port of the slot's ready tasks. */
  addresses: string[];
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const lcm = (a: number, b: number): number => (a / gcd(a, b)) * b;

/**
 * How often each upstream of a slot appears in the router's list so that, under round robin, each slot gets
 * its weight's share of requests, spread evenly over its replicas. Caddy 2.6 has no weighted policy; repeating
 * upstreams is the weight. Exact: count = weight * lcm(replicas) / replicas, reduced by the common divisor. When
 * that list would exceed maxEntries (many replicas with coprime counts) counts are scaled down, each at least 1:
 * shares are then approximate, off by a percent or so.
 */
export function getUpstreamCounts(groups: SlotUpstreams[], maxEntries = 1000): Map<Slot, number> {
  const live = groups.filter((g) => g.weight > 0 && g.addresses.length > 0);
  const counts = new Map<Slot, number>();
  if (live.length === 0) return counts;
  const common = live.reduce((acc, g) => lcm(acc, g.addresses.length), 1);
  for (const g of live) counts.set(g.slot, (g.weight * common) / g.addresses.length);
  const total = () => live.reduce((sum, g) => sum + (counts.get(g.slot) ?? 0) * g.addresses.length, 0);
  if (total() > maxEntries) {
    const factor = maxEntries / total();
    for (const g of live) counts.set(g.slot, Math.max(1, Math.round((counts.get(g.slot) ?? 0) * factor)));
  }
  const divisor = [...counts.values()].reduce(gcd);
  for (const [slot, n] of counts) counts.set(slot, n / divisor);
  return counts;
}

/**
 * The upstream list: every address repeated by its slot's count, interleaved by smooth weighted round robin
 * (nginx's), so a slot's requests are spread over the cycle instead of arriving in bursts. Deterministic for
 * the same input (addresses sorted), so an unchanged world compares equal and is not rewritten.
 */
export function buildUpstreamList(groups: SlotUpstreams[], maxEntries = 1000): string[] {
  const counts = getUpstreamCounts(groups, maxEntries);
  const entries = groups.flatMap((g) => [...g.addresses].sort().map((address) => ({ address, weight: counts.get(g.slot) ?? 0, current: 0 })));
  const live = entries.filter((e) => e.weight > 0);
  const total = live.reduce((sum, e) => sum + e.weight, 0);
  const list: string[] = [];
  for (let i = 0; i < total; i++) {
    let best = live[0];
    for (const e of live) {
      e.current += e.weight;
      if (best === undefined || e.current > best.current) best = e;
    }
    if (best === undefined) break;
    best.current -= total;
    list.push(best.address);
  }
  return list;
}
