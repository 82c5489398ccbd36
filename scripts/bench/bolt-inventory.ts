/**
 * The bolt plugin at scale, against the fake bolt CLI (test/fixtures/bin/bolt):
 *
 *   npx tsx scripts/bench/bolt-inventory.ts [REPS=20] [RUN_TARGETS=1000] [RUN_REPS=10]
 *
 * 1. Inventory of 10,000 targets in 20 groups (local transport) in a temporary project (Bolt prints it as one
 *    JSON line of about 6.6 MB, read whole up to the plugin's maxDocumentBytes):
 *    GET /api/v1/inventory?limit=100 and GET /api/v1/inventory?name=web-1*&group=g3, p50/p95 over REPS,
 *    cold (inventoryTtlSeconds 0: every read runs `bolt inventory show --detail`) vs warm (the default
 *    60 s cache, after one untimed read), and the ratio.
 * 2. A RUN_TARGETS-target `command.execute` of `true` (local transport): the Capstan execution
 *    (POST /api/v1/executions -> GET .../wait terminal) vs the same `bolt command run true --targets all`
 *    started directly (with the plugin's allow-listed environment), alternating, one untimed warm-up each; server overhead per target =
 *    (Capstan p50 - direct p50) / RUN_TARGETS, and the median of the paired differences / RUN_TARGETS.
 * Everything goes through app.inject (no socket); the data dir and projects are removed at the end.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { childEnv } from '../../src/core/process-runner.js';
import { tempDir, testConfig } from '../../test/helper.js';
import { bigInventory, FAKE_BOLT } from '../../plugins/native/bolt/test/fixtures/helpers.js';

const REPS = Number(process.argv[2] ?? 20);
const RUN_TARGETS = Number(process.argv[3] ?? 1000);
const RUN_REPS = Number(process.argv[4] ?? 10);
for (const [name, v] of [['REPS', REPS], ['RUN_TARGETS', RUN_TARGETS], ['RUN_REPS', RUN_REPS]] as const) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`usage: npx tsx scripts/bench/bolt-inventory.ts [REPS] [RUN_TARGETS] [RUN_REPS]; bad ${name}: ${v}`);
}
const TERMINAL = ['succeeded', 'failed', 'partial', 'canceled', 'timed_out', 'interrupted'];

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}
const ms = (x: number) => `${x.toFixed(1)} ms`;
const stats = (xs: number[]) => ({ p50: quantile(xs, 0.5), p95: quantile(xs, 0.95) });

async function app(dataDir: string, projectDir: string, extra: Record<string, unknown> = {}): Promise<FastifyInstance> {
  const a = await buildApp(testConfig(dataDir, {
    plugins: { bolt: { enabled: true, projectDir, binary: FAKE_BOLT, ...extra }, ssh: { enabled: false } },
  } as never));
  await a.ready();
  return a;
}

async function timed(a: FastifyInstance, url: string, expect: number): Promise<number> {
  const s = performance.now();
  const res = await a.inject({ method: 'GET', url });
  const d = performance.now() - s;
  if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
  const body = res.json();
  if (body.sources?.[0]?.status !== 'ok') throw new Error(`${url}: bolt source ${JSON.stringify(body.sources)}`);
  if (body.items.length !== expect) throw new Error(`${url}: ${body.items.length} items, expected ${expect}`);
  return d;
}

async function main(): Promise<void> {
  const root = tempDir('capstan-bench-bolt-');
  const closers: (() => Promise<unknown>)[] = [];
  try {
    // ---- 1. inventory -------------------------------------------------------------------------------
    const inv = join(root, 'inv10k');
    mkdirSync(inv);
    // inventory.yaml: web-1..web-10000, target i in group g(i % 20), all local.
    writeFileSync(join(inv, 'inventory.yaml'), bigInventory(10_000, 20));
    const filtered = Array.from({ length: 10_000 }, (_, k) => k + 1).filter((i) => `web-${i}`.startsWith('web-1') && i % 20 === 3).length;
    const cold = await app(join(root, 'data-cold'), inv, { inventoryTtlSeconds: 0, inventoryStaleSeconds: 0 });
    closers.push(() => cold.close());
    const warm = await app(join(root, 'data-warm'), inv);
    closers.push(() => warm.close());
    const urls = [['page', '/api/v1/inventory?limit=100', 100], ['filtered', '/api/v1/inventory?name=web-1*&group=g3', filtered]] as const;

    const first = await timed(warm, urls[0][1], 100);
    console.log(`inventory: 10,000 targets in 20 groups; first read of a fresh server ${ms(first)}`);
    const direct: number[] = [];
    let docBytes = 0;
    for (let i = 0; i < Math.min(REPS, 5); i++) {
      const s = performance.now();
      const r = await execa(FAKE_BOLT, ['inventory', 'show', '--detail', '--targets', 'all', '--format', 'json', '--project', inv], { env: childEnv(), extendEnv: false });
      direct.push(performance.now() - s);
      docBytes = Buffer.byteLength(r.stdout);
    }
    // Bolt prints the whole inventory as ONE JSON line: the plugin reads it whole (plugins.bolt.maxDocumentBytes).
    console.log(`  bolt inventory show --detail alone (fake, from the shell): p50 ${ms(stats(direct).p50)}; one JSON line of ${(docBytes / 1048576).toFixed(1)} MiB`);
    console.log(`  ${'read'.padEnd(9)} ${'cold p50'.padStart(11)} ${'cold p95'.padStart(11)} ${'warm p50'.padStart(11)} ${'warm p95'.padStart(11)} ${'cold/warm (p50)'.padStart(16)}`);
    for (const [label, url, expect] of urls) {
      const c: number[] = [];
      const w: number[] = [];
      await timed(cold, url, expect); // one untimed each: JIT, schema compilation
      await timed(warm, url, expect);
      for (let i = 0; i < REPS; i++) {
        c.push(await timed(cold, url, expect));
        w.push(await timed(warm, url, expect));
      }
      const [cs, ws] = [stats(c), stats(w)];
      console.log(`  ${label.padEnd(9)} ${ms(cs.p50).padStart(11)} ${ms(cs.p95).padStart(11)} ${ms(ws.p50).padStart(11)} ${ms(ws.p95).padStart(11)} ${`${(cs.p50 / ws.p50).toFixed(1)}x`.padStart(16)}`);
    }
    console.log(`  (${REPS} repetitions each; filtered read returns ${filtered} nodes)`);
    await cold.close();
    await warm.close();
    closers.length = 0;

    // ---- 2. a run on RUN_TARGETS targets ------------------------------------------------------------
    const runProject = join(root, `run${RUN_TARGETS}`);
    mkdirSync(runProject);
    writeFileSync(join(runProject, 'inventory.yaml'), ['version: 2', 'config:', '  transport: local', 'targets:',
      ...Array.from({ length: RUN_TARGETS }, (_, i) => `  - t${i + 1}`), ''].join('\n'));
    const runApp = await app(join(root, 'data-run'), runProject);
    closers.push(() => runApp.close());

    const viaShell = async () => {
      const s = performance.now();
      // The environment the plugin gives bolt (allow-listed): a larger environment alone makes the fake's
      // 1,000 spawns measurably slower, which is not server overhead.
      const r = await execa(FAKE_BOLT, ['command', 'run', 'true', '--targets', 'all', '--format', 'json', '--project', runProject], { reject: false, env: childEnv(), extendEnv: false });
      const d = performance.now() - s;
      if (r.exitCode !== 0 || !r.stdout.includes(`"target_count": ${RUN_TARGETS},`)) throw new Error(`direct bolt failed (exit ${r.exitCode}): ${r.stdout.slice(-300)}`);
      return d;
    };
    const viaCapstan = async () => {
      const s = performance.now();
      const res = await runApp.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['all'], params: { command: 'true' }, timeoutSeconds: 600 } });
      if (res.statusCode !== 202) throw new Error(`POST answered ${res.statusCode}: ${res.body}`);
      const id = res.json().id;
      let body: any;
      do body = (await runApp.inject({ method: 'GET', url: `/api/v1/executions/${id}/wait?timeout=300` })).json();
      while (!TERMINAL.includes(body.status));
      const d = performance.now() - s;
      const ok = body.results.filter((r: any) => r.status === 'succeeded').length;
      if (body.status !== 'succeeded' || ok !== RUN_TARGETS) throw new Error(`execution ${id} ended ${body.status} with ${ok}/${RUN_TARGETS} succeeded`);
      return d;
    };
    await viaShell();
    await viaCapstan();
    const sh: number[] = [];
    const cap: number[] = [];
    for (let i = 0; i < RUN_REPS; i++) {
      sh.push(await viaShell());
      cap.push(await viaCapstan());
    }
    const [ss, cs] = [stats(sh), stats(cap)];
    console.log(`command.execute 'true' on ${RUN_TARGETS} targets (local transport), ${RUN_REPS} runs each, alternating:`);
    console.log(`  bolt command run true --targets all (shell): p50 ${ms(ss.p50)}  p95 ${ms(ss.p95)}`);
    console.log(`  Capstan POST -> /wait terminal:              p50 ${ms(cs.p50)}  p95 ${ms(cs.p95)}`);
    const paired = stats(cap.map((c, i) => c - sh[i])).p50;
    console.log(`  server overhead: ${ms(cs.p50 - ss.p50)} per run (difference of p50s), ${((cs.p50 - ss.p50) / RUN_TARGETS).toFixed(3)} ms per target`);
    console.log(`                   ${ms(paired)} per run (median of paired differences), ${(paired / RUN_TARGETS).toFixed(3)} ms per target`);
  } finally {
    for (const c of closers) await c().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
