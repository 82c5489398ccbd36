/**
 * Unit tests of the Icinga object -> Alert mapping (parse.ts) on answers recorded from Icinga 2.13.6
 * (test/fixtures/recorded-*, copied from /work/shared/reference/icinga/outputs): states, severities, nodes,
 * `since` in epoch seconds, acknowledgements from comments, downtimes, labels, links, ids. No Icinga needed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { Alert, SHARED_SCHEMAS } from '../../../../src/capabilities/index.js';
import { pageAlerts, type AlertT } from '../../../../src/capabilities/alert-source.js';
import { SchemaValidator } from '../../../../src/core/validator.js';
import type { IcingaObject } from '../client.js';
import {
  byObject, downtimeInEffect, isoFromSeconds, markAckComment, readAckComment, objectSelector, parseAlertId, severityOf, stateName, toAlert,
  type CheckableAttrs, type CommentAttrs, type DowntimeAttrs, type MapContext,
} from '../parse.js';

const results = <A>(name: string) => (JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', `recorded-${name}.json`), 'utf8')) as { results: IcingaObject<A>[] }).results;
const validator = new SchemaValidator(SHARED_SCHEMAS);
const NOW = 1795965100 * 1000;
const ctx = (over: Partial<MapContext> = {}): MapContext => ({ comments: new Map(), downtimes: new Map(), now: NOW, ...over });
const map = (objs: IcingaObject<CheckableAttrs>[], c = ctx()) => objs.map((o) => toAlert(o, c)).filter((a): a is AlertT => a !== null);

t.test('the fixture\'s problems: one alert each, right state, severity and node; OK/UP objects are none', async (t) => {
  const alerts = map([...results<CheckableAttrs>('objects-hosts-states'), ...results<CheckableAttrs>('objects-services-states')]);
  const brief = Object.fromEntries(alerts.map((a) => [a.id, [a.severity, a.labels.state, a.node, a.name, a.state]]));
  t.same(brief, {
    edge01: ['critical', 'DOWN', 'edge01', 'edge01', 'firing'],
    branch01: ['error', 'UNREACHABLE', 'branch01', 'branch01', 'firing'],
    'edge01!PING': ['critical', 'CRITICAL', 'edge01', 'PING', 'firing'],
    'db01!MySQL': ['critical', 'CRITICAL', 'db01', 'MySQL', 'firing'],
    'db01!Backup': ['error', 'UNKNOWN', 'db01', 'Backup', 'firing'],
    'web01!Disk Usage': ['warning', 'WARNING', 'web01', 'Disk Usage', 'firing'],
  });
  for (const a of alerts) t.same(validator.check(Alert, structuredClone(a)), [], `${a.id} is a valid Alert`);
  const mysql = alerts.find((a) => a.id === 'db01!MySQL')!;
  t.equal(mysql.since, new Date(1795965015917).toISOString(), 'since: last_state_change, epoch seconds (decimal)');
  t.equal(mysql.summary, 'MySQL connection refused', 'summary: the plugin output');
  t.match(mysql.labels, { host: 'db01', service: 'MySQL', state: 'CRITICAL', state_type: 'HARD' });
  t.same(mysql.links, { node: '/api/v1/nodes/db01' }, 'no webUrl: no source link');
  t.equal(alerts.find((a) => a.id === 'edge01')!.labels.service, undefined, 'a host alert has no service label');
  const edge = results<CheckableAttrs>('objects-hosts-states').find((o) => o.name === 'edge01')!;
  t.equal(alerts.find((a) => a.id === 'edge01')!.since, isoFromSeconds(edge.attrs.last_check_result!.execution_start), 'last_state_change 0 and no hard change read: the check that found it');
  const page = pageAlerts(alerts, { severity: ['critical'], node: 'db01' });
  t.same(page.alerts.map((a) => a.id), ['db01!MySQL'], 'the shared filters work on these alerts');
  t.same(pageAlerts(alerts, { matchers: ['state=~"DOWN|UNREACHABLE"'] }).alerts.map((a) => a.id).sort(), ['branch01', 'edge01']);
});

t.test('full objects: since falls back to the hard state change; labels from display names, check command, vars', async (t) => {
  const [edge] = results<CheckableAttrs>('objects-host-edge01-all-attrs');
  const host = toAlert(edge, ctx())!;
  t.equal(edge.attrs.last_state_change, 0, 'recorded: never changed since start');
  t.equal(host.since, isoFromSeconds(1795965015.863113), 'last_hard_state_change instead');
  t.match(host.labels, { host: 'edge01', state: 'DOWN', check_command: 'dummy', vars_dummy_state: '2', vars_dummy_text: 'edge01 does not answer' });
  const [mysql] = results<CheckableAttrs>('objects-service-db01-MySQL-all-attrs');
  const svc = toAlert({ ...mysql, joins: { host: { name: 'db01', display_name: 'Database 1', groups: ['linux', 'db'] } } }, ctx({ webUrl: 'https://icinga.example.com/icingaweb2/' }))!;
  t.match(svc.labels, { host: 'db01', service: 'MySQL', host_display_name: 'Database 1', hostgroups: 'linux,db' });
  t.equal(svc.labels.service_display_name, undefined, 'a display name equal to the name is not repeated');
  t.equal(svc.links.source, 'https://icinga.example.com/icingaweb2/icingadb/service?name=MySQL&host.name=db01');
  const mon = toAlert(edge, ctx({ webUrl: 'https://icinga.example.com/icingaweb2', webModule: 'monitoring' }))!;
  t.equal(mon.links.source, 'https://icinga.example.com/icingaweb2/monitoring/host/show?host=edge01');
  const spaced = toAlert({ ...mysql, name: 'web01!Disk Usage', attrs: { ...mysql.attrs, host_name: 'web01', name: 'Disk Usage' } }, ctx({ webUrl: 'https://w', webModule: 'monitoring' }))!;
  t.equal(spaced.links.source, 'https://w/monitoring/service/show?host=web01&service=Disk%20Usage');
});

t.test('custom variables: scalars only, secrets never, labelVars restricts', async (t) => {
  const [mysql] = results<CheckableAttrs>('objects-service-db01-MySQL-all-attrs');
  const vars = { team: 'db', 'os.family': 'Debian', mysql_password: 'hunter2', snmp_community: 'public', api_token: 'x', nested: { a: 1 }, list: [1], on: true };
  const a = toAlert({ ...mysql, attrs: { ...mysql.attrs, vars } }, ctx())!;
  t.match(a.labels, { vars_team: 'db', vars_os_family: 'Debian', vars_on: 'true' });
  for (const k of ['vars_mysql_password', 'vars_snmp_community', 'vars_api_token', 'vars_nested', 'vars_list']) t.notOk(k in a.labels, `${k} left out`);
  t.notMatch(JSON.stringify(a), /hunter2/);
  const only = toAlert({ ...mysql, attrs: { ...mysql.attrs, vars } }, ctx({ labelVars: ['team', 'mysql_password'] }))!;
  t.same(Object.keys(only.labels).filter((k) => k.startsWith('vars_')), ['vars_team'], 'only those listed, and never a secret');
});

t.test('never-checked and recovered objects are no alerts', async (t) => {
  const [mysql] = results<CheckableAttrs>('objects-service-db01-MySQL-all-attrs');
  t.equal(toAlert({ ...mysql, attrs: { ...mysql.attrs, state: 3, last_check_result: null } }, ctx()), null, 'last_check_result null: not checked yet');
  t.equal(toAlert({ ...mysql, attrs: { ...mysql.attrs, state: 0 } }, ctx()), null, 'OK');
  const [edge] = results<CheckableAttrs>('objects-host-edge01-all-attrs');
  t.equal(toAlert({ ...edge, attrs: { ...edge.attrs, state: 1, last_check_result: null } }, ctx()), null, 'a never-checked host reads DOWN');
});

t.test('acknowledged: by, at, comment and expiry from the ack comment (entry_type 4)', async (t) => {
  const [mysql] = results<CheckableAttrs>('objects-service-db01-MySQL-all-attrs');
  const [after] = results<CheckableAttrs>('objects-service-db01-MySQL-after-ack');
  const comments = byObject(results<CommentAttrs>('objects-comments-after-ack'), (c) => c.attrs);
  t.same([...comments.keys()], ['db01!MySQL']);
  const acked = toAlert({ ...mysql, attrs: { ...mysql.attrs, ...after.attrs } }, ctx({ comments }))!;
  t.equal(acked.state, 'acknowledged');
  t.same(acked.acknowledgement, { by: 'ciadmin', at: isoFromSeconds(1795965020.049107), comment: 'CI ack: looking into it' });
  t.same(acked.silencedBy, [{ kind: 'acknowledgement', by: 'ciadmin', comment: 'CI ack: looking into it' }]);
  const expiring = toAlert({ ...mysql, attrs: { ...mysql.attrs, acknowledgement: 1, acknowledgement_expiry: 1795972221 } }, ctx({ comments }))!;
  t.equal(expiring.acknowledgement!.until, isoFromSeconds(1795972221));
  const noComment = toAlert({ ...mysql, attrs: { ...mysql.attrs, acknowledgement: 1, acknowledgement_last_change: 1795965030 } }, ctx())!;
  t.match(noComment.acknowledgement, { by: 'unknown', at: isoFromSeconds(1795965030) }, 'no comment readable: the ack attributes');
  t.same(validator.check(Alert, structuredClone(acked)), []);
});

t.test('Capstan\'s acknowledgement comments: the mark recognised (the legacy default text too) and not shown', async (t) => {
  t.equal(markAckComment('on it'), 'on it (via Capstan)');
  t.same(readAckComment('on it (via Capstan)'), { comment: 'on it', capstan: true });
  t.same(readAckComment('Acknowledged through Capstan by alice'), { comment: 'Acknowledged through Capstan by alice', capstan: true });
  t.same(readAckComment('CI ack: looking into it'), { comment: 'CI ack: looking into it', capstan: false });
  t.same(readAckComment(undefined), { comment: '', capstan: false });
  const [mysql] = results<CheckableAttrs>('objects-service-db01-MySQL-all-attrs');
  const [after] = results<CheckableAttrs>('objects-service-db01-MySQL-after-ack');
  const raw = results<CommentAttrs>('objects-comments-after-ack');
  const marked = raw.map((c) => ({ ...c, attrs: { ...c.attrs, text: 'looking (via Capstan)' } }));
  const acked = toAlert({ ...mysql, attrs: { ...mysql.attrs, ...after.attrs } }, ctx({ comments: byObject(marked, (c) => c.attrs) }))!;
  t.match(acked, { state: 'acknowledged', acknowledgement: { by: 'ciadmin', comment: 'looking' }, silencedBy: [{ kind: 'acknowledgement', comment: 'looking' }] });
});

t.test('in downtime: silenced, with the downtime that holds it', async (t) => {
  const [mysql] = results<CheckableAttrs>('objects-service-db01-MySQL-all-attrs');
  const downtimes = byObject(results<DowntimeAttrs>('objects-downtimes'), (d) => ({ name: d.name, attrs: d.attrs }));
  const a = toAlert({ ...mysql, attrs: { ...mysql.attrs, downtime_depth: 1 } }, ctx({ downtimes, now: 1795965100_000 }))!;
  t.equal(a.state, 'silenced');
  t.same(a.silencedBy, [{ kind: 'downtime', id: 'db01!MySQL!99057e98-651d-4af8-b5cd-adbcd489a248', by: 'ciadmin', comment: 'CI maintenance window', until: isoFromSeconds(1795968621) }]);
  const both = toAlert({ ...mysql, attrs: { ...mysql.attrs, downtime_depth: 1, acknowledgement: 1 } }, ctx({ downtimes, now: 1795965100_000 }))!;
  t.equal(both.state, 'acknowledged', 'an acknowledgement wins over a downtime');
  t.same(both.silencedBy!.map((s) => s.kind), ['acknowledgement', 'downtime']);
  const dt = results<DowntimeAttrs>('objects-downtimes')[0].attrs;
  t.ok(downtimeInEffect(dt, 1795965100));
  t.notOk(downtimeInEffect(dt, 1795968700), 'after its end');
  t.notOk(downtimeInEffect({ ...dt, trigger_time: 0 }, 1795965100), 'not triggered yet');
  t.notOk(downtimeInEffect({ ...dt, fixed: false, duration: 60 }, 1795965100), 'a flexible one lasts its duration from the trigger');
  const unknownDt = toAlert({ ...mysql, attrs: { ...mysql.attrs, downtime_depth: 1 } }, ctx())!;
  t.same(unknownDt.silencedBy, [{ kind: 'downtime' }], 'depth > 0 but the downtime not readable: still silenced');
});

t.test('ids, selectors, states, times', async (t) => {
  t.same(parseAlertId('edge01'), { host: 'edge01' });
  t.same(parseAlertId('web01!Disk Usage'), { host: 'web01', service: 'Disk Usage' });
  t.same(parseAlertId('h!a!b'), { host: 'h', service: 'a!b' }, 'split at the first !');
  for (const bad of ['!x', 'x!', '', ' ']) t.equal(parseAlertId(bad), null, `'${bad}' is malformed`);
  const evil = 'db01" || true || host.name == "x';
  const sel = objectSelector({ host: evil, service: 'MySQL' });
  t.equal(sel.filter, 'host.name == capstan_host && service.name == capstan_service', 'the filter text is constant');
  t.same(sel.filter_vars, { capstan_host: evil, capstan_service: 'MySQL' }, 'names travel as filter_vars');
  t.same(objectSelector({ host: 'edge01' }), { type: 'Host', filter: 'host.name == capstan_host', filter_vars: { capstan_host: 'edge01' } });
  t.equal(stateName(true, 1, false), 'UNREACHABLE');
  t.equal(stateName(true, 1, true), 'DOWN');
  t.equal(stateName(false, 3), 'UNKNOWN');
  t.same(['CRITICAL', 'DOWN', 'UNKNOWN', 'UNREACHABLE', 'WARNING', 'OK'].map(severityOf), ['critical', 'critical', 'error', 'error', 'warning', 'info']);
  t.equal(isoFromSeconds(1795965015.916853), new Date(1795965015917).toISOString(), 'seconds (decimal) to ms');
  t.equal(isoFromSeconds(0), undefined);
  t.equal(isoFromSeconds(null), undefined);
});

t.test('multi-line output: first line is the summary, the rest the description', async (t) => {
  const [mysql] = results<CheckableAttrs>('objects-service-db01-MySQL-all-attrs');
  const a = toAlert({ ...mysql, attrs: { ...mysql.attrs, last_check_result: { output: 'CRITICAL - down\r\nline 2\nline 3', state: 2 } } }, ctx())!;
  t.equal(a.summary, 'CRITICAL - down');
  t.same(a.annotations, { summary: 'CRITICAL - down', description: 'line 2\nline 3' });
  const empty = toAlert({ ...mysql, attrs: { ...mysql.attrs, last_check_result: { output: '', state: 2 } } }, ctx())!;
  t.equal(empty.summary, 'db01!MySQL is CRITICAL');
});
