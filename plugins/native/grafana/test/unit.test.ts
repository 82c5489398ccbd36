/** Unit tests of the grafana plugin's mapping (Alertmanager API v2 models -> Alert), silence body and client helpers. */
import t from 'tap';
import { ackSilence, ackSilencesOf, CAPSTAN_MARKER, DEFAULT_ACK_COMMENT, matchersFromLabels, plainComment, isCapstanSilence, silencesExactly, type AmAlert, type AmSilence } from '../../../../src/capabilities/alertmanager-v2.js';
import { toAlert } from '../am-map.js';
import { checkGrafanaUrl } from '../client.js';
import { retryAfterMs } from '../../../../src/core/tool-url.js';
import { GrafanaConfigSchema, nodeLabelList, type GrafanaConfig } from '../config.js';
import { Value } from '@sinclair/typebox/value';

const cfg = (extra: Partial<GrafanaConfig> = {}): GrafanaConfig => Value.Default(GrafanaConfigSchema, { url: 'http://127.0.0.1:3000', ...extra }) as GrafanaConfig;

const base: AmAlert = {
  fingerprint: '0a1b2c3d4e5f6071',
  labels: { alertname: 'HighCPU', instance: 'web1.example.com:9100', severity: 'critical', grafana_folder: 'infra', __alert_rule_uid__: 'rule-1' },
  annotations: { summary: 'CPU above 90%\nsecond line', runbook_url: 'https://runbooks.example.com/cpu', __dashboardUid__: 'dash-1', __panelId__: '4' },
  startsAt: '2026-11-30T00:10:00Z',
  endsAt: '2026-11-30T00:20:00Z',
  generatorURL: 'https://grafana.example.com/alerting/grafana/rule-1/view?orgId=1',
  receivers: [{ name: 'oncall' }],
  status: { state: 'active', silencedBy: [], inhibitedBy: [] },
};

const silence = (id: string, comment: string, extra: Partial<AmSilence> = {}): AmSilence => ({
  id, comment, createdBy: 'alice', matchers: [{ name: 'alertname', value: 'HighCPU', isRegex: false, isEqual: true }],
  startsAt: '2026-11-30T00:15:00Z', endsAt: '2026-11-30T02:15:00Z', status: { state: 'active' }, ...extra,
});

const ctx = (silences: AmSilence[] = []) => ({ base: 'https://grafana.example.com', orgId: 1, nodeLabels: ['instance', 'host'], silences: new Map(silences.map((s) => [s.id, s])) });

t.test('an active alert: firing, node from instance, severity from the label, links', async (t) => {
  const a = toAlert(base, ctx());
  t.match(a, {
    id: '0a1b2c3d4e5f6071', source: 'grafana', node: 'web1.example.com', name: 'HighCPU', severity: 'critical', state: 'firing',
    since: '2026-11-30T00:10:00.000Z', endsAt: '2026-11-30T00:20:00.000Z', summary: 'CPU above 90%', receivers: ['oncall'],
    links: {
      generator: base.generatorURL, runbook: 'https://runbooks.example.com/cpu', node: '/api/v1/nodes/web1.example.com',
      dashboard: 'https://grafana.example.com/d/dash-1?orgId=1&viewPanel=4',
      source: `https://grafana.example.com/alerting/groups?orgId=1&queryString=${encodeURIComponent('{alertname="HighCPU"}')}`,
    },
  });
  t.equal(a.silencedBy, undefined);
  t.equal(a.acknowledgement, undefined);
  t.same(a.labels, base.labels, 'labels as Grafana has them');
});

t.test('suppressed by a Capstan silence of exactly its labels: acknowledged, by and comment from the silence', async (t) => {
  const s = silence('s-1', `disk cleanup ${CAPSTAN_MARKER}`, { matchers: matchersFromLabels(base.labels) });
  const a = toAlert({ ...base, status: { state: 'suppressed', silencedBy: ['s-1'], inhibitedBy: [] } }, ctx([s]));
  t.equal(a.state, 'acknowledged');
  t.same(a.acknowledgement, { by: 'alice', at: '2026-11-30T00:15:00.000Z', comment: 'disk cleanup', until: '2026-11-30T02:15:00.000Z' });
  t.same(a.silencedBy, [{ kind: 'silence', id: 's-1', by: 'alice', comment: 'disk cleanup', until: '2026-11-30T02:15:00.000Z' }]);
});

t.test('a broader Capstan silence (another alert\'s acknowledgement) holds it: silenced, not acknowledged', async (t) => {
  const broader = silence('s-1', `disk cleanup ${CAPSTAN_MARKER}`);
  const a = toAlert({ ...base, status: { state: 'suppressed', silencedBy: ['s-1'], inhibitedBy: [] } }, ctx([broader]));
  t.equal(a.state, 'silenced');
  t.equal(a.acknowledgement, undefined);
  t.match(a.silencedBy, [{ kind: 'silence', id: 's-1', by: 'alice' }]);
  const held = { labels: base.labels, status: { state: 'suppressed' as const, silencedBy: ['s-1', 's-2', 's-3', 's-4'] } };
  const exact = silence('s-2', `mine ${CAPSTAN_MARKER}`, { matchers: matchersFromLabels(base.labels) });
  const regex = silence('s-3', `re ${CAPSTAN_MARKER}`, { matchers: matchersFromLabels(base.labels).map((m, i) => (i ? m : { ...m, isRegex: true })) });
  const person = silence('s-4', 'by hand', { matchers: matchersFromLabels(base.labels) });
  const silences = new Map([broader, exact, regex, person].map((x) => [x.id, x]));
  t.same(ackSilencesOf(held, silences).map((x) => x.id), ['s-2'], 'only the Capstan silence of exactly these labels');
  t.notOk(silencesExactly({ matchers: [...matchersFromLabels(base.labels).slice(1), matchersFromLabels(base.labels)[1]] }, base.labels), 'a repeated matcher in place of a missing one is not exact');
});

t.test('suppressed by someone else\'s silence or an inhibition: silenced', async (t) => {
  const other = toAlert({ ...base, status: { state: 'suppressed', silencedBy: ['s-2'], inhibitedBy: [] } }, ctx([silence('s-2', 'maintenance')]));
  t.equal(other.state, 'silenced');
  t.same(other.silencedBy, [{ kind: 'silence', id: 's-2', by: 'alice', comment: 'maintenance', until: '2026-11-30T02:15:00.000Z' }]);
  const inhibited = toAlert({ ...base, status: { state: 'suppressed', silencedBy: [], inhibitedBy: ['ffff000011112222'] } }, ctx());
  t.equal(inhibited.state, 'silenced');
  t.same(inhibited.silencedBy, [{ kind: 'inhibition', id: 'ffff000011112222' }]);
  const unknownSilence = toAlert({ ...base, status: { state: 'suppressed', silencedBy: ['gone'], inhibitedBy: [] } }, ctx());
  t.same(unknownSilence.silencedBy, [{ kind: 'silence', id: 'gone' }], 'a silence not in the list is still named');
  const expiredOurs = toAlert({ ...base, status: { state: 'suppressed', silencedBy: ['s-3'], inhibitedBy: [] } }, ctx([silence('s-3', `x ${CAPSTAN_MARKER}`, { status: { state: 'expired' } })]));
  t.equal(expiredOurs.state, 'silenced', 'an expired Capstan silence does not acknowledge');
});

t.test('no node label, unknown severity, no annotations', async (t) => {
  const a = toAlert({ ...base, labels: { alertname: 'Queue' }, annotations: undefined, generatorURL: undefined }, ctx());
  t.equal(a.node, null);
  t.equal(a.severity, 'warning', 'normalizeSeverity fallback');
  t.equal(a.summary, 'Queue');
  t.same(Object.keys(a.links), ['source']);
});

t.test('the acknowledge silence: exact matchers of every label, length, author, marker', async (t) => {
  const now = Date.parse('2026-11-30T01:00:00Z');
  const s = ackSilence(base.labels, 'bob', 'looking', 600, now);
  t.same(s.matchers, Object.entries(base.labels).sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, value]) => ({ name, value, isRegex: false, isEqual: true })));
  t.equal(s.startsAt, '2026-11-30T01:00:00.000Z');
  t.equal(s.endsAt, '2026-11-30T01:10:00.000Z');
  t.equal(s.createdBy, 'bob');
  t.equal(s.comment, `looking ${CAPSTAN_MARKER}`);
  const asSilence = { ...s, id: 'x', status: { state: 'active' as const } };
  t.ok(isCapstanSilence(asSilence));
  t.equal(plainComment(asSilence), 'looking');
  t.equal(ackSilence(base.labels, 'bob', undefined, 600, now).comment, `${DEFAULT_ACK_COMMENT} ${CAPSTAN_MARKER}`);
  t.notOk(isCapstanSilence(silence('y', 'planned maintenance')));
  const legacy = silence('s-old', '[capstan] made by an earlier build', { matchers: matchersFromLabels(base.labels) });
  t.ok(isCapstanSilence(legacy), 'the earlier [capstan] prefix is still Capstan\'s');
  t.match(toAlert({ ...base, status: { state: 'suppressed', silencedBy: ['s-old'], inhibitedBy: [] } }, ctx([legacy])), { state: 'acknowledged', acknowledgement: { comment: 'made by an earlier build' } });
});

t.test('Retry-After in seconds or as a date', async (t) => {
  t.equal(retryAfterMs('3'), 3000);
  t.equal(retryAfterMs('Mon, 30 Nov 2026 01:00:05 GMT', Date.parse('2026-11-30T01:00:00Z')), 5000);
  t.equal(retryAfterMs(null), undefined);
  t.equal(retryAfterMs('soon'), undefined);
});

t.test('url checks: plain http only on loopback, no credentials in the URL', async (t) => {
  t.equal(checkGrafanaUrl(cfg()).origin, 'http://127.0.0.1:3000');
  t.throws(() => checkGrafanaUrl(cfg({ url: 'http://grafana.example.com' })), /plain HTTP is accepted on loopback only/);
  t.equal(checkGrafanaUrl(cfg({ url: 'http://grafana.example.com', allowPlainHttp: true })).hostname, 'grafana.example.com');
  t.throws(() => checkGrafanaUrl(cfg({ url: 'https://admin:pw@grafana.example.com' })), /must not carry credentials/);
  t.throws(() => checkGrafanaUrl(cfg({ url: 'ftp://x' })), /must be http/);
  t.throws(() => checkGrafanaUrl(cfg({ url: 'not a url' })), /is not a URL/);
});

t.test('nodeLabels: defaults, and one comma-separated string from the environment', async (t) => {
  t.same(nodeLabelList(cfg()), ['instance', 'host', 'hostname', 'node']);
  t.same(nodeLabelList(cfg({ nodeLabels: ['host, instance'] })), ['host', 'instance']);
});

t.test('environment variables map onto plugins.grafana.*', async (t) => {
  const { loadConfig, validateConfig } = await import('../../../../src/config/load.js');
  const c = loadConfig({ env: { CAPSTAN_PLUGINS_GRAFANA_URL: 'https://grafana.example.com', CAPSTAN_PLUGINS_GRAFANA_TOKEN: 'glsa_x', CAPSTAN_PLUGINS_GRAFANA_ORG_ID: '2', CAPSTAN_PLUGINS_GRAFANA_NODE_LABELS: 'host,instance' }, pluginIds: ['grafana'] });
  t.same(c.plugins.grafana, { url: 'https://grafana.example.com', token: 'glsa_x', orgId: '2', nodeLabels: 'host,instance' });
  const v = validateConfig(GrafanaConfigSchema, c.plugins.grafana, 'plugins.grafana') as GrafanaConfig;
  t.equal(v.orgId, 2);
  t.same(nodeLabelList(v), ['host', 'instance']);
});

t.test('URL errors never echo the URL\'s credentials', async (t) => {
  for (const url of ['https://admin:s3cret@h.example.com:99999', 'ftp://admin:s3cret@h.example.com/', 'http://admin:s3cret@remote.example.com/', 'https://admin:s3cret@h.example.com/', 'ht tp://admin:s3cret@h']) {
    let message = '';
    try { checkGrafanaUrl(cfg({ url })); } catch (err) { message = (err as Error).message; }
    t.ok(message, `${url.replace('s3cret', '***')} refused`);
    t.notOk(message.includes('s3cret'), `no password in: ${message}`);
  }
});
