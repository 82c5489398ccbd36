/**
 * Alert changes are not lost and not misfiled (issue 19 review): a resolution that happens while Capstan is
 * down still reaches the journal and the webhooks after the restart; alerts naming a node by an alias land on
 * the inventory's node; a single read while a source is down is a 503, not a 404; receiver URLs with a
 * user:password part or no host are refused; a failed delivery never shows the receiver URL; queued changes
 * join one pending delivery while the receiver is down; a background pass that throws does not end the server.
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { IntervalLoop } from '../../src/core/interval-loop.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { tempDir, testConfig, type TestContext } from '../helper.js';
import { alert, alertSourcePlugin, type AlertWorld } from './fixtures/alert-source.js';

type Tap = TestContext & { testdir: (files: Record<string, string>) => string };

const HOST = '127.0.0.91';
const INVENTORY = 'targets:\n  - { name: web1.example.com, uri: "127.0.0.21:1", alias: [web1] }\n  - { name: db1, uri: "127.0.0.22:1" }\n';

async function start(t: Tap, dataDir: string, mon: AlertWorld, followIntervalMs = 100): Promise<FastifyInstance> {
  const dir = t.testdir({ 'inventory.yaml': INVENTORY });
  const app = await buildApp(testConfig(dataDir, {
    dataDir, plugins: { ssh: { inventoryFile: join(dir, 'inventory.yaml'), connectTimeoutSeconds: 2 } },
    alerts: { followIntervalMs, journal: true, webhookTimeoutMs: 2000, webhookMaxAttempts: 5 },
  } as never), { extraPlugins: [alertSourcePlugin('mon', mon)] });
  await app.ready();
  return app;
}

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function receiver(t: TestContext) {
  const got: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { got.push(body); res.writeHead(204).end(); });
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  return { url: `http://${HOST}:${(server.address() as { port: number }).port}/hook`, got };
}

const changesOf = (got: string[]) => got.flatMap((b) => JSON.parse(b).changes.map((c: any) => `${c.alert.id}:${c.from}->${c.to}`));

t.test('a resolution while Capstan is down reaches the webhook and the journal after the restart', async (t) => {
  const dataDir = tempDir();
  const mon: AlertWorld = { alerts: [alert('mon', 'a1', 'web1', 'critical', 10), alert('mon', 'a2', 'db1', 'warning', 5)], failing: false };
  const hook = await receiver(t);
  const first = await start(t as Tap, dataDir, mon);
  const sub = (await first.inject({ method: 'POST', url: '/api/v1/alerts/subscriptions', payload: { receiverUrl: hook.url } })).json().subscription;
  // The first pass hands on what fires now (nothing was known): both alerts, then nothing more.
  await until('the alerts firing at start', () => new Set(changesOf(hook.got)).has('a2:null->firing') || undefined);
  await first.close();

  mon.alerts = mon.alerts.filter((a) => a.id !== 'a1');
  mon.alerts[0].state = 'acknowledged';
  const second = await start(t as Tap, dataDir, mon);
  t.teardown(() => second.close());
  const seen = await until('the changes made while down', () => {
    const c = new Set(changesOf(hook.got));
    return c.has('a1:firing->resolved') && c.has('a2:firing->acknowledged') ? c : undefined;
  });
  t.ok(seen, 'resolved and acknowledged while down: both delivered after the restart');
  t.equal(changesOf(hook.got).filter((c) => c === 'a1:null->firing').length, 1, 'what was handed on before is not handed on again');
  const journal = (await second.inject({ url: '/api/v1/nodes/web1.example.com/journal?kind=alert' })).json().items;
  t.ok(journal.some((e: any) => e.data.alertId === 'a1' && e.data.to === 'resolved'), 'the journal has the resolution, on the inventory\'s node');
  t.match((await second.inject({ url: `/api/v1/alerts/subscriptions/${sub.id}` })).json(), { id: sub.id, delivery: { lastStatus: 'ok' } });
});

t.test('alerts naming a node by an alias are the inventory node\'s; a read while a source is down is a 503', async (t) => {
  const mon: AlertWorld = { alerts: [alert('mon', 'a1', 'web1', 'critical', 10), alert('mon', 'ip', '127.0.0.21', 'warning', 20), alert('mon', 'o', 'other', 'info', 30)], failing: false };
  const app = await start(t as Tap, tempDir(), mon, 0);
  t.teardown(() => app.close());
  const page = (await app.inject({ url: '/api/v1/nodes/web1.example.com/alerts' })).json();
  t.same(page.items.map((a: any) => [a.id, a.node]), [['a1', 'web1.example.com'], ['ip', 'web1.example.com']], 'by alias and by address, named as the inventory names it');
  t.same((await app.inject({ url: '/api/v1/nodes/web1/alerts' })).json().items.map((a: any) => a.id), ['a1', 'ip'], 'the node looked up by its alias too');
  t.same((await app.inject({ url: '/api/v1/alerts' })).json().items.map((a: any) => a.node), ['web1.example.com', 'web1.example.com', 'other']);
  t.equal((await app.inject({ url: '/api/v1/alerts/a1' })).json().alert.node, 'web1.example.com');
  mon.failing = true;
  const res = await app.inject({ url: '/api/v1/alerts/a1' });
  t.equal(res.statusCode, 503, 'a source that could not be asked may know it: not a 404');
  t.match(res.json(), { sources: ['mon'] });
});

t.test('receiver URLs: no user:password part, a host; failures never show the URL', async (t) => {
  const mon: AlertWorld = { alerts: [alert('mon', 'a1', 'web1', 'critical', 10)], failing: false };
  const app = await start(t as Tap, tempDir(), mon, 100);
  t.teardown(() => app.close());
  for (const receiverUrl of ['http://user:s3cret@hooks.example.com/x', 'https://', 'https://@host/x', 'ftp://hooks.example.com/x']) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/alerts/subscriptions', payload: { receiverUrl } });
    t.equal(res.statusCode, 400, receiverUrl);
    t.notMatch(res.body, 's3cret');
  }
  t.equal((await app.inject({ url: '/api/v1/alerts/subscriptions/abc' })).statusCode, 400);
  // A port nothing listens on, with a token in the query: the status names the failure, not the URL.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, HOST, resolve));
  const port = (closed.address() as { port: number }).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const sub = (await app.inject({ method: 'POST', url: '/api/v1/alerts/subscriptions', payload: { receiverUrl: `http://${HOST}:${port}/hook?token=tok-s3cret` } })).json().subscription;
  mon.alerts.push(alert('mon', 'new', 'web1', 'critical', 0));
  const view = await until('a failed attempt', async () => {
    const v = (await app.inject({ url: `/api/v1/alerts/subscriptions/${sub.id}` })).json();
    return v.delivery.failures > 0 ? v : undefined;
  });
  t.match(view.delivery.lastStatus, /ECONNREFUSED/);
  t.notMatch(view.delivery.lastStatus, 'tok-s3cret');
});

t.test('the store: changes join the pending delivery while the receiver is down; a deleted subscription gets none', async (t) => {
  const store = new SqliteStore(join(tempDir(), 'capstan.db'));
  t.teardown(() => store.close());
  const repo = store.alertSubscriptions;
  const sub = repo.create({ receiverUrl: 'https://hooks.example.com/x', filter: null, secret: null, createdAt: '2026-11-30T00:00:00Z', createdBy: 't' });
  for (const n of [1, 2, 3, 4]) repo.enqueue(sub.id, [{ n }], '2026-11-30T00:00:00Z', 3);
  const due = repo.due('2026-11-30T00:00:01Z', 10);
  t.equal(due.length, 1, 'one head delivery at a time');
  t.same(JSON.parse(due[0].body).changes, [{ n: 1 }], 'the head is as it was');
  t.equal(repo.pending(sub.id), 2, 'the others joined one pending delivery (at most 3 changes each): [1], then [2, 3, 4]');
  repo.enqueue(sub.id, [{ n: 5 }], '2026-11-30T00:00:00Z', 3);
  t.equal(repo.pending(sub.id), 3, 'a full one is not grown further');
  repo.delete(sub.id, '2026-11-30T00:00:02Z');
  repo.enqueue(sub.id, [{ n: 5 }], '2026-11-30T00:00:03Z');
  t.equal(repo.pending(sub.id), 0, 'nothing queued for a deleted subscription');
});

t.test('a background pass that throws is reported, and the loop goes on', async (t) => {
  const errors: unknown[] = [];
  let passes = 0;
  const loop = new IntervalLoop(async () => { passes++; throw new Error('SQLITE_BUSY'); }, 10, (err) => errors.push(err));
  loop.start();
  await until('three passes', () => passes >= 3 || undefined);
  await loop.stop();
  t.ok(errors.length >= 3);
});
