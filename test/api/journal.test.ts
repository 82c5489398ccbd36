/**
 * Issue 17: the node journal. Stored entries written by the core (runs, fact changes, notes) merged with a
 * live source (a plugin's journal.list / journal.stream) into one timeline, newest first, one exact cursor,
 * per-source status, filters, groups, the SSE stream, and the 4xx of bad requests.
 */
import t from 'tap';
import type { Static } from '@sinclair/typebox';
import { commandExecute, infoFacts, inventoryGroups, inventoryList, journalList, journalStream, type JournalEntry } from '../../src/capabilities/index.js';
import { Errors } from '../../src/core/errors.js';
import { implement, type ExecutionContext } from '../../src/core/types.js';
import { factChanges } from '../../src/journal/fact-changes.js';
import { runKind } from '../../src/journal/execution-entries.js';
import { fakeModule, nodes } from '../core/fixtures/fake-plugins.js';
import { buildTestApp } from '../helper.js';

type Entry = Static<typeof JournalEntry>;
const ADMIN = 'admin-token-of-the-journal-tests';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const HOUR = 3600_000;
const BASE = Date.now() - 48 * HOUR;

/** A live source: 30 entries of web1/web2/db1 over the last two days; `down` makes it fail. */
const live: Entry[] = Array.from({ length: 30 }, (_, i) => ({
  id: `r${i}`, source: 'cmdb', node: ['web1', 'web2', 'db1'][i % 3], at: new Date(BASE + i * HOUR).toISOString(), kind: 'report',
  summary: i % 5 === 0 ? `puppet run failed on nginx (${i})` : `puppet run changed (${i})`, principal: null, executionId: null, links: {}, data: { status: 'changed' },
}));
let down = false;
let facts: Record<string, unknown> = { os: { family: 'Debian' }, memory: { totalBytes: 1000 }, networking: { interfaces: { eth0: { password: 'hunter2-secret' } } } };

const world = fakeModule({
  id: 'cmdb', integrationTypes: ['inventory', 'remote_execution', 'facts', 'reports'],
  capabilities: [
    implement(inventoryList, async () => nodes('cmdb', 'web1', 'web2', 'db1')),
    implement(inventoryGroups, async () => ({ groups: [{ name: 'web', targets: ['web1', 'web2'], sources: ['cmdb'] }] })),
    implement(commandExecute, async (_p: unknown, ctx: ExecutionContext) => ({ results: (ctx.targets ?? []).map((n) => ({ target: n.name, status: 'succeeded' as const, exitCode: 0 })) })),
    implement(infoFacts, async (p: { node: string }) => ({ node: p.node, ...facts, gatheredAt: new Date().toISOString() }) as never),
    implement(journalList, async (p) => {
      if (down) throw new Errors.PluginUnavailable('cmdb is down');
      const rows = live.filter((e) => (!p.nodes || p.nodes.includes(e.node)) && (!p.kinds || p.kinds.includes(e.kind))
        && (!p.since || e.at >= p.since) && (!p.until || e.at < p.until) && (!p.q || e.summary.toLowerCase().includes(p.q.toLowerCase())))
        .sort((a, b) => b.at.localeCompare(a.at));
      const from = p.cursor ? Number(p.cursor) : 0;
      const limit = p.limit ?? 100;
      return { entries: rows.slice(from, from + limit), nextCursor: from + limit < rows.length ? String(from + limit) : null };
    }),
    implement(journalStream, async () => ({ entries: [], cursor: '0' })),
  ],
});

const app = await buildTestApp(t, { auth: 'on', token: ADMIN, tokens: [{ name: 'viewer', token: 'viewer-token-journal-0001', roles: ['viewer'] }] }, { plugins: [world] });
const get = async (url: string, token = ADMIN) => app.inject({ url, headers: bearer(token) });
const note = (node: string, text: unknown, token = ADMIN) => app.inject({ method: 'POST', url: `/api/v1/nodes/${node}/journal/notes`, headers: bearer(token), payload: { text } });

t.test('a run is journaled on each of its nodes: capability, outcome, exit code, who, link', async (t) => {
  const run = await app.inject({ method: 'POST', url: '/api/v1/executions', headers: bearer(ADMIN), payload: { capability: 'command.execute', targets: ['web'], params: { command: 'uptime' } } });
  t.equal(run.statusCode, 202, run.body);
  await get(`/api/v1/executions/${run.json().id}/wait?timeout=30`);
  for (const node of ['web1', 'web2']) {
    const page = (await get(`/api/v1/nodes/${node}/journal?source=capstan&kind=execution`)).json();
    t.match(page.items[0], {
      source: 'capstan', node, kind: 'execution', principal: 'admin', executionId: run.json().id,
      links: { execution: `/api/v1/executions/${run.json().id}` }, data: { capability: 'command.execute', status: 'succeeded', exitCode: 0 },
    }, `${node}: the run's entry`);
    t.match(page.items[0].summary, /command\.execute succeeded.*exit 0.*by admin/);
  }
  t.same(['package.install', 'deploy.execute', 'provision.create', 'decommission.execute', 'puppet.run'].map(runKind), ['package', 'deployment', 'provisioning', 'provisioning', 'execution']);
});

t.test('fact changes: journaled when gathered facts differ, secrets as ***, nothing on the first gathering', async (t) => {
  const facts1 = await get('/api/v1/nodes/db1/facts');
  t.equal(facts1.statusCode, 200);
  t.same((await get('/api/v1/nodes/db1/journal?kind=facts')).json().items, [], 'the first gathering only keeps the facts');
  await get('/api/v1/nodes/db1/facts');
  t.same((await get('/api/v1/nodes/db1/journal?kind=facts')).json().items, [], 'unchanged facts: no entry');
  facts = { os: { family: 'Debian' }, memory: { totalBytes: 2000 }, networking: { interfaces: { eth0: { password: 'other-secret-99' } } } };
  await get('/api/v1/nodes/db1/facts');
  const entries = (await get('/api/v1/nodes/db1/journal?kind=facts')).json().items;
  t.equal(entries.length, 1);
  t.match(entries[0], { kind: 'facts', node: 'db1', source: 'capstan', data: { count: 2 } });
  t.same(entries[0].data.changes, [
    { path: 'memory.totalBytes', from: 1000, to: 2000 },
    { path: 'networking.interfaces.eth0.password', from: '***', to: '***' },
  ]);
  t.notMatch(JSON.stringify(entries), /hunter2|other-secret/, 'no secret value in the journal');
  t.same(factChanges({ a: { b: 1 } }, { a: { c: 1 } }), [{ path: 'a.b', from: 1, to: null }, { path: 'a.c', from: null, to: 1 }], 'added and removed keys');
});

t.test('notes: author from the token; a viewer may not write; unknown node 404; bad text 400', async (t) => {
  const ok = await note('web2', 'Replaced the failing disk\nticket OPS-1234');
  t.equal(ok.statusCode, 201);
  t.match(ok.json(), { source: 'capstan', node: 'web2', kind: 'note', principal: 'admin', data: { text: 'Replaced the failing disk\nticket OPS-1234' } });
  t.match(ok.json().summary, /^note by admin: Replaced the failing disk$/);
  const viewer = await note('web2', 'hello', 'viewer-token-journal-0001');
  t.equal(viewer.statusCode, 403);
  t.same(viewer.json().missingPermissions, ['journal.note']);
  t.equal((await note('nope', 'x')).statusCode, 404, 'unknown node');
  t.equal((await note('web2', '')).statusCode, 400, 'empty text');
  t.equal((await note('web2', 42)).statusCode, 400, 'text must be a string');
  t.equal((await get('/api/v1/nodes/web2/journal', 'viewer-token-journal-0001')).statusCode, 200, 'a viewer reads the journal');
});

t.test('the timeline: stored and live entries newest first, exact paging, filters, groups, per-source status', async (t) => {
  const all = (await get('/api/v1/journal?limit=1000')).json();
  t.same(all.sources.map((s: { source: string; status: string }) => [s.source, s.status]).sort(), [['capstan', 'ok'], ['cmdb', 'ok']]);
  const times = all.items.map((e: Entry) => Date.parse(e.at));
  t.same(times, [...times].sort((a, b) => b - a), 'newest first');
  t.ok(all.items.some((e: Entry) => e.source === 'cmdb') && all.items.some((e: Entry) => e.source === 'capstan'), 'both sources');
  let paged: Entry[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: Entry[]; nextCursor: string | null } = (await get(`/api/v1/journal?limit=3${cursor ? `&cursor=${cursor}` : ''}`)).json();
    paged = paged.concat(page.items);
    cursor = page.nextCursor;
  } while (cursor);
  t.same(paged.map((e) => `${e.source}/${e.id}`), all.items.map((e: Entry) => `${e.source}/${e.id}`), 'pages of 3 give exactly the one big page');

  const web = (await get('/api/v1/journal?group=web&limit=1000')).json().items as Entry[];
  t.ok(web.length > 0 && web.every((e) => e.node === 'web1' || e.node === 'web2'), 'a group: its members');
  const two = (await get('/api/v1/journal?node=web1&node=db1&limit=1000')).json().items as Entry[];
  t.same([...new Set(two.map((e) => e.node))].sort(), ['db1', 'web1'], 'repeated node parameters');
  const q = (await get('/api/v1/journal?q=NGINX&limit=1000')).json().items as Entry[];
  t.ok(q.length > 0 && q.every((e) => /nginx/i.test(e.summary)), 'text search, case-insensitive');
  const since = new Date(BASE + 20 * HOUR).toISOString();
  const recent = (await get(`/api/v1/journal?source=cmdb&since=${since}&limit=1000`)).json().items as Entry[];
  t.equal(recent.length, 10, 'since, one source');
  t.ok(recent.every((e) => e.source === 'cmdb' && e.at >= since));
  const notes = (await get('/api/v1/journal?kind=note&limit=1000')).json();
  t.ok(notes.items.length >= 1 && notes.items.every((e: Entry) => e.kind === 'note'), 'kind filter');

  down = true;
  const partial = await get('/api/v1/nodes/web2/journal');
  down = false;
  t.equal(partial.statusCode, 200, 'a failing source never fails the page');
  t.match(partial.json().sources.find((s: { source: string }) => s.source === 'cmdb'), { status: 'error' });
  t.ok(partial.json().items.every((e: Entry) => e.source === 'capstan'), 'the stored entries still come');
});

t.test('bad requests: unknown node, group or source; bad cursor; bad kind', async (t) => {
  t.equal((await get('/api/v1/nodes/ghost/journal')).statusCode, 404, 'a node nobody knows');
  t.equal((await get('/api/v1/journal?group=ghosts')).statusCode, 404, 'an unknown group');
  const src = await get('/api/v1/journal?source=nope');
  t.equal(src.statusCode, 400);
  t.match(src.json().detail, /capstan, cmdb/, 'the known sources are named');
  t.equal((await get('/api/v1/journal?cursor=garbage')).statusCode, 400);
  t.equal((await get('/api/v1/journal?kind=Bad-Kind')).statusCode, 400);
  t.equal((await get('/api/v1/journal?limit=0')).statusCode, 400);
  t.equal((await get('/api/v1/journal/stream?node=ghost&follow=false')).statusCode, 404, 'the stream of an unknown node');
});

t.test('the stream: from a cursor, new entries of the chosen nodes, then caught_up; resumable', async (t) => {
  const frames = (body: string) => body.split('\n\n').filter(Boolean).map((f) => Object.fromEntries(f.split('\n').filter((l) => !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()])));
  const first = await get('/api/v1/journal/stream?node=web1&follow=false');
  t.equal(first.statusCode, 200);
  const caught = frames(first.body).find((f) => f.event === 'caught_up');
  t.ok(caught?.id, 'without a cursor: from now, caught_up carries the cursor');
  await note('web1', 'first after the cursor');
  await note('db1', 'not web1');
  await note('web1', 'second after the cursor');
  const next = await app.inject({ url: '/api/v1/journal/stream?node=web1&follow=false', headers: { ...bearer(ADMIN), 'last-event-id': caught!.id } });
  const got = frames(next.body);
  const entries = got.filter((f) => f.event === 'entry').map((f) => JSON.parse(f.data));
  t.same(entries.map((e: Entry) => e.data.text), ['first after the cursor', 'second after the cursor'], 'oldest first, only web1');
  const end = got.find((f) => f.event === 'caught_up');
  t.equal(JSON.parse(end!.data).entries, 2);
  const again = await app.inject({ url: '/api/v1/journal/stream?node=web1&follow=false', headers: { ...bearer(ADMIN), 'last-event-id': end!.id } });
  t.same(frames(again.body).filter((f) => f.event === 'entry'), [], 'resuming from the last id gives nothing twice');
});
