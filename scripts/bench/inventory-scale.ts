/**
 * Inventory reads at fleet scale (issue 14), against the HTTP floor measured in the same run:
 *
 *   npx tsx scripts/bench/inventory-scale.ts [SIZES=100,10000,100000] [SECONDS=2]
 *
 * For each size an ssh-plugin inventory file (Bolt inventory v2) is generated into a temporary directory:
 * targets `n-000001.example.com` ..., target i in group `g(i % 20)`, every 7th one on the local transport, the
 * others `ssh://admin@10.x.y.z` (no connection is ever made: only inventory reads run). Then, through
 * app.inject (no socket, so the floor is the framework alone), 3 interleaved rounds of:
 *   floor     GET /health/live
 *   page      GET /api/v1/inventory?limit=100 (walking the keyset pages with nextCursor, wrapping at the end)
 *   filtered  GET /api/v1/inventory?group=g3&transport=local&limit=100
 *   node      GET /api/v1/inventory/nodes/{name} (a different node each request)
 * Each measurement is sequential requests for SECONDS (at least 20 requests, at most 20,000). Printed per
 * read: req/s and p95 ms (median round), floor/read ratio, and min/median/max of the 3 rounds.
 * Goals (issue 14): at 10k within 10x of the floor and p95 <= 20 ms; at 100k within 20x. The 100-target
 * inventory is the reference for "a read costs what it returns": there the whole fleet is one page.
 * Benchmarks print; nothing here asserts.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { tempDir, testConfig } from '../../test/helper.js';
import { injectLatencies, pct } from './inject-latency.js';

const SIZES = (process.argv[2] ?? '100,10000,100000').split(',').map(Number);
const SECONDS = Number(process.argv[3] ?? 2);
if (SIZES.some((n) => !Number.isInteger(n) || n < 100) || !(SECONDS > 0)) {
  throw new Error('usage: npx tsx scripts/bench/inventory-scale.ts [SIZES=100,10000,100000] [SECONDS=2]');
}
const ROUNDS = 3;
const GROUPS = 20;

const name = (i: number) => `n-${String(i).padStart(6, '0')}.example.com`;

/** Bolt inventory v2 text: 20 groups, target i in g(i % 20); every 7th local, the others ssh with a user. */
function inventoryYaml(n: number): string {
  const lines = ['version: 2', 'groups:'];
  const members: string[][] = Array.from({ length: GROUPS }, () => []);
  for (let i = 1; i <= n; i++) {
    const uri = i % 7 === 0 ? `local://${name(i)}` : `ssh://admin@10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    members[i % GROUPS].push(`      - name: ${name(i)}`, `        uri: ${uri}`, `        facts: { role: ${i % 3 === 0 ? 'db' : 'web'} }`);
  }
  members.forEach((m, g) => lines.push(`  - name: g${g}`, '    targets:', ...m));
  return `${lines.join('\n')}\n`;
}

const med = (xs: number[]) => pct(xs, 50);
const f = (x: number, d = 1) => x.toFixed(d);
/** A rate: whole numbers, but two decimals below 10 req/s (the whole-list reads of large inventories). */
const rate = (x: number) => x.toFixed(x < 10 ? 2 : 0);

interface Sample { rps: number; p95: number }

/** Sequential requests for SECONDS; `next` gives each request's URL and checks its answer. */
async function measure(app: FastifyInstance, next: (i: number) => string, check: (body: any, url: string) => void, onBody?: (text: string) => void): Promise<Sample> {
  const { lat, elapsedMs } = await injectLatencies(app, SECONDS, next, check, { onBody, checkEvery: 25 });
  return { rps: lat.length / (elapsedMs / 1000), p95: pct(lat, 95) };
}

async function benchSize(n: number): Promise<void> {
  const dir = tempDir('capstan-bench-inv-');
  try {
    const file = join(dir, 'inventory.yaml');
    writeFileSync(file, inventoryYaml(n));
    const t0 = performance.now();
    const app = await buildApp(testConfig(join(dir, 'data'), { plugins: { ssh: { inventoryFile: file } } } as never));
    await app.ready();
    const boot = performance.now() - t0;
    try {
      const s = performance.now();
      const first = await app.inject({ url: '/api/v1/inventory?limit=100' });
      const firstMs = performance.now() - s;
      if (first.statusCode !== 200 || first.json().sources[0]?.status !== 'ok') throw new Error(`first read: ${first.statusCode} ${first.body.slice(0, 300)}`);
      const filteredCount = Array.from({ length: n }, (_, k) => k + 1).filter((i) => i % GROUPS === 3 && i % 7 === 0).length;
      console.log(`\n${n.toLocaleString('en')} targets: boot (parse the file) ${f(boot, 0)} ms, first inventory read ${f(firstMs, 1)} ms; filtered read matches ${filteredCount}`);

      let cursor: string | null = null;
      /** nextCursor without parsing the page: NodePage serializes it after the items. */
      const cursorOf = (text: string) => {
        const m = /"nextCursor":(?:null|"([^"]*)")/.exec(text.slice(text.lastIndexOf('"nextCursor":')));
        cursor = m?.[1] ?? null;
      };
      const reads: [string, (i: number) => string, (b: any, url: string) => void, ((text: string) => void)?][] = [
        ['floor', () => '/health/live', () => {}],
        ['page', () => `/api/v1/inventory?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, (b, url) => {
          if (b.items.length === 0 || b.sources[0].status !== 'ok') throw new Error(`${url}: empty page or failed source`);
          cursor = b.nextCursor;
        }, cursorOf],
        ['filtered', () => '/api/v1/inventory?group=g3&transport=local&limit=100', (b, url) => {
          if (b.items.length !== Math.min(100, filteredCount)) throw new Error(`${url}: ${b.items.length} items`);
        }],
        ['node', (i) => `/api/v1/inventory/nodes/${name((i * 7919) % n + 1)}`, (b, url) => {
          if (!url.endsWith(b.name)) throw new Error(`${url}: got ${b.name}`);
        }],
      ];
      const samples = new Map<string, Sample[]>(reads.map(([k]) => [k, []]));
      for (const [, next, check, onBody] of reads) await measure(app, next, check, onBody); // warm-up round
      for (let r = 0; r < ROUNDS; r++) {
        for (const [k, next, check, onBody] of reads) samples.get(k)!.push(await measure(app, next, check, onBody));
      }
      const floor = med(samples.get('floor')!.map((x) => x.rps));
      console.log(`  ${'read'.padEnd(9)} ${'req/s'.padStart(9)} ${'p95 ms'.padStart(8)} ${'floor/read'.padStart(11)}   req/s min/median/max of ${ROUNDS} rounds   p95 ms min/median/max`);
      for (const [k] of reads) {
        const xs = samples.get(k)!;
        const rps = xs.map((x) => x.rps);
        const p95 = xs.map((x) => x.p95);
        console.log(`  ${k.padEnd(9)} ${rate(med(rps)).padStart(9)} ${f(med(p95), 2).padStart(8)} ${`${f(floor / med(rps), 1)}x`.padStart(11)}   ${[Math.min(...rps), med(rps), Math.max(...rps)].map(rate).join(' / ').padEnd(33)}   ${[Math.min(...p95), med(p95), Math.max(...p95)].map((x) => f(x, 2)).join(' / ')}`);
      }
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`inventory-scale: ${SIZES.join(', ')} targets, ${ROUNDS} interleaved rounds of ${SECONDS} s per read (Node ${process.version})`);
for (const n of SIZES) await benchSize(n);
