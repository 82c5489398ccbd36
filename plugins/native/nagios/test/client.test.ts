/**
 * The nagios client and the plugin's health and commands with a stub `fetch` answering recorded Nagios 4.4.6
 * answers (test/fixtures/recorded): errors named from HTTP and CGI answers (401, not JSON, type_code), the
 * cmd.cgi form -> POST exchange (cookie, token, fields), its HTML errors, and health messages. No network.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { pino } from 'pino';
import t from 'tap';
import type { PluginHelpers } from '../../../../src/core/helpers-api.js';
import { NagiosClient } from '../client.js';
import { NagiosConfigSchema, type NagiosConfig } from '../config.js';
import { NagiosPlugin } from '../plugin.js';

const dir = join(import.meta.dirname, 'fixtures', 'recorded');
const URL_BASE = 'http://127.0.0.1:18080/nagios4/cgi-bin';
const SECRET = 'pw-that-must-not-leak-42';

/** A recorded `.http` file (status line, headers, body) as a Response. */
function recorded(name: string): Response {
  const raw = readFileSync(join(dir, name), 'utf8');
  const [head, ...body] = raw.split(/\r?\n\r?\n/);
  const [status, ...lines] = head.split(/\r?\n/);
  const headers = new Headers();
  for (const l of lines) headers.append(l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim());
  headers.delete('content-length');
  return new Response(body.join('\n\n'), { status: Number(status.split(' ')[1]), headers });
}
const jsonFile = (name: string) => new Response(readFileSync(join(dir, name), 'utf8'), { status: 200, headers: { 'content-type': 'application/json' } });

interface Seen { method: string; url: string; headers: Record<string, string>; body?: string }

/** Replaces fetch for one test with `answer`, recording every request. */
function stubFetch(t: { teardown: (fn: () => void) => void }, answer: (req: Seen) => Response | Promise<Response>): Seen[] {
  const seen: Seen[] = [];
  const real = globalThis.fetch;
  globalThis.fetch = (async (input: string | URL, init: RequestInit = {}) => {
    const req = { method: init.method ?? 'GET', url: String(input), headers: Object.fromEntries(Object.entries(init.headers ?? {})), body: init.body as string | undefined };
    seen.push(req);
    return answer(req);
  }) as typeof fetch;
  t.teardown(() => { globalThis.fetch = real; });
  return seen;
}

const config = (extra: Record<string, unknown> = {}) => Value.Default(NagiosConfigSchema, { url: URL_BASE, user: 'ciadmin', password: SECRET, ...extra }) as NagiosConfig;
const helpers = { withRetry: <T>(fn: (attempt: number) => Promise<T>) => fn(1) } as unknown as PluginHelpers;

async function plugin(extra: Record<string, unknown> = {}): Promise<NagiosPlugin> {
  const p = new NagiosPlugin(config(extra), pino({ level: 'silent' }), helpers);
  await p.initialize();
  return p;
}

t.test('json: Basic auth header, query encoding, the answer', async (t) => {
  const seen = stubFetch(t, () => jsonFile('statusjson-programstatus.json'));
  const client = new NagiosClient(config(), helpers);
  const answer = await client.json<{ programstatus: { version: string } }>('archivejson.cgi', { query: 'alertlist', starttime: '-3600', endtime: '+0', hostname: 'a b' });
  t.equal(answer.data.programstatus.version, '4.4.6');
  t.equal(seen[0].url, `${URL_BASE}/archivejson.cgi?query=alertlist&starttime=-3600&endtime=%2B0&hostname=a+b`, '+ as %2B, spaces as +');
  t.equal(seen[0].headers.authorization, `Basic ${Buffer.from(`ciadmin:${SECRET}`).toString('base64')}`);
  t.notMatch(seen[0].url, SECRET);
});

t.test('json errors: 401, 404, not JSON, no type_code, type_code 6; the password never in a message', async (t) => {
  const client = new NagiosClient(config(), helpers);
  const answers: Record<string, () => Response> = {
    401: () => recorded('error-http-401-wrong-password.response.http'),
    404: () => new Response('<h1>Not Found</h1>', { status: 404 }),
    html: () => new Response('<html>It works!</html>', { status: 200 }),
    other: () => new Response('{"hello":1}', { status: 200 }),
    bad: () => jsonFile('error-statusjson-bad-query.json'),
  };
  let which = '401';
  stubFetch(t, () => answers[which]());
  const messages: Record<string, RegExp> = {
    401: /refused user 'ciadmin' \(HTTP 401\): bad credentials/, 404: /HTTP 404: no such CGI/, html: /not JSON: is .* the cgi-bin of Nagios Core 4/,
    other: /without Nagios's result.type_code: not a Nagios JSON CGI/, bad: /said .* \(type_code 6\)/,
  };
  for (const [k, re] of Object.entries(messages)) {
    which = k;
    const err = await client.json('statusjson.cgi', { query: 'bogus' }).then(() => undefined, (e: Error) => e);
    t.match(err?.message, re, k);
    t.notMatch(err?.message, SECRET);
    t.equal((err as { code?: string }).code, k === '401' ? 'CAPSTAN_ERR_TARGET_AUTH_FAILED' : 'CAPSTAN_ERR_UPSTREAM_ERROR');
  }
});

t.test('unreachable: the URL and the reason', async (t) => {
  stubFetch(t, () => { throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:18080'), { code: 'ECONNREFUSED' }) }); });
  const p = await plugin();
  t.match(await p.healthCheck(), { status: 'unhealthy', message: `Nagios ${URL_BASE}/statusjson.cgi unreachable: ECONNREFUSED connect ECONNREFUSED 127.0.0.1:18080` });
});

t.test('health: healthy with counts; a user seeing no host; a version that is not 4', async (t) => {
  let hostcount = 'statusjson-hostcount.json';
  let programstatus = () => jsonFile('statusjson-programstatus.json');
  stubFetch(t, (req) => {
    const q = new URL(req.url).searchParams.get('query');
    if (q === 'programstatus') return programstatus();
    return jsonFile(q === 'hostcount' ? hostcount : 'statusjson-servicecount.json');
  });
  const p = await plugin();
  t.match(await p.healthCheck(), { status: 'healthy', message: `Nagios 4.4.6 at ${URL_BASE}/ (user ciadmin): 4 hosts, 7 services visible` });
  hostcount = 'error-statusjson-servicecount-unauthorized-user.json';
  t.match(await p.healthCheck(), { status: 'degraded', message: /user 'ciadmin' sees no host: not authorized/ });
  const v3 = JSON.parse(readFileSync(join(dir, 'statusjson-programstatus.json'), 'utf8'));
  v3.data.programstatus.version = '3.5.1';
  programstatus = () => new Response(JSON.stringify(v3), { status: 200 });
  t.match(await p.healthCheck(), { status: 'degraded', message: /Nagios 3\.5\.1 .* speaks to Nagios Core 4/ });
});

t.test('command: GET the form, POST with its cookie and token; HTML errors become typed errors', async (t) => {
  let post = 'cmd-34-ack-svc.response.http';
  const seen = stubFetch(t, (req) => recorded(req.method === 'GET' ? 'cmd-34-form-get.response.http' : post));
  const client = new NagiosClient(config(), helpers);
  await client.command(34, { host: 'db01', service: 'MySQL', com_data: 'x' });
  t.equal(seen[0].method, 'GET');
  t.equal(seen[0].url, `${URL_BASE}/cmd.cgi?cmd_typ=34&host=db01&service=MySQL`);
  t.equal(seen[1].method, 'POST');
  t.equal(seen[1].headers.cookie, 'NagFormId=25e45d32519b500d');
  t.equal(seen[1].headers['content-type'], 'application/x-www-form-urlencoded');
  t.same(Object.fromEntries(new URLSearchParams(seen[1].body)), {
    nagFormId: '25e45d32519b500d', cmd_mod: '2', cmd_typ: '34', host: 'db01', service: 'MySQL', com_data: 'x', btnSubmit: 'Commit',
  });
  const cases: [string, string, RegExp][] = [
    ['error-cmd-34-unauthorized-user.response.http', 'CAPSTAN_ERR_TARGET_AUTH_FAILED', /not authorized.*authorized_for_all_host_commands.*or the host or service does not exist/],
    ['error-cmd-34-missing-comment.response.http', 'CAPSTAN_ERR_UPSTREAM_ERROR', /Nagios says "Comment was not entered"/],
    ['cmd-34-ack-svc-post-without-csrf-cookie.response.http', 'CAPSTAN_ERR_UPSTREAM_ERROR', /Invalid or missing CSRF cookie/],
  ];
  for (const [file, code, re] of cases) {
    post = file;
    await t.rejects(client.command(34, { host: 'db01', service: 'MySQL', com_data: 'x' }), { code, message: re }, file);
  }
});

t.test('acknowledge of an id Nagios does not list as a problem: 404, nothing sent to cmd.cgi', async (t) => {
  const seen = stubFetch(t, (req) => {
    const q = new URL(req.url).searchParams.get('query');
    const files: Record<string, string> = {
      hostlist: 'statusjson-hostlist-problems.json', servicelist: 'statusjson-servicelist-problems-details.json',
      commentlist: 'statusjson-commentlist-after-ack.json', downtimelist: 'statusjson-downtimelist-details.json',
    };
    return jsonFile(files[q ?? ''] ?? 'error-statusjson-bad-query.json');
  });
  const p = await plugin();
  const ack = p.capabilities().find((c) => c.name === 'alert.acknowledge')!;
  const ctx = { principal: { id: 'alice' }, signal: new AbortController().signal } as never;
  await t.rejects(ack.handler({ id: 'db01!Load' }, ctx), { code: 'CAPSTAN_ERR_RECORD_NOT_FOUND' });
  t.notOk(seen.some((r) => r.url.includes('cmd.cgi')));
  const get = p.capabilities().find((c) => c.name === 'alert.get')!;
  t.same(await get.handler({ id: 'nosuchhost' }, ctx), { alert: null });
  t.equal((await get.handler({ id: 'db01!MySQL' }, ctx) as { alert: { state: string } }).alert.state, 'firing');
});

t.test('resolve: a person\'s acknowledgement is a 409 naming them, nothing sent; Capstan\'s own is taken back', async (t) => {
  const services = JSON.parse(readFileSync(join(dir, 'statusjson-servicelist-problems-details.json'), 'utf8'));
  services.data.servicelist.db01.MySQL.problem_has_been_acknowledged = true;
  const comments = JSON.parse(readFileSync(join(dir, 'statusjson-commentlist-after-ack.json'), 'utf8'));
  const json = (v: unknown) => new Response(JSON.stringify(v), { status: 200, headers: { 'content-type': 'application/json' } });
  const seen = stubFetch(t, (req) => {
    const q = new URL(req.url).searchParams.get('query');
    if (q === 'servicelist') return json(services);
    if (q === 'commentlist') return json(comments);
    if (req.url.includes('cmd.cgi')) return new Response('<div class="errorMessage">stop here</div>', { status: 200, headers: { 'content-type': 'text/html' } });
    const files: Record<string, string> = { hostlist: 'statusjson-hostlist-problems.json', downtimelist: 'statusjson-downtimelist-details.json' };
    return jsonFile(files[q ?? ''] ?? 'error-statusjson-bad-query.json');
  });
  const p = await plugin();
  const resolve = p.capabilities().find((c) => c.name === 'alert.resolve')!;
  const ctx = { principal: { id: 'alice' }, signal: new AbortController().signal } as never;
  await t.rejects(resolve.handler({ id: 'db01!MySQL' }, ctx), { code: 'CAPSTAN_ERR_ALERT_ACKNOWLEDGED_BY_OTHER', statusCode: 409, message: /acknowledged by CI Admin outside Capstan/ });
  t.notOk(seen.some((r) => r.url.includes('cmd.cgi')), 'nothing sent to cmd.cgi');
  const ack = Object.values(comments.data.commentlist as Record<string, { comment_data: string }>)[0];
  ack.comment_data = 'looking into it (by alice via Capstan)';
  await t.rejects(resolve.handler({ id: 'db01!MySQL' }, ctx), { code: 'CAPSTAN_ERR_UPSTREAM_ERROR', message: /cmd_typ 52/ }, 'Capstan\'s acknowledgement: the removal (cmd 52) is sent');
  t.ok(seen.some((r) => r.url.includes('cmd.cgi')), 'cmd.cgi asked');
});

t.test('nodeMap: alerts and journal entries carry the Capstan node; a node asks archivejson for its Nagios host', async (t) => {
  const seen = stubFetch(t, (req) => {
    const q = new URL(req.url).searchParams.get('query');
    const files: Record<string, string> = {
      hostlist: 'statusjson-hostlist-problems.json', servicelist: 'statusjson-servicelist-problems-details.json',
      commentlist: 'statusjson-commentlist-after-ack.json', downtimelist: 'statusjson-downtimelist-details.json', alertlist: 'archivejson-alertlist.json',
    };
    return jsonFile(files[q ?? ''] ?? 'error-statusjson-bad-query.json');
  });
  const p = await plugin({ nodeMap: { db01: 'db01.example.com' } });
  const cap = (name: string) => p.capabilities().find((c) => c.name === name)!;
  const ctx = { principal: { id: 'alice' }, signal: new AbortController().signal } as never;
  const list = await cap('alert.list').handler({ node: 'db01.example.com' }, ctx) as { alerts: { id: string; links: Record<string, string> }[] };
  t.same(list.alerts.map((a) => a.id).sort(), ['db01!Backup', 'db01!MySQL']);
  t.equal(list.alerts[0].links.node, '/api/v1/nodes/db01.example.com');
  const journal = await cap('journal.list').handler({ nodes: ['db01.example.com'] }, ctx) as { entries: { node: string }[] };
  t.equal(new URL(seen[seen.length - 1].url).searchParams.get('hostname'), 'db01');
  t.ok(journal.entries.length === 2 && journal.entries.every((e) => e.node === 'db01.example.com'));
});
