/**
 * What the read benchmarks share: percentiles, and sequential injected GETs for a while with their latencies
 * (ms), answers checked now and then.
 */
import type { FastifyInstance } from 'fastify';

/** The p-th percentile (0-100) of xs. */
export const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

export interface Latencies {
  /** Each request's latency, ms. */
  lat: number[];
  /** Wall time of the whole loop, ms. */
  elapsedMs: number;
}

/**
 * Sequential GETs for `seconds` (at least 20, at most 20,000), or exactly `requests` of them when given:
 * `next` gives each URL; every `checkEvery`-th answer is parsed and given to `check`, the others' text to
 * `onBody` (a client parsing every big answer would load the measured process with client work). A non-200
 * answer throws.
 */
export async function injectLatencies(app: FastifyInstance, seconds: number, next: (i: number) => string,
  check: (body: any, url: string) => void, opts: { onBody?: (text: string) => void; checkEvery?: number; requests?: number } = {}): Promise<Latencies> {
  const lat: number[] = [];
  const every = opts.checkEvery ?? 25;
  const t0 = performance.now();
  const more = opts.requests === undefined
    ? (i: number) => (performance.now() - t0 < seconds * 1000 || i < 20) && i < 20_000
    : (i: number) => i < opts.requests!;
  for (let i = 0; more(i); i++) {
    const url = next(i);
    const s = performance.now();
    const res = await app.inject({ method: 'GET', url });
    lat.push(performance.now() - s);
    // A loop of awaited injects never reaches the event loop's later phases, and Fastify / light-my-request
    // finish each request there (setImmediate): without a turn now and then the heap grows by ~9 KB per
    // request and the GC then weighs on whatever read runs later. A real server's event loop always turns.
    if (i % 50 === 49) await new Promise((r) => setImmediate(r));
    if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
    if (i % every === 0) check(res.json(), url);
    else opts.onBody?.(res.body);
  }
  return { lat, elapsedMs: performance.now() - t0 };
}
