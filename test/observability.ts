/**
 * Test helpers for what operators see: log lines captured from the app's pino stream (buildApp's
 * `logStream` option) and samples scraped from GET /metrics.
 */
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';

export interface LogCapture {
  /** Pass as `{ logStream }` to buildTestApp / buildApp (with `logLevel: 'info'` in the overrides). */
  stream: PassThrough;
  /** Every line so far, parsed. */
  lines: Record<string, any>[];
  /** Resolves with the first line (already written or still to come) that matches; rejects after `ms`. */
  next(match: (line: Record<string, any>) => boolean, ms?: number): Promise<Record<string, any>>;
}

export function captureLogs(): LogCapture {
  const stream = new PassThrough();
  const lines: Record<string, any>[] = [];
  const waiters: { match: (l: Record<string, any>) => boolean; resolve: (l: Record<string, any>) => void }[] = [];
  let rest = '';
  stream.on('data', (chunk) => {
    const parts = (rest + String(chunk)).split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts.filter(Boolean)) {
      const line = JSON.parse(p);
      lines.push(line);
      for (const w of waiters.filter((x) => x.match(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  return {
    stream, lines,
    next(match, ms = 5000) {
      const seen = lines.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.findIndex((w) => w.match === match), 1);
          reject(new Error(`no such log line within ${ms} ms`));
        }, ms);
        waiters.push({ match, resolve: (l) => { clearTimeout(timer); resolve(l); } });
      });
    },
  };
}

/** The transition lines of one execution (`execution queued`, `execution running`, `execution <terminal>`). */
export function transitions(lines: Record<string, any>[], executionId: string): Record<string, any>[] {
  return lines.filter((l) => l.executionId === executionId && typeof l.status === 'string'
    && (l.msg === `execution ${l.status}` || l.msg === 'execution re-queued after restart'));
}

/** GET /metrics parsed into `name{k="v",...}` (labels sorted) -> value. */
export async function scrape(app: FastifyInstance): Promise<Map<string, number>> {
  const res = await app.inject({ url: '/metrics' });
  if (res.statusCode !== 200) throw new Error(`/metrics answered ${res.statusCode}`);
  const out = new Map<string, number>();
  for (const line of res.body.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels = (m[2] ?? '').match(/[a-zA-Z_]\w*="(?:[^"\\]|\\.)*"/g) ?? [];
    out.set(`${m[1]}{${labels.sort().join(',')}}`, Number(m[3]));
  }
  return out;
}

/** One sample, by name and labels (any order); undefined when the series does not exist. */
export function sample(samples: Map<string, number>, name: string, labels: Record<string, string> = {}): number | undefined {
  const key = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).sort().join(',');
  return samples.get(`${name}{${key}}`);
}
