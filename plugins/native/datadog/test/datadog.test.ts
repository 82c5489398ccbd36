/**
 * API tests of the datadog plugin through Capstan's routes, against the fake Datadog (fake-datadog.ts) on
 * 127.0.0.76: pages of monitors walked, list filters, get, acknowledge with a mute (the fake holds the mute;
 * Capstan's ledger the author) or a downtime (the fake holds it with the author in its message), resolve,
 * someone else's mute, a 429 waited out until X-RateLimit-Reset, stream, wrong API key and wrong
 * application key named by health, a read-only application key; the keys never in an answer or a log line.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { buildTestApp, tempDir } from '../../../../test/helper.js';
import { captureLogs } from '../../../../test/observability.js';
import { until } from '../../../../test/until.js';
import { FakeDatadog } from './fake-datadog.js';

const API_KEY = 'ddapikey0123456789abcdef01234567';
const APP_KEY = 'ddappkey0123456789abcdef0123456789abcdef';
const RO_APP_KEY = 'ddappkeyreadonly456789abcdef0123456789abc';
const WRONG = 'ddwrongkey00000000000000000000000';
const ADMIN = 'admin-token-datadog-0001';
const ONCALL = 'oncall-token-datadog-0001';
const nowS = () => Math.floor(Date.now() / 1000);
const QUEUE_SINCE = new Date((nowS() - 3600) * 1000).toISOString();

const fake = new FakeDatadog({ apiKey: API_KEY, appKey: APP_KEY, readOnlyAppKey: RO_APP_KEY });
await fake.start();
t.teardown(() => fake.stop());

fake.addMonitor({
  id: 42, name: 'High load', message: 'Load is high on {{host.name}}\n@pagerduty', tags: ['team:infra', 'service:web'], priority: 2,
  groups: {
    'env:prod,host:web1': { status: 'Alert', last_triggered_ts: nowS() - 600 },
    'env:prod,host:web2': { status: 'OK', last_triggered_ts: nowS() - 9000 },
    'env:prod,host:web3': { status: 'No Data', last_nodata_ts: nowS() - 300 },
  },
});
fake.addMonitor({ id: 7, name: 'Queue depth', message: 'Queue backing up', tags: ['team:data'], overall_state: 'Warn', overall_state_modified: QUEUE_SINCE });
// Quiet monitors so that the list spans three pages of 5; one alerting monitor on the last page.
for (let id = 100; id < 110; id++) fake.addMonitor({ id, name: `Quiet ${id}`, tags: ['team:infra'], overall_state: 'OK' });
fake.addMonitor({ id: 900, name: 'Disk space', message: 'Disk / almost full', tags: ['team:storage'], priority: 1, groups: { 'host:db1': { status: 'Alert', last_triggered_ts: nowS() - 60 } } });

const WEB1 = '42:env:prod,host:web1';
const WEB3 = '42:env:prod,host:web3';
const enc = encodeURIComponent;

const logs = captureLogs();
const dataDir = tempDir();
const app = await buildTestApp(t, {
  dataDir, logLevel: 'debug', auth: 'on', token: ADMIN,
  tokens: [{ name: 'oncall', token: ONCALL, permissions: ['alert.*'] }],
  plugins: { datadog: { url: fake.url, apiKey: API_KEY, applicationKey: APP_KEY, pageSize: 5, timeoutMs: 3000 } },
  // Core's alert follower reads every source in the background; off here so the fake's request log is this file's own.
  alerts: { followIntervalMs: 0 },
}, { logStream: logs.stream });

const answers: string[] = [];
async function call(a: FastifyInstance, method: 'GET' | 'POST', url: string, token = ADMIN, payload?: Record<string, unknown>) {
  const res = await a.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload }) });
  answers.push(res.body, JSON.stringify(res.headers));
  return { status: res.statusCode, body: res.json() };
}
const ids = async (q = '') => (await call(app, 'GET', `/api/v1/alerts${q ? `?${q}` : ''}`)).body.items.map((a: { id: string }) => a.id);

t.test('health: both keys valid', async (t) => {
  const { body } = await call(app, 'GET', '/api/v1/plugins/datadog');
  t.match(body, { state: 'ready', health: { status: 'healthy', message: /API and application keys valid/, details: { site: 'datadoghq.com' } } });
  const validate = fake.requests.find((r) => r.path === '/api/v1/validate')!;
  t.equal(validate.apiKey, API_KEY, 'DD-API-KEY header');
  t.equal(validate.appKey, undefined, 'validate takes the API key alone');
});

t.test('list: every page walked, one alert per alerting group', async (t) => {
  fake.requests.length = 0;
  const { status, body } = await call(app, 'GET', '/api/v1/alerts');
  t.equal(status, 200);
  t.match(body.sources, [{ source: 'datadog', status: 'ok' }]);
  t.same(body.items.map((a: { id: string }) => a.id), ['900:host:db1', WEB3, WEB1, '7'], 'newest first');
  const pages = fake.requests.filter((r) => r.path === '/api/v1/monitor');
  t.same(pages.map((r) => [r.query.get('page'), r.query.get('page_size'), r.query.get('group_states')]), [['0', '5', 'all'], ['1', '5', 'all'], ['2', '5', 'all']], 'page / page_size until a short page');
  t.ok(pages.every((r) => r.apiKey === API_KEY && r.appKey === APP_KEY), 'both keys in headers');
  t.ok(pages.every((r) => !r.query.toString().includes(API_KEY) && !r.query.toString().includes(APP_KEY)), 'never in the URL');
  const web1 = body.items.find((a: { id: string }) => a.id === WEB1);
  t.match(web1, {
    source: 'datadog', node: 'web1', name: 'High load', severity: 'error', state: 'firing', summary: 'High load: Load is high on {{host.name}}',
    labels: { team: 'infra', host: 'web1', env: 'prod', monitor_id: '42', priority: 'P2' }, links: { source: 'https://app.datadoghq.com/monitors/42', node: '/api/v1/nodes/web1' },
  });
  t.match(body.items.find((a: { id: string }) => a.id === '7'), { node: null, severity: 'warning', since: QUEUE_SINCE });
  t.match(body.items.find((a: { id: string }) => a.id === '900:host:db1'), { severity: 'critical', node: 'db1' });
});

t.test('list filters: severity, node, labels, matchers', async (t) => {
  t.same(await ids('severity=critical'), ['900:host:db1']);
  t.same(await ids('node=web3'), [WEB3]);
  t.same(await ids('labels[team]=data'), ['7']);
  t.same(await ids(`matchers=${enc('host=~"web.*"')}`), [WEB3, WEB1]);
});

t.test('get: a group alert and a simple monitor; unknown ids are 404', async (t) => {
  t.match(await call(app, 'GET', `/api/v1/alerts/${enc(WEB1)}`), { status: 200, body: { alert: { id: WEB1, node: 'web1' } } });
  t.match(await call(app, 'GET', '/api/v1/alerts/7'), { status: 200, body: { alert: { id: '7', name: 'Queue depth' } } });
  t.equal((await call(app, 'GET', `/api/v1/alerts/${enc('42:env:prod,host:web2')}`)).status, 404, 'an OK group is no alert');
  t.equal((await call(app, 'GET', '/api/v1/alerts/31337')).status, 404, 'no such monitor');
});

t.test('acknowledge with a mute of the group; resolve unmutes it', async (t) => {
  const before = nowS();
  const ack = await call(app, 'POST', `/api/v1/alerts/${enc(WEB1)}/acknowledge`, ONCALL, { comment: 'rebooting web1', durationSeconds: 900 });
  t.equal(ack.status, 200);
  t.match(ack.body.alert, { id: WEB1, state: 'acknowledged', acknowledgement: { by: 'oncall', comment: 'rebooting web1' }, silencedBy: [{ kind: 'mute', by: 'oncall' }] });
  const silenced = fake.monitors.get(42)!.silenced!;
  t.same(Object.keys(silenced), ['env:prod,host:web1'], 'the fake holds a mute of that group only');
  const end = silenced['env:prod,host:web1']!;
  t.ok(end >= before + 900 && end <= before + 905, 'until now + durationSeconds');
  t.equal(ack.body.alert.acknowledgement.until, new Date(end * 1000).toISOString());
  const mute = fake.requests.find((r) => r.path === '/api/v1/monitor/42/mute')!;
  t.same([mute.query.get('scope'), mute.query.get('end')], ['env:prod,host:web1', String(end)]);
  t.ok(existsSync(join(dataDir, 'datadog-acknowledgements.json')), 'Capstan\'s ledger of its mutes');
  t.same(await ids('state=acknowledged'), [WEB1]);
  t.same(await ids('state=firing'), ['900:host:db1', WEB3, '7'], 'the other group still fires');

  const res = await call(app, 'POST', `/api/v1/alerts/${enc(WEB1)}/resolve`, ONCALL, {});
  t.match(res, { status: 200, body: { alert: { id: WEB1, state: 'firing' } } });
  t.same(fake.monitors.get(42)!.silenced, {}, 'unmuted');
  t.ok(fake.requests.some((r) => r.path === '/api/v1/monitor/42/unmute' && r.query.get('scope') === 'env:prod,host:web1'));
});

t.test('acknowledge with a downtime: the fake holds it with the author; resolve cancels it', async (t) => {
  const ack = await call(app, 'POST', '/api/v1/alerts/7/acknowledge', ONCALL, { comment: 'draining queue', durationSeconds: 3600, downtime: true });
  t.equal(ack.status, 200);
  t.match(ack.body.alert, { id: '7', state: 'acknowledged', acknowledgement: { by: 'oncall', comment: 'draining queue' }, silencedBy: [{ kind: 'downtime', by: 'oncall' }] });
  const [d] = [...fake.downtimes.values()];
  t.match(d, { scope: '*', monitor_identifier: { monitor_id: 7 }, canceled: null, message: /^draining queue\n\[capstan:alert\.acknowledge by=oncall\]$/ });
  t.ok(Math.abs(Date.parse(d.end!) - (Date.now() + 3_600_000)) < 10_000, 'ends in an hour');
  t.equal(fake.monitors.get(7)!.silenced, undefined, 'no mute');
  const res = await call(app, 'POST', '/api/v1/alerts/7/resolve', ONCALL, {});
  t.match(res, { status: 200, body: { alert: { id: '7', state: 'firing' } } });
  t.ok(d.canceled, 'the downtime is canceled');
});

t.test('a monitor that stops alerting during a write: answered resolved, not 404', async (t) => {
  const m = fake.monitors.get(7)!;
  const was = { overall_state: m.overall_state, silenced: m.silenced };
  const hooked = fake as unknown as { handle: (req: { method?: string; url?: string }, text: string, res: unknown) => void };
  const original = hooked.handle.bind(fake);
  hooked.handle = (req, text, res) => {
    if (req.method === 'POST' && /\/api\/v1\/monitor\/7\/(un)?mute/.test(req.url ?? '')) m.overall_state = 'OK';
    return original(req, text, res);
  };
  t.teardown(() => { hooked.handle = original; m.overall_state = was.overall_state; m.silenced = was.silenced; });
  const ack = await call(app, 'POST', '/api/v1/alerts/7/acknowledge', ONCALL, { comment: 'draining' });
  t.match(ack, { status: 200, body: { alert: { id: '7', name: 'Queue depth', state: 'resolved', endsAt: /Z$/ } } }, 'acknowledge');
  t.equal(ack.body.alert.acknowledgement, undefined);
  m.overall_state = was.overall_state;
  const res = await call(app, 'POST', '/api/v1/alerts/7/resolve', ONCALL, {});
  t.match(res, { status: 200, body: { alert: { id: '7', state: 'resolved', endsAt: /Z$/ } } }, 'resolve (the unmute ended it)');
});

t.test('someone else\'s mute: silenced; a mute ends by time', async (t) => {
  fake.monitors.get(42)!.silenced = { 'host:web3': null };
  t.match((await call(app, 'GET', `/api/v1/alerts/${enc(WEB3)}`)).body.alert, { state: 'silenced', silencedBy: [{ kind: 'mute', id: '42:host:web3' }] });
  fake.monitors.get(42)!.silenced = { 'host:web3': nowS() - 1 };
  t.equal((await call(app, 'GET', `/api/v1/alerts/${enc(WEB3)}`)).body.alert.state, 'firing', 'an ended mute holds nothing');
  const res = await call(app, 'POST', `/api/v1/alerts/${enc(WEB3)}/resolve`, ONCALL, {});
  t.equal(res.status, 200, 'resolve with nothing of Capstan\'s to lift: the alert as it is');
});

t.test('429: the request waits until X-RateLimit-Reset and the list completes', async (t) => {
  fake.limits.get_all_monitors = { limit: 2, periodS: 2 };
  t.teardown(() => { delete fake.limits.get_all_monitors; });
  fake.requests.length = 0;
  const { body } = await call(app, 'GET', '/api/v1/alerts');
  t.match(body.sources, [{ source: 'datadog', status: 'ok' }]);
  t.equal(body.items.length, 4, 'every page read');
  const monitorCalls = fake.requests.filter((r) => r.path === '/api/v1/monitor');
  const limited = monitorCalls.findIndex((r) => r.status === 429);
  t.ok(limited >= 0, 'a 429 was answered');
  const retry = monitorCalls[limited + 1];
  t.equal(retry.query.get('page'), monitorCalls[limited].query.get('page'), 'the same page asked again');
  t.ok(retry.at - monitorCalls[limited].at >= monitorCalls[limited].reset! * 1000, `not before the window reset (${monitorCalls[limited].reset} s; waited ${retry.at - monitorCalls[limited].at} ms)`);
  t.equal(monitorCalls.filter((r) => r.status === 200).length, 3, 'each page read once successfully');
});

t.test('alert.stream: a group starting to alert is a change', async (t) => {
  const invoke = async (params: Record<string, unknown>) => (await call(app, 'POST', '/api/v1/capabilities/alert.stream/invoke?provider=datadog', ADMIN, params)).body.result;
  const start = await invoke({});
  fake.monitors.get(42)!.groups!['env:prod,host:web2'] = { status: 'Warn', last_triggered_ts: nowS() };
  t.teardown(() => { fake.monitors.get(42)!.groups!['env:prod,host:web2'] = { status: 'OK' }; });
  const seen = await until('web2 in the stream', async () => {
    const r = await invoke({ after: start.cursor });
    return r.changes.length ? r : undefined;
  }, 10_000);
  t.match(seen.changes, [{ from: null, to: 'firing', alert: { id: '42:env:prod,host:web2', node: 'web2' } }]);
});

t.test('a wrong API key: health names the API key; the list reports the source failed', async (t) => {
  const bad = await buildTestApp(t, { plugins: { datadog: { url: fake.url, apiKey: WRONG, applicationKey: APP_KEY } } }, { logStream: logs.stream });
  const plugin = await call(bad, 'GET', '/api/v1/plugins/datadog');
  t.match(plugin.body.health, { status: 'unhealthy', message: /rejects the API key \(plugins\.datadog\.apiKey\).*HTTP 403: Forbidden/ });
  const list = await call(bad, 'GET', '/api/v1/alerts');
  t.equal(list.status, 200);
  t.match(list.body.sources, [{ source: 'datadog', status: 'error' }]);
});

t.test('a wrong application key: health names the application key', async (t) => {
  const bad = await buildTestApp(t, { plugins: { datadog: { url: fake.url, apiKey: API_KEY, applicationKey: WRONG } } }, { logStream: logs.stream });
  const plugin = await call(bad, 'GET', '/api/v1/plugins/datadog');
  t.match(plugin.body.health, { status: 'unhealthy', message: /API key valid, but Datadog rejects the application key \(plugins\.datadog\.applicationKey\)/ });
});

t.test('a read-only application key and monitorTags: reads filtered, acknowledge names the refusal', async (t) => {
  const ro = await buildTestApp(t, { plugins: { datadog: { url: fake.url, apiKey: API_KEY, applicationKey: RO_APP_KEY, monitorTags: 'team:data' } } });
  const list = await call(ro, 'GET', '/api/v1/alerts');
  t.same(list.body.items.map((a: { id: string }) => a.id), ['7'], 'monitor_tags passed to Datadog');
  t.ok(fake.requests.some((r) => r.path === '/api/v1/monitor' && r.query.get('monitor_tags') === 'team:data'));
  const ack = await call(ro, 'POST', '/api/v1/alerts/7/acknowledge', ADMIN, {});
  t.equal(ack.status, 502);
  t.match(ack.body.detail, /HTTP 403: Forbidden: this application key lacks the monitors_write permission/);
});

t.test('no key ever appears in an answer or a log line', async (t) => {
  t.ok(logs.lines.length > 0);
  const logText = logs.lines.map((l) => JSON.stringify(l)).join('\n');
  for (const secret of [API_KEY, APP_KEY, RO_APP_KEY, WRONG]) {
    t.notOk(logText.includes(secret), 'not in the logs');
    t.notOk(answers.some((a) => a.includes(secret)), 'not in any answer');
  }
  t.ok(logText.includes('datadog alert acknowledged with a mute'));
});
