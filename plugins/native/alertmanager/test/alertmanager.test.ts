/**
 * Integration test against a REAL Prometheus + Alertmanager (fixtures/stack.ts): rules really fire, one alert
 * is really inhibited, acknowledgement creates a real silence, resolution expires it, someone else's silence
 * shows as `silenced`, alert.stream sees an alert appear and end. (A dead Alertmanager: health.test.ts.) Skipped,
 * with the reason, when the packages are not installed.
 */
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { buildTestApp } from '../../../../test/helper.js';
import { until } from '../../../../test/until.js';
import { CAPSTAN_MARKER } from '../../../../src/capabilities/alertmanager-v2.js';
import { alertingUnavailableReason, startAlertingStack, type AlertingStack } from './fixtures/stack.js';

const ALICE = 'alice-token-0123456789abcdef';
const why = alertingUnavailableReason();
if (why) t.plan(0, why);
else await run(await startAlertingStack(t));

type AmSilenceLike = { id: string; status: { state: string }; matchers: { value: string }[] };
type Alert = { id: string; name: string; state: string; severity: string; node: string | null; labels: Record<string, string>; [k: string]: any };

async function run(stack: AlertingStack): Promise<void> {
  const app = await buildTestApp(t, {
    tokens: [{ name: 'alice', token: ALICE, permissions: ['*'] }],
    plugins: { alertmanager: { url: stack.amUrl, streamIntervalMs: 0 } },
  });
  const req = async (method: 'GET' | 'POST', url: string, payload?: unknown, a: FastifyInstance = app) => {
    const res = await a.inject({ method, url, headers: { authorization: `Bearer ${ALICE}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: res.statusCode, body: res.json() };
  };
  const list = async (query = '') => {
    const { status, body } = await req('GET', `/api/v1/alerts${query ? `?${query}` : ''}`);
    if (status !== 200) throw new Error(`GET /api/v1/alerts?${query}: ${status} ${JSON.stringify(body)}`);
    return (body.items as Alert[]).filter((a) => a.source === 'alertmanager');
  };
  const names = (alerts: Alert[]) => alerts.map((a) => a.name).sort();
  const byName = async (name: string) => (await list(`state=firing&state=silenced&state=acknowledged&matchers=${encodeURIComponent(`alertname=${name}`)}`))[0];

  t.test('health: healthy, names the version and the cluster state', async (t) => {
    const { body } = await req('GET', '/api/v1/plugins/alertmanager');
    t.match(body, { state: 'ready', health: { status: 'healthy', message: /Alertmanager 0\.\d+\.\d+ at http:\/\/127\.0\.0\.71:\d+ is up \(cluster disabled\)/ } });
  });

  t.test('list: the firing rules, in one shape, with node, severity, links and receivers', async (t) => {
    const { status, body } = await req('GET', '/api/v1/alerts');
    t.equal(status, 200);
    t.match(body.sources, [{ source: 'alertmanager', status: 'ok' }]);
    const alerts = (body.items as Alert[]).filter((a) => a.source === 'alertmanager');
    t.same(names(alerts), ['AlwaysFiring', 'AlwaysInhibited', 'TargetDown']);
    const always = alerts.find((a) => a.name === 'AlwaysFiring')!;
    t.match(always, {
      id: /^[0-9a-f]{16}$/, state: 'firing', severity: 'warning', node: 'web1.example.com', summary: 'always firing test alert', receivers: ['team-infra'],
      links: { source: new RegExp(`^${stack.amUrl}/#/alerts\\?`), generator: /^http:\/\/127\.0\.0\.72:\d+\/graph\?g0\.expr=vector/, runbook: 'https://runbooks.example.com/always-firing', node: '/api/v1/nodes/web1.example.com' },
    });
    t.notOk(always.silencedBy);
    const down = alerts.find((a) => a.name === 'TargetDown')!;
    t.match(down, { state: 'firing', severity: 'critical', node: '127.0.0.72', summary: '127.0.0.72:9 is down', receivers: ['default'] });
    const inhibited = alerts.find((a) => a.name === 'AlwaysInhibited')!;
    t.match(inhibited, { state: 'silenced', severity: 'info', node: 'db1.example.com', silencedBy: [{ kind: 'inhibition', id: down.id }] });
  });

  t.test('list filters: state, severity, node, labels, matchers (regex too), receiver, inhibited', async (t) => {
    t.same(names(await list('state=firing')), ['AlwaysFiring', 'TargetDown']);
    t.same(names(await list('state=silenced')), ['AlwaysInhibited']);
    t.same(names(await list('state=acknowledged')), []);
    t.same(names(await list('severity=critical&severity=info')), ['AlwaysInhibited', 'TargetDown']);
    t.same(names(await list('node=web1.example.com')), ['AlwaysFiring']);
    t.same(names(await list('labels[team]=infra')), ['AlwaysFiring']);
    t.same(names(await list(`matchers=${encodeURIComponent('alertname=~"Always.*"')}`)), ['AlwaysFiring', 'AlwaysInhibited']);
    t.same(names(await list(`matchers=${encodeURIComponent('alertname!~"Always.*"')}`)), ['TargetDown']);
    t.same(names(await list(`matchers=${encodeURIComponent('severity!=warning')}&matchers=${encodeURIComponent('alertname=~".*Down"')}`)), ['TargetDown']);
    t.same(names(await list(`matchers=${encodeURIComponent('team=infra')}`)), ['AlwaysFiring'], 'an equality matcher, applied by Alertmanager too');
    t.same(names(await list('receiver=team-.*')), ['AlwaysFiring']);
    t.same(names(await list('receiver=default')), ['AlwaysInhibited', 'TargetDown']);
    t.same(names(await list('inhibited=false')), ['AlwaysFiring', 'TargetDown']);
    t.same(names(await list('state=resolved')), [], 'Alertmanager lists no resolved alerts');
    const page = await req('GET', '/api/v1/alerts?limit=2');
    t.equal(page.body.items.length, 2);
    t.type(page.body.nextCursor, 'string');
    const bad = await req('GET', `/api/v1/alerts?matchers=${encodeURIComponent('team')}`);
    t.equal(bad.status, 400, 'a matcher without an operator is a 400 problem');
    t.match(bad.body, { category: 'validation', code: 'CAPSTAN_ERR_REQUEST_VALIDATION' });
    const badRegex = await req('GET', `/api/v1/alerts?matchers=${encodeURIComponent('team=~"(unclosed"')}`);
    if (badRegex.status === 400) t.match(badRegex.body, { category: 'validation' }, 'a bad regex is a 400 problem');
    else t.match(badRegex.body.sources, [{ source: 'alertmanager', status: 'error', error: { category: 'validation', detail: /not a valid regular expression/ } }], 'a bad regex: the source refuses it as invalid');
  });

  t.test('get: by fingerprint; unknown -> 404', async (t) => {
    const always = await byName('AlwaysFiring');
    const one = await req('GET', `/api/v1/alerts/${always.id}`);
    t.equal(one.status, 200);
    t.match(one.body.alert, { id: always.id, name: 'AlwaysFiring', source: 'alertmanager', annotations: { runbook_url: 'https://runbooks.example.com/always-firing' } });
    const none = await req('GET', '/api/v1/alerts/0000000000000000');
    t.equal(none.status, 404);
  });

  t.test('acknowledge: a real silence by the token\'s principal; the alert is acknowledged; resolve expires it', async (t) => {
    const always = await byName('AlwaysFiring');
    const started = Date.now();
    const ack = await req('POST', `/api/v1/alerts/${always.id}/acknowledge`, { comment: 'looking into it', durationSeconds: 600 });
    t.equal(ack.status, 200, JSON.stringify(ack.body));
    const alert = ack.body.alert as Alert;
    t.match(alert, { id: always.id, state: 'acknowledged', acknowledgement: { by: 'alice', comment: 'looking into it' }, silencedBy: [{ kind: 'silence', by: 'alice', comment: 'looking into it' }] });
    const until600 = Date.parse(alert.acknowledgement.until) - started;
    t.ok(until600 > 590_000 && until600 < 615_000, `until is now + 600 s (${until600} ms)`);
    const silenceId = alert.silencedBy[0].id;
    const { body: silence } = await stack.am('GET', `/api/v2/silence/${silenceId}`);
    t.match(silence, { id: silenceId, createdBy: 'alice', comment: `looking into it ${CAPSTAN_MARKER}`, status: { state: 'active' } });
    t.same(Object.fromEntries(silence.matchers.map((m: any) => [m.name, m.value])), always.labels, 'matchers = the alert\'s exact labels');
    t.ok(silence.matchers.every((m: any) => m.isRegex === false && m.isEqual === true));
    t.same(names(await list('state=acknowledged')), ['AlwaysFiring']);
    t.same(names(await list('state=firing')), ['TargetDown']);

    const resolved = await req('POST', `/api/v1/alerts/${always.id}/resolve`, { comment: 'done' });
    t.equal(resolved.status, 200);
    t.match(resolved.body.alert, { id: always.id, state: 'firing' }, 'the rule still fires: back to firing');
    t.notOk(resolved.body.alert.acknowledgement);
    const { body: expired } = await stack.am('GET', `/api/v2/silence/${silenceId}`);
    t.equal(expired.status.state, 'expired', 'the silence is expired in Alertmanager');
  });

  t.test('someone else\'s silence: silenced, with who, why and until; resolve leaves it alone', async (t) => {
    const down = await byName('TargetDown');
    const endsAt = new Date(Date.now() + 3600_000).toISOString();
    const made = await stack.am('POST', '/api/v2/silences', {
      matchers: [{ name: 'alertname', value: 'TargetDown', isRegex: false, isEqual: true }], startsAt: new Date().toISOString(), endsAt, createdBy: 'bob', comment: 'maintenance window',
    });
    const id = made.body.silenceID as string;
    t.teardown(() => stack.am('DELETE', `/api/v2/silence/${id}`));
    const one = (await req('GET', `/api/v1/alerts/${down.id}`)).body.alert as Alert;
    t.match(one, { state: 'silenced', silencedBy: [{ kind: 'silence', id, by: 'bob', comment: 'maintenance window', until: endsAt }] });
    t.notOk(one.acknowledgement);
    const inhibitedStill = await byName('AlwaysInhibited');
    t.match(inhibitedStill, { state: 'silenced', silencedBy: [{ kind: 'inhibition' }] }, 'a silenced source alert still inhibits');
    const resolved = await req('POST', `/api/v1/alerts/${down.id}/resolve`, {});
    t.match(resolved.body.alert, { state: 'silenced' }, 'not Capstan\'s silence: untouched');
    t.equal((await stack.am('GET', `/api/v2/silence/${id}`)).body.status.state, 'active');
    await stack.am('DELETE', `/api/v2/silence/${id}`);
    t.match(await byName('TargetDown'), { state: 'firing' });
  });

  t.test('alert.stream: an alert posted to Alertmanager appears, then its end is seen as resolved', async (t) => {
    const invoke = async (params: Record<string, unknown>) => {
      const res = await req('POST', '/api/v1/capabilities/alert.stream/invoke?provider=alertmanager', params);
      if (res.status !== 200) throw new Error(`alert.stream: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.result as { changes: { from: string | null; to: string; alert: Alert }[]; cursor: string };
    };
    let cursor = (await invoke({})).cursor;
    const labels = { alertname: 'InjectedByTest', instance: 'node1', severity: 'critical' };
    const posted = await stack.am('POST', '/api/v2/alerts', [{ labels, annotations: { summary: 'posted directly to Alertmanager' }, generatorURL: 'http://127.0.0.1/test', startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 300_000).toISOString() }]);
    t.equal(posted.status, 200);
    const seen = [] as { from: string | null; to: string; alert: Alert }[];
    const follow = async (to: string) => until(`a change of InjectedByTest to ${to}`, async () => {
      const r = await invoke({ after: cursor, matchers: ['alertname=InjectedByTest'] });
      cursor = r.cursor;
      seen.push(...r.changes);
      return seen.find((c) => c.to === to);
    }, 15_000);
    const appeared = await follow('firing');
    t.match(appeared, { from: null, to: 'firing', alert: { name: 'InjectedByTest', node: 'node1', severity: 'critical', summary: 'posted directly to Alertmanager' } });
    const ending = await stack.am('POST', '/api/v2/alerts', [{ labels, annotations: { summary: 'posted directly to Alertmanager' }, startsAt: appeared.alert.since, endsAt: new Date().toISOString() }]);
    t.equal(ending.status, 200, JSON.stringify(ending.body));
    const ended = await follow('resolved');
    t.match(ended, { from: 'firing', to: 'resolved', alert: { id: appeared.alert.id, state: 'resolved' } });
  });

  t.test('alert B\'s labels a superset of alert A\'s: ack A, ack B, resolve B -> A still acknowledged (real silences)', async (t) => {
    const aLabels = { alertname: 'SubsetProbe', job: 'queues', severity: 'warning' };
    const bLabels = { ...aLabels, queue: 'billing' };
    const window = { startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 300_000).toISOString() };
    await stack.am('POST', '/api/v2/alerts', [{ labels: aLabels, annotations: {}, ...window }, { labels: bLabels, annotations: {}, ...window }]);
    const both = await until('both SubsetProbe alerts listed', async () => {
      const items = await list('matchers=alertname%3DSubsetProbe');
      return items.length === 2 ? items : undefined;
    });
    const A = both.find((a) => !a.labels.queue)!;
    const B = both.find((a) => a.labels.queue)!;
    t.teardown(async () => {
      const { body: all } = await stack.am('GET', '/api/v2/silences');
      for (const s of all as AmSilenceLike[]) if (s.status.state !== 'expired' && s.matchers.some((m) => m.value === 'SubsetProbe')) await stack.am('DELETE', `/api/v2/silence/${s.id}`);
    });
    t.match((await req('POST', `/api/v1/alerts/${A.id}/acknowledge`, { comment: 'all queues' })).body.alert, { state: 'acknowledged' });
    t.match((await req('GET', `/api/v1/alerts/${B.id}`)).body.alert, { state: 'silenced' }, 'A\'s silence holds B, but is not B\'s acknowledgement');
    const ackB = await req('POST', `/api/v1/alerts/${B.id}/acknowledge`, { comment: 'billing' });
    t.match(ackB.body.alert, { state: 'acknowledged', acknowledgement: { comment: 'billing' } });
    const resB = await req('POST', `/api/v1/alerts/${B.id}/resolve`, {});
    t.equal(resB.status, 200, JSON.stringify(resB.body));
    t.match(resB.body.alert, { id: B.id, state: 'silenced' }, 'B: its own silence expired, A\'s still holds it');
    t.match((await req('GET', `/api/v1/alerts/${A.id}`)).body.alert, { state: 'acknowledged', acknowledgement: { by: 'alice', comment: 'all queues' } }, 'A still acknowledged');
  });

  t.test('postResolved: resolve posts the alert back ended; Alertmanager lists it no more', async (t) => {
    const app2 = await buildTestApp(t, { tokens: [{ name: 'alice', token: ALICE, permissions: ['*'] }], plugins: { alertmanager: { url: stack.amUrl, postResolved: true } } });
    const labels = { alertname: 'PostResolvedProbe', host: 'web2.example.com', severity: 'error' };
    await stack.am('POST', '/api/v2/alerts', [{ labels, annotations: { summary: 'to be resolved by Capstan' }, startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 300_000).toISOString() }]);
    const found = await until('PostResolvedProbe listed', async () => (await req('GET', `/api/v1/alerts?matchers=alertname%3DPostResolvedProbe`, undefined, app2)).body.items[0] as Alert | undefined);
    t.match(found, { node: 'web2.example.com', severity: 'error', state: 'firing' });
    const ack = await req('POST', `/api/v1/alerts/${found.id}/acknowledge`, {}, app2);
    t.match(ack.body.alert, { state: 'acknowledged', acknowledgement: { by: 'alice', comment: 'acknowledged via Capstan' } }, 'default comment');
    const again = await req('POST', `/api/v1/alerts/${found.id}/acknowledge`, { comment: 'second look', durationSeconds: 120 }, app2);
    t.match(again.body.alert, { state: 'acknowledged', acknowledgement: { comment: 'second look' } });
    t.equal(again.body.alert.silencedBy.length, 1, 'acknowledging again replaces Capstan\'s earlier silence');
    t.equal((await stack.am('GET', `/api/v2/silence/${ack.body.alert.silencedBy[0].id}`)).body.status.state, 'expired');
    const res = await req('POST', `/api/v1/alerts/${found.id}/resolve`, { comment: 'fixed' }, app2);
    t.equal(res.status, 200, JSON.stringify(res.body));
    t.match(res.body.alert, { id: found.id, state: 'resolved', endsAt: /Z$/ });
    t.notOk(res.body.alert.acknowledgement);
    const { body } = await stack.am('GET', '/api/v2/alerts?filter=alertname%3D%22PostResolvedProbe%22');
    t.same(body, [], 'ended in Alertmanager');
    const { body: silences } = await stack.am('GET', '/api/v2/silences');
    t.ok(silences.filter((s: any) => s.matchers.some((m: any) => m.value === 'PostResolvedProbe')).every((s: any) => s.status.state === 'expired'), 'its acknowledgement expired');
    t.equal((await req('GET', `/api/v1/alerts/${found.id}`, undefined, app2)).status, 404);
  });
}
