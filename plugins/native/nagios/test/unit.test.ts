/**
 * Unit tests of the nagios plugin on answers recorded from a real Nagios Core 4.4.6 (test/fixtures/recorded,
 * copied from /work/shared/reference/nagios/outputs; INDEX.tsv there names each request): statusjson problems
 * as alerts, cmd.cgi's HTML answers, the downtime time formats, archivejson alert history as journal entries
 * (list paging and the stream cursor against a fake client), and the config checks.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { Alert, JournalEntry, SHARED_SCHEMAS } from '../../../../src/capabilities/index.js';
import { pageAlerts } from '../../../../src/capabilities/alert-source.js';
import { SchemaValidator } from '../../../../src/core/validator.js';
import { checkBaseUrl, cmdError, formToken, formValue, type NagiosClient } from '../client.js';
import {
  decodeListCursor, entriesOf, journalList, journalStream, parseStreamCursor, SETTLE_MS, toJournalEntry, type ArchiveAlert, type JournalDeps,
} from '../journal.js';
import { alertId, markComment, parseAlertId, readComment, stateOf, toAlerts, type Snapshot } from '../parse.js';
import { fixedWindow, readServerTime, writeServerTime } from '../times.js';

const dir = join(import.meta.dirname, 'fixtures', 'recorded');
const json = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
const text = (f: string) => readFileSync(join(dir, f), 'utf8');
const validator = new SchemaValidator(SHARED_SCHEMAS);
const valid = (schema: Parameters<SchemaValidator['check']>[0], v: unknown) => validator.check(schema, structuredClone(v));
const BASE = 'http://127.0.0.1:18080/nagios4/cgi-bin/';
const mapOpts = {
  nodeOf: (h: string) => (h === 'db01' ? 'db01.example.com' : h),
  page: (cgi: string, params: Record<string, string>) => `${BASE}${cgi}?${new URLSearchParams(params)}`,
};

/** The recorded fixture: problems as first seen, optionally with the comments/downtimes of later recordings. */
function snapshot(extra: Partial<Snapshot> = {}): Snapshot {
  const hosts = json('statusjson-hostlist-problems.json');
  return {
    hosts: hosts.data.hostlist,
    services: json('statusjson-servicelist-problems-details.json').data.servicelist,
    comments: {},
    downtimes: {},
    queryTime: hosts.result.query_time,
    ...extra,
  };
}

t.test('statusjson problems as alerts: ids, severities, nodes, labels, since, links; every one valid', async (t) => {
  const alerts = toAlerts(snapshot(), mapOpts);
  t.same(alerts.map((a) => a.id).sort(), ['branch01', 'db01!Backup', 'db01!MySQL', 'edge01', 'edge01!PING', 'web01!Disk Usage']);
  for (const a of alerts) t.same(valid(Alert, a), [], `${a.id} is a valid Alert`);
  const by = Object.fromEntries(alerts.map((a) => [a.id, a]));
  t.same(by.edge01, {
    id: 'edge01', source: 'nagios', node: 'edge01', name: 'edge01', severity: 'critical', state: 'firing',
    since: new Date(1795965081000).toISOString(), summary: 'CRITICAL: edge01 does not answer',
    labels: { host: 'edge01', state: 'DOWN', state_type: 'hard', check_type: 'active' },
    annotations: { summary: 'CRITICAL: edge01 does not answer' },
    links: { source: `${BASE}extinfo.cgi?type=1&host=edge01`, node: '/api/v1/nodes/edge01' },
  });
  t.match(by.branch01, { severity: 'error', labels: { state: 'UNREACHABLE' } });
  t.match(by['db01!MySQL'], { node: 'db01.example.com', name: 'MySQL', severity: 'critical', labels: { host: 'db01', service: 'MySQL', state: 'CRITICAL' }, links: { node: '/api/v1/nodes/db01.example.com' } });
  t.match(by['db01!Backup'], { severity: 'error', labels: { state: 'UNKNOWN' } });
  t.match(by['web01!Disk Usage'], { severity: 'warning', links: { source: `${BASE}extinfo.cgi?type=2&host=web01&service=Disk+Usage` } });
});

t.test('UP, OK and pending objects are no alerts; since falls back when last_state_change is 0', async (t) => {
  const services = json('statusjson-servicelist-details.json').data.servicelist;
  const snap = snapshot({ hosts: json('statusjson-hostlist-details.json').data.hostlist, services });
  t.same(toAlerts(snap, mapOpts).length, 6, 'the full lists give the same six problems');
  const o = { ...services.db01.MySQL, last_state_change: 0, last_hard_state_change: 1000, last_check: 2000 };
  t.equal(toAlerts(snapshot({ hosts: {}, services: { db01: { MySQL: o } } }), mapOpts)[0].since, new Date(1000).toISOString());
  const never = { ...o, last_hard_state_change: 0 };
  t.equal(toAlerts(snapshot({ hosts: {}, services: { db01: { MySQL: never } } }), mapOpts)[0].since, new Date(2000).toISOString());
  t.same(toAlerts(snapshot({ hosts: {}, services: { db01: { MySQL: { ...o, status: 1, has_been_checked: false } } } }), mapOpts), []);
  t.same(toAlerts(snapshot({ hosts: {}, services: { db01: { MySQL: { ...o, status: 2 } } } }), mapOpts), []);
});

t.test('acknowledged: the ack comment (entry_type 4) gives by/at/comment; the Capstan mark names the caller', async (t) => {
  const host = json('statusjson-host-edge01-after-ack.json').data.host;
  const comments = { 7: { comment_id: 7, comment_type: 1, entry_type: 4, entry_time: 1795965087000, host_name: 'edge01', author: 'CI Admin', comment_data: markComment('on it', 'alice') } };
  const [a] = toAlerts(snapshot({ hosts: { edge01: host }, services: {}, comments }), mapOpts);
  t.match(a, { state: 'acknowledged', acknowledgement: { by: 'alice', at: new Date(1795965087000).toISOString(), comment: 'on it' }, silencedBy: [{ kind: 'acknowledgement', id: '7', by: 'alice', comment: 'on it' }] });
  t.same(valid(Alert, a), []);
  // A recorded ack made in Nagios's own UI: the author is Nagios's (the contact alias).
  const svc = json('statusjson-service-db01-MySQL-after-ack.json').data.service;
  const [b] = toAlerts(snapshot({ hosts: {}, services: { db01: { MySQL: svc } }, comments: json('statusjson-commentlist-after-ack.json').data.commentlist }), mapOpts);
  t.match(b, { state: 'acknowledged', acknowledgement: { by: 'CI Admin', comment: 'CI ack: looking into it' } });
});

t.test('silenced: scheduled_downtime_depth > 0, the downtime from downtimelist (service and host downtimes)', async (t) => {
  const svc = json('statusjson-service-db01-MySQL-in-downtime.json').data.service;
  const downtimes = { ...json('statusjson-downtimelist-details.json').data.downtimelist, ...json('statusjson-downtimelist-host-details.json').data.downtimelist };
  const [a] = toAlerts(snapshot({ hosts: {}, services: { db01: { MySQL: svc } }, downtimes, comments: json('statusjson-commentlist-during-downtime.json').data.commentlist }), mapOpts);
  t.match(a, { state: 'silenced', silencedBy: [{ kind: 'downtime', id: '1', by: 'CI Admin', comment: 'CI maintenance window', until: new Date(1795968690000).toISOString() }] });
  t.equal(a.silencedBy!.length, 1, 'the ack comment left by a persistent ack is not an acknowledgement');
  t.notOk(a.acknowledgement);
  const branch = { ...json('statusjson-hostlist-problems.json').data.hostlist.branch01, scheduled_downtime_depth: 1 };
  const [h] = toAlerts(snapshot({ hosts: { branch01: branch }, services: {}, downtimes }), mapOpts);
  t.match(h, { id: 'branch01', state: 'silenced', silencedBy: [{ kind: 'downtime', id: '2', comment: 'CI host maintenance' }] });
});

t.test('alert.list filters and pages the alerts (shared helpers)', async (t) => {
  const alerts = toAlerts(snapshot(), mapOpts);
  t.same(pageAlerts(alerts, { severity: ['critical'] }).alerts.map((a) => a.id).sort(), ['db01!MySQL', 'edge01', 'edge01!PING']);
  t.same(pageAlerts(alerts, { node: 'db01.example.com' }).total, 2);
  t.same(pageAlerts(alerts, { matchers: ['service=~"Disk.*"'] }).alerts.map((a) => a.id), ['web01!Disk Usage']);
  t.same(pageAlerts(alerts, { state: ['resolved'] }).total, 0, 'statusjson tells no resolved alert');
  const p1 = pageAlerts(alerts, { limit: 4 });
  const p2 = pageAlerts(alerts, { limit: 4, cursor: p1.nextCursor! });
  t.same([...p1.alerts, ...p2.alerts].length, 6);
  t.equal(p2.nextCursor, null);
});

t.test('ids, states, comment marks', async (t) => {
  t.equal(alertId('db01'), 'db01');
  t.equal(alertId('web01', 'Disk Usage'), 'web01!Disk Usage');
  t.same(parseAlertId('web01!Disk Usage'), { host: 'web01', service: 'Disk Usage' });
  t.same(parseAlertId('edge01'), { host: 'edge01' });
  t.same(parseAlertId('a!b!c'), { host: 'a', service: 'b!c' });
  t.same([2, 4, 8].map((s) => stateOf('host', s)), [{ text: 'UP' }, { text: 'DOWN', severity: 'critical' }, { text: 'UNREACHABLE', severity: 'error' }]);
  t.same([2, 4, 8, 16].map((s) => stateOf('service', s).severity), [undefined, 'warning', 'error', 'critical']);
  t.same(readComment(markComment('disk full', 'ci-bot')), { comment: 'disk full', principal: 'ci-bot' });
  t.same(readComment('plain text'), { comment: 'plain text' });
});

t.test('cmd.cgi answers: success, error messages, CSRF refusal; the form token and prefilled values', async (t) => {
  t.equal(cmdError(text('cmd-34-ack-svc.response.http')), undefined);
  t.equal(cmdError(text('error-cmd-34-missing-comment.response.http')), 'Comment was not entered');
  t.equal(cmdError(text('error-cmd-34-unauthorized-user.response.http')), 'Sorry, but you are not authorized to commit the specified command.');
  t.equal(cmdError(text('error-cmd-34-unknown-host.response.http')), 'Sorry, but you are not authorized to commit the specified command.');
  t.equal(cmdError(text('cmd-34-ack-svc-post-without-csrf-cookie.response.http')), 'Error: Invalid or missing CSRF cookie!');
  t.match(cmdError('<html>It works!</html>'), /without its success message/);
  const form = text('cmd-34-form-get.response.http');
  t.equal(formToken(form), '25e45d32519b500d');
  t.equal(formValue(form, 'com_author'), 'CI Admin');
  t.equal(formValue(form, 'start_time'), undefined);
});

t.test('downtime times in the server\'s date_format, from the form\'s own start_time', async (t) => {
  const now = Date.UTC(2026, 10, 29, 15, 11, 30);
  t.same(readServerTime('2026-11-29 15:11:30', now), { format: 'iso8601', ms: now });
  t.same(readServerTime('2026-11-29T15:11:30', now), { format: 'strict-iso8601', ms: now });
  t.same(readServerTime('11-29-2026 15:11:30', now), { format: 'us', ms: now });
  t.same(readServerTime('29-11-2026 15:11:30', now), { format: 'euro', ms: now });
  const march = Date.UTC(2026, 2, 4, 9, 0, 0);
  t.same(readServerTime('03-04-2026 09:00:00', march), { format: 'us', ms: march }, 'us and euro look alike: the one near our clock wins');
  t.same(readServerTime('04-03-2026 09:00:00', march), { format: 'euro', ms: march });
  t.equal(readServerTime('tomorrow', now), undefined);
  t.equal(writeServerTime('us', now), '11-29-2026 15:11:30');
  t.equal(writeServerTime('euro', now), '29-11-2026 15:11:30');
  t.equal(writeServerTime('strict-iso8601', now), '2026-11-29T15:11:30');
  t.same(fixedWindow('2026-11-29 23:30:00', 3600, now), { start_time: '2026-11-29 23:30:00', end_time: '2026-11-30 00:30:00', fixed: '1', hours: '1', minutes: '0' });
  t.same(fixedWindow('11-29-2026 15:11:30', 5400, now).end_time, '11-29-2026 16:41:30');
  t.throws(() => fixedWindow(undefined, 60), { code: 'CAPSTAN_ERR_UPSTREAM_ERROR' });
});

t.test('config: the CGI base URL', async (t) => {
  t.equal(checkBaseUrl({ url: 'http://127.0.0.1:18080/nagios4/cgi-bin', allowPlainHttp: false }).href, 'http://127.0.0.1:18080/nagios4/cgi-bin/');
  t.equal(checkBaseUrl({ url: 'https://nagios.example.com/nagios/cgi-bin/', allowPlainHttp: false }).href, 'https://nagios.example.com/nagios/cgi-bin/');
  t.throws(() => checkBaseUrl({ url: 'http://nagios.example.com/cgi-bin', allowPlainHttp: false }), /loopback only/);
  t.ok(checkBaseUrl({ url: 'http://nagios.example.com/cgi-bin', allowPlainHttp: true }));
  t.throws(() => checkBaseUrl({ url: 'http://u:secret@127.0.0.1/cgi-bin', allowPlainHttp: false }), /must not carry credentials/);
  t.throws(() => checkBaseUrl({ url: 'ftp://127.0.0.1/', allowPlainHttp: false }), /http\(s\)/);
  t.throws(() => checkBaseUrl({ url: 'not a url', allowPlainHttp: false }), /not a URL/);
});

const alertlist: ArchiveAlert[] = json('archivejson-alertlist-after-commands.json').data.alertlist;

t.test('archivejson alerts as journal entries; pseudo-states dropped', async (t) => {
  const entries = entriesOf(alertlist, (h) => h);
  t.equal(entries.length, 8);
  for (const e of entries) t.same(valid(JournalEntry, e), [], `${e.id} is a valid JournalEntry`);
  t.same(toJournalEntry(alertlist[1], (h) => `${h}.example.com`), {
    id: '1795965081000!edge01!DOWN!hard', source: 'nagios', node: 'edge01.example.com', at: new Date(1795965081000).toISOString(), kind: 'alert',
    summary: 'host edge01 DOWN (hard): CRITICAL: edge01 does not answer', principal: null, executionId: null, links: {},
    data: { alertId: 'edge01', host: 'edge01', state: 'DOWN', stateType: 'hard', severity: 'critical', output: 'CRITICAL: edge01 does not answer' },
  });
  t.match(entries.find((e) => e.data.state === 'OK'), { summary: 'Nightly Job on web01 OK (hard): OK - nightly job finished', data: { alertId: 'web01!Nightly Job' } });
  const changes: ArchiveAlert[] = json('archivejson-statechangelist-host-edge01.json').data.statechangelist;
  t.same(entriesOf(changes, (h) => h).map((e) => e.data.state), ['DOWN'], 'Initial and Final Pseudo-State entries are not history');
  t.equal(toJournalEntry({ ...alertlist[0], state_type: 2 }, (h) => h)!.data.stateType, 'soft');
});

/** A fake client answering archivejson alertlist from the recording (times in seconds, inclusive) and programstatus. */
function fakeDeps(list: ArchiveAlert[], nowMs: number, asked: Record<string, string>[] = []): JournalDeps {
  const client = {
    json: async (_cgi: string, params: Record<string, string>) => {
      asked.push(params);
      if (params.query === 'programstatus') return { result: { type_code: 0, query_time: nowMs }, data: {} };
      const sec = (v: string) => (/^[-+]/.test(v) ? Math.floor(nowMs / 1000) + Number(v) : Number(v));
      const from = sec(params.starttime) * 1000;
      const to = sec(params.endtime) * 1000;
      const hits = list.filter((a) => a.timestamp >= from && a.timestamp <= to && (!params.hostname || (a.name ?? a.host_name) === params.hostname));
      return { result: { type_code: 0, query_time: nowMs }, data: { alertlist: hits } };
    },
  } as unknown as NagiosClient;
  return { client, nodeOf: (h) => h, hostsOf: (n) => [n], historyDays: 31 };
}
const signal = new AbortController().signal;

t.test('journal.list: newest first, keyset pages, nodes / since / until / q / kinds', async (t) => {
  const now = 1795965090000;
  const asked: Record<string, string>[] = [];
  const d = fakeDeps(alertlist, now, asked);
  const all = await journalList(d, {}, signal);
  t.equal(all.entries.length, 8);
  t.same(all.entries.slice(0, 2).map((e) => e.data.state), ['OK', 'UNREACHABLE'], 'newest first');
  t.match(asked[0], { query: 'alertlist', starttime: `-${31 * 86400}`, endtime: '+0' });
  const seen: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await journalList(d, { limit: 3, ...(cursor ? { cursor } : {}) }, signal);
    seen.push(...page.entries.map((e) => e.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  t.same(seen, all.entries.map((e) => e.id), 'pages of 3 give every entry once, in order');
  const edge = await journalList(d, { nodes: ['edge01'] }, signal);
  t.same(edge.entries.map((e) => e.summary).sort(), ['PING on edge01 CRITICAL (hard): CRITICAL: 100% packet loss', 'host edge01 DOWN (hard): CRITICAL: edge01 does not answer']);
  t.equal(asked[asked.length - 1].hostname, 'edge01', 'one node: asked of archivejson');
  t.same((await journalList(d, { since: new Date(1795965083000).toISOString() }, signal)).entries.map((e) => e.data.host), ['web01', 'branch01']);
  t.same((await journalList(d, { until: new Date(1795965083000).toISOString() }, signal)).entries.length, 6);
  t.same((await journalList(d, { q: 'NIGHTLY' }, signal)).entries.length, 2);
  t.same(await journalList(d, { kinds: ['report'] }, signal), { entries: [], nextCursor: null });
  t.throws(() => decodeListCursor('nope'), { code: 'CAPSTAN_ERR_CAPABILITY_PARAMS_INVALID' });
});

t.test('journal.stream: from Nagios\'s clock, oldest first, only settled seconds, exact within a second', async (t) => {
  const first = 1795965081000;
  const start = await journalStream(fakeDeps(alertlist, first - 5000), {}, signal);
  t.equal(start.cursor, `${(first - 5000) / 1000}~0`);
  t.same(start.entries, []);
  // At first + 1 s nothing is settled yet.
  const early = await journalStream(fakeDeps(alertlist, first + 1000), { after: start.cursor }, signal);
  t.same(early, { entries: [], cursor: start.cursor });
  // Settled up to first+2s: the six entries of the first second, three at a time.
  const d = fakeDeps(alertlist, first + SETTLE_MS);
  const a = await journalStream(d, { after: start.cursor, limit: 3 }, signal);
  t.equal(a.entries.length, 3);
  t.equal(a.cursor, `${first / 1000}~3`);
  const b = await journalStream(d, { after: a.cursor, limit: 3 }, signal);
  t.equal(b.entries.length, 3);
  t.same(new Set([...a.entries, ...b.entries].map((e) => e.id)).size, 6);
  const c = await journalStream(d, { after: b.cursor }, signal);
  t.same(c, { entries: [], cursor: b.cursor }, 'nothing new: the cursor stays');
  const later = await journalStream(fakeDeps(alertlist, first + 10_000), { after: b.cursor, nodes: ['branch01'] }, signal);
  t.same(later.entries.map((e) => e.node), ['branch01'], 'a node filter');
  t.equal(later.cursor, `${1795965084}~1`, 'the cursor passes the entries the filter left out');
  t.same(parseStreamCursor('1795965084~1'), { sec: 1795965084, n: 1 });
  t.throws(() => parseStreamCursor('x'), { code: 'CAPSTAN_ERR_CAPABILITY_PARAMS_INVALID' });
});

t.test('URL errors never echo the URL\'s credentials', async (t) => {
  for (const url of ['https://admin:s3cret@h.example.com:99999', 'ftp://admin:s3cret@h.example.com/', 'http://admin:s3cret@remote.example.com/', 'https://admin:s3cret@h.example.com/', 'ht tp://admin:s3cret@h']) {
    let message = '';
    try { checkBaseUrl({ url, allowPlainHttp: false }); } catch (err) { message = (err as Error).message; }
    t.ok(message, `${url.replace('s3cret', '***')} refused`);
    t.notOk(message.includes('s3cret'), `no password in: ${message}`);
  }
});
