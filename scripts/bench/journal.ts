/**
 * Node journal reads (issue 17), against the HTTP floor measured in the same run:
 *
 *   npx tsx scripts/bench/journal.ts [SECONDS=1]
 *
 * The app (buildApp, as the other benches) gets 100,000 stored journal entries, inserted through the store in
 * transactions of 1,000: 1,000 nodes x 100 entries spread over the last 360 days (kinds: 80 % execution, 10 %
 * facts, 5 % note, 3 % package, 2 % deployment; 1 % of the summaries name nginx). A live source, the plugin
 * `live`, provides inventory.list (the same 1,000 nodes) and journal.list over its own 10,000 `report` entries in
 * memory (10 per node), answering newest first with an offset cursor, as a PuppetDB-like source would. Then,
 * through app.inject, 3 interleaved rounds of (each sequential requests for SECONDS, at least 20):
 *   floor        GET /health/live
 *   inv-node     GET /api/v1/inventory/nodes/{node}: the inventory lookup every node journal read makes first
 *   node         GET /api/v1/nodes/{node}/journal?limit=50 (a different node each request)
 *   node-deep    the same, third page (its composite cursor, taken beforehand)
 *   fleet        GET /api/v1/journal?limit=100
 *   fleet-deep   GET /api/v1/journal?limit=100 at page 100 (10,000 entries deep)
 *   fleet-kind   GET /api/v1/journal?limit=100&kind=deployment (2 % of the stored entries)
 *   fleet-q      GET /api/v1/journal?limit=100&q=nginx (1 %: a LIKE scan of the newest entries)
 *   node-kind-q  GET /api/v1/nodes/{node}/journal?limit=50&kind=execution&q=succeeded
 * Printed per read: p50 / p95 / max ms (median round), the p50 ratio to the floor's p50, and min/median/max of
 * the 3 rounds' p50. Also EXPLAIN QUERY PLAN of the stored journal's node, fleet, kind and text queries.
 * Benchmarks print; nothing here asserts.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { inventoryList, journalList } from '../../src/capabilities/index.js';
import type { NativePluginOptions, PluginModule } from '../../src/core/loader.js';
import { BasePlugin, implement, type PluginCapability } from '../../src/core/types.js';
import type { SqliteStore } from '../../src/store/sqlite/store.js';
import { tempDir, testConfig } from '../../test/helper.js';
import { injectLatencies, pct } from './inject-latency.js';

const SECONDS = Number(process.argv[2] ?? 1);
const ROUNDS = 3;
const NODES = 1000;
const STORED_PER_NODE = 100;
const LIVE = 10_000;
const YEAR_MS = 360 * 86_400_000;
const NOW = Date.now();

const nodeName = (i: number) => `node-${String(i).padStart(4, '0')}.example.com`;
/** Deterministic pseudo-random numbers (the same data every run). */
let seed = 42;
const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);

interface LiveEntry { id: string; source: string; node: string; at: string; kind: string; summary: string; principal: null; executionId: null; links: Record<string, string>; data: Record<string, unknown> }

/** The live source: 10,000 reports in memory, newest first, with a per-node index; cursor = offset. */
function livePlugin(): PluginModule {
  const all: LiveEntry[] = Array.from({ length: LIVE }, (_, i) => ({
    id: `report-${i}`, source: 'live', node: nodeName(i % NODES), at: new Date(NOW - rand() * YEAR_MS).toISOString(), kind: 'report',
    summary: i % 50 === 0 ? 'puppet run changed nginx.conf' : `puppet run ${i % 7 === 0 ? 'failed' : 'changed 0 resources'}`,
    principal: null, executionId: null, links: { report: `/api/v1/reports/report-${i}` }, data: { status: 'unchanged' },
  })).sort((a, b) => b.at.localeCompare(a.at));
  const byNode = new Map<string, LiveEntry[]>();
  for (const e of all) (byNode.get(e.node) ?? byNode.set(e.node, []).get(e.node)!).push(e);
  class Live extends BasePlugin {
    readonly metadata = { name: 'live', version: '0.0.0', description: 'bench live journal source', integrationTypes: ['inventory' as const] };
    capabilities(): PluginCapability<any, any>[] {
      return [
        implement(inventoryList, async () => ({ nodes: Array.from({ length: NODES }, (_, i) => ({ id: nodeName(i), name: nodeName(i), groups: [], sources: [{ source: 'live', id: nodeName(i) }] })) })),
        implement(journalList, async (p) => {
          const pool = p.nodes?.length === 1 ? byNode.get(p.nodes[0]) ?? [] : all;
          const nodes = p.nodes && p.nodes.length > 1 ? new Set(p.nodes) : undefined;
          const q = p.q?.toLowerCase();
          const limit = p.limit ?? 100;
          const out: LiveEntry[] = [];
          let i = p.cursor ? Number(p.cursor) : 0;
          for (; i < pool.length && out.length <= limit; i++) {
            const e = pool[i];
            if ((nodes && !nodes.has(e.node)) || (p.kinds && !p.kinds.includes(e.kind)) || (p.since && e.at < p.since) || (p.until && e.at >= p.until)
              || (q && !e.summary.toLowerCase().includes(q))) continue;
            out.push(e);
          }
          // One more than asked was looked for: the cursor starts at the entry after the page.
          const more = out.length > limit;
          if (more) i = pool.indexOf(out[limit]);
          return { entries: out.slice(0, limit), nextCursor: more ? String(i) : null };
        }),
      ];
    }
  }
  return {
    manifest: { id: 'live', version: '0.0.0', description: 'bench live journal source', provides: ['inventory.list', 'journal.list'], configSchema: Type.Object({}), enabledByDefault: true },
    default: async (_app: FastifyInstance, opts: NativePluginOptions) => opts.host.add(new Live()),
  };
}

const KINDS: [string, number][] = [['execution', 0.8], ['facts', 0.9], ['note', 0.95], ['package', 0.98], ['deployment', 1]];

function fill(store: SqliteStore): number {
  const t0 = performance.now();
  for (let n = 0; n < NODES; n += 10) {
    store.transaction(() => {
      for (let k = n; k < n + 10; k++) {
        for (let j = 0; j < STORED_PER_NODE; j++) {
          const r = rand();
          const kind = KINDS.find(([, upTo]) => r < upTo)![0];
          const id = `${k}-${j}`;
          const nginx = (k * STORED_PER_NODE + j) % 100 === 0;
          store.journal.append({
            node: nodeName(k), at: new Date(NOW - rand() * YEAR_MS).toISOString(), kind, executionId: kind === 'note' || kind === 'facts' ? null : id,
            principal: 'ci-deploy', summary: nginx ? `package.install nginx succeeded by ci-deploy` : `${kind === 'execution' ? 'command.execute' : kind} ${j % 9 === 0 ? 'failed (exit 1)' : 'succeeded (exit 0)'} by ci-deploy`,
            data: { capability: 'command.execute', status: 'succeeded', exitCode: 0 }, links: kind === 'note' || kind === 'facts' ? {} : { execution: `/api/v1/executions/${id}` },
          });
        }
      }
    });
  }
  return performance.now() - t0;
}

function explain(store: SqliteStore): void {
  const db = store.db;
  const plans: [string, string, unknown[]][] = [
    ['node', 'SELECT * FROM journal WHERE node IN (?) ORDER BY at DESC, id DESC LIMIT 51', [nodeName(1)]],
    ['node, page 2', 'SELECT * FROM journal WHERE node IN (?) AND (at, id) < (?, ?) ORDER BY at DESC, id DESC LIMIT 51', [nodeName(1), '2026', 5]],
    ['fleet', 'SELECT * FROM journal ORDER BY at DESC, id DESC LIMIT 101', []],
    ['fleet, page n', 'SELECT * FROM journal WHERE (at, id) < (?, ?) ORDER BY at DESC, id DESC LIMIT 101', ['2026', 5]],
    ['fleet, kind', 'SELECT * FROM journal WHERE kind IN (?) ORDER BY at DESC, id DESC LIMIT 101', ['deployment']],
    ['fleet, q', "SELECT * FROM journal WHERE summary LIKE ? ESCAPE '\\' ORDER BY at DESC, id DESC LIMIT 101", ['%nginx%']],
    ['node, kind', 'SELECT * FROM journal WHERE node IN (?) AND +kind IN (?) ORDER BY at DESC, id DESC LIMIT 51', [nodeName(1), 'execution']],
    ['prune', 'DELETE FROM journal WHERE id IN (SELECT id FROM journal WHERE at < ? ORDER BY at LIMIT ?)', ['2025', 500]],
  ];
  console.log('EXPLAIN QUERY PLAN (stored journal):');
  for (const [label, sql, args] of plans) {
    const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[];
    console.log(`  ${label.padEnd(13)} ${rows.map((r) => r.detail).join(' | ')}`);
  }
}

const med = (xs: number[]) => pct(xs, 50);
const f = (x: number, d = 2) => x.toFixed(d);

interface Sample { p50: number; p95: number; max: number; n: number }

async function measure(app: FastifyInstance, next: (i: number) => string, check: (body: any, url: string) => void): Promise<Sample> {
  const { lat } = await injectLatencies(app, SECONDS, next, check, { checkEvery: 10 });
  return { p50: pct(lat, 50), p95: pct(lat, 95), max: Math.max(...lat), n: lat.length };
}

/** The cursor of page `page` (1 = first) of `url`. */
async function cursorAt(app: FastifyInstance, url: string, page: number): Promise<string> {
  let cursor: string | null = null;
  for (let p = 1; p < page; p++) {
    const res: { json(): any } = await app.inject({ url: `${url}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}` });
    cursor = res.json().nextCursor;
    if (!cursor) throw new Error(`${url}: only ${p} pages`);
  }
  return cursor!;
}

const okPage = (min: number, sources = ['capstan', 'live']) => (b: any, url: string) => {
  if (b.items.length < min) throw new Error(`${url}: ${b.items.length} items`);
  for (const s of sources) if (!b.sources.some((x: any) => x.source === s && x.status === 'ok')) throw new Error(`${url}: source ${s} not ok: ${JSON.stringify(b.sources)}`);
};

const dir = tempDir('capstan-bench-journal-');
try {
  const app = await buildApp(testConfig(join(dir, 'data')), { extraPlugins: [livePlugin()] });
  await app.ready();
  try {
    const store = app.store as SqliteStore;
    const fillMs = fill(store);
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    console.log(`journal bench: ${(NODES * STORED_PER_NODE).toLocaleString('en')} stored entries (${NODES} nodes x ${STORED_PER_NODE}, inserted in ${f(fillMs, 0)} ms), `
      + `${LIVE.toLocaleString('en')} live entries; ${ROUNDS} interleaved rounds of ${SECONDS} s per read (Node ${process.version})`);
    explain(store);

    const probe = Array.from({ length: 50 }, (_, i) => nodeName((i * 37) % NODES));
    const nodeDeep = await Promise.all(probe.map((n) => cursorAt(app, `/api/v1/nodes/${n}/journal?limit=50`, 3)));
    const fleetDeep = await cursorAt(app, '/api/v1/journal?limit=100', 100);
    const reads: [string, (i: number) => string, (b: any, url: string) => void][] = [
      ['floor', () => '/health/live', () => {}],
      ['inv-node', (i) => `/api/v1/inventory/nodes/${nodeName((i * 7919) % NODES)}`, () => {}],
      ['node', (i) => `/api/v1/nodes/${nodeName((i * 7919) % NODES)}/journal?limit=50`, okPage(50)],
      ['node-deep', (i) => `/api/v1/nodes/${probe[i % probe.length]}/journal?limit=50&cursor=${encodeURIComponent(nodeDeep[i % probe.length])}`, okPage(10, [])],
      ['fleet', () => '/api/v1/journal?limit=100', okPage(100)],
      ['fleet-deep', () => `/api/v1/journal?limit=100&cursor=${encodeURIComponent(fleetDeep)}`, okPage(100, [])],
      ['fleet-kind', () => '/api/v1/journal?limit=100&kind=deployment', okPage(100, ['capstan'])],
      ['fleet-q', () => '/api/v1/journal?limit=100&q=nginx', okPage(100)],
      ['node-kind-q', (i) => `/api/v1/nodes/${nodeName((i * 7919) % NODES)}/journal?limit=50&kind=execution&q=succeeded`, okPage(1, ['capstan'])],
    ];
    const samples = new Map<string, Sample[]>(reads.map(([k]) => [k, []]));
    for (const [, next, check] of reads) await measure(app, next, check); // warm-up round
    for (let r = 0; r < ROUNDS; r++) {
      for (const [k, next, check] of reads) samples.get(k)!.push(await measure(app, next, check));
    }
    const floor = med(samples.get('floor')!.map((x) => x.p50));
    console.log(`\n  ${'read'.padEnd(12)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'max ms'.padStart(8)} ${'p50/floor'.padStart(10)}   p50 ms min/median/max of ${ROUNDS} rounds   requests/round`);
    for (const [k] of reads) {
      const xs = samples.get(k)!;
      const mid = [...xs].sort((a, b) => a.p50 - b.p50)[1];
      const p50s = xs.map((x) => x.p50);
      console.log(`  ${k.padEnd(12)} ${f(mid.p50).padStart(8)} ${f(mid.p95).padStart(8)} ${f(mid.max).padStart(8)} ${`${f(mid.p50 / floor, 1)}x`.padStart(10)}   `
        + `${[Math.min(...p50s), med(p50s), Math.max(...p50s)].map((x) => f(x)).join(' / ').padEnd(32)}   ${xs.map((x) => x.n).join(' / ')}`);
    }
  } finally {
    await app.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
