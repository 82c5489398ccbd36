/**
 * What the core adds to every alert source (issue 19): the merged list with filters checked before the fan-out,
 * ?source= for ids two sources share, a node's alerts, the SSE stream of alert changes, webhook subscriptions
 * (stored, delivered in order with retries, signed, never answering their secret) and alert changes in the node
 * journal (only for sources without a history of their own).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, type TestContext } from '../helper.js';

type Tap = TestContext & { testdir: (files: Record<string, string>) => string };
import { alert, alertSourcePlugin, type AlertWorld } from './fixtures/alert-source.js';

const HOST = '127.0.0.90';
const INVENTORY = 'targets:\n  - { name: web1, uri: "127.0.0.1:1" }\n  - { name: db1, uri: "127.0.0.1:1" }\n';

async function setup(t: Tap, followIntervalMs = 0) {
  const mon: AlertWorld = { alerts: [alert('mon', 'a1', 'web1', 'critical', 10), alert('mon', 'a2', 'db1', 'warning', 20), alert('mon', 'shared', 'web1', 'info', 30)], failing: false };
  const hist: AlertWorld = { alerts: [alert('hist', 'h1', 'db1', 'error', 15), alert('hist', 'shared', 'db1', 'critical', 40)], failing: false };
  const dir = t.testdir({ 'inventory.yaml': INVENTORY });
  const app = await buildTestApp(t, {
    plugins: { ssh: { inventoryFile: join(dir, 'inventory.yaml'), connectTimeoutSeconds: 2 } },
    alerts: { followIntervalMs, journal: true, webhookTimeoutMs: 2000, webhookMaxAttempts: 3 },
  } as never, { extraPlugins: [alertSourcePlugin('mon', mon), alertSourcePlugin('hist', hist, { journal: true })] });
  return { app, mon, hist };
}

const get = async (app: FastifyInstance, url: string) => {
  const res = await app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json() };
};

t.test('the merged list: every source, newest first, filters checked once before the fan-out', async (t) => {
  const { app, mon } = await setup(t);
  const all = await get(app, '/api/v1/alerts');
  t.equal(all.status, 200);
  t.same(all.body.items.map((a: any) => `${a.source}/${a.id}`), ['mon/a1', 'hist/h1', 'mon/a2', 'mon/shared', 'hist/shared']);
  t.same(all.body.sources.map((s: any) => [s.source, s.status]), [['hist', 'ok'], ['mon', 'ok']]);
  t.equal(all.body.total, 5);

  t.same((await get(app, '/api/v1/alerts?severity=critical')).body.items.map((a: any) => a.id), ['a1', 'shared']);
  t.same((await get(app, '/api/v1/alerts?matchers=instance%3D~%22db.*%22')).body.items.map((a: any) => a.id), ['h1', 'a2', 'shared']);
  t.same((await get(app, '/api/v1/alerts?node=web1&matchers=alertname!%3DChecka1')).body.items.map((a: any) => a.id), ['shared']);
  for (const bad of ['matchers=team%3D~%22(unclosed%22', 'receiver=%5B', 'matchers=team', 'state=exploded']) {
    const res = await app.inject({ method: 'GET', url: `/api/v1/alerts?${bad}` });
    t.equal(res.statusCode, 400, bad);
    t.match(res.headers['content-type'], /^application\/problem\+json/);
  }

  mon.failing = true;
  const partial = await get(app, '/api/v1/alerts');
  t.equal(partial.status, 200, 'a failing source never fails the page');
  t.same(partial.body.items.map((a: any) => a.source), ['hist', 'hist']);
  t.match(partial.body.sources.find((s: any) => s.source === 'mon'), { status: 'error' });
});

t.test('one alert: the first source that knows it, or the one named by ?source=; acknowledge goes there', async (t) => {
  const { app, hist } = await setup(t);
  t.match(await get(app, '/api/v1/alerts/h1'), { status: 200, body: { alert: { id: 'h1', source: 'hist' } } });
  const shared = await Promise.all(['mon', 'hist'].map((s) => get(app, `/api/v1/alerts/shared?source=${s}`)));
  t.same(shared.map((r) => r.body.alert.source), ['mon', 'hist']);
  t.match(await get(app, '/api/v1/alerts/shared?source=nagios'), { status: 400, body: { errors: [{ in: 'query', pointer: '/source' }] } });
  t.match(await get(app, '/api/v1/alerts/a1?source=hist'), { status: 404, body: { code: 'CAPSTAN_ERR_RECORD_NOT_FOUND' } });
  const ack = await app.inject({ method: 'POST', url: '/api/v1/alerts/shared/acknowledge?source=hist', payload: { comment: 'looking' } });
  t.equal(ack.statusCode, 200);
  t.match(ack.json(), { alert: { source: 'hist', state: 'acknowledged', acknowledgement: { comment: 'looking' } } });
  t.equal(hist.alerts.find((a) => a.id === 'shared')!.state, 'acknowledged', 'acknowledged at the source named');
});

t.test('a node\'s alerts: every source, by the inventory name; unknown node 404', async (t) => {
  const { app } = await setup(t);
  const web = await get(app, '/api/v1/nodes/web1/alerts');
  t.equal(web.status, 200);
  t.same(web.body.items.map((a: any) => `${a.source}/${a.id}`), ['mon/a1', 'mon/shared']);
  t.same((await get(app, '/api/v1/nodes/db1/alerts?severity=critical')).body.items.map((a: any) => a.id), ['shared']);
  t.equal((await get(app, '/api/v1/nodes/nowhere/alerts')).status, 404);
});

interface Frame { event?: string; id?: string; data?: string }

function parseFrames(text: string): Frame[] {
  return text.split('\n\n').map((block) => {
    const f: Frame = {};
    for (const line of block.split('\n')) {
      const m = /^(event|id|data): ?(.*)$/.exec(line);
      if (m) f[m[1] as keyof Frame] = m[2];
    }
    return f;
  }).filter((f) => f.event);
}

t.test('the SSE stream: changes of every source after the cursor, a resolution included, then caught_up', async (t) => {
  const { app, mon, hist } = await setup(t);
  const base = await app.listen({ host: HOST, port: 0 });
  const read = async (query: string) => {
    const res = await fetch(`${base}/api/v1/alerts/stream${query}`);
    t.equal(res.status, 200);
    return parseFrames(await res.text());
  };
  const start = await read('?follow=false');
  t.same(start.map((f) => f.event), ['caught_up']);
  const cursor = start[0].id!;
  mon.alerts.push(alert('mon', 'a9', 'web1', 'critical', 0));
  mon.alerts = mon.alerts.filter((a) => a.id !== 'a2');
  hist.alerts[0].state = 'silenced';
  const frames = await read(`?follow=false&after=${cursor}`);
  const changes = frames.filter((f) => f.event === 'alert').map((f) => JSON.parse(f.data!));
  t.same(changes.map((c) => `${c.alert.source}/${c.alert.id}:${c.from}->${c.to}`).sort(), ['hist/h1:firing->silenced', 'mon/a2:firing->resolved', 'mon/a9:null->firing']);
  t.equal(frames[frames.length - 1].event, 'caught_up');
  const critical = await read(`?follow=false&after=${cursor}&severity=critical`);
  t.same(critical.filter((f) => f.event === 'alert').map((f) => JSON.parse(f.data!).alert.id), ['a9'], 'the filter applies to the stream');
  t.equal((await fetch(`${base}/api/v1/alerts/stream?follow=false&matchers=x%3D~%22(%22`)).status, 400, 'a bad matcher: 400 before the stream starts');
});

/** A webhook receiver on loopback that answers `status()` and records what it got. */
async function receiver(t: TestContext, status: () => number) {
  const got: { headers: IncomingMessage['headers']; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(status()).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  const port = (server.address() as { port: number }).port;
  return { url: `http://${HOST}:${port}/hook`, got };
}

async function until<T>(what: string, fn: () => T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

t.test('webhook subscriptions: stored, filtered, signed, delivered in order after failures; the journal gets the changes', async (t) => {
  const { app, mon, hist } = await setup(t, 100);
  let answer = 204;
  const hook = await receiver(t, () => answer);
  const secret = 's3cret-s3cret-s3cret';
  const created = await app.inject({ method: 'POST', url: '/api/v1/alerts/subscriptions', payload: { receiverUrl: hook.url, filter: { severity: ['critical'] }, secret } });
  t.equal(created.statusCode, 201);
  t.notMatch(created.body, secret, 'the secret is never answered');
  const sub = created.json().subscription;
  t.match(sub, { receiverUrl: hook.url, signed: true, source: 'capstan', createdBy: 'anonymous', delivery: { delivered: 0, pending: 0 } });
  t.equal(created.headers.location, `/api/v1/alerts/subscriptions/${sub.id}`);
  const bad = await app.inject({ method: 'POST', url: '/api/v1/alerts/subscriptions', payload: { receiverUrl: hook.url, filter: { matchers: ['a=~"("'] } } });
  t.match(bad.json(), { status: 400, errors: [{ in: 'body', pointer: '/filter/matchers/0' }] });

  const ids = (g: { body: string }) => JSON.parse(g.body).changes.map((c: any) => `${c.alert.source}/${c.alert.id}:${c.to}`) as string[];
  // Following starts with what fires now (nothing was handed on before): the critical ones.
  await until('the critical alerts firing at start', () => {
    const seen = new Set(hook.got.flatMap(ids));
    return seen.has('mon/a1:firing') && seen.has('hist/shared:firing') || undefined;
  });
  answer = 500;
  const before = hook.got.length;
  mon.alerts.push(alert('mon', 'c1', 'web1', 'critical', 0));
  mon.alerts.push(alert('mon', 'w1', 'web1', 'warning', 0));
  hist.alerts.push(alert('hist', 'c2', 'db1', 'critical', 0));
  const refused = await until('a refused delivery of c1', () => hook.got.slice(before).find((g) => ids(g).includes('mon/c1:firing')));
  answer = 204;
  mon.alerts = mon.alerts.filter((a) => a.id !== 'c1');
  await until('both changes delivered', () => {
    const seen = new Set(hook.got.slice(before).flatMap(ids));
    return seen.has('mon/c1:resolved') && seen.has('hist/c2:firing') || undefined;
  });
  for (const g of hook.got) {
    t.equal(g.headers['x-capstan-signature'], `sha256=${createHmac('sha256', secret).update(g.body).digest('hex')}`, 'signed with the secret');
    t.equal(g.headers['content-type'], 'application/json');
  }
  const seq = hook.got.flatMap(ids);
  t.notOk(seq.some((d) => d.startsWith('mon/w1')), 'a warning is not critical: filtered out');
  t.ok(hook.got.filter((g) => g.headers['x-capstan-delivery'] === refused.headers['x-capstan-delivery']).length >= 2, 'the refused delivery was retried');
  t.ok(seq.indexOf('mon/c1:firing') < seq.lastIndexOf('mon/c1:resolved'), 'in order: the next delivery waits for the refused one');
  const view = (await get(app, `/api/v1/alerts/subscriptions/${sub.id}`)).body;
  t.match(view, { id: sub.id, signed: true, delivery: { lastStatus: 'ok', failures: 0, pending: 0 } });
  t.ok(view.delivery.delivered >= 3);
  t.same((await get(app, '/api/v1/alerts/subscriptions')).body.items.map((s: any) => s.id), [sub.id]);

  const journal = (await get(app, '/api/v1/journal?kind=alert')).body.items;
  t.ok(journal.some((e: any) => e.node === 'web1' && e.data.alertId === 'c1' && e.data.to === 'resolved' && e.links.alert === '/api/v1/alerts/c1?source=mon'), 'mon\'s changes in the journal');
  t.notOk(journal.some((e: any) => e.data.source === 'hist'), 'hist keeps its own history (journal.list): not written twice');

  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/alerts/subscriptions/${sub.id}` })).statusCode, 204);
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/alerts/subscriptions/${sub.id}` })).statusCode, 404);
  t.equal((await get(app, `/api/v1/alerts/subscriptions/${sub.id}`)).status, 404);
});
