/**
 * Slows password guessing (ASVS V6.3.1): after 5 failures for one username from one address within
 * 15 minutes, further attempts wait 30 s, doubling up to 15 minutes; 50 failures from one address lock that
 * address the same way. In memory: a restart forgets, which an attacker cannot cause from outside.
 */
export interface LoginThrottle {
  /** Seconds to wait before another attempt is allowed, or 0. */
  check(username: string, ip: string | null, now: number): number;
  recordFailure(username: string, ip: string | null, now: number): void;
  recordSuccess(username: string, ip: string | null): void;
}

interface Entry {
  failures: number;
  first: number;
  lockedUntil: number;
}

const windowMs = 15 * 60_000;
const freeFailures = 5;
const ipFreeFailures = 50;
const baseLockMs = 30_000;
const maxLockMs = 15 * 60_000;

export function createLoginThrottle(): LoginThrottle {
  const entries = new Map<string, Entry>();
  const keyOf = (u: string, ip: string | null) => `${u.toLowerCase()}|${ip ?? "-"}`;
  const ipKey = (ip: string | null) => `ip|${ip ?? "-"}`;

  function bump(key: string, free: number, now: number) {
    let e = entries.get(key);
    if (!e || now - e.first > windowMs) e = { failures: 0, first: now, lockedUntil: 0 };
    e.failures++;
    if (e.failures >= free) e.lockedUntil = now + Math.min(maxLockMs, baseLockMs * 2 ** (e.failures - free));
    entries.set(key, e);
    if (entries.size > 100_000) entries.delete(entries.keys().next().value as string);
  }
  const waitOf = (key: string, now: number) => {
    const e = entries.get(key);
    return e && e.lockedUntil > now ? Math.ceil((e.lockedUntil - now) / 1000) : 0;
  };
  return {
    check: (u, ip, now) => Math.max(waitOf(keyOf(u, ip), now), waitOf(ipKey(ip), now)),
    recordFailure(u, ip, now) {
      bump(keyOf(u, ip), freeFailures, now);
      bump(ipKey(ip), ipFreeFailures, now);
    },
    recordSuccess(u, ip) {
      entries.delete(keyOf(u, ip));
    },
  };
}
