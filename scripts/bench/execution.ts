/**
 * Execution engine benchmark (issue 4). Prints absolute figures and ratios against baselines measured in the
 * same run:
 *  1. admission: POST /api/v1/executions per second vs GET /health/live per second (HTTP floor);
 *  2. stdout line -> SSE client latency p50/p99 at 2,000 lines/s vs a bare Node SSE server writing the same lines;
 *  3. memory of 1,000 queued executions (heap and RSS growth);
 *  4. replay of 100,000 stored lines over SSE vs reading the same rows straight from SQLite.
 * Usage: npx tsx scripts/bench/execution.ts
 */
import http from 'node:http';
import { buildApp } from '../../src/app.js';
import { tempDir, testConfig } from '../../test/helper.js';
import { connectSse } from '../../test/sse-client.js';
import { benchPlugin } from './bench-plugin.js';

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const fmt = (n: number, d = 2) => n.toFixed(d);

async function makeApp(execution: Record<string, number> = {}) {
  const app = await buildApp(testConfig(tempDir(), { execution: { maxQueued: 100_000, maxOutputBytes: 1 << 30, ...execution } } as never), { extraPlugins: [benchPlugin(10)] });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return { app, base: `http://127.0.0.1:${port}` };
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

console.log(`Capstan execution benchmark — node ${process.version}, ${new Date().toISOString()}`);
// Memory first, in a clean heap, so garbage of the other scenarios does not blur it.
await memory();
await admission();
await latency();
await replay();
await slowClient();
