/**
 * Unit tests of the icinga plugin's talking parts without an Icinga: the client's URL, error and permission
 * reading (on recorded answers), the action bodies alert.acknowledge / alert.resolve send, the event listener
 * on the recorded event stream, and health on fake answers.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import pino from 'pino';
import t from 'tap';
import type { AlertT } from '../../../../src/capabilities/alert-source.js';
import { Value } from '@sinclair/typebox/value';
import { fromEnv } from '../../../../src/config/load.js';
import { acknowledge, resolve } from '../actions.js';
import { apiBase, describeNetworkError, IcingaClient, missingPermission, type ActionResult } from '../client.js';
import { IcingaConfigSchema, type IcingaConfig } from '../config.js';
import { ALERT_EVENT_TYPES, IcingaEventListener, type IcingaEvent } from '../events.js';
import { checkHealth } from '../health.js';
import type { IcingaReader } from '../reader.js';

const fixtureText = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', `recorded-${name}`), 'utf8');
const fixture = (name: string) => JSON.parse(fixtureText(`${name}.json`));
const config = (over: Partial<IcingaConfig> = {}) => Value.Default(IcingaConfigSchema, Value.Convert(IcingaConfigSchema, { user: 'ciadmin', password: 'sup3r-secret', ...over })) as IcingaConfig;
const helpers = { withRetry: (fn: (n: number) => Promise<unknown>) => fn(1) } as never;
const silent = pino({ level: 'silent' });

t.test('config and URL: https only, /v1 added once, no credentials in the URL, caFile must be readable', async (t) => {
  t.equal(apiBase('https://127.0.0.77:25677').href, 'https://127.0.0.77:25677/v1/');
  t.equal(apiBase('https://icinga.example.com:5665/v1/').href, 'https://icinga.example.com:5665/v1/');
  t.throws(() => apiBase('http://127.0.0.1:5665'), /must be https/);
  t.throws(() => apiBase('https://u:p@h:5665'), /must not hold credentials/);
  t.throws(() => apiBase('nope'), /not a URL/);
  t.throws(() => new IcingaClient(config({ caFile: '/nonexistent/ca.crt' }), helpers), /plugins\.icinga\.caFile: cannot read \/nonexistent\/ca\.crt: ENOENT/);
  t.notOk(Value.Check(IcingaConfigSchema, { url: 'https://h:5665', user: 'u' }), 'a password is required');
  t.equal((IcingaConfigSchema.properties.password as Record<string, unknown>)['x-sensitive'], true, 'the password is marked secret');
  const env = { CAPSTAN_PLUGINS_ICINGA_URL: 'https://127.0.0.1:5665', CAPSTAN_PLUGINS_ICINGA_USER: 'capstan', CAPSTAN_PLUGINS_ICINGA_PASSWORD: 'pw', CAPSTAN_PLUGINS_ICINGA_CA_FILE: '/etc/ca.crt', CAPSTAN_PLUGINS_ICINGA_TIMEOUT_MS: '5000' };
  const fromVars = (fromEnv(env, ['icinga']) as { plugins: Record<string, Record<string, unknown>> }).plugins.icinga;
  t.same(fromVars, { url: 'https://127.0.0.1:5665', user: 'capstan', password: 'pw', caFile: '/etc/ca.crt', timeoutMs: '5000' }, 'env CAPSTAN_PLUGINS_ICINGA_<KEY>');
  t.ok(Value.Check(IcingaConfigSchema, Value.Default(IcingaConfigSchema, Value.Convert(IcingaConfigSchema, fromVars))), 'and they make a valid config');
});

t.test('errors name the cause: TLS, unreachable, 401, missing permission; never the password', async (t) => {
  t.match(describeNetworkError(Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' })), /^TLS verification failed: DEPTH_ZERO_SELF_SIGNED_CERT .*caFile/);
  t.match(describeNetworkError(Object.assign(new Error("Hostname/IP does not match certificate's altnames"), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' })), /TLS verification failed.*serverName/);
  t.equal(describeNetworkError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.77:25677'), { code: 'ECONNREFUSED' })), 'unreachable: connect ECONNREFUSED 127.0.0.77:25677');
  const client = new IcingaClient(config({ url: 'https://127.0.0.77:25677' }), helpers);
  t.teardown(() => client.close());
  const e401 = client.failure('GET', 'objects/hosts', { status: 401, body: fixture('error-wrong-password') });
  t.match(e401, { statusCode: 502, message: /refused ApiUser 'ciadmin' \(GET https:\/\/127\.0\.0\.77:25677\/v1\/objects\/hosts: HTTP 401\): wrong user or password/ });
  t.notMatch(e401.message, /sup3r-secret/);
  const verbose = { diagnostic_information: 'Error: Missing permission: objects/query/service\n', error: 404, status: 'No objects found.' };
  t.equal(missingPermission(verbose), 'objects/query/service');
  t.equal(missingPermission(fixture('error-viewer-services-not-permitted')), undefined, 'without verbose=1 Icinga does not say');
  t.match(client.failure('GET', 'objects/services', { status: 404, body: verbose }).message, /lacks permission objects\/query\/service/);
  t.match(client.failure('GET', 'objects/hosts', { status: 403, body: { error: 403, status: 'Forbidden' } }), { statusCode: 502, message: /forbade ApiUser 'ciadmin' .*HTTP 403\): a permission is missing/ });
  t.match(client.failure('POST', 'actions/x', { status: 404, body: { error: 404, status: "Action 'x' does not exist." } }), { statusCode: 503, message: /HTTP 404: Action 'x' does not exist/ });
});

/** A fake client recording actions, answering each from `answers` (default: one success). */
function fakeClient(answers: Record<string, ActionResult[][]> = {}) {
  const calls: { name: string; body: Record<string, unknown> }[] = [];
  return {
    calls,
    client: { action: async (name: string, body: Record<string, unknown>) => { calls.push({ name, body }); return answers[name]?.shift() ?? [{ code: 200, status: 'ok' }]; } } as unknown as IcingaClient,
  };
}
const alert = (over: Partial<AlertT> = {}): AlertT => ({
  id: 'db01!MySQL', source: 'icinga', node: 'db01', name: 'MySQL', severity: 'critical', state: 'firing', since: '2026-11-29T15:10:15.917Z',
  summary: 'MySQL connection refused', labels: {}, annotations: {}, links: {}, ...over,
});
/** A reader answering these alerts in turn (the last one again and again); an acknowledged alert's ack comment is its acknowledgement's by and comment, as Icinga holds them (mark included). */
const fakeReader = (...seq: (AlertT | null)[]) => {
  const next = () => (seq.length > 1 ? seq.shift()! : seq[0]);
  return {
    one: async () => next(),
    oneWithAck: async () => {
      const a = next();
      return a && { alert: a, ...(a.state === 'acknowledged' ? { ack: { author: a.acknowledgement?.by, text: a.acknowledgement?.comment } } : {}) };
    },
  } as unknown as IcingaReader;
};

t.test('acknowledge: one action per object by filter_vars, author = principal, expiry = now + duration, not sticky, no notification', async (t) => {
  const { client, calls } = fakeClient();
  const before = Math.floor(Date.now() / 1000);
  const out = await acknowledge(client, fakeReader(alert(), alert({ state: 'acknowledged' })), { id: 'db01!MySQL', author: 'ci-token', comment: 'on it', durationSeconds: 600, downtime: false });
  t.equal(out.state, 'acknowledged', 'the alert as re-read');
  t.equal(calls.length, 1);
  const body = calls[0].body;
  t.match(calls[0], { name: 'acknowledge-problem', body: { type: 'Service', filter: 'host.name == capstan_host && service.name == capstan_service', filter_vars: { capstan_host: 'db01', capstan_service: 'MySQL' }, author: 'ci-token', comment: 'on it', sticky: false, notify: false } });
  t.ok((body.expiry as number) >= before + 600 && (body.expiry as number) <= before + 602, 'expiry: epoch seconds, now + durationSeconds');

  const dt = fakeClient();
  await acknowledge(dt.client, fakeReader(alert({ id: 'edge01', node: 'edge01', name: 'edge01', state: 'acknowledged', acknowledgement: { by: 'bob', at: '2026-11-29T15:10:15.917Z', comment: 'first look (via Capstan)' } })), { id: 'edge01', author: 'alice', durationSeconds: 3600, downtime: true });
  t.same(dt.calls.map((c) => c.name), ['remove-acknowledgement', 'acknowledge-problem', 'schedule-downtime'], 'Capstan\'s existing ack is replaced (Icinga refuses a second one with 409)');
  t.match(dt.calls[1].body, { type: 'Host', filter: 'host.name == capstan_host', filter_vars: { capstan_host: 'edge01' }, comment: 'Acknowledged through Capstan by alice (via Capstan)' });
  const d = dt.calls[2].body;
  t.match(d, { type: 'Host', author: 'alice', fixed: true });
  t.equal((d.end_time as number) - (d.start_time as number), 3600, 'the downtime spans durationSeconds');
});

t.test('acknowledge/resolve refusals: unknown id, no problem, Icinga\'s 409 and empty answers', async (t) => {
  const { client } = fakeClient();
  await t.rejects(acknowledge(client, fakeReader(null), { id: 'db01!Load', author: 'a', durationSeconds: 60, downtime: false }), { statusCode: 404, message: /no current problem 'db01!Load'/ });
  await t.rejects(resolve(client, fakeReader(null), '!bad'), { statusCode: 404 } as never);
  const conflict = fakeClient({ 'acknowledge-problem': [fixture('error-ack-ok-service').results] });
  await t.rejects(acknowledge(conflict.client, fakeReader(alert()), { id: 'db01!MySQL', author: 'a', durationSeconds: 60, downtime: false }), { message: /refused \(code 409\): Service db01!Load is OK/ });
  const gone = fakeClient({ 'remove-acknowledgement': [fixture('error-ack-unknown-host').results] });
  await t.rejects(resolve(gone.client, fakeReader(alert({ state: 'acknowledged', acknowledgement: { by: 'a', at: '2026-11-29T15:10:15.917Z', comment: 'x (via Capstan)' } })), 'db01!MySQL'), { statusCode: 404 } as never);
  const nothing = fakeClient();
  t.match(await resolve(nothing.client, fakeReader(alert()), 'db01!MySQL'), { state: 'firing' }, 'not acknowledged: the alert as it is');
  t.same(nothing.calls, [], 'and nothing sent');
  const ok = fakeClient({ 'remove-acknowledgement': [fixture('action-remove-acknowledgement-service').results] });
  const ours = alert({ state: 'acknowledged', acknowledgement: { by: 'ci-token', at: '2026-11-29T15:10:15.917Z', comment: 'Acknowledged through Capstan by ci-token' } });
  const after = await resolve(ok.client, fakeReader(ours, alert()), 'db01!MySQL');
  t.equal(after.state, 'firing', 'firing again: the problem lasts');
  t.same(ok.calls, [{ name: 'remove-acknowledgement', body: { type: 'Service', filter: 'host.name == capstan_host && service.name == capstan_service', filter_vars: { capstan_host: 'db01', capstan_service: 'MySQL' } } }]);
  const recovered = await resolve(fakeClient().client, fakeReader(ours, null), 'db01!MySQL');
  t.match(recovered, { state: 'resolved', endsAt: /Z$/ }, 'recovered meanwhile: resolved');
});

t.test('a person\'s acknowledgement: resolve and acknowledge are a 409 naming them, nothing sent', async (t) => {
  const person = alert({ state: 'acknowledged', acknowledgement: { by: 'bob', at: '2026-11-29T15:10:15.917Z', comment: 'CI ack: looking into it' } });
  const r = fakeClient();
  await t.rejects(resolve(r.client, fakeReader(person), 'db01!MySQL'), { code: 'CAPSTAN_ERR_ALERT_ACKNOWLEDGED_BY_OTHER', statusCode: 409, message: /acknowledged by bob outside Capstan \('CI ack: looking into it'\)/ });
  t.same(r.calls, [], 'resolve: nothing sent');
  const a = fakeClient();
  await t.rejects(acknowledge(a.client, fakeReader(person), { id: 'db01!MySQL', author: 'alice', durationSeconds: 60, downtime: true }), { code: 'CAPSTAN_ERR_ALERT_ACKNOWLEDGED_BY_OTHER', statusCode: 409, message: /by bob/ });
  t.same(a.calls, [], 'acknowledge: the person\'s acknowledgement not removed, nothing set');
});

t.test('event listener: every line of the recorded stream, split anywhere; reconnects after the stream ends', async (t) => {
  const streams: PassThrough[] = [];
  const bodies: Record<string, unknown>[] = [];
  const client = { openStream: async (_p: string, body: Record<string, unknown>) => { bodies.push(body); const s = new PassThrough(); streams.push(s); return s as unknown as IncomingMessage; } } as unknown as IcingaClient;
  const events: IcingaEvent[] = [];
  let connects = 0;
  const listener = new IcingaEventListener(client, silent, (e) => events.push(e), () => connects++);
  t.teardown(() => listener.stop());
  listener.start();
  await new Promise((r) => setImmediate(r));
  t.match(bodies[0], { queue: /^capstan-.+-1$/, types: ALERT_EVENT_TYPES });
  const text = fixtureText('events-stream.ndjson');
  for (let i = 0; i < text.length; i += 97) streams[0].write(text.slice(i, i + 97));
  await new Promise((r) => setImmediate(r));
  const lines = text.split('\n').filter((l) => l.trim());
  t.equal(events.length, lines.length, 'one event per line');
  t.same([...new Set(events.map((e) => e.type))].sort(), [...new Set(lines.map((l) => JSON.parse(l).type as string))].sort());
  t.match(listener.status(), { connected: true, events: lines.length, connects: 1 });
  t.equal(connects, 1);
  streams[0].end();
  await new Promise((r) => setTimeout(r, 1300));
  t.equal(bodies.length, 2, 'reconnected after about a second');
  t.not(bodies[1].queue, bodies[0].queue, 'with a fresh queue name');
  t.equal(connects, 2, 'onConnect again: what happened meanwhile is read');
});

t.test('event listener backoff: a stream closed at once reconnects ever more slowly; an event or a stable stream starts it over', async (t) => {
  const opened: number[] = [];
  const streams: PassThrough[] = [];
  let closeAtOnce = true;
  const client = {
    openStream: async () => {
      opened.push(Date.now());
      const s = new PassThrough();
      streams.push(s);
      if (closeAtOnce) setImmediate(() => s.destroy());
      return s as unknown as IncomingMessage;
    },
  } as unknown as IcingaClient;
  const listener = new IcingaEventListener(client, silent, () => {}, () => {}, { initialBackoffMs: 40, maxBackoffMs: 320, stableMs: 250 });
  t.teardown(() => listener.stop());
  listener.start();
  const waitFor = async (n: number) => { while (opened.length < n) await new Promise((r) => setTimeout(r, 5)); };
  await waitFor(5);
  const gaps = opened.slice(1).map((at, i) => at - opened[i]);
  t.ok(gaps[0] >= 35 && gaps[1] >= 75 && gaps[2] >= 155 && gaps[3] >= 315, `delays double: ${gaps.join(', ')} ms (40, 80, 160, 320)`);
  await waitFor(6);
  t.ok(opened[5] - opened[4] >= 315 && opened[5] - opened[4] < 600, `capped at maxBackoffMs (${opened[5] - opened[4]} ms)`);

  // A connection that delivers an event is good: the next delay is the first one again.
  closeAtOnce = false;
  await waitFor(7);
  streams[6].write('{"type":"StateChange","host":"db01"}\n');
  await new Promise((r) => setImmediate(r));
  const closedAt = Date.now();
  streams[6].destroy();
  await waitFor(8);
  t.ok(opened[7] - closedAt < 200, `after an event: reconnected after the first delay (${opened[7] - closedAt} ms)`);

  // A connection that stayed up stableMs without an event is good too.
  streams[7].destroy();
  await waitFor(9);
  await new Promise((r) => setTimeout(r, 300));
  const stableClosedAt = Date.now();
  streams[8].destroy();
  await waitFor(10);
  t.ok(opened[9] - stableClosedAt < 200, `after a stable connection: the first delay again (${opened[9] - stableClosedAt} ms)`);
});

t.test('health: version, permissions named, 401 named, unreachable named', async (t) => {
  const real = new IcingaClient(config({ url: 'https://127.0.0.77:25677' }), helpers);
  t.teardown(() => real.close());
  const fake = (answers: Record<string, { status: number; body: unknown }>) => Object.assign(Object.create(real), {
    get: async (path: string) => answers[path.split('?')[0]] ?? { status: 200, body: { results: [] } },
  }) as IcingaClient;
  const ok = await checkHealth(fake({ 'status/IcingaApplication': { status: 200, body: fixture('status-IcingaApplication') } }), 'ciadmin');
  t.match(ok, { status: 'healthy', message: /Icinga 2 r2\.13\.6-1 at https:\/\/127\.0\.0\.77:25677 answers ApiUser 'ciadmin'/, details: { version: 'r2.13.6-1' } });
  const miss = (perm: string) => ({ status: 404, body: { error: 404, status: 'No objects found.', diagnostic_information: `Error: Missing permission: ${perm}\n` } });
  const viewer = await checkHealth(fake({ 'status/IcingaApplication': miss('status/query'), 'objects/services': miss('objects/query/service'), 'objects/comments': miss('objects/query/comment') }), 'viewer');
  t.match(viewer, { status: 'unhealthy', message: /ApiUser 'viewer' .* lacks permission objects\/query\/Service, objects\/query\/Comment/, details: { missingPermissions: ['objects/query/Service', 'objects/query/Comment'] } });
  const bad = await checkHealth(fake({ 'status/IcingaApplication': { status: 401, body: fixture('error-wrong-password') } }), 'ciadmin');
  t.match(bad, { status: 'unhealthy', message: /HTTP 401\): wrong user or password/ });
  const down = await checkHealth(Object.assign(Object.create(real), { get: async () => { throw new Error('Icinga API GET x: unreachable: connect ECONNREFUSED'); } }), 'ciadmin');
  t.match(down, { status: 'unhealthy', message: /unreachable: connect ECONNREFUSED/ });
  const degraded = await checkHealth(fake({}), 'ciadmin', { connected: false, queue: 'q', events: 0, connects: 0, lastError: 'HTTP 404: Missing permission events/statechange' });
  t.match(degraded, { status: 'degraded', message: /event stream is down .* alert\.stream polls meanwhile/ });
});

t.test('URL errors never echo the URL\'s credentials', async (t) => {
  for (const url of ['https://admin:s3cret@h.example.com:99999', 'ftp://admin:s3cret@h.example.com/', 'http://admin:s3cret@remote.example.com/', 'https://admin:s3cret@h.example.com/', 'ht tp://admin:s3cret@h']) {
    let message = '';
    try { apiBase(url); } catch (err) { message = (err as Error).message; }
    t.ok(message, `${url.replace('s3cret', '***')} refused`);
    t.notOk(message.includes('s3cret'), `no password in: ${message}`);
  }
});
