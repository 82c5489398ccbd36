/**
 * Unit tests of the alertmanager plugin's pure parts on recorded Alertmanager 0.25 answers
 * (test/fixtures/recorded-*, from shared/reference/alertmanager-outputs): the mapping to the Alert record,
 * Capstan's silence marker, the silence body, the server-side filter, the endpoint and config checks.
 * No Alertmanager needed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import t from 'tap';
import { Alert, SHARED_SCHEMAS } from '../../../../src/capabilities/index.js';
import { pageAlerts } from '../../../../src/capabilities/alert-source.js';
import { fromEnv, validateConfig } from '../../../../src/config/load.js';
import { SchemaValidator } from '../../../../src/core/validator.js';
import { checkEndpoint } from '../client.js';
import { AlertmanagerConfigSchema, DEFAULT_NODE_LABELS, nodeLabelNames, type AlertmanagerConfig } from '../config.js';
import { ackSilence, CAPSTAN_MARKER, isCapstanSilence, LEGACY_PREFIX, matchersFromLabels, plainComment, silencesExactly, type AmAlert, type AmSilence } from '../../../../src/capabilities/alertmanager-v2.js';
import { toAlert, uiLink, type MapOptions } from '../parse.js';
import { serverQuery } from '../query.js';

const fixture = <T>(name: string): T => JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', `recorded-${name}.json`), 'utf8')) as T;
const validator = new SchemaValidator(SHARED_SCHEMAS);
const errorsOf = (v: unknown) => validator.check(Alert, structuredClone(v));
const NOW = Date.parse('2026-11-24T23:25:11Z');
const opts: MapOptions = { source: 'alertmanager', nodeLabels: DEFAULT_NODE_LABELS, uiUrl: 'http://127.0.0.1:9093', now: NOW };
const silencesById = (list: AmSilence[]) => new Map(list.map((s) => [s.id, s]));

t.test('recorded alerts: one Alert each, valid against the record schema', async (t) => {
  const [always, down] = fixture<AmAlert[]>('alerts').map((a) => toAlert(a, new Map(), opts));
  for (const a of [always, down]) t.same(errorsOf(a), [], `${a.name} is a valid Alert`);
  t.match(always, {
    id: '22c138c9b32fefc0', source: 'alertmanager', node: null, name: 'AlwaysFiring', severity: 'warning', state: 'firing',
    since: '2026-11-24T23:24:52.441Z', endsAt: '2026-11-24T23:25:12.441Z', summary: 'always firing test alert',
    labels: { alertname: 'AlwaysFiring', team: 'infra' }, annotations: { description: 'vector(1) is always 1' }, receivers: ['hook'],
    links: { generator: 'http://127.0.0.1:9090/graph?g0.expr=vector%281%29&g0.tab=1' },
  });
  t.notOk(always.links.node, 'no node label: no node link');
  t.notOk(always.silencedBy);
  t.match(down, { id: 'a36461ed7288b44c', node: '127.0.0.1', severity: 'critical', summary: '127.0.0.1:9 is down', links: { node: '/api/v1/nodes/127.0.0.1' } });
  const [injected] = fixture<AmAlert[]>('alerts-injected').map((a) => toAlert(a, new Map(), opts));
  t.match(injected, { name: 'InjectedByTest', node: 'node1', severity: 'critical', links: { generator: 'http://127.0.0.1/test' } });
});

t.test('links: the alert in Alertmanager\'s UI (every label, quoted), the runbook annotation', async (t) => {
  const link = uiLink('https://am.example.com', { b: 'x"y', a: '1' });
  t.equal(link, `https://am.example.com/#/alerts?silenced=true&inhibited=true&active=true&filter=${encodeURIComponent('{a="1",b="x\\"y"}')}`);
  const [raw] = fixture<AmAlert[]>('alerts');
  const a = toAlert({ ...raw, annotations: { runbook_url: 'https://runbooks.example.com/x' } }, new Map(), { ...opts, uiUrl: 'https://am.example.com/prefix' });
  t.match(a.links, { runbook: 'https://runbooks.example.com/x', source: /^https:\/\/am\.example\.com\/prefix\/#\/alerts\?/ });
  t.equal(a.summary, 'AlwaysFiring', 'no summary annotation: the name');
});

t.test('node labels: the configured names in order, host part only', async (t) => {
  const [raw] = fixture<AmAlert[]>('alerts');
  const withLabels = (labels: Record<string, string>, nodeLabels = DEFAULT_NODE_LABELS) => toAlert({ ...raw, labels: { ...raw.labels, ...labels } }, new Map(), { ...opts, nodeLabels }).node;
  t.equal(withLabels({ instance: 'web1.example.com:9100' }), 'web1.example.com');
  t.equal(withLabels({ hostname: 'db1', instance: 'web1:9100' }), 'web1', 'instance comes first by default');
  t.equal(withLabels({ hostname: 'db1', instance: 'web1:9100' }, ['hostname', 'instance']), 'db1');
  t.equal(withLabels({ node: 'n1' }, ['host']), null);
});

t.test('silenced by someone else: silenced, with who, why and until', async (t) => {
  const [raw] = fixture<AmAlert[]>('alerts-silenced');
  const a = toAlert(raw, silencesById(fixture<AmSilence[]>('silences-list')), opts);
  t.same(errorsOf(a), []);
  t.match(a, { state: 'silenced', silencedBy: [{ kind: 'silence', id: '013106e8-9444-461c-bfb0-d2b15b87789d', by: 'testbed', comment: 'silence for integration test', until: '2026-11-25T00:25:10.000Z' }] });
  t.notOk(a.acknowledgement);
  const unknown = toAlert(raw, new Map(), opts);
  t.same(unknown.silencedBy, [{ kind: 'silence', id: '013106e8-9444-461c-bfb0-d2b15b87789d' }], 'a silence not in the list: its id only');
  t.equal(unknown.state, 'silenced');
});

t.test('silenced by Capstan\'s silence: acknowledged, the newest of them is the acknowledgement', async (t) => {
  const [raw] = fixture<AmAlert[]>('alerts-silenced');
  const [theirs] = fixture<AmSilence[]>('silences-list');
  const exact = matchersFromLabels(raw.labels);
  const older: AmSilence = { ...theirs, id: 'older', createdBy: 'bob', comment: `${LEGACY_PREFIX} first look`, startsAt: '2026-11-24T23:00:00.000Z', matchers: exact };
  const newer: AmSilence = { ...theirs, id: 'newer', createdBy: 'alice', comment: `on it ${CAPSTAN_MARKER}`, matchers: exact };
  const a = toAlert({ ...raw, status: { state: 'suppressed', silencedBy: ['older', theirs.id, 'newer'], inhibitedBy: [] } }, silencesById([older, theirs, newer]), opts);
  t.same(errorsOf(a), []);
  t.match(a, { state: 'acknowledged', acknowledgement: { by: 'alice', at: '2026-11-24T23:25:10.590Z', comment: 'on it', until: '2026-11-25T00:25:10.000Z' } });
  t.same(a.silencedBy!.map((s) => [s.id, s.by, s.comment]), [['older', 'bob', 'first look'], [theirs.id, 'testbed', 'silence for integration test'], ['newer', 'alice', 'on it']]);
});

t.test('inhibited: silenced, the inhibiting alert\'s fingerprint as id; an ended alert is resolved', async (t) => {
  const [raw] = fixture<AmAlert[]>('alerts');
  const a = toAlert({ ...raw, status: { state: 'suppressed', silencedBy: [], inhibitedBy: ['a36461ed7288b44c'] } }, new Map(), opts);
  t.match(a, { state: 'silenced', silencedBy: [{ kind: 'inhibition', id: 'a36461ed7288b44c' }] });
  t.same(errorsOf(a), []);
  t.equal(toAlert(raw, new Map(), { ...opts, now: Date.parse('2026-11-24T23:30:00Z') }).state, 'resolved');
  t.equal(toAlert({ ...raw, status: { state: 'unprocessed' } }, new Map(), opts).state, 'firing', 'unprocessed is firing');
  t.equal(toAlert({ ...raw, endsAt: '0001-01-01T00:00:00Z' }, new Map(), opts).endsAt, undefined, 'Go\'s zero time is no time');
});

t.test('Capstan\'s marker and the silence it posts', async (t) => {
  t.ok(isCapstanSilence({ comment: '[capstan] on it' }));
  t.ok(isCapstanSilence({ comment: '  [capstan]on it' }));
  t.notOk(isCapstanSilence({ comment: 'silence for integration test' }));
  t.notOk(isCapstanSilence({ comment: 'not [capstan] here' }));
  t.equal(plainComment({ comment: '[capstan] on it' }), 'on it');
  t.equal(plainComment({ comment: 'theirs' }), 'theirs');
  const labels = { severity: 'warning', alertname: 'AlwaysFiring', team: 'infra' };
  const body = ackSilence(labels, 'alice', undefined, 7200, Date.parse('2026-11-24T23:25:10Z'));
  const recorded = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'recorded-silence-request.json'), 'utf8')) as Record<string, unknown>;
  t.same(Object.keys(body).sort(), Object.keys(recorded).sort(), 'the fields of a recorded POST /api/v2/silences');
  t.same(body, {
    matchers: [
      { name: 'alertname', value: 'AlwaysFiring', isRegex: false, isEqual: true },
      { name: 'severity', value: 'warning', isRegex: false, isEqual: true },
      { name: 'team', value: 'infra', isRegex: false, isEqual: true },
    ],
    startsAt: '2026-11-24T23:25:10.000Z', endsAt: '2026-11-25T01:25:10.000Z', createdBy: 'alice', comment: `acknowledged via Capstan ${CAPSTAN_MARKER}`,
  });
  t.equal(ackSilence(labels, 'bob', '  disk full ', 60).comment, `disk full ${CAPSTAN_MARKER}`);
  const silence = { ...fixture<AmSilence[]>('silences-list')[0], matchers: body.matchers };
  t.ok(silencesExactly(silence, labels));
  t.notOk(silencesExactly(silence, { ...labels, extra: 'x' }), 'a label more: not exactly this alert');
  t.notOk(silencesExactly({ ...silence, matchers: [...body.matchers.slice(1), { ...body.matchers[0], isRegex: true }] }, labels), 'a regex matcher: not exactly');
});

t.test('server-side filter: only what Alertmanager reads exactly as Capstan does', async (t) => {
  t.same(serverQuery({}), {});
  t.same(serverQuery({ state: ['firing'] }), { silenced: false, inhibited: false });
  t.same(serverQuery({ state: ['silenced'] }), { active: false });
  t.same(serverQuery({ state: ['acknowledged', 'firing'] }), {});
  t.equal(serverQuery({ state: ['resolved'] }), null, 'Alertmanager lists no resolved alert: nothing to ask');
  t.same(serverQuery({ labels: { team: 'infra', odd: 'a"b' }, matchers: ['severity!=info', 'alertname=~"Always.*"', 'job="node exporter"', 'instance="web1:9100"'] }), {
    filter: ['team="infra"', 'severity!="info"', 'instance="web1:9100"'],
  }, 'regexes and values with quotes or spaces stay client-side');
  t.throws(() => serverQuery({ matchers: ['team=~"(unclosed"'] }), { code: 'CAPSTAN_ERR_REQUEST_VALIDATION' });
});

t.test('list pages over mapped alerts: newest first, filters, cursor', async (t) => {
  const alerts = [...fixture<AmAlert[]>('alerts'), ...fixture<AmAlert[]>('alerts-injected')].map((a) => toAlert(a, new Map(), opts));
  const first = pageAlerts(alerts, { limit: 2 });
  t.same(first.alerts.map((a) => a.name), ['InjectedByTest', 'TargetDown']);
  t.equal(first.total, 3);
  t.same(pageAlerts(alerts, { limit: 2, cursor: first.nextCursor! }).alerts.map((a) => a.name), ['AlwaysFiring']);
  t.same(pageAlerts(alerts, { matchers: ['job=~"nothing.*"'] }).alerts.map((a) => a.name), ['TargetDown']);
  t.same(pageAlerts(alerts, { receiver: 'ho+k', severity: ['warning'] }).alerts.map((a) => a.name), ['AlwaysFiring']);
});

t.test('endpoint: credentials of the URL become basic auth and leave the URL; misuse is a config error', async (t) => {
  const e = checkEndpoint({ url: 'http://capstan:s%40cret@127.0.0.1:9093/am?x=1' });
  t.equal(e.base.href, 'http://127.0.0.1:9093/am/');
  t.equal(e.authorization, `Basic ${Buffer.from('capstan:s@cret').toString('base64')}`);
  t.equal(checkEndpoint({ url: 'https://am.example.com', bearerToken: 'tok' }).authorization, 'Bearer tok');
  t.equal(checkEndpoint({ url: 'http://127.0.0.1:9093' }).authorization, undefined);
  t.throws(() => checkEndpoint({ url: 'ftp://x' }), { code: 'CAPSTAN_ERR_CONFIG_INVALID' });
  t.throws(() => checkEndpoint({ url: 'not a url' }), { code: 'CAPSTAN_ERR_CONFIG_INVALID' });
  t.throws(() => checkEndpoint({ url: 'http://a:b@x', bearerToken: 'tok' }), { message: /exclude each other/ });
  t.throws(() => checkEndpoint({ url: 'http://x', password: 'p' }), { message: /needs plugins\.alertmanager\.username/ });
});

t.test('config: defaults, and env (nodeLabels comma-separated)', async (t) => {
  const env = fromEnv({
    CAPSTAN_PLUGINS_ALERTMANAGER_URL: 'http://127.0.0.1:9093', CAPSTAN_PLUGINS_ALERTMANAGER_NODE_LABELS: 'host, instance',
    CAPSTAN_PLUGINS_ALERTMANAGER_POST_RESOLVED: 'true', CAPSTAN_PLUGINS_ALERTMANAGER_TIMEOUT_MS: '2500', CAPSTAN_PLUGINS_ALERTMANAGER_BEARER_TOKEN: 'tok',
  }, ['alertmanager']) as { plugins: { alertmanager: Record<string, unknown> } };
  const cfg = validateConfig(AlertmanagerConfigSchema, env.plugins.alertmanager, 'plugins.alertmanager') as AlertmanagerConfig;
  t.match(cfg, { url: 'http://127.0.0.1:9093', postResolved: true, timeoutMs: 2500, bearerToken: 'tok' });
  t.same(nodeLabelNames(cfg), ['host', 'instance']);
  const defaults = Value.Default(AlertmanagerConfigSchema, {}) as AlertmanagerConfig;
  t.same(nodeLabelNames(defaults), ['instance', 'host', 'hostname', 'node']);
  t.match(defaults, { postResolved: false, timeoutMs: 10_000, streamIntervalMs: 2000 });
  t.throws(() => validateConfig(AlertmanagerConfigSchema, { url: 'http://x', surprise: 1 }, 'plugins.alertmanager'), { code: 'CAPSTAN_ERR_CONFIG_INVALID' });
});

t.test('URL errors never echo the URL\'s credentials', async (t) => {
  for (const url of ['https://admin:s3cret@h.example.com:99999', 'ftp://admin:s3cret@h.example.com/', 'http://admin:s3cret@remote.example.com/', 'https://admin:s3cret@h.example.com/', 'ht tp://admin:s3cret@h']) {
    let message = '';
    try {
      message = `accepted as ${checkEndpoint({ url }).base.href}`; // credentials of the URL become basic auth and leave it
    } catch (err) { message = (err as Error).message; }
    t.notOk(message.includes('s3cret'), `no password in: ${message}`);
  }
});
