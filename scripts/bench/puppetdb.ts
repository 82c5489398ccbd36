/**
 * The puppetdb plugin against a real PuppetDB:
 *
 *   npx tsx scripts/bench/puppetdb.ts [REPS=20] [ROUNDS=3]
 *
 * PuppetDB is the one of the env file named by CAPSTAN_TEST_PUPPET_ENV (PUPPETDB_URL=...), else $PUPPETDB_URL,
 * else http://127.0.0.1:8080. Only reads: the stack may be shared.
 *
 * 1. Inventory of the PuppetDB nodes: GET /api/v1/inventory through Capstan, cold (inventoryTtlSeconds 0:
 *    every read asks PuppetDB for the nodes and the groupFact groups) and cached (the default 60 s cache, after
 *    one untimed read), vs the same two PuppetDB requests made directly (/pdb/query/v4/nodes and
 *    /pdb/query/v4/fact-contents), each parsed as JSON.
 * 2. A report query: GET /api/v1/reports?environment=production&limit=100 through Capstan (reports.query,
 *    include_total, newest first, no logs) vs the same request to /pdb/query/v4/reports directly.
 * Each round times REPS requests of each kind (interleaved) and keeps their median; the figures are the min /
 * median / max of those round medians, and the ratio Capstan / direct of the medians. Capstan is reached
 * through app.inject (no socket), PuppetDB over HTTP with a keep-alive node:http agent in both cases.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { tempDir, testConfig } from '../../test/helper.js';
import { parseEnvFile } from '../../plugins/native/puppetdb/test/fixtures/env.js';

const REPS = Number(process.argv[2] ?? 20);
const ROUNDS = Number(process.argv[3] ?? 3);
for (const [name, v] of [['REPS', REPS], ['ROUNDS', ROUNDS]] as const) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`usage: npx tsx scripts/bench/puppetdb.ts [REPS] [ROUNDS]; bad ${name}: ${v}`);
}
const envFile = process.env.CAPSTAN_TEST_PUPPET_ENV;
const PDB = (envFile ? parseEnvFile(readFileSync(envFile, 'utf8')).PUPPETDB_URL : undefined) ?? process.env.PUPPETDB_URL ?? 'http://127.0.0.1:8080';
const GROUP_FACT = 'os.family';

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const ms = (x: number) => `${x.toFixed(2)} ms`;
const signed = (x: number) => `${x >= 0 ? '+' : ''}${ms(x)}`;

async function app(extra: Record<string, unknown>): Promise<FastifyInstance> {
  const a = await buildApp(testConfig(tempDir('capstan-bench-pdb-'), { plugins: { puppetdb: { url: PDB, groupFact: GROUP_FACT, ...extra }, ssh: { enabled: false } } } as never));
  await a.ready();
  return a;
}

async function capstan(a: FastifyInstance, url: string, expect?: number): Promise<number> {
  const s = performance.now();
  const res = await a.inject({ method: 'GET', url });
  const body = res.json();
  const d = performance.now() - s;
  if (res.statusCode !== 200 || body.sources?.[0]?.status !== 'ok') throw new Error(`${url} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
  if (expect !== undefined && body.items.length !== expect) throw new Error(`${url}: ${body.items.length} items, expected ${expect}`);
  return d;
}

/** Direct requests go out as the plugin's do: node:http with a keep-alive agent, the body parsed as JSON. */
const agent = new http.Agent({ keepAlive: true });
function getJson(path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    http.get(`${PDB}${path}`, { agent, headers: { accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))) : reject(new Error(`${path}: HTTP ${res.statusCode}`))));
      res.on('error', reject);
    }).on('error', reject);
  });
}

async function direct(paths: string[]): Promise<number> {
  const s = performance.now();
  await Promise.all(paths.map(getJson));
  return performance.now() - s;
}

const q = (endpoint: string, params: Record<string, string>) => `/pdb/query/v4/${endpoint}?${new URLSearchParams(params)}`;

async function main(): Promise<void> {
  const nodes = (await getJson('/pdb/query/v4/nodes')) as unknown[];
  console.log(`PuppetDB ${PDB}: ${nodes.length} nodes; ${ROUNDS} rounds of ${REPS} requests of each kind`);
  const cold = await app({ inventoryTtlSeconds: 0 });
  const warm = await app({});
  try {
    const inventoryDirect = [q('nodes', { order_by: '[{"field":"certname","order":"asc"}]' }), q('fact-contents', { query: JSON.stringify(['=', 'path', GROUP_FACT.split('.')]) })];
    const reportsDirect = [q('reports', {
      query: JSON.stringify(['extract', ['hash', 'certname', 'status', 'start_time', 'end_time', 'noop', 'environment', 'configuration_version', 'puppet_version', 'corrective_change', 'metrics'], ['=', 'environment', 'production']]),
      limit: '100', include_total: 'true', order_by: '[{"field":"start_time","order":"desc"},{"field":"hash","order":"desc"}]',
    })];
    const reportsUrl = '/api/v1/reports?environment=production&limit=100';
    // Warm-up, untimed: JIT, keep-alive connections, the warm cache filled.
    for (let i = 0; i < 3; i++) {
      await capstan(cold, '/api/v1/inventory', nodes.length);
      await capstan(warm, '/api/v1/inventory', nodes.length);
      await capstan(warm, reportsUrl);
      await direct(inventoryDirect);
      await direct(reportsDirect);
    }
    const kinds = ['inventory: direct', 'inventory: Capstan cold', 'inventory: Capstan cached', 'reports: direct', 'reports: Capstan'] as const;
    const rounds: Record<(typeof kinds)[number], number[]> = Object.fromEntries(kinds.map((k) => [k, []])) as never;
    for (let r = 0; r < ROUNDS; r++) {
      const t: Record<string, number[]> = Object.fromEntries(kinds.map((k) => [k, []]));
      for (let i = 0; i < REPS; i++) {
        t['inventory: direct'].push(await direct(inventoryDirect));
        t['inventory: Capstan cold'].push(await capstan(cold, '/api/v1/inventory', nodes.length));
        t['inventory: Capstan cached'].push(await capstan(warm, '/api/v1/inventory', nodes.length));
        t['reports: direct'].push(await direct(reportsDirect));
        t['reports: Capstan'].push(await capstan(warm, reportsUrl));
      }
      for (const k of kinds) rounds[k].push(median(t[k]));
    }
    console.log('\nmedian per request; min / median / max over the rounds');
    for (const k of kinds) {
      const xs = rounds[k];
      console.log(`  ${k.padEnd(26)} ${ms(Math.min(...xs))} / ${ms(median(xs))} / ${ms(Math.max(...xs))}`);
    }
    const m = (k: (typeof kinds)[number]) => median(rounds[k]);
    console.log('\nratio Capstan / direct (medians)');
    console.log(`  inventory cold    ${(m('inventory: Capstan cold') / m('inventory: direct')).toFixed(2)}x  (${signed(m('inventory: Capstan cold') - m('inventory: direct'))})`);
    console.log(`  inventory cached  ${(m('inventory: Capstan cached') / m('inventory: direct')).toFixed(2)}x  (${signed(m('inventory: Capstan cached') - m('inventory: direct'))})`);
    console.log(`  report query      ${(m('reports: Capstan') / m('reports: direct')).toFixed(2)}x  (${signed(m('reports: Capstan') - m('reports: direct'))})`);
  } finally {
    await cold.close();
    await warm.close();
    agent.destroy();
  }
}

await main();
