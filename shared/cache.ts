/**
 * The kernel's per-container cache of one value (settings, rules, lists that change rarely):
 * `load`'s promise is reused for `ttlMs`, so concurrent callers share one load; a failed load is
 * not kept (the next call tries again); `fresh` loads now and keeps that. `ttlMs` ≤ 0 caches nothing.
 */
export function cachedFor<T>(load: () => Promise<T>, ttlMs: number, now: () => number = Date.now): (options?: { readonly fresh?: boolean }) => Promise<T> {
  let cached: { at: number; value: Promise<T> } | undefined;
  return (options) => {
    const at = now();
    if (!options?.fresh && ttlMs > 0 && cached && at - cached.at < ttlMs) return cached.value;
    const value = load();
    const entry = { at, value };
    cached = entry;
    // Forget a failure, unless a newer load replaced it meanwhile.
    value.catch(() => {
      if (cached === entry) cached = undefined;
    });
    return value;
  };
}

/**
 * Stores `value` under `key` as the newest entry of `map` (a Map keeps insertion order) and drops
 * the oldest entries beyond `maxEntries`: the bounded LRU of the kernel's per-container caches.
 */
export function setNewest<K, V>(map: Map<K, V>, key: K, value: V, maxEntries: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > maxEntries) {
    const oldest = map.keys().next();
    if (oldest.done) break;
    map.delete(oldest.value);
  }
}
