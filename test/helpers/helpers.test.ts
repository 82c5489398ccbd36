/** The opt-in plugin helpers: caches (TTL, stale-while-revalidate, coalescing), retry, circuit breaker. */
import t from 'tap';
import { Errors } from '../../src/core/errors.js';
import { createFactsCache } from '../../src/helpers/facts-cache.js';
import { createInventoryCache } from '../../src/helpers/inventory-cache.js';
import { backoffDelay, CircuitBreaker, withRetry } from '../../src/helpers/retry.js';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

t.test('InventoryCache: fresh hit, coalesced misses, stale served while one refresh runs, then expired', async (t) => {
  let now = 0;
  const cache = createInventoryCache<number>({ ttlMs: 100, staleMs: 1000, now: () => now });
  let loads = 0;
  const gate = deferred<number>();
  const slow = () => { loads++; return gate.promise; };
  const a = cache.get('k', slow);
  const b = cache.get('k', slow);
  gate.resolve(1);
  t.same(await Promise.all([a, b]), [1, 1]);
  t.equal(loads, 1, 'two concurrent misses share one load');
  t.equal(cache.stats.coalesced, 1);
  t.equal(await cache.get('k', async () => { loads++; return 2; }), 1, 'fresh hit');
  t.equal(loads, 1);
  now = 500; // stale: served at once, refreshed in background
  const refresh = deferred<number>();
  t.equal(await cache.get('k', () => { loads++; return refresh.promise; }), 1, 'stale value served without waiting');
  t.equal(await cache.get('k', () => { loads++; return refresh.promise; }), 1, 'a second stale read does not start a second refresh');
  t.equal(loads, 2);
  refresh.resolve(3);
  await refresh.promise;
  await new Promise((r) => setImmediate(r));
  t.equal(cache.peek('k'), 3, 'refreshed');
  now = 5000; // past ttl + stale: a miss that waits
  t.equal(await cache.get('k', async () => 4), 4);
  now = 5050;
  const failing = deferred<number>();
  now = 5200; // stale again; background refresh fails -> stale value kept, error counted
  t.equal(await cache.get('k', () => failing.promise), 4);
  failing.reject(new Error('down'));
  await failing.promise.catch(() => {});
  await new Promise((r) => setImmediate(r));
  t.equal(cache.peek('k'), 4);
  t.equal(cache.stats.refreshErrors, 1);
  cache.invalidate('k');
  t.equal(cache.peek('k'), undefined);
});

t.test('FactsCache: per node, bounded, a failed load is not cached', async (t) => {
  const cache = createFactsCache<string>({ ttlMs: 1000, maxEntries: 2 });
  await cache.get('a', async () => 'A');
  await cache.get('b', async () => 'B');
  await cache.get('c', async () => 'C');
  t.equal(cache.peek('a'), undefined, 'oldest dropped past maxEntries');
  await t.rejects(cache.get('d', async () => { throw new Error('x'); }));
  t.equal(await cache.get('d', async () => 'D'), 'D', 'a failure is retried on the next read');
});

t.test('withRetry retries only retryable categories, with capped exponential full-jitter backoff', async (t) => {
  t.equal(backoffDelay(1, 100, 1000, () => 0.999), 99);
  t.equal(backoffDelay(3, 100, 1000, () => 0.999), 399);
  t.equal(backoffDelay(10, 100, 1000, () => 0.5), 500, 'capped at maxMs');
  let calls = 0;
  const delays: number[] = [];
  const v = await withRetry(async () => { if (++calls < 3) throw new Errors.Connect('refused'); return 'ok'; }, { attempts: 5, baseMs: 1, onRetry: (_e, _a, d) => delays.push(d) });
  t.equal(v, 'ok');
  t.equal(calls, 3);
  t.equal(delays.length, 2);
  calls = 0;
  await t.rejects(withRetry(async () => { calls++; throw new Errors.Validation('bad'); }, { attempts: 5, baseMs: 1 }), new Errors.Validation('bad'));
  t.equal(calls, 1, 'a validation error is not retried');
  calls = 0;
  await t.rejects(withRetry(async () => { calls++; throw new Errors.CapabilityTimeout('slow'); }, { attempts: 3, baseMs: 1 }), new Errors.CapabilityTimeout('slow'));
  t.equal(calls, 3, 'gives up after attempts');
});

t.test('CircuitBreaker opens after consecutive failures, fails fast, half-opens for one trial', async (t) => {
  let now = 0;
  const breaker = new CircuitBreaker('bolt', { failureThreshold: 2, resetMs: 1000, now: () => now });
  let calls = 0;
  const failing = async () => { calls++; throw new Errors.Connect('down'); };
  await t.rejects(breaker.call(failing));
  await t.rejects(breaker.call(failing));
  t.equal(breaker.state, 'open');
  await t.rejects(breaker.call(failing), { code: 'CAPSTAN_ERR_UPSTREAM_ERROR' });
  t.equal(calls, 2, 'open circuit does not call');
  await t.rejects(breaker.call(async () => { throw new Errors.Validation('bad'); }));
  now = 1500;
  t.equal(breaker.state, 'half_open');
  t.equal(await breaker.call(async () => 'ok'), 'ok');
  t.equal(breaker.state, 'closed', 'a successful trial closes it');
  await t.rejects(breaker.call(failing));
  await t.rejects(breaker.call(failing));
  now = 3000;
  await t.rejects(breaker.call(failing));
  t.equal(breaker.state, 'open', 'a failed trial opens it again');
});
