/** Unit tests of the datadog plugin's mapping (monitors -> alerts), its marks of Capstan's acknowledgements and client helpers. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { Value } from '@sinclair/typebox/value';
import { apiBase, rateLimitOf } from '../client.js';
import { appBase, DatadogConfigSchema, nodeTagList, type DatadogConfig } from '../config.js';
import { alertId, monitorAlerts, parseAlertId, scopeCovers, severityOf, type DdDowntime, type DdMonitor } from '../map.js';
import { downtimeMessage, MuteLedger, readDowntimeMessage } from '../marks.js';

const cfg = (extra: Partial<DatadogConfig> = {}): DatadogConfig => Value.Default(DatadogConfigSchema, { ...extra }) as DatadogConfig;
const NOW = Date.parse('2026-11-30T01:00:00Z');
const nowS = NOW / 1000;

const multi: DdMonitor = {
  id: 42, name: 'High load', message: '\nLoad is high on {{host.name}}\nCall @oncall', query: 'avg(last_5m):avg:system.load.1{*} by {host} > 4',
  type: 'query alert', tags: ['team:infra', 'service:web'], priority: 2, multi: true, overall_state: 'Alert', overall_state_modified: '2026-11-30T00:30:00+00:00',
  options: { silenced: {} },
  state: { groups: {
    'host:web1,env:prod': { status: 'Alert', last_triggered_ts: nowS - 600 },
    'host:web2,env:prod': { status: 'OK', last_triggered_ts: nowS - 9000 },
    'host:web3,env:prod': { status: 'No Data', last_nodata_ts: nowS - 120 },
  } },
};
const simple: DdMonitor = { id: 7, name: 'Queue depth', message: 'Queue backing up', tags: ['team:data'], priority: null, multi: false, overall_state: 'Warn', overall_state_modified: '2026-11-30T00:50:00+00:00', options: {}, state: { groups: {} } };

const ctx = (ledger = new MuteLedger(undefined, () => NOW), downtimes: DdDowntime[] = []) => ({ appBase: 'https://app.datadoghq.com', nodeTags: ['host'], downtimes, ledger, now: NOW });

t.test('a multi-alert monitor: one alert per alerting group, OK groups left out', async (t) => {
  const alerts = monitorAlerts(multi, ctx());
  t.same(alerts.map((a) => a.id), ['42:host:web1,env:prod', '42:host:web3,env:prod']);
  t.match(alerts[0], {
    source: 'datadog', node: 'web1', name: 'High load', severity: 'error', state: 'firing', since: new Date((nowS - 600) * 1000).toISOString(),
    summary: 'High load: Load is high on {{host.name}}',
    labels: { team: 'infra', service: 'web', host: 'web1', env: 'prod', monitor_id: '42', monitor_type: 'query alert', priority: 'P2' },
    annotations: { query: multi.query, datadog_status: 'Alert' },
    links: { source: 'https://app.datadoghq.com/monitors/42', node: '/api/v1/nodes/web1' },
  });
  t.equal(alerts[1].since, new Date((nowS - 120) * 1000).toISOString(), 'No Data: since the last no-data time');
});

t.test('a simple monitor: one alert with the monitor id, since = overall_state_modified', async (t) => {
  const [a] = monitorAlerts(simple, ctx());
  t.match(a, { id: '7', node: null, severity: 'warning', state: 'firing', since: '2026-11-30T00:50:00.000Z', summary: 'Queue depth: Queue backing up' });
  t.same(monitorAlerts({ ...simple, overall_state: 'OK' }, ctx()), [], 'OK: no alert');
});

t.test('severity: priority first, else from the state', async (t) => {
  t.same([1, 2, 3, 4, 5].map((p) => severityOf(p, 'Warn')), ['critical', 'error', 'warning', 'info', 'info']);
  t.same(['Alert', 'Warn', 'No Data'].map((s) => severityOf(null, s)), ['critical', 'warning', 'error']);
});

t.test('mutes: Capstan\'s (in the ledger) acknowledge, others silence; scope must cover the group', async (t) => {
  const ledger = new MuteLedger(undefined, () => NOW);
  ledger.add({ monitorId: 42, scope: 'host:web1,env:prod', end: nowS + 600, by: 'alice', at: '2026-11-30T00:59:00.000Z', comment: 'rebooting' });
  const m = { ...multi, options: { silenced: { 'host:web1,env:prod': nowS + 600, 'host:web3': null } } };
  const [web1, web3] = monitorAlerts(m, ctx(ledger));
  t.match(web1, { state: 'acknowledged', acknowledgement: { by: 'alice', at: '2026-11-30T00:59:00.000Z', comment: 'rebooting', until: new Date((nowS + 600) * 1000).toISOString() } });
  t.same(web1.silencedBy, [{ kind: 'mute', id: '42:host:web1,env:prod', by: 'alice', comment: 'rebooting', until: new Date((nowS + 600) * 1000).toISOString() }]);
  t.match(web3, { state: 'silenced', silencedBy: [{ kind: 'mute', id: '42:host:web3' }] });
  t.equal(web3.acknowledgement, undefined);
  const other = monitorAlerts({ ...multi, options: { silenced: { 'host:web1,env:prod': nowS + 601 } } }, ctx(ledger))[0];
  t.equal(other.state, 'silenced', 'the same scope with another end is not Capstan\'s mute');
  const expired = monitorAlerts({ ...multi, options: { silenced: { '*': nowS - 1 } } }, ctx())[0];
  t.equal(expired.state, 'firing', 'an ended mute holds nothing');
  const whole = monitorAlerts({ ...simple, options: { silenced: { '*': null } } }, ctx())[0];
  t.match(whole, { state: 'silenced', silencedBy: [{ kind: 'mute', id: '7:*' }] });
});

t.test('downtimes: Capstan\'s (marked message) acknowledge, others silence', async (t) => {
  const dt = (id: string, message: string, scope: string, extra: Partial<DdDowntime['attributes']> = {}): DdDowntime => ({
    id, type: 'downtime', attributes: { message, scope, monitor_identifier: { monitor_id: 42 }, status: 'active', canceled: null, created: '2026-11-30T00:58:00Z', schedule: { start: '2026-11-30T00:58:00Z', end: '2026-11-30T02:58:00Z' }, ...extra },
  });
  const ours = dt('d-1', downtimeMessage('bob', 'disk swap'), 'host:web1 AND env:prod');
  const theirs = dt('d-2', 'Planned maintenance\nsecond line', 'env:prod');
  const [web1, web3] = monitorAlerts(multi, ctx(undefined, [ours, theirs]));
  t.match(web1, { state: 'acknowledged', acknowledgement: { by: 'bob', comment: 'disk swap', at: '2026-11-30T00:58:00.000Z', until: '2026-11-30T02:58:00.000Z' } });
  t.same(web1.silencedBy, [
    { kind: 'downtime', id: 'd-1', by: 'bob', comment: 'disk swap', until: '2026-11-30T02:58:00.000Z' },
    { kind: 'downtime', id: 'd-2', comment: 'Planned maintenance', until: '2026-11-30T02:58:00.000Z' },
  ]);
  t.match(web3, { state: 'silenced', silencedBy: [{ kind: 'downtime', id: 'd-2' }] });
  const canceled = monitorAlerts(multi, ctx(undefined, [dt('d-3', 'x', '*', { canceled: '2026-11-30T00:59:00Z', status: 'canceled' })]))[0];
  t.equal(canceled.state, 'firing');
  const byTag = monitorAlerts(simple, ctx(undefined, [{ ...dt('d-4', 'x', '*'), attributes: { ...dt('d-4', 'x', '*').attributes, monitor_identifier: { monitor_tags: ['team:data'] } } }]))[0];
  t.equal(byTag.state, 'silenced', 'a downtime by monitor tags');
});

t.test('scopes, ids, marks', async (t) => {
  t.ok(scopeCovers('*', []));
  t.ok(scopeCovers('host:a,env:b', ['env:b', 'host:a']));
  t.notOk(scopeCovers('host:a', ['host:b']));
  t.ok(scopeCovers('env:b AND -host:c', ['env:b', 'host:a']));
  t.notOk(scopeCovers('env:b AND NOT host:a', ['env:b', 'host:a']));
  t.equal(alertId(42, '*'), '42');
  t.same(parseAlertId('42:host:web1,env:prod'), { monitorId: 42, group: 'host:web1,env:prod' });
  t.same(parseAlertId('42'), { monitorId: 42, group: '*' });
  t.equal(parseAlertId('6f1e2d3c4b5a6978'), undefined, 'an Alertmanager fingerprint is not a Datadog id');
  t.same(readDowntimeMessage(downtimeMessage('ci:deploy bot', 'x\ny')), { by: 'ci:deploy bot', comment: 'x\ny' });
  t.same(readDowntimeMessage(downtimeMessage('a', undefined)), { by: 'a' });
  t.equal(readDowntimeMessage('Maintenance'), undefined);
  t.equal(readDowntimeMessage(null), undefined);
});

t.test('the mute ledger survives a restart and forgets ended mutes', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'dd-ledger-')), 'datadog-acknowledgements.json');
  const a = new MuteLedger(file, () => NOW);
  a.add({ monitorId: 1, scope: '*', end: nowS + 60, by: 'x', at: '2026-11-30T01:00:00.000Z' });
  a.add({ monitorId: 2, scope: '*', end: nowS + 120, by: 'y', at: '2026-11-30T01:00:00.000Z' });
  const b = new MuteLedger(file, () => NOW + 90_000);
  t.equal(b.find(1, '*', nowS + 60)?.by, 'x', 'read back');
  b.remove(2, '*');
  t.same(JSON.parse(readFileSync(file, 'utf8')), [], 'removed, and the ended one pruned on save');
});

t.test('config: sites, base URLs, app links', async (t) => {
  t.equal(apiBase(cfg()).href, 'https://api.datadoghq.com/');
  t.equal(apiBase(cfg({ site: 'datadoghq.eu' })).href, 'https://api.datadoghq.eu/');
  t.equal(apiBase(cfg({ site: 'us5.datadoghq.com' })).href, 'https://api.us5.datadoghq.com/');
  t.equal(apiBase(cfg({ url: 'http://127.0.0.76:8080' })).href, 'http://127.0.0.76:8080/');
  t.throws(() => apiBase(cfg({ url: 'http://datadog-proxy.example.com' })), /https is required/);
  t.equal(appBase(cfg()), 'https://app.datadoghq.com');
  t.equal(appBase(cfg({ site: 'datadoghq.eu' })), 'https://app.datadoghq.eu');
  t.equal(appBase(cfg({ site: 'ddog-gov.com' })), 'https://app.ddog-gov.com');
  t.equal(appBase(cfg({ site: 'us3.datadoghq.com' })), 'https://us3.datadoghq.com');
  t.equal(appBase(cfg({ appUrl: 'https://dd.example.com/' })), 'https://dd.example.com');
  t.same(nodeTagList(cfg({ nodeTags: ['host,instance'] })), ['host', 'instance']);
  t.notOk(Value.Check(DatadogConfigSchema, { site: 'example.com' }), 'an unknown site is refused');
});

t.test('rate-limit headers', async (t) => {
  const h = new Headers({ 'x-ratelimit-limit': '100', 'x-ratelimit-period': '10', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '3', 'x-ratelimit-name': 'get_all_monitors' });
  t.match(rateLimitOf(h), { name: 'get_all_monitors', limit: 100, periodSeconds: 10, remaining: 0, resetSeconds: 3 });
  t.equal(rateLimitOf(new Headers()), undefined);
});

t.test('environment variables map onto plugins.datadog.*', async (t) => {
  const { loadConfig, validateConfig } = await import('../../../../src/config/load.js');
  const c = loadConfig({ env: { CAPSTAN_PLUGINS_DATADOG_SITE: 'datadoghq.eu', CAPSTAN_PLUGINS_DATADOG_API_KEY: 'k1', CAPSTAN_PLUGINS_DATADOG_APPLICATION_KEY: 'k2', CAPSTAN_PLUGINS_DATADOG_MONITOR_TAGS: 'team:a,team:b' }, pluginIds: ['datadog'] });
  t.same(c.plugins.datadog, { site: 'datadoghq.eu', apiKey: 'k1', applicationKey: 'k2', monitorTags: 'team:a,team:b' });
  const v = validateConfig(DatadogConfigSchema, c.plugins.datadog, 'plugins.datadog') as DatadogConfig;
  t.equal(v.pageSize, 100, 'defaults filled');
});

t.test('URL errors never echo the URL\'s credentials', async (t) => {
  for (const url of ['https://admin:s3cret@h.example.com:99999', 'ftp://admin:s3cret@h.example.com/', 'http://admin:s3cret@remote.example.com/', 'https://admin:s3cret@h.example.com/', 'ht tp://admin:s3cret@h']) {
    let message = '';
    try { apiBase(cfg({ url })); } catch (err) { message = (err as Error).message; }
    t.ok(message, `${url.replace('s3cret', '***')} refused`);
    t.notOk(message.includes('s3cret'), `no password in: ${message}`);
  }
});
