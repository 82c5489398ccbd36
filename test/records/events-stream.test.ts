/**
 * GET /api/v1/events/stream on a real listening server: events pushed at the fake sources arrive as SSE
 * frames whose `id:` is the stream cursor, a reconnect with Last-Event-ID gets only newer ones, heartbeats
 * and source_status frames are sent, and polling stops when the client disconnects.
 */
import { get as httpGet, type IncomingMessage } from 'node:http';
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { STREAM_POLL_MS as EVENTS_POLL_MS } from '../../src/routes/follow-sources.js';
import { buildTestApp, type Overrides, type TestContext } from '../helper.js';
import { World, recordPlugins } from './fixtures/providers.js';

interface Frame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
  retry?: string;
}

/** Parses a text/event-stream body into frames. */
async function* frames(body: AsyncIterable<Uint8Array>): AsyncGenerator<Frame> {
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of body) {
    buf += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buf.indexOf('\n\n')) >= 0) {
      const raw = buf.slice(0, end);
      buf = buf.slice(end + 2);
      const f: Frame = {};
      for (const line of raw.split('\n')) {
        if (line.startsWith(':')) { f.comment = line.slice(1).trim(); continue; }
        const i = line.indexOf(':');
        const key = line.slice(0, i) as keyof Frame;
        const value = line.slice(i + 1).replace(/^ /, '');
        f[key] = key === 'data' && f.data !== undefined ? `${f.data}\n${value}` : value;
      }
      yield f;
    }
  }
}

async function serve(t: TestContext, world: World, overrides: Overrides = {}, only = ['puppetdb', 'chef']) {
  const app = await buildTestApp(t, overrides, { extraPlugins: recordPlugins(world, only) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  return { app, base: `http://127.0.0.1:${port}` };
}

/** Opens the stream (node:http, so that close() really drops the connection); `next(pred)` reads frames until one matches. */
async function connect(base: string, headers: Record<string, string> = {}) {
  const { req, res } = await new Promise<{ req: ReturnType<typeof httpGet>; res: IncomingMessage }>((resolve, reject) => {
    const r = httpGet(`${base}/api/v1/events/stream`, { headers, agent: false }, (m) => resolve({ req: r, res: m })).on('error', reject);
  });
  if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
  const it = frames(res);
  return {
    res,
    close: () => req.destroy(),
    async next(pred: (f: Frame) => boolean): Promise<Frame> {
      for (;;) {
        const { value, done } = await it.next();
        if (done) throw new Error('stream ended');
        if (pred(value)) return value;
      }
    },
  };
}

const isEvent = (f: Frame) => f.event === 'event';

/** Resolves once the server holds no open connection (it saw the disconnect). */
async function serverSawClose(app: FastifyInstance): Promise<void> {
  for (;;) {
    const n = await new Promise<number>((resolve, reject) => app.server.getConnections((err, count) => (err ? reject(err) : resolve(count))));
    if (n === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

t.test('events pushed at the sources arrive in order; Last-Event-ID resumes after the last one received; polling stops on disconnect', { timeout: 60_000 }, async (t) => {
  const world = new World();
  const { app, base } = await serve(t, world);
  const firstPoll = world.nextCall('puppetdb', 'events.stream');
  const first = await connect(base);
  t.equal(first.res.headers['content-type'], 'text/event-stream; charset=utf-8');
  await firstPoll; // the stream now starts after everything already in the logs
  world.push('puppetdb', 'Service[nginx] restarted (1)');
  world.push('chef', 'service[postgresql] restarted (2)', 'db1.example.com');
  const f1 = await first.next(isEvent);
  const f2 = await first.next(isEvent);
  t.same([f1, f2].map((f) => JSON.parse(f.data!).message), ['Service[nginx] restarted (1)', 'service[postgresql] restarted (2)'], 'oldest first across sources');
  t.match(JSON.parse(f2.data!), { id: 'chef-live-1', node: 'db1.example.com', source: 'chef', type: 'service_restart' });
  t.ok(f1.id && f2.id && f1.id !== f2.id, 'every event frame carries the cursor as id');
  first.close();
  await serverSawClose(app);

  world.push('puppetdb', 'Service[nginx] restarted (3)');
  world.push('chef', 'service[postgresql] restarted (4)');
  const resumed = await connect(base, { 'last-event-id': f2.id! });
  const again = [await resumed.next(isEvent), await resumed.next(isEvent)].map((f) => JSON.parse(f.data!).message);
  t.same(again, ['Service[nginx] restarted (3)', 'service[postgresql] restarted (4)'], 'only the events after Last-Event-ID, none twice');

  const fromFirst = await connect(base, { 'last-event-id': f1.id! });
  t.equal(JSON.parse((await fromFirst.next(isEvent)).data!).message, 'service[postgresql] restarted (2)', 'resuming from the first id replays from the second event');
  fromFirst.close();

  resumed.close();
  await serverSawClose(app);
  const calls = world.count('puppetdb', 'events.stream') + world.count('chef', 'events.stream');
  // Absence can only be shown over time: three poll intervals with no open stream.
  await new Promise((r) => setTimeout(r, 3 * EVENTS_POLL_MS));
  t.equal(world.count('puppetdb', 'events.stream') + world.count('chef', 'events.stream'), calls, 'no provider call after the clients left');
});

t.test('heartbeat comments while idle, source_status when a source fails and recovers', { timeout: 30_000 }, async (t) => {
  const world = new World();
  world.failing.add('chef');
  const { app, base } = await serve(t, world, { execution: { heartbeatSeconds: 1 } });
  const s = await connect(base);
  t.match(JSON.parse((await s.next((f) => f.event === 'source_status')).data!), { source: 'chef', status: 'error', error: { code: 'CAPSTAN_ERR_UPSTREAM_ERROR' } });
  t.same(await s.next((f) => f.comment !== undefined), { comment: 'heartbeat' }, '`: heartbeat` comment');
  world.failing.delete('chef');
  t.match(JSON.parse((await s.next((f) => f.event === 'source_status')).data!), { source: 'chef', status: 'ok' }, 'recovery reported');
  world.push('chef', 'after recovery');
  t.equal(JSON.parse((await s.next(isEvent)).data!).message, 'after recovery');
  s.close();
  await serverSawClose(app);
});

t.test('errors before the stream starts are problem+json: bad cursor 400, no events.stream provider 501', async (t) => {
  const world = new World();
  const { base } = await serve(t, world);
  for (const [headers, query] of [[{ 'last-event-id': 'bm90LWEtY3Vyc29y' }, ''], [{}, '?after=garbage'], [{}, '?limit=0'], [{}, '?bogus=1']] as const) {
    const res = await fetch(`${base}/api/v1/events/stream${query}`, { headers });
    t.equal(res.status, 400, JSON.stringify([headers, query]));
    t.match(res.headers.get('content-type'), /^application\/problem\+json/);
    t.match(await res.json(), { code: 'CAPSTAN_ERR_REQUEST_VALIDATION', errors: [{}] });
  }
  const bare = await serve(t, new World(), {}, ['alertmanager']);
  const res = await fetch(`${bare.base}/api/v1/events/stream`);
  t.equal(res.status, 501);
  t.match(await res.json(), { code: 'CAPSTAN_ERR_CAPABILITY_NOT_PROVIDED', capability: 'events.stream' });
});

t.test('?follow=false sends what the sources hold after the cursor, then caught_up with the cursor, and ends', { timeout: 30_000 }, async (t) => {
  const world = new World();
  const { base } = await serve(t, world);
  /** Reads a whole (finite) stream; fetch's body ends only when the server ends the response. */
  const readAll = async (query: string) => {
    const res = await fetch(`${base}/api/v1/events/stream${query}`);
    t.equal(res.status, 200);
    const out: Frame[] = [];
    for await (const f of frames(res.body!)) if (f.event) out.push(f); // not `retry:` or comments
    return out;
  };
  const empty = await readAll('?follow=false');
  t.same(empty.map((f) => f.event), ['caught_up'], 'without a cursor: nothing before now, caught_up at once');
  t.same(JSON.parse(empty[0].data!), { events: 0 });
  t.ok(empty[0].id, 'caught_up carries the cursor');

  world.push('puppetdb', 'Service[nginx] restarted (1)');
  world.push('chef', 'service[postgresql] restarted (2)');
  const first = await readAll(`?follow=false&after=${empty[0].id}`);
  t.same(first.filter((f) => f.event === 'event').map((f) => JSON.parse(f.data!).message), ['Service[nginx] restarted (1)', 'service[postgresql] restarted (2)']);
  const end = first.at(-1)!;
  t.equal(end.event, 'caught_up', 'the last frame is caught_up');
  t.same(JSON.parse(end.data!), { events: 2 });
  t.equal(end.id, first.at(-2)!.id, 'its id is the cursor after the last event');

  world.push('puppetdb', 'Service[nginx] restarted (3)');
  const next = await readAll(`?follow=false&after=${end.id}`);
  t.same(next.filter((f) => f.event === 'event').map((f) => JSON.parse(f.data!).message), ['Service[nginx] restarted (3)'], 'resuming from caught_up gives only newer events');

  // More events than one batch: the stream keeps reading until the sources have nothing more.
  for (let i = 0; i < 7; i++) world.push('chef', `burst ${i}`);
  const burst = await readAll(`?follow=false&limit=2&after=${next.at(-1)!.id}`);
  t.same(burst.filter((f) => f.event === 'event').map((f) => JSON.parse(f.data!).message), [0, 1, 2, 3, 4, 5, 6].map((i) => `burst ${i}`), 'all of a backlog larger than limit');
  t.same(JSON.parse(burst.at(-1)!.data!), { events: 7 });

  const bad = await fetch(`${base}/api/v1/events/stream?follow=maybe`);
  t.equal(bad.status, 400, 'follow must be a boolean');
});
