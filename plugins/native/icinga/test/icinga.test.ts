/**
 * The icinga plugin through Capstan's HTTP API against a REAL Icinga 2 (fixtures/icinga-env.ts: the verified
 * recipe on 127.0.0.77:25677, stopped in teardown after every app is closed). Skipped with the reason when
 * icinga2 is not installed or the test does not run as root.
 */
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { buildTestApp, type Overrides } from '../../../../test/helper.js';
import { IcingaClient } from '../client.js';
import { checkHealth } from '../health.js';
import { IcingaConfigSchema, type IcingaConfig } from '../config.js';
import { icingaUnavailableReason, startIcinga } from './fixtures/icinga-env.js';
import { Value } from '@sinclair/typebox/value';

const ADMIN = 'admin-token-0123456789';
const ONCALL = 'oncall-token-0123456789';
const PROBLEMS = ['branch01', 'db01!Backup', 'db01!MySQL', 'edge01', 'edge01!PING', 'web01!Disk Usage'];

const reason = icingaUnavailableReason();
if (reason) t.plan(0, reason);
else await run();

async function run(): Promise<void> {
  const icinga = await startIcinga();
  // Apps close before Icinga stops: their connections (the event stream too) end first.
  const closers: (() => unknown)[] = [];
  const scope = { teardown: (fn: () => unknown) => { closers.push(fn); } };
  t.teardown(async () => {
    for (const fn of closers.reverse()) await fn();
    direct.close();
    await icinga.stop();
  });
  const pluginConfig = (extra: Record<string, unknown> = {}) => ({
    url: icinga.url, user: icinga.user, password: icinga.password, caFile: icinga.caFile, serverName: icinga.serverName, timeoutMs: 5000, ...extra,
  });
  const overrides = (extra: Record<string, unknown> = {}): Overrides => ({
    token: ADMIN, tokens: [{ name: 'oncall', token: ONCALL, permissions: ['alert.*', 'risk:read'] }], plugins: { icinga: pluginConfig(extra) },
  });
  const app = await buildTestApp(scope, overrides({ webUrl: 'https://icinga.example.com/icingaweb2', streamMinIntervalMs: 500 }));
  // The test's own look at Icinga, to see what Capstan did there.
  const direct = new IcingaClient(Value.Default(IcingaConfigSchema, pluginConfig()) as IcingaConfig, { withRetry: (fn: (n: number) => Promise<unknown>) => fn(1) } as never);
  const call = async (a: FastifyInstance, method: 'GET' | 'POST', url: string, payload?: unknown, token = ONCALL) => {
    const res = await a.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: res.statusCode, body: res.json() };
  };
  const alertUrl = (id: string) => `/api/v1/alerts/${encodeURIComponent(id)}`;

  t.test('health: the version, over verified TLS', async (t) => {
    const { status, body } = await call(app, 'GET', '/api/v1/plugins/icinga', undefined, ADMIN);
    t.equal(status, 200);
    t.match(body, { state: 'ready', health: { status: 'healthy', message: /^Icinga 2 r2\.\d+\.\d+.* answers ApiUser 'ciadmin'/ } });
  });

  t.test('list: the fixture\'s problems with their states, severities and nodes; filters', async (t) => {
    const { status, body } = await call(app, 'GET', '/api/v1/alerts');
    t.equal(status, 200);
    t.match(body.sources, [{ source: 'icinga', status: 'ok' }]);
    t.same(body.items.map((a: { id: string }) => a.id).sort(), PROBLEMS, 'one alert per problem; OK/UP objects are none');
    const by = Object.fromEntries(body.items.map((a: { id: string }) => [a.id, a]));
    t.match(by.edge01, { source: 'icinga', node: 'edge01', name: 'edge01', severity: 'critical', state: 'firing', labels: { host: 'edge01', state: 'DOWN', state_type: 'HARD' }, summary: 'edge01 does not answer' });
    t.match(by.branch01, { severity: 'error', labels: { state: 'UNREACHABLE' } });
    t.match(by['db01!MySQL'], { node: 'db01', name: 'MySQL', severity: 'critical', labels: { host: 'db01', service: 'MySQL', state: 'CRITICAL' }, summary: 'MySQL connection refused' });
    t.match(by['db01!Backup'], { severity: 'error', labels: { state: 'UNKNOWN' } });
    t.match(by['web01!Disk Usage'], { severity: 'warning', links: { source: 'https://icinga.example.com/icingaweb2/icingadb/service?name=Disk%20Usage&host.name=web01', node: '/api/v1/nodes/web01' } });
    t.ok(body.items.every((a: { since: string }) => Date.parse(a.since) > Date.parse('2020-01-01')), 'since: epoch seconds read as such');
    const ids = async (q: string) => (await call(app, 'GET', `/api/v1/alerts?${q}`)).body.items.map((a: { id: string }) => a.id).sort();
    t.same(await ids('severity=critical'), ['db01!MySQL', 'edge01', 'edge01!PING']);
    t.same(await ids('severity=warning&severity=error'), ['branch01', 'db01!Backup', 'web01!Disk Usage']);
    t.same(await ids('node=db01'), ['db01!Backup', 'db01!MySQL']);
    t.same(await ids(`matchers=${encodeURIComponent('state=~"UNKNOWN|UNREACHABLE"')}`), ['branch01', 'db01!Backup']);
    t.same(await ids(`matchers=${encodeURIComponent('service!=""')}&matchers=${encodeURIComponent('host=~"edge.*"')}`), ['edge01!PING']);
    t.same(await ids('labels[state]=WARNING'), ['web01!Disk Usage']);
    t.same(await ids('state=resolved'), [], 'no history in the REST API: nothing resolved to list');
  });

  t.test('get: a host problem, a service problem, unknown and OK ids are 404', async (t) => {
    t.match(await call(app, 'GET', alertUrl('branch01')), { status: 200, body: { alert: { id: 'branch01', node: 'branch01', severity: 'error', labels: { state: 'UNREACHABLE' } } } });
    t.match(await call(app, 'GET', alertUrl('web01!Disk Usage')), { status: 200, body: { alert: { id: 'web01!Disk Usage', name: 'Disk Usage', node: 'web01', severity: 'warning' } } });
    for (const id of ['nosuchhost', 'db01!NoSuchService', 'db01!Load', 'web01', 'db01" || true || "x']) {
      t.equal((await call(app, 'GET', alertUrl(id))).status, 404, `${id}: 404`);
    }
  });

  t.test('acknowledge: set in Icinga with the token\'s principal as author and an expiry; resolve removes it', async (t) => {
    const before = Math.floor(Date.now() / 1000);
    const ack = await call(app, 'POST', `${alertUrl('db01!MySQL')}/acknowledge`, { comment: 'looking into it', durationSeconds: 600 });
    t.equal(ack.status, 200);
    t.match(ack.body.alert, { id: 'db01!MySQL', state: 'acknowledged', acknowledgement: { by: 'oncall', comment: 'looking into it' } });
    t.ok(Math.abs(Date.parse(ack.body.alert.acknowledgement.until) / 1000 - (before + 600)) <= 3, 'until = now + durationSeconds');
    const [svc] = await direct.objects<Record<string, number>>('services', { filter: 'service.__name == n', filter_vars: { n: 'db01!MySQL' }, attrs: ['acknowledgement', 'acknowledgement_expiry'] });
    t.equal(svc.attrs.acknowledgement, 1, 'Icinga: acknowledged, not sticky');
    t.ok(Math.abs(svc.attrs.acknowledgement_expiry - (before + 600)) <= 3, 'Icinga: the expiry');
    const comments = await direct.objects<Record<string, unknown>>('comments', { filter: 'comment.entry_type == 4', attrs: ['author', 'text', 'host_name', 'service_name'] });
    t.match(comments, [{ attrs: { author: 'oncall', text: 'looking into it', host_name: 'db01', service_name: 'MySQL' } }]);
    const again = await call(app, 'POST', `${alertUrl('db01!MySQL')}/acknowledge`, {});
    t.match(again, { status: 200, body: { alert: { state: 'acknowledged', acknowledgement: { by: 'oncall', comment: 'Acknowledged through Capstan by oncall' } } } }, 'acknowledging again replaces it');
    const res = await call(app, 'POST', `${alertUrl('db01!MySQL')}/resolve`, {});
    t.match(res, { status: 200, body: { alert: { id: 'db01!MySQL', state: 'firing' } } });
    t.notOk(res.body.alert.acknowledgement);
    const [after] = await direct.objects<Record<string, number>>('services', { filter: 'service.__name == n', filter_vars: { n: 'db01!MySQL' }, attrs: ['acknowledgement'] });
    t.equal(after.attrs.acknowledgement, 0, 'Icinga: removed');
    t.equal((await call(app, 'POST', `${alertUrl('db01!Load')}/acknowledge`, {})).status, 404, 'an OK service is no alert');
    t.equal((await call(app, 'POST', `${alertUrl('nosuchhost')}/resolve`, {})).status, 404);
  });

  t.test('acknowledge with downtime: a fixed downtime of the same length; resolve leaves it', async (t) => {
    const before = Math.floor(Date.now() / 1000);
    const ack = await call(app, 'POST', `${alertUrl('edge01')}/acknowledge`, { comment: 'router swap', durationSeconds: 900, downtime: true });
    t.equal(ack.status, 200);
    t.match(ack.body.alert, { id: 'edge01', state: 'acknowledged', acknowledgement: { by: 'oncall' } });
    t.match(ack.body.alert.silencedBy, [{ kind: 'acknowledgement', by: 'oncall' }, { kind: 'downtime', id: /^edge01!/, by: 'oncall', comment: 'router swap' }]);
    const [dt] = await direct.objects<Record<string, unknown>>('downtimes', { filter: 'downtime.host_name == h', filter_vars: { h: 'edge01' }, attrs: ['author', 'fixed', 'start_time', 'end_time', 'service_name'] });
    t.match(dt.attrs, { author: 'oncall', fixed: true, service_name: '' });
    t.equal((dt.attrs.end_time as number) - (dt.attrs.start_time as number), 900);
    t.ok(Math.abs((dt.attrs.start_time as number) - before) <= 3);
    const res = await call(app, 'POST', `${alertUrl('edge01')}/resolve`, {});
    t.match(res, { status: 200, body: { alert: { state: 'silenced', silencedBy: [{ kind: 'downtime', by: 'oncall' }] } } }, 'the acknowledgement is gone, the downtime holds it');
  });

  t.test('alert.stream: a passive check result shows up as a change', async (t) => {
    const invoke = async (params: Record<string, unknown>) => (await call(app, 'POST', '/api/v1/capabilities/alert.stream/invoke?provider=icinga', params, ADMIN)).body.result;
    const start = await invoke({});
    t.same(start.changes, [], 'without a cursor: from now');
    const submit = (exit: number, output: string) => direct.action('process-check-result', {
      type: 'Service', filter: 'host.name == h && service.name == s', filter_vars: { h: 'web01', s: 'Nightly Job' }, exit_status: exit, plugin_output: output,
    });
    // The first follow starts the event-stream listener: wait until it is connected (health tells).
    const events = async () => { await app.integrations.checkAll(); return app.integrations.get('icinga')?.health.details?.events as { connected: boolean; events: number } | undefined; };
    for (let i = 0; i < 50 && !(await events())?.connected; i++) await new Promise((r) => setTimeout(r, 100));
    t.match(await events(), { connected: true }, 'the event stream is connected');
    t.match(await submit(2, 'CRITICAL - nightly job exited 3'), [{ code: 200 }]);
    let cursor = start.cursor;
    let seen: { to: string; from: string | null; alert: { id: string; summary: string } }[] = [];
    for (let i = 0; i < 40 && !seen.length; i++) {
      const r = await invoke({ after: cursor, matchers: ['service="Nightly Job"'] });
      seen = r.changes;
      cursor = r.cursor;
      if (!seen.length) await new Promise((r) => setTimeout(r, 250));
    }
    t.match(seen, [{ from: null, to: 'firing', alert: { id: 'web01!Nightly Job', severity: 'critical', summary: 'CRITICAL - nightly job exited 3' } }]);
    // Icinga may announce it seconds after the objects show it (its README: up to ~5 s).
    for (let i = 0; i < 100 && !((await events())!.events >= 1); i++) await new Promise((r) => setTimeout(r, 100));
    t.ok((await events())!.events >= 1, 'Icinga announced it on the event stream');
    await submit(0, 'OK - nightly job finished');
    seen = [];
    for (let i = 0; i < 40 && !seen.length; i++) {
      const r = await invoke({ after: cursor, state: ['resolved'] });
      seen = r.changes;
      cursor = r.cursor;
      if (!seen.length) await new Promise((r) => setTimeout(r, 250));
    }
    t.match(seen, [{ from: 'firing', to: 'resolved', alert: { id: 'web01!Nightly Job' } }], 'recovered: resolved');
  });

  t.test('wrong password: health names the 401, the list reports the source failed', async (t) => {
    const bad = await buildTestApp(scope, overrides({ password: 'wrong-password-x' }));
    const plugin = await call(bad, 'GET', '/api/v1/plugins/icinga', undefined, ADMIN);
    t.match(plugin.body.health, { status: 'unhealthy', message: /refused ApiUser 'ciadmin' .*HTTP 401\): wrong user or password/ });
    t.notMatch(JSON.stringify(plugin.body), /wrong-password-x/, 'the password is never shown');
    const list = await call(bad, 'GET', '/api/v1/alerts');
    t.equal(list.status, 200, 'one failing source never fails the read');
    t.match(list.body.sources, [{ source: 'icinga', status: 'error' }]);
    t.same(list.body.items, []);
  });

  t.test('health names TLS failures and missing permissions (the plugin\'s health check on real answers)', async (t) => {
    // Building an app takes seconds here: these cases call the same health check directly.
    const health = async (extra: Record<string, unknown>) => {
      const client = new IcingaClient(Value.Default(IcingaConfigSchema, pluginConfig(extra)) as IcingaConfig, { withRetry: (fn: (n: number) => Promise<unknown>) => fn(1) } as never);
      try {
        return await checkHealth(client, String(extra.user ?? icinga.user));
      } finally {
        client.close();
      }
    };
    t.match(await health({ caFile: undefined }), { status: 'unhealthy', message: /TLS verification failed/ }, 'no CA: the system CAs do not know Icinga\'s');
    t.match(await health({ serverName: undefined }), { status: 'unhealthy', message: /TLS verification failed: ERR_TLS_CERT_ALTNAME_INVALID/ }, 'the certificate names ci-icinga, not the address');
    t.match(await health({ insecure: true, caFile: undefined, serverName: undefined }), { status: 'healthy' }, 'insecure (tests only) skips the check');
    t.match(await health({ user: 'viewer', password: 'viewer' }), {
      status: 'unhealthy', message: /ApiUser 'viewer' .* lacks permission objects\/query\/Service, objects\/query\/Comment, objects\/query\/Downtime/,
    });
    t.match(await health({ url: 'https://127.0.0.77:25678' }), { status: 'unhealthy', message: /unreachable: .*ECONNREFUSED/ });
  });
}
