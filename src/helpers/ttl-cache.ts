/**
 * A TTL cache with stale-while-revalidate and in-flight coalescing: concurrent misses for one key share a
 * single load; a stale entry is served at once while one background refresh runs; past `staleMs` it is
 * a miss again. InventoryCache and FactsCache are this with their own defaults.
 */
export interface TtlCacheOptions {
  /** Fresh for this long (ms). */
  ttlMs: number;
  /** After ttl, served stale (and refreshed in the background) for this much longer (ms). 0 = no SWR. */
  staleMs: number;
  /** At most this many keys (oldest dropped first). */
  maxEntries?: number;
  /** Clock, for tests. */
  now?: () => number;
}

interface Entry<V> {
  value: V;
  at: number;
}

export interface CacheStats {
  hits: number;
  staleHits: number;
  misses: number;
  coalesced: number;
  refreshErrors: number;
}

export class TtlCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly inflight = new Map<string, Promise<V>>();
  readonly stats: CacheStats = { hits: 0, staleHits: 0, misses: 0, coalesced: 0, refreshErrors: 0 };
  private readonly now: () => number;

  constructor(private readonly opts: TtlCacheOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** The cached value, or `load()` once for all concurrent callers. */
  async get(key: string, load: () => Promise<V>): Promise<V> {
    const e = this.entries.get(key);
    const age = e ? this.now() - e.at : Infinity;
    if (e && age < this.opts.ttlMs) {
      this.stats.hits++;
      return e.value;
    }
    if (e && age < this.opts.ttlMs + this.opts.staleMs) {
      this.stats.staleHits++;
      // Background refresh; its failure keeps the stale value and is counted, never thrown at the caller.
      this.load(key, load).catch(() => { this.stats.refreshErrors++; });
      return e.value;
    }
    this.stats.misses++;
    return this.load(key, load);
  }

  /** Drops one key, or everything. */
  invalidate(key?: string): void {
    if (key === undefined) this.entries.clear();
    else this.entries.delete(key);
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, at: this.now() });
    const max = this.opts.maxEntries ?? Infinity;
    while (this.entries.size > max) this.entries.delete(this.entries.keys().next().value as string);
  }

  peek(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  private load(key: string, load: () => Promise<V>): Promise<V> {
    const running = this.inflight.get(key);
    if (running) {
      this.stats.coalesced++;
      return running;
    }
    const p = load().then((v) => {
      this.set(key, v);
      return v;
    }).finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }
}
