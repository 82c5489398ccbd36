/**
 * ExecutionQueue at depth (issue 14): the indexed queue (fresh FIFO, per-node parked heaps, frontier heap,
 * Fenwick ranks) must admit in exactly the order, and report exactly the positions and reasons, of the plain
 * "walk the whole waiting list" algorithm it replaced. A reference model of that algorithm is kept here and
 * both are driven by the same random operations; then the API is checked with thousands of queued runs.
 */
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { ExecutionQueue, type QueueItem, type QueuePosition } from '../../src/execution/queue.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { buildTestApp, tempDir, waitForExecution } from '../helper.js';

/** The previous algorithm, synchronous: an array walked from its start on every change. */
class ReferenceQueue {
  waiting: { id: string; nodes: string[]; mutating: boolean }[] = [];
  running = new Map<string, { id: string; nodes: string[]; mutating: boolean }>();
  load = new Map<string, number>();
  started: string[] = [];
  paused = false;
  constructor(readonly concurrency: number, readonly perNode: number) {}
  busy(i: { nodes: string[]; mutating: boolean }) {
    return i.mutating ? i.nodes.filter((n) => (this.load.get(n) ?? 0) >= this.perNode) : [];
  }
  enqueue(i: { id: string; nodes: string[]; mutating: boolean }) { this.waiting.push(i); this.pump(); }
  remove(id: string) {
    const k = this.waiting.findIndex((w) => w.id === id);
    if (k < 0) return false;
    this.waiting.splice(k, 1);
    this.pump();
    return true;
  }
  finish(id: string) {
    const i = this.running.get(id)!;
    this.running.delete(id);
    if (i.mutating) for (const n of i.nodes) this.load.set(n, (this.load.get(n) ?? 1) - 1);
    this.pump();
  }
  pump() {
    for (let k = 0; !this.paused && k < this.waiting.length && this.running.size < this.concurrency;) {
      const i = this.waiting[k];
      if (this.busy(i).length) { k++; continue; }
      this.waiting.splice(k, 1);
      this.running.set(i.id, i);
      this.started.push(i.id);
      if (i.mutating) for (const n of i.nodes) this.load.set(n, (this.load.get(n) ?? 0) + 1);
    }
  }
  position(id: string): QueuePosition | undefined {
    const k = this.waiting.findIndex((w) => w.id === id);
    if (k < 0) return undefined;
    const busy = this.busy(this.waiting[k]);
    if (this.running.size >= this.concurrency || busy.length === 0) return { position: k + 1, reason: 'global_cap' };
    return { position: k + 1, reason: 'node_busy', waitingFor: busy };
  }
}

const settle = () => new Promise((r) => setImmediate(r));

/** Drives both queues with the same seeded random operations and compares them after each. */
async function differential(t: Test, seed: number, opts: { concurrency: number; perNode: number; nodes: number; ops: number; maxNodesPerRun: number }) {
  let s = seed;
  const rnd = (n: number) => { s = (s * 1103515245 + 12345) % 2147483648; return Math.floor((s / 2147483648) * n); };
  const q = new ExecutionQueue({ concurrency: opts.concurrency, perNodeConcurrency: opts.perNode, maxQueued: 1_000_000 });
  const ref = new ReferenceQueue(opts.concurrency, opts.perNode);
  const finishers = new Map<string, () => void>();
  const started: string[] = [];
  /** Ends a running run in both queues; both ends are awaited: p-queue calls run() and the queue's finally in later ticks. */
  const finish = async (id: string) => {
    while (!finishers.has(id)) await settle();
    finishers.get(id)!();
    finishers.delete(id);
    ref.finish(id);
    await settle();
    await settle();
  };
  let next = 0;
  for (let op = 0; op < opts.ops; op++) {
    const r = rnd(100);
    const waitingIds = ref.waiting.map((w) => w.id);
    const runningIds = [...ref.running.keys()];
    if (r < 55 || (!waitingIds.length && !runningIds.length)) {
      const id = `r${next++}`;
      const count = 1 + rnd(opts.maxNodesPerRun);
      const nodes = [...new Set(Array.from({ length: count }, () => `n${rnd(opts.nodes)}`))];
      const mutating = rnd(5) !== 0;
      const item: QueueItem = { id, nodes, mutating, run: () => new Promise<void>((res) => { started.push(id); finishers.set(id, res); }) };
      q.enqueue(item);
      ref.enqueue({ id, nodes, mutating });
    } else if (r < 75 && waitingIds.length) {
      const id = waitingIds[rnd(waitingIds.length)];
      t.equal(q.remove(id), ref.remove(id));
    } else if (runningIds.length) {
      await finish(runningIds[rnd(runningIds.length)]);
    }
    const snap = q.snapshot();
    const want = ref.waiting.map((w) => ({ id: w.id, nodes: w.nodes, ...ref.position(w.id)! }));
    if (JSON.stringify(snap.queued) !== JSON.stringify(want) || JSON.stringify(snap.running.map((x) => x.id).sort()) !== JSON.stringify([...ref.running.keys()].sort())) {
      const brief = (xs: { id: string; position: number; reason: string; waitingFor?: string[] }[]) => xs.slice(0, 12).map((x) => `${x.id}@${x.position}:${x.reason}${x.waitingFor ? `(${x.waitingFor})` : ''}`).join(' ');
      t.fail(`seed ${seed}: diverged at op ${op}`, { found: `${snap.running.map((x) => x.id)} | ${brief(snap.queued)}`, wanted: `${[...ref.running.keys()]} | ${brief(want)}` });
      return;
    }
  }
  t.same(q.size, { running: ref.running.size, queued: ref.waiting.length });
  // Drain everything: both must start the same runs in the same order.
  ref.paused = false;
  while (ref.running.size) {
    await finish([...ref.running.keys()][0]);
  }
  await q.onIdle();
  while (started.length < ref.started.length) await settle();
  t.same(started, ref.started, `seed ${seed}: same start order as the list walk`);
}

t.test('same admissions, positions and reasons as walking the whole list (random operations)', async (t) => {
  const shapes = [
    { concurrency: 1, perNode: 1, nodes: 3, ops: 1500, maxNodesPerRun: 2 },
    { concurrency: 4, perNode: 1, nodes: 6, ops: 3000, maxNodesPerRun: 3 },
    { concurrency: 8, perNode: 2, nodes: 10, ops: 3000, maxNodesPerRun: 4 },
    { concurrency: 3, perNode: 1, nodes: 40, ops: 3000, maxNodesPerRun: 6 },
  ];
  for (const [i, shape] of shapes.entries()) {
    for (const seed of [1, 7, 42]) await differential(t, seed * 1000 + i, shape);
  }
});

t.test('positions stay exact across renumbering (more than 1,024 admissions) and cancels from the middle', async (t) => {
  const q = new ExecutionQueue({ concurrency: 1, perNodeConcurrency: 1, maxQueued: 100_000 });
  let release!: () => void;
  q.enqueue({ id: 'blocker', nodes: ['a'], mutating: true, run: () => new Promise<void>((r) => (release = r)) });
  const ids: string[] = [];
  for (let i = 0; i < 5000; i++) {
    const id = `w${i}`;
    ids.push(id);
    q.enqueue({ id, nodes: [`n${i % 7}`], mutating: true, run: async () => {} });
    if (q.position(id)?.position !== ids.length) t.fail(`run ${i}: position ${q.position(id)?.position}, expected ${ids.length}`);
    if (i % 3 === 0 && i > 10) { const gone = ids.splice(Math.floor(ids.length / 2), 1)[0]; t.ok(q.remove(gone)); }
  }
  const bad = ids.filter((id, k) => q.position(id)?.position !== k + 1);
  t.same(bad, [], 'every waiting run knows its place');
  t.same(q.snapshot().queued.map((x) => x.id), ids, 'the queue lists them in admission order');
  t.equal(q.size.queued, ids.length);
  release();
  await q.onIdle();
  t.same(q.size, { running: 0, queued: 0 });
});

t.test('API: 2,000 queued runs report exact positions; a cancel from the middle moves the later ones up', async (t) => {
  const app = await buildTestApp(t, { execution: { concurrency: 1, maxQueued: 5000 } });
  const post = (command: string) => app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['localhost'], params: { command } } });
  const blocker = (await post('sleep 60')).json();
  const ids: string[] = [];
  for (let i = 0; i < 2000; i++) {
    const r = (await post('true')).json();
    if (r.queue?.position !== i + 1) { t.fail(`run ${i} answered position ${JSON.stringify(r.queue)}`); break; }
    ids.push(r.id);
  }
  t.equal(ids.length, 2000, 'each 202 carried position = number queued before it + 1');
  const middle = ids[999];
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/executions/${middle}/cancel`, payload: {} })).json().status, 'canceled');
  const view = async (id: string) => (await app.inject({ url: `/api/v1/executions/${id}` })).json();
  t.same((await view(ids[998])).queue, { position: 999, reason: 'global_cap' }, 'before the canceled one: unchanged');
  t.same((await view(ids[1000])).queue, { position: 1000, reason: 'global_cap' }, 'after it: one place up');
  t.same((await view(ids[1999])).queue, { position: 1999, reason: 'global_cap' });
  const rest = ids.filter((id) => id !== middle);
  const q = (await app.inject({ url: '/api/v1/queue' })).json();
  t.same(q.queued.map((r: any) => r.id), rest, 'GET /queue lists them in order');
  t.same(q.queued.map((r: any) => r.position), rest.map((_, k) => k + 1));
  // Only the blocker ever ran: cancel it and the queue drains in order (checked on the first few).
  app.queue.pause();
  await app.inject({ method: 'POST', url: `/api/v1/executions/${blocker.id}/cancel`, payload: {} });
  t.equal((await waitForExecution(app, blocker.id)).status, 'canceled');
});

t.test('restart: 3,000 queued runs are re-queued in admission order with exact positions, twice', async (t) => {
  const dataDir = tempDir();
  const store = new SqliteStore(join(dataDir, 'capstan.db'));
  const row = (id: string, command: string) => ({
    id, capability: 'command.execute', status: 'queued' as const, targets: ['localhost'], nodes: ['localhost'], params: { command },
    provider: null, timeoutSeconds: 60, createdAt: new Date().toISOString(), startedAt: null, finishedAt: null, reason: null,
    idempotencyKey: null, requestHash: null, principal: 'test', correlationId: 'test',
  });
  const ids: string[] = [];
  store.db.transaction(() => {
    store.createExecution(row('blocker', 'sleep 60'));
    for (let i = 0; i < 3000; i++) { const id = `q-${String(i).padStart(4, '0')}-${(i * 7919) % 3001}`; ids.push(id); store.createExecution(row(id, 'sleep 60')); }
  })();
  store.close();
  const check = async (t: Test, running: string, expected: string[]) => {
    const app = await buildTestApp(t, { dataDir, execution: { concurrency: 1, maxQueued: 10 } });
    const q = (await app.inject({ url: '/api/v1/queue' })).json();
    t.same(q.running.map((r: any) => r.id), [running], 'the first one waiting runs');
    t.same(q.queued.map((r: any) => r.id), expected, 're-queued in admission order (past maxQueued: restart forces them in)');
    t.same(q.queued.map((r: any) => r.position), expected.map((_, k) => k + 1));
    t.same((await app.inject({ url: `/api/v1/executions/${expected[1500]}` })).json().queue, { position: 1501, reason: 'global_cap' });
    t.equal((await app.inject({ method: 'POST', url: `/api/v1/executions/${expected[10]}/cancel`, payload: {} })).json().status, 'canceled');
    await app.close();
    return expected.filter((_, k) => k !== 10);
  };
  let expected = ids;
  // The first start runs the blocker; the shutdown interrupts it and leaves the rest queued. The second start
  // runs the first of them, and so on.
  await t.test('first start', async (t) => { expected = await check(t, 'blocker', expected); });
  await t.test('second start', async (t) => { await check(t, expected[0], expected.slice(1)); });
});
