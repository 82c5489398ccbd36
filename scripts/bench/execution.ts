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
 * Usage: npx tsx scripts/bench/execution.ts
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { buildApp } from '../../src/app.js';
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

console.log(`Capstan execution benchmark — node ${process.version}, ${new Date().toISOString()}`);
// Memory first, in a clean heap, so garbage of the other scenarios does not blur it.
await memory();
await admission();
await latency();
await replay();
await slowClient();
await partialLatency();
