/**
 * SSE streams on a real listening server: replay + live tail, resume with Last-Event-ID across forced
 * disconnects without losing a line (checksum of 10,000 lines), heartbeats, disconnect never stops a run.
 */
import { createHash } from 'node:crypto';
import t from 'tap';
import { buildTestApp, waitForExecution } from '../helper.js';
import { connectSse, type SseFrame } from '../sse-client.js';

async function listen(app: any): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address();
  return `http://127.0.0.1:${port}`;
}

const sha = (lines: string[]) => createHash('sha256').update(lines.join('\n')).digest('hex');

t.test('10,000 lines survive forced disconnects: resume with Last-Event-ID, no loss, no duplicate', async (t) => {
  const app = await buildTestApp(t);
  const base = await listen(app);
  // Paced output so the stream is live while we cut it: 10 batches of 1,000 lines.
  const command = 'i=0; while [ $i -lt 10 ]; do seq $((i*1000+1)) $((i*1000+1000)); i=$((i+1)); sleep 0.05; done';
  const { id } = (await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['localhost'], params: { command } } })).json();
  const lines: string[] = [];
  const seen: number[] = [];
  let lastId: string | undefined;
  let complete = false;
  let reconnects = 0;
  while (!complete && reconnects < 200) {
    let count = 0;
    const conn = await connectSse(`${base}/api/v1/executions/${id}/stream`, lastId ? { 'last-event-id': lastId } : {}, (f: SseFrame, c) => {
      if (f.id === undefined) return;
      lastId = f.id;
      seen.push(Number(f.id));
      if (f.event === 'stdout') lines.push(JSON.parse(f.data!).line);
      if (f.event === 'complete') complete = true;
      // Cut the connection every 700 events, mid-stream.
      if (++count === 700 && !complete) c.close();
    });
    t.equal(conn.status, 200);
    await conn.done;
    reconnects++;
  }
  t.ok(complete, `stream ended with complete after ${reconnects} connections`);
  t.ok(reconnects > 5, 'the stream was really cut several times');
  const expected = Array.from({ length: 10_000 }, (_, i) => String(i + 1));
  t.equal(lines.length, 10_000, 'every line received once');
  t.equal(sha(lines), sha(expected), 'checksum of the 10,000 lines');
  t.same(seen, seen.map((_, i) => i + 1).map((n) => n + (seen[0] - 1)), 'event ids strictly consecutive across reconnects');
  const done = await waitForExecution(app, id);
  t.equal(done.status, 'succeeded');
});

t.test('replay of a finished run with ?after= returns only later events and ends', async (t) => {
  const app = await buildTestApp(t);
  const base = await listen(app);
  const { id } = (await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['localhost'], params: { command: 'echo a; echo b; echo c' } } })).json();
  await waitForExecution(app, id);
  const all = await (await connectSse(`${base}/api/v1/executions/${id}/stream`)).done;
  const ids = all.filter((f) => f.id).map((f) => Number(f.id));
  t.same(all.filter((f) => f.event).map((f) => f.event), ['status', 'start', 'status', 'stdout', 'stdout', 'stdout', 'target_result', 'status', 'complete']);
  const later = await (await connectSse(`${base}/api/v1/executions/${id}/stream?after=${ids[4]}`)).done;
  t.same(later.filter((f) => f.id).map((f) => Number(f.id)), ids.slice(5));
  const past = await (await connectSse(`${base}/api/v1/executions/${id}/stream?after=${ids[ids.length - 1]}`)).done;
  t.equal(past.filter((f) => f.id).length, 0, 'resuming after the end returns nothing and closes');
  const missing = await connectSse(`${base}/api/v1/executions/nope/stream`);
  t.equal(missing.status, 404);
  missing.close();
});

t.test('heartbeat comments while nothing happens; a client disconnect does not stop the run', async (t) => {
  const app = await buildTestApp(t, { execution: { heartbeatSeconds: 1 } });
  const base = await listen(app);
  const { id } = (await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['localhost'], params: { command: 'echo start; sleep 2.5; echo end' } } })).json();
  let sawHeartbeat!: () => void;
  const heartbeat = new Promise<void>((r) => (sawHeartbeat = r));
  const conn = await connectSse(`${base}/api/v1/executions/${id}/stream`, {}, (f) => { if (f.comment === 'heartbeat') sawHeartbeat(); });
  await heartbeat;
  t.pass('received : heartbeat');
  conn.close();
  const done = await waitForExecution(app, id);
  t.equal(done.status, 'succeeded', 'run finished after the client left');
  const out = (await app.inject({ url: `/api/v1/executions/${id}/output` })).json();
  t.ok(out.items.some((e: any) => e.type === 'stdout' && e.data.line === 'end'), 'output after the disconnect was stored');
  // The server noticed the disconnect: no subscriber is left.
  for (let i = 0; i < 50 && app.hub.activeSubscribers > 0; i++) await new Promise((r) => setTimeout(r, 20));
  t.equal(app.hub.activeSubscribers, 0);
});
