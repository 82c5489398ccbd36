/** FactsCache: per-node TtlCache (default 5 min fresh, no stale serving, 10,000 nodes at most). */
import { TtlCache } from './ttl-cache.js';

export function createFactsCache<V>(opts: { ttlMs?: number; staleMs?: number; maxEntries?: number; now?: () => number } = {}): TtlCache<V> {
  return new TtlCache<V>({ ttlMs: opts.ttlMs ?? 300_000, staleMs: opts.staleMs ?? 0, maxEntries: opts.maxEntries ?? 10_000, now: opts.now });
}
