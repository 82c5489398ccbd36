/**
 * Issue 19: `GET /api/v1/alerts` over 1,000 firing alerts from two real sources, p95, vs the sources queried
 * directly.
 *
 *   npx tsx scripts/bench/alerts.ts [N=30]        (as root: the Icinga recipe needs it; N >= 30)
 *
 * Needs Debian's `prometheus-alertmanager` and `icinga2`. Starts (alerts-sources.ts, with the plugins' own test
 * fixtures) an Alertmanager on 127.0.0.81 with 500 firing alerts POSTed to /api/v2/alerts, and an Icinga 2 on
 * 127.0.0.82 with 500 CRITICAL services created through its API (plus the recipe's own 2 host and 4 service
 * problems: 1,006 alerts in all), then builds the app (buildApp + testConfig, plugins alertmanager and icinga,
 * Icinga's CA and certificate name verified). After one warm-up pass, 3 interleaved rounds of N sequential
 * requests each of:
 *   floor      GET /health/live (app.inject): the HTTP floor
 *   all        GET /api/v1/alerts?limit=1000 (app.inject): 1,000 items, both sources ok (checked every 5th)
 *   direct     the two sources asked directly, in parallel, each answer JSON-parsed: Alertmanager
 *              GET /api/v2/alerts (fetch) and Icinga POST /v1/objects/services (X-HTTP-Method-Override: GET)
 *              with the plugin's problem filter, attrs and joins (node:https with the CA and a keep-alive agent,
 *              as the plugin: Node's fetch takes no CA without undici, which is not a dependency)
 *   direct-4   what the plugins read, directly: the Alertmanager list plus Icinga's four queries (hosts,
 *              services, ack comments, downtimes) in parallel, as the icinga plugin's reader does
 *   page       GET /api/v1/alerts?limit=100 (first page)
 *   filtered   GET /api/v1/alerts?limit=1000&severity=critical&matchers=host=~"bench-0[0-9]\.example\.com"
 *              (a regex matcher: applied in Capstan for both sources; 150 of the bench alerts match)
 * Printed per read: p50 / p95 / max ms of the median round (by p95), the min / median / max of the 3 rounds'
 * p95, and requests per round; then all's p95 against direct's and the floor's (ratio and difference), each
 * source's own durationMs as the app reported it, and the answer's size. Benchmarks print; nothing asserts.
 * Both sources are stopped (by pid / icinga-down.sh) and every temp dir removed at the end, also on failure.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { alertingUnavailableReason } from '../../plugins/native/alertmanager/test/fixtures/stack.js';
import { icingaUnavailableReason } from '../../plugins/native/icinga/test/fixtures/icinga-env.js';
import { COMMENT_ATTRS, DOWNTIME_ATTRS, HOST_ATTRS, SERVICE_ATTRS, SERVICE_JOINS } from '../../plugins/native/icinga/parse.js';
import { tempDir, testConfig } from '../../test/helper.js';
import { fillAlertmanager, fillIcinga, IcingaApi, startAlertmanager, startBenchIcinga } from './alerts-sources.js';
import { injectLatencies, pct } from './inject-latency.js';

const N = Number(process.argv[2] ?? 30);
if (!Number.isInteger(N) || N < 30) throw new Error(`usage: npx tsx scripts/bench/alerts.ts [N >= 30]; got ${process.argv[2]}`);
const ROUNDS = 3;
const PER_SOURCE = 500;
const HOSTS = 50;
const FILTERED = `/api/v1/alerts?limit=1000&severity=critical&matchers=${encodeURIComponent('host=~"bench-0[0-9]\\.example\\.com"')}`;

const why = alertingUnavailableReason() ?? icingaUnavailableReason();
if (why) throw new Error(`cannot run the alerts bench here: ${why}`);

const f = (x: number, d = 2) => x.toFixed(d);
interface Sample { p50: number; p95: number; max: number; n: number }
const sample = (lat: number[]): Sample => ({ p50: pct(lat, 50), p95: pct(lat, 95), max: Math.max(...lat), n: lat.length });

/** N sequential calls of `once`, each timed; an event-loop turn every 50 (as injectLatencies does). */
async function timed(once: () => Promise<void>): Promise<number[]> {
  const lat: number[] = [];
  for (let i = 0; i < N; i++) {
    const s = performance.now();
    await once();
    lat.push(performance.now() - s);
    if (i % 50 === 49) await new Promise((r) => setImmediate(r));
  }
  return lat;
}

const cleanups: (() => Promise<void> | void)[] = [];
const sourceMs = new Map<string, number[]>();
try {
  console.log(`alerts bench (issue 19): Node ${process.version}, ${ROUNDS} interleaved rounds of ${N} sequential requests per read; starting the sources...`);
  const [amRes, icRes] = await Promise.allSettled([startAlertmanager(), startBenchIcinga()]);
  for (const r of [amRes, icRes]) if (r.status === 'fulfilled') cleanups.push(() => r.value.stop());
  if (amRes.status === 'rejected') throw amRes.reason;
  if (icRes.status === 'rejected') throw icRes.reason;
  const am = amRes.value;
  const icinga = icRes.value;
  const api = new IcingaApi(icinga);
  cleanups.push(() => api.close());
  const amMs = await fillAlertmanager(am.url, PER_SOURCE, HOSTS);
  const ic = await fillIcinga(api, PER_SOURCE, HOSTS);
  console.log(`  Alertmanager ${am.url}: ${PER_SOURCE} alerts posted in one request, listed after ${f(amMs, 0)} ms`);
  console.log(`  Icinga ${icinga.url} (certificate ${icinga.serverName}): ${HOSTS} hosts in ${f(ic.hostsMs, 0)} ms, ${PER_SOURCE} services by PUT (8 at a time) in ${f(ic.servicesMs, 0)} ms `
    + `(${f(ic.servicesMs / PER_SOURCE, 1)} ms each), all CRITICAL and checked ${f(ic.checkedMs, 0)} ms after one forced reschedule-check`);

  const dir = tempDir('capstan-bench-alerts-');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const app: FastifyInstance = await buildApp(testConfig(join(dir, 'data'), {
    plugins: {
      alertmanager: { url: am.url },
      icinga: { url: icinga.url, user: icinga.user, password: icinga.password, caFile: icinga.caFile, serverName: icinga.serverName },
      ssh: { enabled: false },
    },
  } as never));
  cleanups.push(() => app.close());
  await app.ready();

  const first = await app.inject({ url: '/api/v1/alerts?limit=1000' });
  const body = first.json();
  const bySource = (items: { source: string }[]) => Object.entries(items.reduce<Record<string, number>>((m, a) => ({ ...m, [a.source]: (m[a.source] ?? 0) + 1 }), {})).map(([s, n]) => `${s} ${n}`).join(', ');
  console.log(`  GET /api/v1/alerts?limit=1000 -> ${first.statusCode}, ${body.items?.length} items (${bySource(body.items ?? [])}), total ${body.total}, nextCursor ${body.nextCursor ? 'set' : 'null'}, `
    + `${(first.rawPayload.length / 1024).toFixed(0)} KiB; sources: ${(body.sources ?? []).map((s: any) => `${s.source} ${s.status} ${s.durationMs} ms${s.error ? ` (${s.error})` : ''}`).join(', ')}`);
  const filtered = (await app.inject({ url: FILTERED })).json();
  console.log(`  filtered -> ${filtered.items?.length} items (${bySource(filtered.items ?? [])}); first page (limit=100) -> ${(await app.inject({ url: '/api/v1/alerts?limit=100' })).json().items?.length} items`);

  /** Checks an answer (at least `min` items, exactly `exact` when given, both sources ok) and keeps each source's durationMs under `label`. */
  const okPage = (label: string, min: number, exact?: number) => (b: any, url: string) => {
    if (b.items.length < min || (exact !== undefined && b.items.length !== exact)) throw new Error(`${url}: ${b.items.length} items`);
    for (const s of ['alertmanager', 'icinga']) if (!b.sources.some((x: any) => x.source === s && x.status === 'ok')) throw new Error(`${url}: source ${s} not ok: ${JSON.stringify(b.sources)}`);
    for (const s of b.sources) {
      const key = `${label} ${s.source}`;
      (sourceMs.get(key) ?? sourceMs.set(key, []).get(key)!).push(s.durationMs);
    }
  };
  const inject = (url: string, check: (b: any, url: string) => void) => async () => sample((await injectLatencies(app, 0, () => url, check, { requests: N, checkEvery: 5 })).lat);

  const serviceQuery = { filter: 'service.state != 0 && service.last_check_result != null', attrs: SERVICE_ATTRS, joins: SERVICE_JOINS };
  const amList = async () => { const r = await fetch(`${am.url}/api/v2/alerts`); if (!r.ok) throw new Error(`AM ${r.status}`); return (await r.json()) as unknown[]; };
  let directCount = 0;
  const direct = async () => sample(await timed(async () => {
    const [a, s] = await Promise.all([amList(), api.objects('services', serviceQuery)]);
    directCount = a.length + s.length;
  }));
  let direct4Count = 0;
  const direct4 = async () => sample(await timed(async () => {
    const [a, h, s] = await Promise.all([
      amList(),
      api.objects('hosts', { filter: 'host.state != 0 && host.last_check_result != null', attrs: HOST_ATTRS }),
      api.objects('services', serviceQuery),
      api.objects('comments', { filter: 'comment.entry_type == 4', attrs: COMMENT_ATTRS }),
      api.objects('downtimes', { attrs: DOWNTIME_ATTRS }),
    ]);
    direct4Count = a.length + h.length + s.length;
  }));

  const reads: [string, () => Promise<Sample>][] = [
    ['floor', inject('/health/live', () => {})],
    ['all', inject('/api/v1/alerts?limit=1000', okPage('all', 1000, 1000))],
    ['direct', direct],
    ['direct-4', direct4],
    ['page', inject('/api/v1/alerts?limit=100', okPage('page', 100, 100))],
    ['filtered', inject(FILTERED, okPage('filtered', 1))],
  ];
  for (const [, run] of reads) await run(); // warm-up pass
  sourceMs.clear();
  const samples = new Map<string, Sample[]>(reads.map(([k]) => [k, []]));
  for (let r = 0; r < ROUNDS; r++) for (const [k, run] of reads) samples.get(k)!.push(await run());
  console.log(`  direct answers: ${directCount} alerts + services (direct), ${direct4Count} (direct-4, hosts included)`);

  console.log(`\n  ${'read'.padEnd(9)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'max ms'.padStart(8)}   p95 ms min/median/max of ${ROUNDS} rounds   requests/round`);
  const mid = (k: string) => [...samples.get(k)!].sort((a, b) => a.p95 - b.p95)[Math.floor(ROUNDS / 2)];
  for (const [k] of reads) {
    const xs = samples.get(k)!;
    const m = mid(k);
    const p95s = xs.map((x) => x.p95).sort((a, b) => a - b);
    console.log(`  ${k.padEnd(9)} ${f(m.p50).padStart(8)} ${f(m.p95).padStart(8)} ${f(m.max).padStart(8)}   ${[p95s[0], p95s[Math.floor(ROUNDS / 2)], p95s[ROUNDS - 1]].map((x) => f(x)).join(' / ').padEnd(34)}   ${xs.map((x) => x.n).join(' / ')}`);
  }
  const [all, dir1, dir4, floor] = ['all', 'direct', 'direct-4', 'floor'].map(mid);
  console.log(`\n  all p95 ${f(all.p95)} ms = ${f(all.p95 / dir1.p95, 2)}x direct p95 (${f(dir1.p95)} ms; +${f(all.p95 - dir1.p95)} ms), ${f(all.p95 / dir4.p95, 2)}x direct-4 p95 (${f(dir4.p95)} ms; +${f(all.p95 - dir4.p95)} ms), `
    + `${f(all.p95 / floor.p95, 0)}x the floor p95 (${f(floor.p95, 3)} ms)`);
  console.log(`  all p50 ${f(all.p50)} ms vs direct p50 ${f(dir1.p50)} ms (${f(all.p50 / dir1.p50, 2)}x, +${f(all.p50 - dir1.p50)} ms)`);
  console.log('  durationMs the app reported per source (checked answers of the measured rounds): median / p95 / max');
  for (const [k, xs] of sourceMs) console.log(`    ${k.padEnd(22)} ${f(pct(xs, 50), 0)} / ${f(pct(xs, 95), 0)} / ${f(Math.max(...xs), 0)} ms (${xs.length} answers)`);
} finally {
  for (const c of cleanups.reverse()) {
    try {
      await c();
    } catch (err) {
      console.error(`cleanup failed: ${(err as Error).message}`);
    }
  }
}
