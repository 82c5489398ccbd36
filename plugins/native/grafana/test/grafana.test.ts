/**
 * API tests of the grafana plugin through Capstan's routes, against the fake Grafana (fake-grafana.ts) on
 * 127.0.0.75: list with filters, get, acknowledge (the fake then holds a silence created by the caller),
 * resolve (the silence expired), expiry by time, stream, a 429 waited out, bad and under-privileged tokens,
 * an unreachable Grafana; and the token never in an answer or a log line.
 */
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { buildTestApp } from '../../../../test/helper.js';
import { captureLogs } from '../../../../test/observability.js';
import { until } from '../../../../test/until.js';
import { CAPSTAN_MARKER } from '../../../../src/capabilities/alertmanager-v2.js';
import { closedPort, FakeGrafana } from './fake-grafana.js';

const TOKEN = 'glsa_fakeServiceAccountToken_0123456789abcdef';
const READ_ONLY = 'glsa_readOnlyServiceAccount_fedcba9876543210';
const WRONG = 'glsa_wrongToken_00000000000000000000000000';
const ADMIN = 'admin-token-grafana-0001';
const ONCALL = 'oncall-token-grafana-0001';

const fake = new FakeGrafana({ token: TOKEN, readOnlyToken: READ_ONLY });
await fake.start();
t.teardown(() => fake.stop());

const CPU = fake.addAlert({
  labels: { alertname: 'HighCPU', instance: 'web1.example.com:9100', severity: 'critical', grafana_folder: 'infra', __alert_rule_uid__: 'rule-cpu' },
  annotations: { summary: 'CPU above 90% on web1', __dashboardUid__: 'dash-1', __panelId__: '4', __orgId__: '1' },
  startsAt: '2026-11-30T00:10:00Z', generatorURL: `${fake.url}/alerting/grafana/rule-cpu/view?orgId=1`, receivers: ['oncall'],
});
const DISK = fake.addAlert({
  labels: { alertname: 'DiskFull', host: 'db1.example.com', severity: 'warning', grafana_folder: 'storage', __alert_rule_uid__: 'rule-disk' },
  annotations: { summary: 'Disk / at 95%' }, startsAt: '2026-11-30T00:05:00Z', generatorURL: `${fake.url}/alerting/grafana/rule-disk/view?orgId=1`,
});
const LATENCY = fake.addAlert({
  labels: { alertname: 'Latency', instance: 'web1.example.com:9100', severity: 'info', grafana_folder: 'infra', __alert_rule_uid__: 'rule-lat' },
  annotations: { summary: 'p99 latency high' }, startsAt: '2026-11-30T00:12:00Z', inhibitedBy: [CPU],
});

const logs = captureLogs();
const app = await buildTestApp(t, {
  logLevel: 'debug', auth: 'on', token: ADMIN,
  tokens: [{ name: 'oncall', token: ONCALL, permissions: ['alert.*'] }],
  plugins: { grafana: { url: fake.url, token: TOKEN, orgId: 1, timeoutMs: 3000 } },
}, { logStream: logs.stream });

/** Every answer body, to check that no secret ever appears in one. */
const answers: string[] = [];

async function call(a: FastifyInstance, method: 'GET' | 'POST', url: string, token = ADMIN, payload?: Record<string, unknown>) {
  const res = await a.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload }) });
  answers.push(res.body);
  return { status: res.statusCode, body: res.json() };
}

t.test('health: reachable, database ok, alerts readable with the token', async (t) => {
  const { body } = await call(app, 'GET', '/api/v1/plugins/grafana');
  t.match(body, { state: 'ready', health: { status: 'healthy', message: /Grafana 11\.3\.0 at http:\/\/127\.0\.0\.75:\d+: 3 alert\(s\) readable/, details: { endpoint: `${fake.url}/api/health`, version: '11.3.0' } } });
});

t.test('list: every Grafana alert, with state, node, severity, links', async (t) => {
  const { status, body } = await call(app, 'GET', '/api/v1/alerts');
  t.equal(status, 200);
  t.match(body.sources, [{ source: 'grafana', status: 'ok' }]);
  t.same(body.items.map((a: { id: string }) => a.id), [LATENCY, CPU, DISK], 'newest first');
  const cpu = body.items.find((a: { id: string }) => a.id === CPU);
  t.match(cpu, {
    source: 'grafana', node: 'web1.example.com', name: 'HighCPU', severity: 'critical', state: 'firing', since: '2026-11-30T00:10:00.000Z',
    summary: 'CPU above 90% on web1', receivers: ['oncall'],
    links: { generator: `${fake.url}/alerting/grafana/rule-cpu/view?orgId=1`, dashboard: `${fake.url}/d/dash-1?orgId=1&viewPanel=4`, node: '/api/v1/nodes/web1.example.com', source: new RegExp(`^${fake.url}/alerting/groups\\?orgId=1&queryString=`) },
  });
  const lat = body.items.find((a: { id: string }) => a.id === LATENCY);
  t.match(lat, { state: 'silenced', silencedBy: [{ kind: 'inhibition', id: CPU }] });
  const last = fake.requests.filter((r) => r.path.startsWith('/api/alertmanager')).at(-1)!;
  t.equal(last.authorization, `Bearer ${TOKEN}`, 'service account token as a Bearer token');
  t.equal(last.orgId, '1', 'X-Grafana-Org-Id');
});

t.test('list filters: severity, node, labels, matchers, state, inhibited', async (t) => {
  const ids = async (q: string) => (await call(app, 'GET', `/api/v1/alerts?${q}`)).body.items.map((a: { id: string }) => a.id);
  t.same(await ids('severity=critical'), [CPU]);
  t.same(await ids('node=web1.example.com'), [LATENCY, CPU]);
  t.same(await ids('labels[grafana_folder]=storage'), [DISK]);
  t.same(await ids(`matchers=${encodeURIComponent('alertname=~"High.*|Disk.*"')}`), [CPU, DISK]);
  t.same(await ids('state=silenced'), [LATENCY]);
  t.same(await ids('inhibited=false'), [CPU, DISK]);
});

t.test('get: one alert by fingerprint; an unknown id is 404', async (t) => {
  const one = await call(app, 'GET', `/api/v1/alerts/${DISK}`);
  t.match(one, { status: 200, body: { alert: { id: DISK, node: 'db1.example.com', severity: 'warning', name: 'DiskFull' } } });
  t.equal((await call(app, 'GET', '/api/v1/alerts/0000000000000000')).status, 404);
});

t.test('acknowledge: a silence of that alert created by the caller; resolve expires it', async (t) => {
  const before = Date.now();
  const ack = await call(app, 'POST', `/api/v1/alerts/${CPU}/acknowledge`, ONCALL, { comment: 'scaling out', durationSeconds: 600 });
  t.equal(ack.status, 200);
  t.match(ack.body.alert, { id: CPU, state: 'acknowledged', acknowledgement: { by: 'oncall', comment: 'scaling out' }, silencedBy: [{ kind: 'silence', by: 'oncall', comment: 'scaling out' }] });
  const held = [...fake.silences.values()];
  t.equal(held.length, 1, 'the fake holds one silence');
  const s = held[0];
  t.equal(s.createdBy, 'oncall', 'createdBy = the caller');
  t.equal(s.comment, `scaling out ${CAPSTAN_MARKER}`);
  t.same(s.matchers.map((m) => `${m.name}=${m.value}`).sort(), ['__alert_rule_uid__=rule-cpu', 'alertname=HighCPU', 'grafana_folder=infra', 'instance=web1.example.com:9100', 'severity=critical']);
  t.ok(s.matchers.every((m) => !m.isRegex && m.isEqual));
  const length = Date.parse(s.endsAt) - before;
  t.ok(length >= 599_000 && length <= 610_000, `ends in 600 s (${length} ms)`);
  t.equal(ack.body.alert.acknowledgement.until, new Date(Date.parse(s.endsAt)).toISOString());
  const post = fake.requests.find((r) => r.method === 'POST')!;
  t.equal(post.path, '/api/alertmanager/grafana/api/v2/silences');

  const acked = await call(app, 'GET', '/api/v1/alerts?state=acknowledged');
  t.same(acked.body.items.map((a: { id: string }) => a.id), [CPU]);

  const again = await call(app, 'POST', `/api/v1/alerts/${CPU}/acknowledge`, ADMIN, { comment: 'still scaling', durationSeconds: 1200 });
  t.match(again.body.alert, { state: 'acknowledged', acknowledgement: { by: 'admin', comment: 'still scaling' } });
  t.equal(fake.silences.size, 1, 'acknowledged again: the same silence updated, not a second one');
  const updated = fake.silences.get(s.id)!;
  t.ok(Date.parse(updated.endsAt) - before >= 1_199_000, 'its end moved');
  t.equal(updated.createdBy, 'admin', 'by the one who acknowledged last');

  const resolved = await call(app, 'POST', `/api/v1/alerts/${CPU}/resolve`, ONCALL, { comment: 'done' });
  t.equal(resolved.status, 200);
  t.match(resolved.body.alert, { id: CPU, state: 'firing' });
  t.equal(resolved.body.alert.acknowledgement, undefined);
  t.equal(fake.stateOf(fake.silences.get(s.id)!), 'expired', 'the silence is expired in Grafana');
  t.ok(fake.requests.some((r) => r.method === 'DELETE' && r.path === `/api/alertmanager/grafana/api/v2/silence/${s.id}`));
  const twice = await call(app, 'POST', `/api/v1/alerts/${CPU}/resolve`, ONCALL, {});
  t.match(twice, { status: 200, body: { alert: { state: 'firing' } } }, 'resolving again: nothing of Capstan to take back');
});

t.test('a Capstan silence ends by itself at its time', async (t) => {
  const ack = await call(app, 'POST', `/api/v1/alerts/${DISK}/acknowledge`, ONCALL, { durationSeconds: 60 });
  t.match(ack.body.alert, { state: 'acknowledged', acknowledgement: { by: 'oncall' } });
  fake.offsetMs += 61_000;
  t.teardown(() => { fake.offsetMs = 0; fake.silences.clear(); });
  const now = await call(app, 'GET', `/api/v1/alerts/${DISK}`);
  t.equal(now.body.alert.state, 'firing', 'silence expired by time: firing again');
});

t.test('someone else\'s silence: silenced, not acknowledged', async (t) => {
  fake.silences.set('manual-1', {
    id: 'manual-1', matchers: [{ name: 'grafana_folder', value: 'storage', isRegex: false, isEqual: true }], startsAt: new Date(fake.now() - 1000).toISOString(),
    endsAt: new Date(fake.now() + 3_600_000).toISOString(), updatedAt: new Date().toISOString(), createdBy: 'carol', comment: 'planned maintenance',
  });
  t.teardown(() => { fake.silences.delete('manual-1'); });
  const { body } = await call(app, 'GET', `/api/v1/alerts/${DISK}`);
  t.match(body.alert, { state: 'silenced', silencedBy: [{ kind: 'silence', id: 'manual-1', by: 'carol', comment: 'planned maintenance' }] });
  t.equal(body.alert.acknowledgement, undefined);
});

t.test('alert B\'s labels a superset of alert A\'s: ack A, ack B, resolve B -> A still acknowledged', async (t) => {
  const aLabels = { alertname: 'QueueLag', grafana_folder: 'queues', __alert_rule_uid__: 'rule-lag', severity: 'warning' };
  const A = fake.addAlert({ labels: aLabels, startsAt: '2026-11-30T00:01:00Z' });
  const B = fake.addAlert({ labels: { ...aLabels, queue: 'billing' }, startsAt: '2026-11-30T00:02:00Z' });
  t.teardown(() => { fake.alerts.delete(A); fake.alerts.delete(B); fake.silences.clear(); });
  const ackA = await call(app, 'POST', `/api/v1/alerts/${A}/acknowledge`, ONCALL, { comment: 'lag on all queues' });
  t.match(ackA.body.alert, { state: 'acknowledged', acknowledgement: { by: 'oncall' } });
  const before = await call(app, 'GET', `/api/v1/alerts/${B}`);
  t.match(before.body.alert, { state: 'silenced', silencedBy: [{ kind: 'silence', by: 'oncall' }] }, 'A\'s silence also holds B, but is no acknowledgement of B');
  t.equal(before.body.alert.acknowledgement, undefined);
  const ackB = await call(app, 'POST', `/api/v1/alerts/${B}/acknowledge`, ADMIN, { comment: 'billing queue' });
  t.match(ackB.body.alert, { state: 'acknowledged', acknowledgement: { by: 'admin', comment: 'billing queue' } });
  t.equal(fake.silences.size, 2, 'B got its own silence: A\'s was not reused or rewritten');
  const aSilence = [...fake.silences.values()].find((s) => s.comment.startsWith('lag on all queues'))!;
  t.equal(aSilence.createdBy, 'oncall', 'A\'s silence unchanged');
  t.equal(aSilence.matchers.length, 4);
  const resB = await call(app, 'POST', `/api/v1/alerts/${B}/resolve`, ONCALL, {});
  t.equal(resB.status, 200);
  t.match(resB.body.alert, { id: B, state: 'silenced' }, 'B: its own acknowledgement taken back, still held by A\'s silence');
  t.equal(fake.stateOf(aSilence), 'active', 'A\'s silence not expired');
  const a = await call(app, 'GET', `/api/v1/alerts/${A}`);
  t.match(a.body.alert, { state: 'acknowledged', acknowledgement: { by: 'oncall', comment: 'lag on all queues' } }, 'A still acknowledged');
  t.ok(fake.requests.filter((r) => r.method === 'DELETE').every((r) => !r.path.endsWith(`/${aSilence.id}`)), 'no DELETE of A\'s silence');
});

t.test('an alert that ends during a write: answered resolved, not 404', async (t) => {
  const X = fake.addAlert({ labels: { alertname: 'Flapping', grafana_folder: 'infra', __alert_rule_uid__: 'rule-flap' }, startsAt: '2026-11-30T00:03:00Z' });
  t.teardown(() => { fake.alerts.delete(X); fake.silences.clear(); });
  const hooked = fake as unknown as { handle: (req: { method?: string }, text: string, res: unknown) => void };
  const original = hooked.handle.bind(fake);
  hooked.handle = (req, text, res) => {
    if (req.method === 'POST' || req.method === 'DELETE') fake.alerts.delete(X);
    return original(req, text, res);
  };
  t.teardown(() => { hooked.handle = original; });
  const ack = await call(app, 'POST', `/api/v1/alerts/${X}/acknowledge`, ONCALL, {});
  t.match(ack, { status: 200, body: { alert: { id: X, state: 'resolved', name: 'Flapping', endsAt: /Z$/ } } }, 'acknowledge');
  fake.addAlert({ labels: { alertname: 'Flapping', grafana_folder: 'infra', __alert_rule_uid__: 'rule-flap' }, startsAt: '2026-11-30T00:03:00Z' });
  await call(app, 'POST', `/api/v1/alerts/${X}/acknowledge`, ONCALL, {});
  fake.addAlert({ labels: { alertname: 'Flapping', grafana_folder: 'infra', __alert_rule_uid__: 'rule-flap' }, startsAt: '2026-11-30T00:03:00Z' });
  const res = await call(app, 'POST', `/api/v1/alerts/${X}/resolve`, ONCALL, {});
  t.match(res, { status: 200, body: { alert: { id: X, state: 'resolved', endsAt: /Z$/ } } }, 'resolve');
});

t.test('429 with Retry-After: waited out, the list succeeds', async (t) => {
  fake.rateLimitNext(1, 1);
  const started = Date.now();
  const { status, body } = await call(app, 'GET', '/api/v1/alerts');
  t.equal(status, 200);
  t.match(body.sources, [{ source: 'grafana', status: 'ok' }]);
  t.equal(body.items.length, 3);
  t.ok(Date.now() - started >= 900, 'waited about the Retry-After second');
});

t.test('alert.stream: a new alert is a change from null to firing', async (t) => {
  const invoke = async (params: Record<string, unknown>) => (await call(app, 'POST', '/api/v1/capabilities/alert.stream/invoke?provider=grafana', ADMIN, params)).body.result;
  const start = await invoke({});
  t.type(start.cursor, 'string');
  const fresh = fake.addAlert({ labels: { alertname: 'NewOne', host: 'cache1', severity: 'error' }, startsAt: new Date().toISOString() });
  t.teardown(() => { fake.alerts.delete(fresh); });
  const seen = await until('the new alert in the stream', async () => {
    const r = await invoke({ after: start.cursor });
    return r.changes.length ? r : undefined;
  }, 10_000);
  t.match(seen.changes, [{ from: null, to: 'firing', alert: { id: fresh, node: 'cache1', severity: 'error' } }]);
});

t.test('a read-only token: reads work, acknowledge names the missing permission', async (t) => {
  const ro = await buildTestApp(t, { plugins: { grafana: { url: fake.url, token: READ_ONLY } } });
  const list = await call(ro, 'GET', '/api/v1/alerts');
  t.match(list.body.sources, [{ source: 'grafana', status: 'ok' }]);
  const ack = await call(ro, 'POST', `/api/v1/alerts/${DISK}/acknowledge`, ADMIN, {});
  t.equal(ack.status, 502);
  t.match(ack.body.detail, /HTTP 403.*alert\.silences:create/);
});

t.test('a wrong token: health says bad token, the list reports the source failed', async (t) => {
  const bad = await buildTestApp(t, { plugins: { grafana: { url: fake.url, token: WRONG } } }, { logStream: logs.stream });
  const plugin = await call(bad, 'GET', '/api/v1/plugins/grafana');
  t.match(plugin.body.health, { status: 'unhealthy', message: /bad token \(HTTP 401\).*Invalid API key.*plugins\.grafana\.token is not a valid service account token/ });
  const list = await call(bad, 'GET', '/api/v1/alerts');
  t.equal(list.status, 200, 'one failing source never fails the read');
  t.match(list.body.sources, [{ source: 'grafana', status: 'error' }]);
});

t.test('an unreachable Grafana: health names it', async (t) => {
  const port = await closedPort();
  const gone = await buildTestApp(t, { plugins: { grafana: { url: `http://127.0.0.75:${port}`, token: TOKEN, timeoutMs: 1000 } } });
  const plugin = await call(gone, 'GET', '/api/v1/plugins/grafana');
  t.match(plugin.body.health, { status: 'unhealthy', message: `Grafana GET http://127.0.0.75:${port}/api/health failed: unreachable: ECONNREFUSED` });
});

t.test('no token ever appears in an answer or a log line', async (t) => {
  t.ok(logs.lines.length > 0, 'logs were captured');
  const logText = logs.lines.map((l) => JSON.stringify(l)).join('\n');
  for (const secret of [TOKEN, READ_ONLY, WRONG]) {
    t.notOk(logText.includes(secret), 'not in the logs');
    t.notOk(answers.some((a) => a.includes(secret)), 'not in any answer');
  }
  t.ok(logText.includes('grafana alert acknowledged with a silence'), 'the acknowledge was logged');
});
