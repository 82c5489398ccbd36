/** InventoryCache: one TtlCache for a plugin's inventory (default 60 s fresh, 5 min stale-while-revalidate). */
import { TtlCache } from './ttl-cache.js';

export function createInventoryCache<V>(opts: { ttlMs?: number; staleMs?: number; now?: () => number } = {}): TtlCache<V> {
  return new TtlCache<V>({ ttlMs: opts.ttlMs ?? 60_000, staleMs: opts.staleMs ?? 300_000, now: opts.now });
}
