/** A small map whose entries expire; bounded so a flood of distinct keys cannot grow it without limit. */
export function createTtlCache<K, V>(ttlMs: number, now: () => number = Date.now, maxEntries = 10_000) {
  const map = new Map<K, { value: V; expires: number }>();
  return {
    get(key: K): V | undefined {
      const e = map.get(key);
      if (!e) return undefined;
      if (e.expires <= now()) {
        map.delete(key);
        return undefined;
      }
      return e.value;
    },
    set(key: K, value: V) {
      if (map.size >= maxEntries) {
        const oldest = map.keys().next();
        if (!oldest.done) map.delete(oldest.value);
      }
      map.set(key, { value, expires: now() + ttlMs });
    },
    delete(key: K) {
      map.delete(key);
    },
    deleteWhere(pred: (key: K) => boolean) {
      for (const k of map.keys()) if (pred(k)) map.delete(k);
    },
    clear() {
      map.clear();
    },
  };
}
