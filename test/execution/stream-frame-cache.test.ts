/**
 * The SSE frame cache of StreamHub (readers of one execution share the serialized frames): readers starting
 * anywhere (from the start, mid-way, at the tail, past a trimmed cache) get exactly the stored events in order,
 * live ones included, and the cache goes with the last reader.
 */
import { join } from 'node:path';
import t from 'tap';
import { StreamHub } from '../../src/execution/streaming.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { tempDir } from '../helper.js';

/** The seqs and lines in SSE text. */
function parse(text: string): { seq: number; event: string; line?: string }[] {
  return text.split('\n\n').filter((b) => b.startsWith('id: ')).map((b) => {
    const [id, event, data] = b.split('\n');
    return { seq: Number(id.slice(4)), event: event.slice(7), line: JSON.parse(data.slice(6)).line };
  });
}

t.test('readers anywhere get exactly the stored events; the cache goes with the last reader', { timeout: 30_000 }, async (t) => {
  const store = new SqliteStore(join(tempDir(), 'capstan.db'));
  t.teardown(() => store.close());
  const { row } = store.createExecution({
    id: 'e1', capability: 'command.execute', status: 'running', targets: ['localhost'], nodes: ['localhost'], params: {},
    provider: 'ssh', timeoutSeconds: 60, createdAt: new Date().toISOString(), startedAt: null, finishedAt: null, reason: null,
    idempotencyKey: null, requestHash: null, principal: 'test', correlationId: 'c1',
  });
  const append = (n: number) => {
    for (let i = 0; i < n; i++) store.appendEvent(row.id, 'stdout', { target: 'localhost', line: `line ${store.lastSeq(row.id) + 1}` });
  };
  append(3000); // more than the cache keeps (2,000) and than a page (500)
  const hub = new StreamHub(store, 60_000); // no test may wait for a heartbeat
  const read = async (after: number, until: number, signal: AbortSignal) => {
    const got: { seq: number; event: string; line?: string }[] = [];
    for await (const text of hub.pages(row.id, after, signal)) {
      got.push(...parse(text));
      if (got.length && got[got.length - 1].seq >= until) break;
    }
    return got;
  };
  const closed = new AbortController();
  const seqs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
  for (const after of [0, 1200, 2999, 499, 2500, 0]) {
    const got = await read(after, 3000, closed.signal);
    t.same(got.map((e) => e.seq), seqs(after + 1, 3000), `from ${after}: every event once, in order`);
    t.ok(got.every((e) => e.line === `line ${e.seq}`), `from ${after}: each frame is its own event`);
  }
  t.equal((hub as unknown as { cache: Map<string, unknown> }).cache.size, 0, 'no reader: no cache');

  // Two live readers at different places; new events reach both, also those stored while a reader was parked at
  // its yield (its notify found no waiter): it must read them at once, not after a heartbeat interval.
  const a = hub.pages(row.id, 2990, closed.signal);
  const b = hub.pages(row.id, 100, closed.signal);
  t.same(parse((await a.next()).value as string).map((e) => e.seq), seqs(2991, 3000));
  t.same(parse((await b.next()).value as string).map((e) => e.seq), seqs(101, 600));
  append(2);
  store.appendEvent(row.id, 'complete', { status: 'succeeded' });
  hub.notify(row.id);
  const tailA = parse((await a.next()).value as string);
  t.same(tailA.map((e) => [e.seq, e.event]), [[3001, 'stdout'], [3002, 'stdout'], [3003, 'complete']], 'live events, then complete');
  t.equal((await a.next()).done, true, 'a ends after complete');
  const restB: number[] = [];
  for await (const text of b) restB.push(...parse(text).map((e) => e.seq));
  t.same(restB, seqs(601, 3003), 'b reads on to complete');
  t.equal((hub as unknown as { cache: Map<string, unknown> }).cache.size, 0, 'both gone: no cache');
  t.equal(hub.activeSubscribers, 0);
});
