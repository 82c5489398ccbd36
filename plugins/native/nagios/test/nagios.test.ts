/**
 * Integration: the nagios plugin through Capstan's HTTP API against a REAL Nagios Core 4 (Debian packages,
 * started by the recipe in fixtures/recipe on 127.0.0.74:28074; see fixtures/nagios.ts for its hosts and
 * services). Skipped with the reason when the packages are not installed. The tests run in order on one
 * fresh instance: reads first, then acknowledge/resolve (which change Nagios's state).
 */
import { appendFileSync, chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Value } from '@sinclair/typebox/value';
import { pino } from 'pino';
import t from 'tap';
import type { PluginHelpers } from '../../../../src/core/helpers-api.js';
import { NagiosConfigSchema, type NagiosConfig } from '../config.js';
import { NagiosPlugin } from '../plugin.js';
import { buildTestApp } from '../../../../test/helper.js';
import { until } from '../../../../test/until.js';
import { nagiosUnavailableReason, PASSWORD, startNagios, USER, type NagiosInstance } from './fixtures/nagios.js';

const ADMIN = 'admin-token-0123456789';
const ALICE = 'alice-token-0123456789';
const PROBLEMS = ['branch01', 'db01!Backup', 'db01!MySQL', 'edge01', 'edge01!PING', 'web01!Disk Usage'];

const reason = nagiosUnavailableReason();
if (reason) {
  t.plan(0, reason);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'capstan-nagios-'));
  // Nagios and Apache run as user nagios: they must reach the work dir inside.
  chmodSync(dir, 0o755);
  // Registered before the start: a failed start (startNagios stops what it started) still removes the work dir.
  let nagios: NagiosInstance | undefined;
  t.teardown(async () => {
    await nagios?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  nagios = await startNagios(join(dir, 'run'));
  await run(nagios);
}

async function call(app: FastifyInstance, method: 'GET' | 'POST', url: string, body?: unknown, token = ADMIN) {
  const res = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body !== undefined ? { payload: body as object } : {}) });
  return { status: res.statusCode, body: res.json() };
}

/** Nagios's own view (statusjson), to check that a command reached it. */
async function nagiosJson(n: NagiosInstance, params: Record<string, string>) {
  const res = await fetch(`${n.url}/statusjson.cgi?${new URLSearchParams(params)}`, { headers: { authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}` } });
  return (await res.json()) as { data: any };
}

const alertPath = (id: string) => `/api/v1/alerts/${encodeURIComponent(id)}`;

async function run(n: NagiosInstance): Promise<void> {
  const app = await buildTestApp(t, {
    token: ADMIN,
    tokens: [{ name: 'alice', token: ALICE, permissions: ['*'] }],
    plugins: { nagios: { url: n.url, user: USER, password: PASSWORD, commandTimeoutMs: 15_000 } },
  });

  t.test('health: Nagios 4.4 reached, the user sees the fixture', async (t) => {
    const { body } = await call(app, 'GET', '/api/v1/plugins/nagios');
    t.match(body, { state: 'ready', health: { status: 'healthy', message: /^Nagios 4\.4\.\d+ at .* \(user ciadmin\): 4 hosts, 7 services visible$/ } });
  });

  t.test('list: one alert per host and service problem, with state, severity, node, labels, links', async (t) => {
    const { status, body } = await call(app, 'GET', '/api/v1/alerts?limit=100');
    t.equal(status, 200);
    t.match(body.sources, [{ source: 'nagios', status: 'ok' }]);
    const alerts = body.items.filter((a: any) => a.source === 'nagios');
    t.same(alerts.map((a: any) => a.id).sort(), PROBLEMS);
    const by = Object.fromEntries(alerts.map((a: any) => [a.id, a]));
    t.match(by.edge01, { node: 'edge01', name: 'edge01', severity: 'critical', state: 'firing', summary: 'CRITICAL: edge01 does not answer', labels: { host: 'edge01', state: 'DOWN', state_type: 'hard', check_type: 'active' } });
    t.notOk('service' in by.edge01.labels);
    t.match(by.branch01, { node: 'branch01', severity: 'error', labels: { state: 'UNREACHABLE' } });
    t.match(by['db01!MySQL'], { node: 'db01', name: 'MySQL', severity: 'critical', summary: 'CRITICAL: MySQL connection refused', labels: { host: 'db01', service: 'MySQL', state: 'CRITICAL' } });
    t.match(by['db01!Backup'], { severity: 'error', labels: { state: 'UNKNOWN' } });
    t.match(by['web01!Disk Usage'], { node: 'web01', severity: 'warning', labels: { state: 'WARNING' }, links: { node: '/api/v1/nodes/web01' } });
    t.equal(by['web01!Disk Usage'].links.source, `${n.url}/extinfo.cgi?type=2&host=web01&service=Disk+Usage`);
    t.equal(by.edge01.links.source, `${n.url}/extinfo.cgi?type=1&host=edge01`);
    for (const a of alerts) t.ok(Date.now() - Date.parse(a.since) < 300_000, `${a.id}: since is the last state change (${a.since})`);
  });

  t.test('list filters: severity, node, labels, matchers, state', async (t) => {
    const ids = async (q: string) => (await call(app, 'GET', `/api/v1/alerts?${q}`)).body.items.map((a: any) => a.id).sort();
    t.same(await ids('severity=critical'), ['db01!MySQL', 'edge01', 'edge01!PING']);
    t.same(await ids('node=db01'), ['db01!Backup', 'db01!MySQL']);
    t.same(await ids('labels[service]=PING'), ['edge01!PING']);
    t.same(await ids(`matchers=${encodeURIComponent('state=~"WARNING|UNKNOWN"')}`), ['db01!Backup', 'web01!Disk Usage']);
    t.same(await ids('state=acknowledged'), []);
  });

  t.test('get: a host problem and a service problem; unknown ids and OK services are 404', async (t) => {
    const host = await call(app, 'GET', alertPath('edge01'));
    t.equal(host.status, 200);
    t.match(host.body.alert, { id: 'edge01', source: 'nagios', state: 'firing', severity: 'critical' });
    const svc = await call(app, 'GET', alertPath('web01!Disk Usage'));
    t.equal(svc.status, 200);
    t.match(svc.body.alert, { id: 'web01!Disk Usage', name: 'Disk Usage', summary: 'WARNING: /var is 85% full' });
    for (const id of ['nosuchhost', 'db01!Load', 'db01!NoSuchService', 'web01']) {
      const res = await call(app, 'GET', alertPath(id));
      t.equal(res.status, 404, `${id}: 404`);
      t.equal(res.body.code, 'CAPSTAN_ERR_RECORD_NOT_FOUND');
    }
  });

  t.test('acknowledge a service (author: the caller), follow it on alert.stream, resolve it', async (t) => {
    const start = await call(app, 'POST', '/api/v1/capabilities/alert.stream/invoke?provider=nagios', {});
    const cursor = start.body.result.cursor;
    const ack = await call(app, 'POST', `${alertPath('db01!MySQL')}/acknowledge`, { comment: 'looking into it' }, ALICE);
    t.equal(ack.status, 200, JSON.stringify(ack.body));
    t.match(ack.body.alert, { id: 'db01!MySQL', state: 'acknowledged', acknowledgement: { by: 'alice', comment: 'looking into it' }, silencedBy: [{ kind: 'acknowledgement', by: 'alice' }] });
    const svc = (await nagiosJson(n, { query: 'service', hostname: 'db01', servicedescription: 'MySQL' })).data.service;
    t.equal(svc.problem_has_been_acknowledged, true, 'Nagios shows the acknowledgement');
    t.equal(svc.acknowledgement_type, 2, 'sticky');
    const comments = Object.values((await nagiosJson(n, { query: 'commentlist', details: 'true' })).data.commentlist) as any[];
    t.ok(comments.some((c) => c.entry_type === 4 && c.service_description === 'MySQL' && c.comment_data === 'looking into it (by alice via Capstan)' && c.persistent === false),
      'the ack comment names the caller, not persistent');

    const change = await until('alert.stream to show the acknowledgement', async () => {
      const res = await call(app, 'POST', '/api/v1/capabilities/alert.stream/invoke?provider=nagios', { after: cursor });
      return res.body.result.changes.find((c: any) => c.alert.id === 'db01!MySQL');
    }, 10_000);
    t.match(change, { from: 'firing', to: 'acknowledged' });

    const resolved = await call(app, 'POST', `${alertPath('db01!MySQL')}/resolve`, {}, ALICE);
    t.equal(resolved.status, 200, JSON.stringify(resolved.body));
    t.match(resolved.body.alert, { id: 'db01!MySQL', state: 'firing' });
    t.notOk(resolved.body.alert.acknowledgement);
    const after = (await nagiosJson(n, { query: 'service', hostname: 'db01', servicedescription: 'MySQL' })).data.service;
    t.equal(after.problem_has_been_acknowledged, false, 'Nagios shows the acknowledgement removed');
  });

  t.test('acknowledge a host problem', async (t) => {
    const ack = await call(app, 'POST', `${alertPath('edge01')}/acknowledge`, {}, ALICE);
    t.equal(ack.status, 200, JSON.stringify(ack.body));
    t.match(ack.body.alert, { id: 'edge01', state: 'acknowledged', acknowledgement: { by: 'alice', comment: 'Acknowledged' } });
    t.equal((await nagiosJson(n, { query: 'host', hostname: 'edge01' })).data.host.problem_has_been_acknowledged, true);
    const listed = await call(app, 'GET', '/api/v1/alerts?state=acknowledged');
    t.same(listed.body.items.map((a: any) => a.id), ['edge01']);
  });

  t.test('acknowledge with downtime: acknowledged, the downtime in Nagios; resolve deletes it', async (t) => {
    const ack = await call(app, 'POST', `${alertPath('web01!Disk Usage')}/acknowledge`, { comment: 'disk cleanup', downtime: true, durationSeconds: 600 }, ALICE);
    t.equal(ack.status, 200, JSON.stringify(ack.body));
    const alert = ack.body.alert;
    t.match(alert, { state: 'acknowledged', acknowledgement: { by: 'alice', comment: 'disk cleanup' } });
    const downtime = alert.silencedBy.find((s: any) => s.kind === 'downtime');
    t.match(downtime, { kind: 'downtime', by: 'alice', comment: 'disk cleanup' });
    const untilMs = Date.parse(downtime.until) - Date.now();
    t.ok(untilMs > 540_000 && untilMs <= 605_000, `the downtime ends in about 600 s (${untilMs} ms)`);
    const svc = (await nagiosJson(n, { query: 'service', hostname: 'web01', servicedescription: 'Disk Usage' })).data.service;
    t.equal(svc.scheduled_downtime_depth, 1);
    const list = Object.values((await nagiosJson(n, { query: 'downtimelist', details: 'true' })).data.downtimelist) as any[];
    t.match(list, [{ host_name: 'web01', service_description: 'Disk Usage', fixed: true, duration: 600, is_in_effect: true, comment: 'disk cleanup (by alice via Capstan)' }]);

    const resolved = await call(app, 'POST', `${alertPath('web01!Disk Usage')}/resolve`, {}, ALICE);
    t.equal(resolved.status, 200, JSON.stringify(resolved.body));
    t.match(resolved.body.alert, { state: 'firing' });
    t.notOk(resolved.body.alert.silencedBy);
    t.same(Object.keys((await nagiosJson(n, { query: 'downtimelist' })).data.downtimelist ?? {}), [], 'Capstan\'s downtime deleted');
  });

  t.test('acknowledge an unknown alert: 404, nothing sent', async (t) => {
    const res = await call(app, 'POST', `${alertPath('nosuchhost!PING')}/acknowledge`, {});
    t.equal(res.status, 404);
  });

  t.test('journal: a node\'s alert history from archivejson', async (t) => {
    const res = await call(app, 'POST', '/api/v1/capabilities/journal.list/invoke?provider=nagios', { nodes: ['edge01'] });
    t.equal(res.status, 200, JSON.stringify(res.body));
    const entries = res.body.result.entries;
    t.ok(entries.every((e: any) => e.node === 'edge01' && e.kind === 'alert' && e.source === 'nagios'));
    t.match(entries.map((e: any) => e.summary).sort(), ['PING on edge01 CRITICAL (hard): CRITICAL: 100% packet loss', 'host edge01 DOWN (hard): CRITICAL: edge01 does not answer']);
    t.match(entries[0].data, { host: 'edge01', stateType: 'hard' });
    const all = await call(app, 'GET', '/api/v1/journal?kind=alert&limit=100');
    t.equal(all.status, 200);
    const nightly = all.body.items.filter((e: any) => e.source === 'nagios' && e.data.service === 'Nightly Job').map((e: any) => e.data.state);
    t.same(nightly, ['OK', 'CRITICAL'], 'the passive job\'s recovery and its problem, newest first');
  });

  t.test('a new problem (a passive result): on journal.stream and on alert.stream', async (t) => {
    const invoke = async (capability: string, params: Record<string, unknown>) => (await call(app, 'POST', `/api/v1/capabilities/${capability}/invoke?provider=nagios`, params)).body.result;
    const journalCursor = (await invoke('journal.stream', {})).cursor;
    const alertCursor = (await invoke('alert.stream', {})).cursor;
    // Nagios's external command file (root may write it), as the recipe documents.
    appendFileSync(n.env.NAGIOS_COMMAND_FILE, `[${Math.floor(Date.now() / 1000)}] PROCESS_SERVICE_CHECK_RESULT;web01;Nightly Job;1;WARNING - nightly job slow\n`);
    const entry = await until('journal.stream to give the new alert', async () => {
      const r = await invoke('journal.stream', { after: journalCursor, nodes: ['web01'] });
      return r.entries.find((e: any) => e.data.service === 'Nightly Job');
    }, 15_000);
    t.match(entry, { kind: 'alert', node: 'web01', summary: 'Nightly Job on web01 WARNING (hard): WARNING - nightly job slow', data: { alertId: 'web01!Nightly Job', severity: 'warning' } });
    const change = await until('alert.stream to show the new alert', async () => {
      const r = await invoke('alert.stream', { after: alertCursor });
      return r.changes.find((c: any) => c.alert.id === 'web01!Nightly Job');
    }, 15_000);
    t.match(change, { from: null, to: 'firing', alert: { severity: 'warning', labels: { check_type: 'passive' } } });
  });

  t.test('wrong password: health names the 401 and never shows the password', async (t) => {
    const bad = await buildTestApp(t, { token: ADMIN, plugins: { nagios: { url: n.url, user: USER, password: 'not-the-password-4711' } } });
    const { body } = await call(bad, 'GET', '/api/v1/plugins/nagios');
    t.match(body.health, { status: 'unhealthy', message: /HTTP 401.*bad credentials/ });
    t.notMatch(JSON.stringify(body), /not-the-password-4711/);
  });

  t.test('a user without rights: health says it sees no host (the plugin alone: one app build less)', async (t) => {
    const cfg = Value.Default(NagiosConfigSchema, { url: n.url, user: 'viewer', password: 'viewer' }) as NagiosConfig;
    const helpers = { withRetry: <T>(fn: (attempt: number) => Promise<T>) => fn(1) } as unknown as PluginHelpers;
    const plugin = new NagiosPlugin(cfg, pino({ level: 'silent' }), helpers);
    await plugin.initialize();
    t.match(await plugin.healthCheck(), { status: 'degraded', message: /user 'viewer' sees no host: not authorized/ });
    const alerts = await plugin.readAlerts(AbortSignal.timeout(10_000));
    t.same(alerts, [], 'statusjson answers an unauthorized user empty lists');
  });

  t.test('health names a URL that is not Nagios\'s cgi-bin, and CGIs without a user', async (t) => {
    const health = async (url: string) => {
      const cfg = Value.Default(NagiosConfigSchema, { url, user: USER, password: PASSWORD }) as NagiosConfig;
      const plugin = new NagiosPlugin(cfg, pino({ level: 'silent' }), { withRetry: <T>(fn: (attempt: number) => Promise<T>) => fn(1) } as unknown as PluginHelpers);
      await plugin.initialize();
      return plugin.healthCheck();
    };
    const origin = new URL(n.url).origin;
    t.match(await health(`${origin}/nagios4/no-such-dir`), { status: 'unhealthy', message: /HTTP 404: no such CGI/ });
    t.match(await health(`${origin}/nagios4-noauth/cgi-bin`), { status: 'degraded', message: /see no user \(REMOTE_USER unset\)/ });
  });
}
