/**
 * The aggregate record lists (reports, events, alerts, deployments) over two fake sources each: one merged
 * page newest first with per-source status, exact keyset pages across sources, a failing source, bad params
 * and a missing provider. Split from records.test.ts (one file per tap time limit on 2 cores).
 */
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { get, setup } from './fixtures/http.js';

/** Every item, following nextCursor page by page. */
async function allPages(app: FastifyInstance, url: string, limit: number) {
  const items: any[] = [];
  const sizes: number[] = [];
  let cursor: string | null = null;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const { status, body }: { status: number; body: any } = await get(app, `${url}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    if (status !== 200) throw new Error(`${url}: HTTP ${status} ${JSON.stringify(body)}`);
    items.push(...body.items);
    sizes.push(body.items.length);
    cursor = body.nextCursor;
  } while (cursor && sizes.length < 50);
  return { items, sizes };
}

const AGGREGATES = [
  { url: '/api/v1/reports', capability: 'reports.list', plugins: ['puppetdb', 'chef'], total: 12, time: 'startTime', other: 'alertmanager' },
  { url: '/api/v1/events', capability: 'events.list', plugins: ['puppetdb', 'chef'], total: 10, time: 'timestamp', other: 'alertmanager' },
  { url: '/api/v1/alerts', capability: 'alert.list', plugins: ['alertmanager', 'zabbix'], total: 5, time: 'startsAt', other: 'chef' },
  { url: '/api/v1/deployments', capability: 'deploy.history', plugins: ['jenkins', 'gitlab'], total: 7, time: 'startedAt', other: 'chef' },
];

for (const f of AGGREGATES) {
  t.test(`GET ${f.url}: one page merged from every source, newest first, with per-source status`, async (t) => {
    const { app } = await setup(t, f.plugins);
    const { status, body } = await get(app, f.url);
    t.equal(status, 200);
    t.equal(body.items.length, f.total, 'items of both sources');
    t.same(new Set(body.items.map((i: any) => i.source)), new Set(f.plugins), 'each item names its source');
    const times = body.items.map((i: any) => Date.parse(i[f.time]));
    t.same(times, [...times].sort((a, b) => b - a), `sorted by ${f.time}, newest first`);
    t.equal(body.nextCursor, null, 'one page holds everything');
    t.same(body.sources.map((s: any) => s.status).sort(), ['ok', 'ok']);
    t.ok(body.sources.every((s: any) => f.plugins.includes(s.source) && typeof s.durationMs === 'number'));
  });

  t.test(`GET ${f.url}: keyset pages across sources are exact (no gap, no duplicate, same order)`, async (t) => {
    const { app } = await setup(t, f.plugins);
    const whole = (await get(app, f.url)).body.items.map((i: any) => i.id);
    for (const limit of [1, 2, 3]) {
      const { items, sizes } = await allPages(app, f.url, limit);
      t.same(items.map((i) => i.id), whole, `limit=${limit}: pages ${sizes.join('+')} concatenate to the whole list`);
      t.ok(sizes.every((n) => n <= limit), 'no page exceeds limit');
    }
  });

  t.test(`GET ${f.url}: one failing source -> 200 with its status error`, async (t) => {
    const { app, world } = await setup(t, f.plugins);
    world.failing.add(f.plugins[1]);
    const { status, body } = await get(app, f.url);
    t.equal(status, 200);
    t.ok(body.items.length > 0 && body.items.every((i: any) => i.source === f.plugins[0]), 'the healthy source still answers');
    const failed = body.sources.find((s: any) => s.source === f.plugins[1]);
    t.match(failed, { status: 'error', error: { category: 'unavailable', code: 'CAPSTAN_ERR_UPSTREAM_ERROR', detail: /502/ } });
    t.match(body.sources.find((s: any) => s.source === f.plugins[0]), { status: 'ok' });
  });

  t.test(`GET ${f.url}: invalid params -> 400 problem with errors; no provider -> 501 naming ${f.capability}`, async (t) => {
    const { app } = await setup(t, [f.other]);
    for (const q of ['limit=0', 'limit=abc', 'bogus=1', 'cursor=not-a-cursor']) {
      const { status, type, body } = await get(app, `${f.url}?${q}`);
      t.equal(status, 400, q);
      t.match(type, /^application\/problem\+json/);
      t.ok(body.code === 'CAPSTAN_ERR_REQUEST_VALIDATION' && Array.isArray(body.errors) && body.errors.length > 0, `${q}: errors listed`);
    }
    const { status, type, body } = await get(app, f.url);
    t.equal(status, 501, 'no enabled plugin provides it: 501, which clients do not retry');
    t.match(type, /^application\/problem\+json/);
    t.match(body, { code: 'CAPSTAN_ERR_CAPABILITY_NOT_PROVIDED', capability: f.capability, detail: new RegExp(f.capability.replace('.', '\\.')) });
  });
}
