/**
 * Execution engine benchmark (issue 4). Prints absolute figures and ratios against baselines measured in the
 * same run:
 *  1. admission: POST /api/v1/executions per second vs GET /health/live per second (HTTP floor);
 *  2. stdout line -> SSE client latency p50/p99 at 2,000 lines/s vs a bare Node SSE server writing the same lines;
 *  3. memory of 1,000 queued executions (heap and RSS growth);
 *  4. replay of 100,000 stored lines over SSE vs reading the same rows straight from SQLite;
 *  5. a paused SSE reader: server heap growth;
 *  6. partial line (text without a newline yet) -> SSE client latency p50/p99 through real child processes,
 *     vs whole lines printed by the same children (3 rounds; min/median/max of the rounds).
 *  7. admission at queue depth 0 / ~12,500 / ~25,000 queued (issue 14): accepted/s vs the /health/live floor,
 *     with a 10,000-node ssh inventory file and with the 10-node bench provider (3 rounds each);
 *  8. per-run overhead (submit -> terminal of `true` on localhost) with a 1-node vs a 10,000-node inventory;
 *  9. SSE fan-out: server CPU per delivered event, Capstan vs a bare Node http server that respects backpressure.
 * Usage: npx tsx scripts/bench/execution.ts [--only=7,8,9] [--kinds=ssh,bench,busy] (section 7's setups)
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { join } from 'node:path';
import { buildApp } from '../../src/app.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { tempDir, testConfig } from '../../test/helper.js';
import { connectSse } from '../../test/sse-client.js';
import { benchPlugin } from './bench-plugin.js';

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const fmt = (n: number, d = 2) => n.toFixed(d);

async function makeApp(execution: Record<string, number> = {}, overrides: Record<string, unknown> = {}, bench = true) {
  const config = testConfig(tempDir(), { execution: { maxQueued: 100_000, maxOutputBytes: 1 << 30, ...execution }, ...overrides } as never);
  const app = await buildApp(config, { extraPlugins: bench ? [benchPlugin(10)] : [] });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return { app, base: `http://127.0.0.1:${port}`, config };
}

async function rate(n: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  return n / ((performance.now() - t0) / 1000);
}

async function admission() {
  const { app } = await makeApp({ concurrency: 1 });
  const blocker = await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['bench-1'], params: { command: 'block' } } });
  const floor = await rate(2000, () => app.inject({ url: '/health/live' }));
  const posts = await rate(2000, (i) => app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: [`bench-${(i % 9) + 2}`], params: { command: 'lines:0:0' } } }));
  await app.inject({ method: 'POST', url: `/api/v1/executions/${blocker.json().id}/cancel`, payload: {} });
  await app.queue.onIdle();
  await app.close();
  console.log(`1. admission: ${fmt(posts, 0)} executions/s accepted (202, persisted, queued); HTTP floor GET /health/live ${fmt(floor, 0)} req/s; ratio floor/admission ${fmt(floor / posts)}x`);
}

async function latency() {
  const { app, base } = await makeApp();
  const lines = 10_000;
  const { id } = (await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['bench-1'], params: { command: `lines:${lines}:2000` } } })).json();
  const lat: number[] = [];
  const conn = await connectSse(`${base}/api/v1/executions/${id}/stream`, {}, (f) => {
    if (f.event !== 'stdout') return;
    const sent = Number(JSON.parse(f.data!).line.split(' ')[1]);
    lat.push(performance.timeOrigin + performance.now() - sent);
  });
  await conn.done;
  await app.close();
  // Baseline: a bare SSE server writing the same lines at the same rate (no store, no queue).
  const bare: number[] = [];
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let i = 0;
    const tick = setInterval(() => {
      for (let j = 0; j < 20 && i < lines; j++, i++) res.write(`id: ${i}\nevent: stdout\ndata: ${JSON.stringify({ line: `${i} ${performance.timeOrigin + performance.now()}` })}\n\n`);
      if (i >= lines) { clearInterval(tick); res.end(); }
    }, 10);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const bareConn = await connectSse(`http://127.0.0.1:${(server.address() as { port: number }).port}/`, {}, (f) => {
    if (f.event === 'stdout') bare.push(performance.timeOrigin + performance.now() - Number(JSON.parse(f.data!).line.split(' ')[1]));
  });
  await bareConn.done;
  server.close();
  console.log(`2. stdout -> SSE latency at 2,000 lines/s (${lat.length} lines): Capstan p50 ${fmt(pct(lat, 50))} ms, p99 ${fmt(pct(lat, 99))} ms; bare SSE server p50 ${fmt(pct(bare, 50))} ms, p99 ${fmt(pct(bare, 99))} ms; p99 ratio ${fmt(pct(lat, 99) / Math.max(0.01, pct(bare, 99)))}x`);
}

async function memory() {
  const { app } = await makeApp({ concurrency: 1 });
  const blocker = await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['bench-1'], params: { command: 'block' } } });
  for (let i = 0; i < 3; i++) global.gc?.();
  const before = process.memoryUsage();
  for (let i = 0; i < 1000; i++) {
    await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: [`bench-${(i % 10) + 1}`], params: { command: 'lines:0:0' } } });
  }
  for (let i = 0; i < 3; i++) global.gc?.();
  const after = process.memoryUsage();
  const q = app.queue.size;
  await app.inject({ method: 'POST', url: `/api/v1/executions/${blocker.json().id}/cancel`, payload: {} });
  await app.queue.onIdle();
  await app.close();
  console.log(`3. 1,000 queued executions (${q.queued} waiting): heap +${fmt((after.heapUsed - before.heapUsed) / 1048576)} MiB (${fmt((after.heapUsed - before.heapUsed) / 1000 / 1024)} KiB each), RSS +${fmt((after.rss - before.rss) / 1048576)} MiB${global.gc ? '' : ' (run with --expose-gc for steadier numbers)'}`);
}

async function replay() {
  const { app, base } = await makeApp();
  const n = 100_000;
  const { id } = (await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['bench-1'], params: { command: `lines:${n}:0` } } })).json();
  await app.inject({ url: `/api/v1/executions/${id}/wait?timeout=300` });
  const t0 = performance.now();
  let count = 0;
  const conn = await connectSse(`${base}/api/v1/executions/${id}/stream`, {}, (f) => { if (f.event === 'stdout') count++; });
  await conn.done;
  const sse = performance.now() - t0;
  const t1 = performance.now();
  let rows = 0;
  for (let after = 0; ;) {
    const page = app.store.readEvents(id, after, 500);
    if (!page.length) break;
    rows += page.length;
    after = page[page.length - 1].seq;
  }
  const direct = performance.now() - t1;
  await app.close();
  console.log(`4. replay of ${count.toLocaleString()} lines over SSE: ${fmt(sse, 0)} ms (${fmt(count / (sse / 1000), 0)} lines/s); reading the ${rows.toLocaleString()} rows from SQLite directly: ${fmt(direct, 0)} ms; ratio ${fmt(sse / direct)}x`);
}

/** A client that stops reading: the server must hold back (read the store lazily), not buffer the stream. */
async function slowClient() {
  const { app, base } = await makeApp();
  const n = 200_000;
  const { id } = (await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['bench-1'], params: { command: `lines:${n}:0` } } })).json();
  await app.inject({ url: `/api/v1/executions/${id}/wait?timeout=300` });
  for (let i = 0; i < 3; i++) global.gc?.();
  const before = process.memoryUsage().heapUsed;
  let received = 0;
  const req = http.get(`${base}/api/v1/executions/${id}/stream`, (res) => {
    res.once('data', (c: Buffer) => { received += c.length; res.pause(); });
  });
  // Give the server every chance to (wrongly) push the whole backlog into memory.
  await new Promise((r) => setTimeout(r, 3000));
  for (let i = 0; i < 3; i++) global.gc?.();
  const during = process.memoryUsage().heapUsed;
  req.destroy();
  await new Promise((r) => setTimeout(r, 200));
  await app.close();
  console.log(`5. slow client: a paused SSE reader of a ${n.toLocaleString()}-line run (~${fmt((n * 60) / 1048576, 0)} MiB as SSE) grows the server heap by ${fmt((during - before) / 1048576)} MiB in 3 s (${received} bytes read by the client before it paused)`);
}

/**
 * A child process that, once the bench opens its gate (a file), prints per sample: a whole line `W <run> <i> <t>`,
 * then text without a newline `P <run> <i> <t>`, waits past the partial flush delay, and ends that line. <t> is
 * the child's CLOCK_MONOTONIC (process.hrtime.bigint(), ns) read just before the write; the bench compares it
 * with its own process.hrtime.bigint() when the SSE frame is parsed (same clock, system-wide on Linux).
 */
const PARTIAL_CHILD = `
import { existsSync } from 'node:fs';
const [gate, run, runs, count, flushMs] = process.argv.slice(2).map((a, i) => (i ? Number(a) : a));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const period = 15 + flushMs + 50 + 10;
while (!existsSync(gate)) await sleep(5);
await sleep(Math.round((run * period) / runs)); // the runs print out of phase
for (let i = 0; i < count; i++) {
  process.stdout.write('W ' + run + ' ' + i + ' ' + process.hrtime.bigint() + '\\n');
  await sleep(15);
  process.stdout.write('P ' + run + ' ' + i + ' ' + process.hrtime.bigint());
  await sleep(flushMs + 50);
  process.stdout.write('\\n');
  await sleep(10);
}
`;

async function partialLatency() {
  const rounds = 3;
  const runs = 3;
  const perRun = 20;
  const dir = tempDir('capstan-bench-partial-');
  const inventoryFile = join(dir, 'inventory.yaml');
  writeFileSync(inventoryFile, ['version: 2', 'config:', '  transport: local', 'targets:', ...Array.from({ length: runs }, (_, r) => `  - partial-${r + 1}`), ''].join('\n'));
  const child = join(dir, 'child.mjs');
  writeFileSync(child, PARTIAL_CHILD);
  // Clock check: a child's process.hrtime.bigint() must fall between the bench's readings before and after.
  const before = process.hrtime.bigint();
  const seen = BigInt(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.hrtime.bigint()))'], { encoding: 'utf8' }));
  const after = process.hrtime.bigint();
  const clockOk = before <= seen && seen <= after;
  // The real child-process path: the embedded ssh plugin's local transport (sh -c, process runner, line splitter).
  const { app, base, config } = await makeApp({}, { plugins: { ssh: { inventoryFile } } }, false);
  const flushMs = config.execution.partialLineFlushMs;
  const ms = (sent: string) => Number(process.hrtime.bigint() - BigInt(sent)) / 1e6;
  type Round = { partial: number[]; whole: number[]; missed: number };
  const results: Round[] = [];
  for (let round = 0; round < rounds; round++) {
    const res: Round = { partial: [], whole: [], missed: 0 };
    const gate = join(dir, `gate-${round}`);
    const conns = [];
    for (let r = 0; r < runs; r++) {
      const command = `'${process.execPath}' '${child}' '${gate}' ${r} ${runs} ${perRun} ${flushMs}`;
      const created = await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: [`partial-${r + 1}`], params: { command } } });
      if (created.statusCode !== 202) throw new Error(`partial-line run not accepted: ${created.statusCode} ${created.body}`);
      conns.push(await connectSse(`${base}/api/v1/executions/${created.json().id}/stream`, {}, (f) => {
        if (f.event !== 'stdout') return;
        const d = JSON.parse(f.data!) as { line: string; partial?: boolean };
        const [kind, , , sent] = d.line.split(' ');
        if (kind === 'W' && !d.partial) res.whole.push(ms(sent));
        else if (kind === 'P' && d.partial) res.partial.push(ms(sent));
        else if (kind === 'P') res.missed++; // arrived only with its newline: no partial piece was sent
      }));
    }
    // Every client is connected before any child prints: no sample is a replay of stored events.
    writeFileSync(gate, '');
    await Promise.all(conns.map((c) => c.done));
    if (res.partial.length + res.missed !== runs * perRun || res.whole.length !== runs * perRun) {
      throw new Error(`round ${round + 1}: expected ${runs * perRun} samples of each kind, got ${res.partial.length} partial (+${res.missed} missed), ${res.whole.length} whole`);
    }
    results.push(res);
  }
  await app.close();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const across = (f: (r: Round) => number, d = 2, unit = ' ms') => {
    const xs = results.map(f).sort((a, b) => a - b);
    return `${fmt(xs[0], d)} / ${fmt(median(xs), d)} / ${fmt(xs[xs.length - 1], d)}${unit}`;
  };
  const min = (xs: number[]) => Math.min(...xs);
  const max = (xs: number[]) => Math.max(...xs);
  console.log(`6. partial line -> SSE latency (execution.partialLineFlushMs ${flushMs} ms; ${rounds} rounds of ${runs} concurrent runs x ${perRun} prints = ${runs * perRun} samples of each kind per round; `
    + `real children over the ssh plugin's local transport; print time = the child's process.hrtime.bigint() (CLOCK_MONOTONIC) just before its write, `
    + `receive time = the bench's process.hrtime.bigint() when the SSE frame is parsed; clock check ${clockOk ? 'passed' : 'FAILED'}; with ${runs * perRun} samples the p99 is the largest one). `
    + `Figures are min / median / max over the rounds:`);
  console.log(`   partial (text without newline -> partial event): p50 ${across((r) => pct(r.partial, 50))}, p99 ${across((r) => pct(r.partial, 99))}, min ${across((r) => min(r.partial))}, max ${across((r) => max(r.partial))}`);
  console.log(`   baseline whole line (same children, same run):   p50 ${across((r) => pct(r.whole, 50))}, p99 ${across((r) => pct(r.whole, 99))}, min ${across((r) => min(r.whole))}, max ${across((r) => max(r.whole))}`);
  console.log(`   ratio partial/whole: p50 ${across((r) => pct(r.partial, 50) / pct(r.whole, 50), 1, 'x')}, p99 ${across((r) => pct(r.partial, 99) / pct(r.whole, 99), 1, 'x')}; `
    + `partial minus whole at p50 ${across((r) => pct(r.partial, 50) - pct(r.whole, 50))} (expected about the flush delay, ${flushMs} ms); `
    + `partial prints delivered only with their newline: ${results.map((r) => r.missed).join(' / ')}`);
}

const median3 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** `min / median / max` of the rounds. */
const mmm = (xs: number[], d = 0, unit = '') => {
  const s = [...xs].sort((a, b) => a - b);
  return `${fmt(s[0], d)} / ${fmt(median3(s), d)} / ${fmt(s[s.length - 1], d)}${unit}`;
};

/** An ssh plugin inventory of `n` nodes (group `fleet`, ssh transport: never connected to while queued) plus a local `localhost`. */
function bigInventory(dir: string, n: number): string {
  const file = join(dir, `inventory-${n}.yaml`);
  const lines = ['version: 2', 'targets:', '  - name: localhost', '    config:', '      transport: local'];
  if (n > 0) lines.push('groups:', '  - name: fleet', '    config:', '      transport: ssh', '    targets:', ...Array.from({ length: n }, (_, i) => `      - node-${i}`));
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/**
 * Writes `depth` queued executions (after one blocker) straight into a new store, so that the server's restart
 * recovery re-queues them: filling 25,000 through HTTP would take minutes with a 10,000-node inventory.
 */
function prefill(dir: string, depth: number, blocker: { node: string; command: string }, queued: (i: number) => { node: string; command: string }) {
  const store = new SqliteStore(join(dir, 'capstan.db'));
  const row = (node: string, command: string) => ({
    id: randomUUID(), capability: 'command.execute', status: 'queued' as const, targets: [node], nodes: [node], params: { command },
    provider: null, timeoutSeconds: 3600, createdAt: new Date().toISOString(), startedAt: null, finishedAt: null, reason: null,
    idempotencyKey: null, requestHash: null, principal: 'anonymous', correlationId: 'bench',
  });
  store.db.transaction(() => {
    store.createExecution(row(blocker.node, blocker.command));
    for (let i = 0; i < depth; i++) { const q = queued(i); store.createExecution(row(q.node, q.command)); }
  })();
  store.close();
}

/** Requests per second (wall clock) and CPU microseconds per request (user+system of this process: steadier on a busy machine). */
async function rateCpu(n: number, fn: (i: number) => Promise<unknown>): Promise<{ perSec: number; cpuUs: number }> {
  const cpu0 = process.cpuUsage();
  const perSec = await rate(n, fn);
  const cpu = process.cpuUsage(cpu0);
  return { perSec, cpuUs: (cpu.user + cpu.system) / n };
}

async function admissionAtDepth() {
  const depths = [0, 12_500, 25_000];
  const rounds = 3;
  const kinds = [
    { key: 'ssh', label: '10,000-node ssh inventory, concurrency 1 (runs wait for the global cap)', posts: 300, concurrency: 1, node: (i: number) => `node-${i % 10_000}`, blocker: { node: 'localhost', command: 'sleep 3600' }, cmd: 'true', ssh: true },
    { key: 'bench', label: '10-node bench provider, concurrency 1 (runs wait for the global cap)', posts: 2000, concurrency: 1, node: (i: number) => `bench-${(i % 9) + 2}`, blocker: { node: 'bench-1', command: 'block' }, cmd: 'lines:0:0', ssh: false },
    // Free global slots, every waiting run blocked on one busy node (reason node_busy): the case where walking
    // the waiting list on each submit costs the most.
    { key: 'busy', label: '10-node bench provider, concurrency 8, every run waiting on one busy node (node_busy)', posts: 2000, concurrency: 8, node: () => 'bench-1', blocker: { node: 'bench-1', command: 'block' }, cmd: 'lines:0:0', ssh: false },
  ];
  const only = process.argv.find((a) => a.startsWith('--kinds='))?.slice(8).split(',');
  for (const k of kinds.filter((x) => !only || only.includes(x.key))) {
    const res = new Map<number, { rate: number[]; floor: number[]; cpu: number[]; floorCpu: number[] }>();
    for (let round = 0; round < rounds; round++) {
      for (const depth of depths) {
        const dir = tempDir('capstan-bench-depth-');
        const overrides = k.ssh ? { plugins: { ssh: { inventoryFile: bigInventory(dir, 10_000) } } } : {};
        prefill(dir, depth, k.blocker, (i) => ({ node: k.node(i), command: k.cmd }));
        const config = testConfig(dir, { execution: { maxQueued: 100_000, concurrency: k.concurrency }, logLevel: 'warn', ...overrides } as never);
        const app = await buildApp(config, { extraPlugins: k.ssh ? [] : [benchPlugin(10)] });
        await app.ready();
        const before = app.queue.size;
        if (before.running !== 1 || before.queued !== depth) throw new Error(`depth ${depth}: expected 1 running and ${depth} queued, got ${JSON.stringify(before)}`);
        const floor = await rateCpu(2000, () => app.inject({ url: '/health/live' }));
        const posts = await rateCpu(k.posts, async (i) => {
          const r = await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: [k.node(i)], params: { command: k.cmd } } });
          if (r.statusCode !== 202 || r.json().queue?.position !== depth + i + 1) throw new Error(`unexpected answer at depth ${depth + i}: ${r.statusCode} ${r.body.slice(0, 300)}`);
        });
        if (app.queue.size.queued !== depth + k.posts) throw new Error(`depth ${depth}: ${app.queue.size.queued} queued after the POSTs`);
        const e = res.get(depth) ?? { rate: [], floor: [], cpu: [], floorCpu: [] };
        e.rate.push(posts.perSec); e.floor.push(floor.perSec); e.cpu.push(posts.cpuUs); e.floorCpu.push(floor.cpuUs);
        res.set(depth, e);
        await app.close();
      }
    }
    console.log(`7. admission vs queue depth, ${k.label}; one blocking run, ${k.posts} POSTs per measure, every answer's queue.position checked; min / median / max of ${rounds} rounds:`);
    for (const depth of depths) {
      const e = res.get(depth)!;
      const ratios = e.rate.map((r, i) => e.floor[i] / r);
      const cpuRatios = e.cpu.map((c, i) => c / e.floorCpu[i]);
      console.log(`   depth ${depth.toLocaleString().padStart(6)}: ${mmm(e.rate)} accepted/s; floor /health/live ${mmm(e.floor)} req/s; floor/admission ${mmm(ratios, 1, 'x')}; `
        + `CPU per accepted POST ${mmm(e.cpu, 0, ' µs')} vs ${mmm(e.floorCpu, 0, ' µs')} per GET /health/live (${mmm(cpuRatios, 1, 'x')})`);
    }
    const last = depths[depths.length - 1];
    const m0 = median3(res.get(depths[0])!.rate);
    const mN = median3(res.get(last)!.rate);
    const c0 = median3(res.get(depths[0])!.cpu);
    const cN = median3(res.get(last)!.cpu);
    console.log(`   at ${last.toLocaleString()} queued vs empty queue (medians): accepted/s ${fmt((mN / m0) * 100, 0)} %, CPU per accepted POST ${fmt((cN / c0) * 100, 0)} % (goal: flat within 20 %)`);
  }
}

async function perRunOverhead() {
  const rounds = 3;
  const runs = 40;
  const sizes = [0, 10_000];
  const perRun = new Map<number, number[]>(sizes.map((n) => [n, []]));
  // Absolute floor: what the same child costs without Capstan (sh -c true through execa).
  const { execa } = await import('execa');
  const bare: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) await execa('sh', ['-c', 'true']);
    bare.push((performance.now() - t0) / runs);
    for (const n of sizes) {
      const dir = tempDir('capstan-bench-overhead-');
      const config = testConfig(dir, { logLevel: 'warn', plugins: { ssh: { inventoryFile: bigInventory(dir, n) } } } as never);
      const app = await buildApp(config);
      await app.ready();
      const one = async () => {
        const r = await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['localhost'], params: { command: 'true' } } });
        const w = await app.inject({ url: `/api/v1/executions/${r.json().id}/wait?timeout=60` });
        if (w.json().status !== 'succeeded') throw new Error(`run did not succeed: ${w.body.slice(0, 300)}`);
      };
      await one(); // warm-up
      const t0 = performance.now();
      for (let i = 0; i < runs; i++) await one();
      perRun.get(n)!.push((performance.now() - t0) / runs);
      await app.close();
    }
  }
  const ratios = perRun.get(10_000)!.map((v, i) => v / perRun.get(0)![i]);
  console.log(`8. per-run overhead: submit -> succeeded of \`true\` on localhost (ssh plugin, local transport), ${runs} sequential runs per round, min / median / max of ${rounds} rounds:`);
  console.log(`   1-node inventory ${mmm(perRun.get(0)!, 2, ' ms')}; 10,000-node inventory ${mmm(perRun.get(10_000)!, 2, ' ms')}; ratio ${mmm(ratios, 2, 'x')} (goal <= 1.5x); `
    + `bare \`sh -c true\` through execa ${mmm(bare, 2, ' ms')}`);
}

/** Client side of the fan-out measure, in its own process so the bench process CPU is the server's alone. */
const FANOUT_CLIENT = `
import http from 'node:http';
const [url, clients] = [process.argv[2], Number(process.argv[3])];
const PATTERN = '\\nevent: stdout\\n';
let events = 0, done = 0;
for (let c = 0; c < clients; c++) {
  http.get(url, { agent: false }, (res) => {
    let tail = '';
    res.setEncoding('utf8');
    // The tail kept is one character shorter than the pattern: a frame split across chunks counts once.
    res.on('data', (s) => { const t = tail + s; events += t.split(PATTERN).length - 1; tail = t.slice(-(PATTERN.length - 1)); });
    res.on('end', () => { if (++done === clients) { process.stdout.write(String(events)); process.exit(0); } });
  }).on('error', (e) => { console.error(e); process.exit(1); });
}
process.stdout.write('');
process.send?.('connected');
`;

async function fanOutCpu() {
  const rounds = 3;
  const clients = 50;
  const lines = 4000;
  const dir = tempDir('capstan-bench-fanout-');
  const clientFile = join(dir, 'client.mjs');
  writeFileSync(clientFile, FANOUT_CLIENT);
  const { execa } = await import('execa');
  const capstan: number[] = [];
  const bareCpu: number[] = [];
  let delivered = [0, 0];
  for (let round = 0; round < rounds; round++) {
    {
      const { app, base } = await makeApp({ concurrency: 1 }, { logLevel: 'warn' });
      const blocker = (await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['bench-1'], params: { command: 'block' } } })).json();
      const { id } = (await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['bench-2'], params: { command: `lines:${lines}:20000` } } })).json();
      const child = execa(process.execPath, [clientFile, `${base}/api/v1/executions/${id}/stream`, String(clients)], { reject: false });
      while (app.hub.activeSubscribers < clients) await new Promise((r) => setTimeout(r, 20));
      const cpu0 = process.cpuUsage();
      await app.inject({ method: 'POST', url: `/api/v1/executions/${blocker.id}/cancel`, payload: {} });
      const out = await child;
      const cpu = process.cpuUsage(cpu0);
      const got = Number(out.stdout);
      if (got !== lines * clients) throw new Error(`fan-out: ${got} events delivered, expected ${lines * clients}: ${out.stderr}`);
      capstan.push((cpu.user + cpu.system) / got);
      delivered[0] = got;
      await app.close();
    }
    {
      // Bare Node: the same number of events at the same rate to the same number of clients; a client whose
      // socket is full (write() false) is skipped until 'drain' and then gets what it missed.
      const subs: { res: http.ServerResponse; sent: number; waiting: boolean }[] = [];
      const frames: string[] = [];
      const server = http.createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        subs.push({ res, sent: 0, waiting: false });
      });
      const flush = (s: (typeof subs)[number]) => {
        while (s.sent < frames.length && !s.waiting) {
          const ok = s.res.write(frames[s.sent++]);
          if (!ok) { s.waiting = true; s.res.once('drain', () => { s.waiting = false; flush(s); }); }
        }
        if (s.sent === lines && !s.waiting) s.res.end();
      };
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
      const child = execa(process.execPath, [clientFile, url, String(clients)], { reject: false });
      while (subs.length < clients) await new Promise((r) => setTimeout(r, 20));
      const cpu0 = process.cpuUsage();
      const perTick = 200; // 20,000 lines/s in 10 ms ticks, as the bench provider emits
      await new Promise<void>((resolve) => {
        const tick = setInterval(() => {
          for (let j = 0; j < perTick && frames.length < lines; j++) {
            const i = frames.length;
            frames.push(`id: ${i + 1}\nevent: stdout\ndata: ${JSON.stringify({ target: 'bench-2', line: `${i} ${performance.timeOrigin + performance.now()}` })}\n\n`);
          }
          for (const s of subs) flush(s);
          if (frames.length >= lines) { clearInterval(tick); resolve(); }
        }, 10);
      });
      const out = await child;
      const cpu = process.cpuUsage(cpu0);
      const got = Number(out.stdout);
      if (got !== lines * clients) throw new Error(`bare fan-out: ${got} events delivered, expected ${lines * clients}: ${out.stderr}`);
      bareCpu.push((cpu.user + cpu.system) / got);
      delivered[1] = got;
      server.close();
    }
  }
  const ratios = capstan.map((c, i) => c / bareCpu[i]);
  console.log(`9. SSE fan-out: one run printing ${lines.toLocaleString()} lines at 20,000 lines/s to ${clients} SSE clients (clients in a separate process; server CPU = user+system of the bench process from start to the last event; min / median / max of ${rounds} rounds):`);
  console.log(`   Capstan ${mmm(capstan, 2, ' µs')} CPU per delivered event (${delivered[0].toLocaleString()} events per round, includes producing and storing the run's lines); `
    + `bare Node http fan-out with backpressure ${mmm(bareCpu, 2, ' µs')}; ratio ${mmm(ratios, 2, 'x')} (goal <= 2x)`);
}

const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const want = (n: number) => !only || only.includes(String(n));

console.log(`Capstan execution benchmark — node ${process.version}, ${new Date().toISOString()}`);
// Memory first, in a clean heap, so garbage of the other scenarios does not blur it.
if (want(3)) await memory();
if (want(1)) await admission();
if (want(2)) await latency();
if (want(4)) await replay();
if (want(5)) await slowClient();
if (want(6)) await partialLatency();
if (want(7)) await admissionAtDepth();
if (want(8)) await perRunOverhead();
if (want(9)) await fanOutCpu();
