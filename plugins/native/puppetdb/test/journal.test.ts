/**
 * PuppetDB as a live journal source, against the REAL PuppetDB of the Puppet test stack (CAPSTAN_TEST_PUPPET_ENV,
 * see fixtures/env.ts; absent: skipped with the reason; set but PuppetDB down: a failure). The journal routes
 * merge the stored journal (`capstan`: runs and notes) with one entry per PuppetDB report. The stack is shared:
 * these tests only read PuppetDB (notes and runs land in each test's own Capstan store) and assert what the
 * stack's manifests guarantee (node1..node3, node3's run fails), never exact report counts.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { buildTestApp, waitForExecution } from '../../../../test/helper.js';
import { assertPuppetDbUp, loadStack, SKIP_REASON, type PuppetStack } from './fixtures/env.js';

const stack = loadStack();
if (!stack) {
  t.plan(0, SKIP_REASON);
} else {
  await assertPuppetDbUp(stack);
  await run(stack);
}

interface Entry { id: string; source: string; node: string; at: string; kind: string; summary: string; executionId: string | null; links: Record<string, string>; data: Record<string, unknown> }
interface Page { items: Entry[]; nextCursor: string | null; sources: { source: string; status: string; error?: unknown }[] }

async function get(app: FastifyInstance, url: string) {
  const res = await app.inject({ url });
  return { status: res.statusCode, body: res.headers['content-type']?.toString().startsWith('text/event-stream') ? res.body : res.json(), headers: res.headers };
}

const newestFirst = (items: Entry[]) => items.every((e, i) => i === 0 || Date.parse(items[i - 1].at) >= Date.parse(e.at));
const statuses = (page: Page) => [...page.sources].map((s) => ({ source: s.source, status: s.status })).sort((a, b) => a.source.localeCompare(b.source));

/** Every page of `url` with `limit`, following nextCursor. */
async function pageThrough(app: FastifyInstance, url: string, limit: number): Promise<Entry[]> {
  const out: Entry[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 200; i++) {
    const sep = url.includes('?') ? '&' : '?';
    const page: { status: number; body: Page } = await get(app, `${url}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    if (page.status !== 200) throw new Error(`${url}: ${page.status} ${JSON.stringify(page.body)}`);
    out.push(...page.body.items);
    cursor = page.body.nextCursor;
    if (!cursor) return out;
  }
  throw new Error('more than 200 pages');
}

async function run(stack: PuppetStack): Promise<void> {
  const started = Date.now();
  // node1 is also an ssh target on the local transport, so a command run lands in its stored journal.
  const dir = t.testdir({ 'inventory.yaml': 'version: 2\ntargets:\n  - name: node1\n    config:\n      transport: local\n' });
  const app = await buildTestApp(t, {
    plugins: { puppetdb: { url: stack.puppetdbUrl, groupFact: 'os.family', groups: { failing: "nodes[certname] { latest_report_status = 'failed' }" } }, ssh: { inventoryFile: join(dir, 'inventory.yaml') } },
  });
  const runRes = await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['node1'], params: { command: 'true' } } });
  const execution = (await waitForExecution(app, runRes.json().id)) as { id: string; status: string };
  const notes: string[] = [];
  for (const text of ['first note on node1', 'second note on node1', 'third note on node1']) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/nodes/node1/journal/notes', payload: { text } });
    notes.push(res.json().id);
  }
  const pdbReports = async (node: string) => (await get(app, `/api/v1/reports?node=${node}&limit=1000`)).body.items as { id: string; status: string }[];

  t.test('node1: stored entries and PuppetDB reports in one timeline, newest first, both sources ok', async (t) => {
    t.equal(execution.status, 'succeeded');
    const page: { status: number; body: Page } = await get(app, '/api/v1/nodes/node1/journal?limit=1000');
    t.equal(page.status, 200);
    t.same(statuses(page.body), [{ source: 'capstan', status: 'ok' }, { source: 'puppetdb', status: 'ok' }]);
    t.ok(newestFirst(page.body.items), 'newest first');
    t.ok(page.body.items.every((e) => e.node === 'node1'));
    const stored = page.body.items.filter((e) => e.source === 'capstan');
    t.ok(stored.some((e) => e.kind === 'execution' && e.executionId === execution.id), 'the command run');
    t.same(stored.filter((e) => e.kind === 'note').map((e) => e.id), [...notes].reverse(), 'the notes, newest first');
    const reports = page.body.items.filter((e) => e.source === 'puppetdb');
    const known = await pdbReports('node1');
    t.ok(known.length >= 1, 'node1 has reports in PuppetDB');
    t.same(reports.map((e) => e.id).sort(), known.map((r) => r.id).sort(), 'one entry per PuppetDB report of node1');
    for (const e of reports) {
      t.match(e, { kind: 'report', principal: null, executionId: null, links: { report: `/api/v1/reports/${e.id}` }, data: { environment: 'production', noop: Boolean } });
      t.match(e.summary, /^puppet run (changed|unchanged|failed) \(\d+ changed, \d+ failed\) in production( \(noop\))?$/);
    }
    // Reports ended before the notes were written: the notes come first.
    t.equal(page.body.items[0].kind, 'note');
    const link = await get(app, reports[0].links.report);
    t.match(link, { status: 200, body: { report: { id: reports[0].id, node: 'node1' } } }, 'the link leads to the report');
  });

  t.test('paging with limit 2 across both sources is exact', async (t) => {
    const all = await pageThrough(app, '/api/v1/nodes/node1/journal', 1000);
    t.ok(all.length >= 5, `${all.length} entries`);
    for (const limit of [1, 2, 3]) {
      const paged = await pageThrough(app, '/api/v1/nodes/node1/journal', limit);
      t.same(paged.map((e) => `${e.source}:${e.id}`), all.map((e) => `${e.source}:${e.id}`), `limit ${limit}: the same entries in the same order`);
    }
    const fleet = await pageThrough(app, '/api/v1/journal', 1000);
    t.same((await pageThrough(app, '/api/v1/journal', 2)).map((e) => `${e.source}:${e.id}`), fleet.map((e) => `${e.source}:${e.id}`), 'the whole fleet too');
  });

  t.test('filters: kind=report, source=puppetdb, q, since', async (t) => {
    const reports: Page = (await get(app, '/api/v1/nodes/node1/journal?kind=report&limit=1000')).body;
    t.ok(reports.items.length >= 1 && reports.items.every((e) => e.kind === 'report' && e.source === 'puppetdb'));
    const notesOnly: Page = (await get(app, '/api/v1/nodes/node1/journal?kind=note')).body;
    t.ok(notesOnly.items.length === 3 && notesOnly.items.every((e) => e.source === 'capstan'));
    t.same(statuses(notesOnly), [{ source: 'capstan', status: 'ok' }, { source: 'puppetdb', status: 'ok' }], 'PuppetDB answers kind=note with nothing');
    const fromPdb: Page = (await get(app, '/api/v1/nodes/node1/journal?source=puppetdb&limit=1000')).body;
    t.same(fromPdb.items.map((e) => e.id), reports.items.map((e) => e.id), 'source=puppetdb: its reports only');
    t.same(fromPdb.sources.map((s) => s.source), ['puppetdb'], 'only PuppetDB asked');
    t.same((await pageThrough(app, '/api/v1/nodes/node1/journal?source=puppetdb', 1)).map((e) => e.id), reports.items.map((e) => e.id), 'paged one by one');
    const failedRuns: Page = (await get(app, '/api/v1/journal?q=RUN%20FAILED&limit=1000')).body;
    t.ok(failedRuns.items.length >= 1 && failedRuns.items.every((e) => e.node === 'node3' && e.data.status === 'failed'), 'q: a summary search (case-insensitive)');
    const newest = reports.items[0].at;
    const since: Page = (await get(app, `/api/v1/nodes/node1/journal?source=puppetdb&since=${encodeURIComponent(newest)}`)).body;
    t.same(since.items.map((e) => e.id), [reports.items[0].id], 'since: at or after');
  });

  t.test('node3\'s failed report shows as failed', async (t) => {
    const page: Page = (await get(app, '/api/v1/nodes/node3/journal?kind=report')).body;
    const failed = (await pdbReports('node3')).filter((r) => r.status === 'failed');
    t.ok(failed.length >= 1);
    t.match(page.items.find((e) => e.id === failed[0].id), {
      node: 'node3', source: 'puppetdb', kind: 'report', summary: /^puppet run failed \(\d+ changed, 1 failed\) in production$/,
      data: { status: 'failed', failed: 1, noop: false, environment: 'production', configurationVersion: /\S/, puppetVersion: /^\d+\./ },
    });
  });

  t.test('GET /api/v1/journal?group=: the members\' entries', async (t) => {
    const failing: Page = (await get(app, '/api/v1/journal?group=failing&limit=1000')).body;
    t.ok(failing.items.length >= 1 && failing.items.every((e) => e.node === 'node3'), 'group failing = node3');
    const debian: Page = (await get(app, '/api/v1/journal?group=Debian&limit=1000')).body;
    t.same([...new Set(debian.items.map((e) => e.node))].sort(), ['node1', 'node2', 'node3']);
    t.ok(newestFirst(debian.items));
    t.ok(debian.items.some((e) => e.source === 'capstan') && debian.items.some((e) => e.source === 'puppetdb'), 'both sources');
    t.same(statuses(debian), [{ source: 'capstan', status: 'ok' }, { source: 'puppetdb', status: 'ok' }]);
    t.equal((await get(app, '/api/v1/journal?group=nonexistent')).status, 404);
  });

  t.test('SSE stream: from now, and from a cursor with follow=false', async (t) => {
    const fromNow = await get(app, '/api/v1/journal/stream?follow=false');
    t.equal(fromNow.status, 200);
    t.match(fromNow.body, /event: caught_up\nid: |id: .*\nevent: caught_up\ndata: \{"entries":0\}/, 'without a cursor: from now');
    const frames = (text: string) => text.split('\n\n').filter((f) => f.includes('event: entry')).map((f) => ({ id: /^id: (.+)$/m.exec(f)![1], data: JSON.parse(/^data: (.+)$/m.exec(f)![1]) as Entry }));
    const epoch = Buffer.from(JSON.stringify({ puppetdb: { c: '1970-01-01T00:00:00.000Z~0', n: 0 } })).toString('base64url');
    const replay = frames((await get(app, `/api/v1/journal/stream?follow=false&limit=2&after=${epoch}`)).body);
    const everyReport = (await get(app, '/api/v1/reports?limit=1')).body.total as number;
    t.equal(replay.length, everyReport, 'every PuppetDB report once, in batches of 2');
    t.equal(new Set(replay.map((f) => f.data.id)).size, replay.length);
    t.ok(replay.every((f) => f.data.source === 'puppetdb' && f.data.kind === 'report'));
    const mid = Math.floor(replay.length / 2);
    const rest = frames((await get(app, `/api/v1/journal/stream?follow=false&after=${replay[mid - 1].id}`)).body);
    t.same(rest.map((f) => f.data.id), replay.slice(mid).map((f) => f.data.id), 'resumes after the cursor, nothing twice');
    const node3 = frames((await get(app, `/api/v1/journal/stream?follow=false&node=node3&after=${epoch}`)).body);
    t.ok(node3.length >= 1 && node3.every((f) => f.data.node === 'node3'));
    const notesOnly = await get(app, `/api/v1/journal/stream?follow=false&kind=note&after=${epoch}`);
    t.match(notesOnly.body, /data: \{"entries":0\}/, 'kind=note: no report');
  });

  t.test('PuppetDB down: the journal still answers, the source says error', async (t) => {
    const down = await buildTestApp(t, { plugins: { puppetdb: { url: 'http://127.0.0.1:9', timeoutMs: 500, attempts: 1 } } });
    const page: { status: number; body: Page } = await get(down, '/api/v1/journal');
    t.equal(page.status, 200, 'one failing source never fails the read');
    t.same(statuses(page.body), [{ source: 'capstan', status: 'ok' }, { source: 'puppetdb', status: 'error' }]);
    t.match(page.body.sources.find((s) => s.source === 'puppetdb'), { error: { detail: /127\.0\.0\.1:9.*ECONNREFUSED/ } });
    const stream = await get(down, '/api/v1/journal/stream?follow=false');
    t.equal(stream.status, 200);
    t.match(stream.body, /event: source_status\ndata: \{"source":"puppetdb","status":"error"/);
  });

  t.teardown(() => { t.comment(`journal real-stack tests took ${((Date.now() - started) / 1000).toFixed(1)} s`); });
}
