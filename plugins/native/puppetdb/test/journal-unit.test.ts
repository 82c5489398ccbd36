/**
 * Unit tests of PuppetDB as a journal source (journal.ts): the entry of each recorded PuppetDB 7.12 report
 * (test/fixtures/recorded-reports.json, six reports of node1..node3 with their metrics), the summary, the
 * cursors, and journal.list / journal.stream paging against a fake client that answers the AST queries the
 * source sends (and, =, or, <, >=, null?, extract; order_by, limit, offset) from the recorded rows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { JournalEntry, JournalListResult, JournalStreamResult, SHARED_SCHEMAS } from '../../../../src/capabilities/index.js';
import { SchemaValidator } from '../../../../src/core/validator.js';
import type { PuppetDbClient, QueryOptions } from '../client.js';
import {
  decodeListCursor, encodeListCursor, journalList, journalStream, journalStreamPos, positionAfter, reportSummary, SCAN_ROWS, toJournalEntry, type JournalReportRow,
} from '../journal.js';

const reports: JournalReportRow[] = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'recorded-reports.json'), 'utf8'));
const validator = new SchemaValidator(SHARED_SCHEMAS);
const valid = (schema: Parameters<SchemaValidator['check']>[0], v: unknown) => validator.check(schema, structuredClone(v)).length === 0;
const signal = new AbortController().signal;

/** Evaluates the subset of PuppetDB's AST the journal source sends, on one row. */
function matches(q: unknown, row: Record<string, unknown>): boolean {
  const [op, ...args] = q as [string, ...unknown[]];
  const cmp = (f: unknown, v: unknown) => {
    const a = row[f as string];
    const x = typeof v === 'string' && /^\d{4}-/.test(v) ? Date.parse(v) : v;
    const y = typeof a === 'string' && /^\d{4}-/.test(a) ? Date.parse(a) : a;
    return [y, x] as [number, number];
  };
  switch (op) {
    case 'and': return args.every((a) => matches(a, row));
    case 'or': return args.some((a) => matches(a, row));
    case '=': { const [y, x] = cmp(args[0], args[1]); return y === x; }
    case '<': { const [y, x] = cmp(args[0], args[1]); return y < x; }
    case '>=': { const [y, x] = cmp(args[0], args[1]); return y >= x; }
    case 'null?': return (row[args[0] as string] === null || row[args[0] as string] === undefined) === args[1];
    default: throw new Error(`fake PuppetDB: no operator ${op}`);
  }
}

/** A client answering reports queries from `rows`; it records every request. */
function fakeClient(rows: JournalReportRow[], serverTime = '2026-11-25T00:00:00.000Z') {
  const calls: { endpoint: string; o: QueryOptions }[] = [];
  const client = {
    calls,
    async query<T>(endpoint: string, o: QueryOptions = {}) {
      calls.push({ endpoint, o });
      const q = o.query as unknown as unknown[];
      if (q[0] !== 'extract') throw new Error('journal queries extract their fields');
      const cond = q[2];
      let out = rows.filter((r) => cond === undefined || matches(cond, r as unknown as Record<string, unknown>));
      const order = o.orderBy ?? [];
      out = [...out].sort((a, b) => {
        for (const { field, order: dir } of order) {
          const x = (a as unknown as Record<string, string>)[field];
          const y = (b as unknown as Record<string, string>)[field];
          const c = field.endsWith('time') ? Date.parse(x) - Date.parse(y) : x < y ? -1 : x > y ? 1 : 0;
          if (c !== 0) return dir === 'desc' ? -c : c;
        }
        return 0;
      });
      out = out.slice(o.offset ?? 0, o.limit === undefined ? undefined : (o.offset ?? 0) + o.limit);
      return { body: out as unknown as T };
    },
    async get<T>(path: string) {
      calls.push({ endpoint: path, o: {} });
      return { body: { server_time: serverTime } as unknown as T };
    },
  };
  return client as typeof client & PuppetDbClient;
}

t.test('entries: one per recorded report, with counts from the metrics', async (t) => {
  for (const r of reports) t.ok(valid(JournalEntry, toJournalEntry(r)), `${r.certname} ${r.hash}: a valid JournalEntry`);
  const node3 = toJournalEntry(reports.find((r) => r.hash === '5c90a921564f4a46ebc1b4992b6234c0fed322a4')!);
  t.same(node3, {
    id: '5c90a921564f4a46ebc1b4992b6234c0fed322a4', source: 'puppetdb', node: 'node3', at: '2026-11-24T23:31:40.564Z', kind: 'report',
    summary: 'puppet run failed (1 changed, 1 failed) in production', principal: null, executionId: null,
    links: { report: '/api/v1/reports/5c90a921564f4a46ebc1b4992b6234c0fed322a4' },
    data: { status: 'failed', changed: 1, failed: 1, noop: false, environment: 'production', configurationVersion: '1795563098', puppetVersion: '7.23.0' },
  });
  const node1 = toJournalEntry(reports[0]);
  t.equal(node1.summary, 'puppet run changed (4 changed, 0 failed) in production');
  t.equal(node1.at, reports[0].end_time, 'at = end_time');
  const noop = toJournalEntry({ ...reports[0], noop: true, status: 'unchanged', metrics: undefined, environment: null });
  t.equal(noop.summary, 'puppet run unchanged (noop)', 'no metrics: no counts; no environment');
  t.same(noop.data, { status: 'unchanged', changed: null, failed: null, noop: true, environment: null, configurationVersion: '1795563053', puppetVersion: '7.23.0' });
  t.equal(toJournalEntry({ ...reports[0], status: null }).data.status, 'failed', 'a report without status counts as failed (as reports.*)');
  t.equal(reportSummary('changed', 3, null, 'staging', true), 'puppet run changed (3 changed, ? failed) in staging (noop)');
});

t.test('cursors: opaque list positions, stream positions', async (t) => {
  const c = encodeListCursor({ t: '2026-11-24T23:31:40.564Z', n: 2 });
  t.match(c, /^[A-Za-z0-9_-]+$/);
  t.same(decodeListCursor(c), { t: '2026-11-24T23:31:40.564Z', n: 2 });
  for (const bad of ['x', encodeListCursor({ t: 'not a time', n: 1 }), Buffer.from('[1,2]').toString('base64url'), Buffer.from('["2026-11-24T23:31:40.564Z",-1]').toString('base64url')]) {
    t.throws(() => decodeListCursor(bad), { code: 'CAPSTAN_ERR_CAPABILITY_PARAMS_INVALID' }, `refused: ${bad}`);
  }
  t.same(journalStreamPos('2026-11-24T23:31:40.564Z~3'), { time: '2026-11-24T23:31:40.564Z', skip: 3 });
  t.throws(() => journalStreamPos('offset:3'), { code: 'CAPSTAN_ERR_CAPABILITY_PARAMS_INVALID' });
  const rows = [{ end_time: '2026-01-01T00:00:02.000Z' }, { end_time: '2026-01-01T00:00:01.000Z' }, { end_time: '2026-01-01T00:00:01.000Z' }];
  t.same(positionAfter(rows, 0), { t: '2026-01-01T00:00:02.000Z', n: 1 });
  t.same(positionAfter(rows, 2), { t: '2026-01-01T00:00:01.000Z', n: 2 });
  t.same(positionAfter(rows, 1, { t: '2026-01-01T00:00:01.000Z', n: 5 }), { t: '2026-01-01T00:00:01.000Z', n: 6 }, 'same millisecond as the start: its skipped rows count');
});

/** Six recorded reports plus three that end in the same millisecond as node3's last (ties broken by hash). */
const tied = [...reports, ...['aa', 'ff', '00'].map((h, i) => ({ ...reports[5], hash: `${h}${'0'.repeat(38)}`, certname: `node${i + 1}`, receive_time: reports[5].receive_time }))];

async function pageAll(client: PuppetDbClient, params: Record<string, unknown>, limit: number) {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 100; i++) {
    const r = await journalList(client, { ...params, limit, ...(cursor ? { cursor } : {}) }, signal);
    if (!valid(JournalListResult, r)) throw new Error(`not a JournalListResult: ${JSON.stringify(r).slice(0, 200)}`);
    ids.push(...r.entries.map((e) => e.id));
    if (!r.nextCursor) return ids;
    cursor = r.nextCursor;
  }
  throw new Error('no end');
}

t.test('journal.list: newest first by end_time then hash, keyset pages exact across ties', async (t) => {
  const client = fakeClient(tied);
  const big = await journalList(client, { limit: 100 }, signal);
  t.equal(big.entries.length, 9);
  t.equal(big.nextCursor, null);
  const times = big.entries.map((e) => Date.parse(e.at));
  t.same(times, [...times].sort((a, b) => b - a), 'newest first');
  t.same(big.entries.slice(0, 4).map((e) => e.id), ['ff' + '0'.repeat(38), 'aa' + '0'.repeat(38), '5c90a921564f4a46ebc1b4992b6234c0fed322a4', '00' + '0'.repeat(38)], 'ties by hash, descending');
  for (const limit of [1, 2, 3, 4]) t.same(await pageAll(client, {}, limit), big.entries.map((e) => e.id), `limit ${limit}: the same entries in the same order`);
  const q = client.calls[0].o;
  t.same(q.orderBy, [{ field: 'end_time', order: 'desc' }, { field: 'hash', order: 'desc' }]);
  t.equal(q.limit, 101, 'one more than the page, to know whether there is a next');

  // A report that arrives between two pages (it ended later) does not shift the next page.
  const first = await journalList(fakeClient(tied), { limit: 3 }, signal);
  const withNew = fakeClient([...tied, { ...reports[0], hash: 'new'.padEnd(40, '0'), end_time: '2026-11-25T00:00:00.000Z' }]);
  const second = await journalList(withNew, { limit: 3, cursor: first.nextCursor! }, signal);
  t.same(second.entries.map((e) => e.id), big.entries.slice(3, 6).map((e) => e.id), 'keyset: the page after the cursor, not shifted');
});

t.test('journal.list filters: nodes, since/until on end_time, kinds, q', async (t) => {
  const client = fakeClient(tied);
  const node3 = await journalList(client, { nodes: ['node3'], limit: 100 }, signal);
  t.same(node3.entries.map((e) => e.node), ['node3', 'node3', 'node3']);
  const window = await journalList(client, { since: '2026-11-24T23:31:03.459Z', until: '2026-11-24T23:31:35.661Z', limit: 100 }, signal);
  t.same(window.entries.map((e) => e.at), ['2026-11-24T23:31:30.782Z', '2026-11-24T23:31:11.712Z', '2026-11-24T23:31:03.459Z'], 'since included, until excluded');
  const calls = client.calls.length;
  t.same(await journalList(client, { kinds: ['note', 'execution'], limit: 10 }, signal), { entries: [], nextCursor: null }, 'kinds without report: nothing');
  t.equal(client.calls.length, calls, '... and PuppetDB is not asked');
  t.equal((await journalList(client, { kinds: ['report', 'note'], limit: 100 }, signal)).entries.length, 9);

  const failed = await journalList(client, { q: 'RUN FAILED', limit: 100 }, signal);
  t.equal(failed.entries.length, 5, 'q is a substring of the summary, case-insensitive: node3\'s two runs and the three tied copies');
  t.ok(failed.entries.every((e) => e.data.status === 'failed'), 'the failed runs only');
  t.same((await journalList(client, { q: 'in staging', limit: 100 }, signal)), { entries: [], nextCursor: null }, 'no match: nothing, no cursor');
  t.same(await pageAll(client, { q: 'changed (1 changed' }, 1), (await journalList(client, { q: 'changed (1 changed', limit: 100 }, signal)).entries.map((e) => e.id), 'q pages exactly too');
  t.same(await pageAll(client, { q: 'in production' }, 2), (await journalList(client, { limit: 100 }, signal)).entries.map((e) => e.id));
});

t.test('journal.list with q reads at most SCAN_ROWS reports per call, then answers a cursor where the scan stopped', async (t) => {
  const many: JournalReportRow[] = [];
  const base = Date.parse('2026-01-01T00:00:00Z');
  for (let i = 0; i < SCAN_ROWS + 700; i++) {
    many.push({ ...reports[0], hash: String(i).padStart(40, '0'), end_time: new Date(base + i * 1000).toISOString(), status: i === 3 ? 'failed' : 'changed' });
  }
  const client = fakeClient(many);
  const first = await journalList(client, { q: 'run failed', limit: 10 }, signal);
  t.same(first.entries, [], 'no match among the newest SCAN_ROWS');
  t.ok(first.nextCursor, 'but a cursor: the scan goes on');
  t.equal(client.calls.reduce((n, c) => n + (c.o.limit ?? 0), 0), SCAN_ROWS, 'SCAN_ROWS read');
  const second = await journalList(client, { q: 'run failed', limit: 10, cursor: first.nextCursor! }, signal);
  t.same(second.entries.map((e) => e.id), [String(3).padStart(40, '0')]);
  t.equal(second.nextCursor, null);
});

t.test('journal.stream: oldest first by receive_time, resumable, from PuppetDB\'s clock', async (t) => {
  const client = fakeClient(tied, '2026-11-24T23:31:00.000Z');
  const start = await journalStream(client, { limit: 100 }, signal);
  t.same(start, { entries: [], cursor: '2026-11-24T23:31:00.000Z~0' }, 'without a cursor: PuppetDB\'s server time');
  t.ok(valid(JournalStreamResult, start));
  const all = await journalStream(client, { after: '1970-01-01T00:00:00.000Z~0', limit: 100 }, signal);
  t.equal(all.entries.length, 9);
  t.same(client.calls.at(-1)!.o.orderBy, [{ field: 'receive_time', order: 'asc' }, { field: 'hash', order: 'asc' }]);
  // In batches of 2 (some inside the tied instant): the same entries, once each.
  const ids: string[] = [];
  let after = '1970-01-01T00:00:00.000Z~0';
  for (let i = 0; i < 20; i++) {
    const r = await journalStream(client, { after, limit: 2 }, signal);
    ids.push(...r.entries.map((e) => e.id));
    if (!r.entries.length) { t.equal(r.cursor, after, 'nothing new: the cursor stays'); break; }
    after = r.cursor;
  }
  t.same(ids, all.entries.map((e) => e.id));
  t.same((await journalStream(client, { after: '2026-11-24T23:31:13.000Z~0', limit: 100 }, signal)).entries.map((e) => e.at), ['2026-11-24T23:31:30.782Z', '2026-11-24T23:31:35.661Z', ...Array(4).fill('2026-11-24T23:31:40.564Z')], 'only reports received after the cursor');
  const node2 = await journalStream(client, { after: '1970-01-01T00:00:00.000Z~0', nodes: ['node2'], limit: 100 }, signal);
  t.ok(node2.entries.length === 3 && node2.entries.every((e) => e.node === 'node2'));
  const calls = client.calls.length;
  t.same(await journalStream(client, { after: '1970-01-01T00:00:00.000Z~0', kinds: ['note'], limit: 100 }, signal), { entries: [], cursor: '1970-01-01T00:00:00.000Z~0' });
  t.match((await journalStream(client, { kinds: ['note'], limit: 100 }, signal)).cursor, /~0$/);
  t.equal(client.calls.length, calls, 'kinds without report: PuppetDB is not asked');
  await t.rejects(journalStream(client, { after: 'nope', limit: 1 }, signal), { code: 'CAPSTAN_ERR_CAPABILITY_PARAMS_INVALID' });
});
