/**
 * Input that could never run is refused at submit with a 400 naming the value, on every route that creates
 * executions: NUL characters in params (commands, arguments, environment values, ...), lone UTF-16
 * surrogates anywhere in a body, bodies that are not UTF-8, and JSON nested deeper than MAX_JSON_DEPTH.
 * And no JSON answer holds a lone surrogate, even one stored before these rules (checked with jq when
 * it is installed).
 */
import { spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import type { LightMyRequestResponse } from 'fastify';
import { commandExecute, inventoryList, scriptExecute, taskExecute } from '../../src/capabilities/index.js';
import { MAX_JSON_DEPTH, findString, isWellFormed } from '../../src/core/json-text.js';
import { implement, type ExecutionContext } from '../../src/core/types.js';
import { buildTestApp, waitForExecution } from '../helper.js';
import { connectSse } from '../sse-client.js';
import { fakeModule, nodes } from '../core/fixtures/fake-plugins.js';
import { World, recordPlugins } from '../records/fixtures/providers.js';

/** Every target succeeds at once; `runs` counts the calls, so a refused submit is seen never to run. */
let runs = 0;
const succeed = async (_p: unknown, ctx: ExecutionContext) => {
  runs++;
  return { results: (ctx.targets ?? []).map((n) => ({ target: n.name, status: 'succeeded' as const, exitCode: 0 })) };
};
const app = await buildTestApp(t, {}, {
  plugins: [
    fakeModule({ id: 'inv', capabilities: [implement(inventoryList, async () => nodes('inv', 'localhost'))] }),
    fakeModule({
      id: 'runner', integrationTypes: ['remote_execution'],
      capabilities: [implement(commandExecute, succeed), implement(scriptExecute, succeed), implement(taskExecute, succeed)],
    }),
    ...recordPlugins(new World(), ['apt', 'jenkins', 'terraform']),
  ],
});

const JSON_HEADERS = { 'content-type': 'application/json' };

async function post(url: string, payload: string | Buffer): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url, headers: JSON_HEADERS, payload });
}

/** Asserts a 400 problem with this code whose `errors` name `pointer`, a JSON pointer into the body as sent; returns the body. */
function refused(t: Test, res: LightMyRequestResponse, code: string, pointer: string, label: string): Record<string, any> {
  t.equal(res.statusCode, 400, `${label}: 400`);
  t.match(res.headers['content-type'], /^application\/problem\+json/, `${label}: problem+json`);
  const body = res.json();
  t.equal(body.code, code, `${label}: ${code}`);
  t.ok(body.errors?.some((e: { in: string; pointer: string }) => e.in === 'body' && e.pointer === pointer), `${label}: names body ${pointer} (${JSON.stringify(body.errors)})`);
  return body;
}

/** Each route that creates executions, with a body builder putting `params` where that route wants them. */
const ROUTES = [
  { name: 'POST /executions', url: '/api/v1/executions', body: (capability: string, params: object) => ({ capability, targets: ['localhost'], params }) },
  { name: 'POST /capabilities/{name}/invoke', url: (capability: string) => `/api/v1/capabilities/${capability}/invoke`, body: (_c: string, params: object) => ({ targets: ['localhost'], params }) },
];
const urlOf = (r: (typeof ROUTES)[number], capability: string) => (typeof r.url === 'string' ? r.url : r.url(capability));

const NUL_CASES = [
  { capability: 'command.execute', params: { command: 'echo a\u0000b' }, pointer: '/params/command' },
  { capability: 'command.execute', params: { command: 'true', env: { GREETING: 'hi\u0000there' } }, pointer: '/params/env/GREETING' },
  { capability: 'command.execute', params: { command: 'true', cwd: '/tmp\u0000' }, pointer: '/params/cwd' },
  { capability: 'script.execute', params: { script: 'echo "$@"', arguments: ['ok', 'b\u0000d'] }, pointer: '/params/arguments/1' },
  { capability: 'script.execute', params: { script: 'echo\u0000', interpreter: 'bash' }, pointer: '/params/script' },
  { capability: 'script.execute', params: { script: 'true', interpreter: 'ba\u0000sh' }, pointer: '/params/interpreter' },
  { capability: 'task.execute', params: { task: 'package', parameters: { name: 'ngi\u0000nx' } }, pointer: '/params/parameters/name' },
  { capability: 'task.execute', params: { task: 'package', parameters: { ['na\u0000me']: 'nginx' } }, pointer: '/params/parameters/na\u0000me' },
];

t.test('NUL in any param of an execution -> 400 naming it, on every execution route, and nothing runs', async (t) => {
  for (const r of ROUTES) {
    for (const c of NUL_CASES) {
      const before = runs;
      const res = await post(urlOf(r, c.capability), JSON.stringify(r.body(c.capability, c.params)));
      const body = refused(t, res, 'CAPSTAN_ERR_CAPABILITY_PARAMS_INVALID', c.pointer, `${r.name} ${c.capability} ${JSON.stringify(c.pointer)}`);
      t.match(body.detail, /NUL/, 'the detail says why');
      t.equal(body.capability, c.capability);
      t.equal(runs, before, 'nothing ran');
    }
  }
  // The same requests without the NUL are accepted: the rule is the NUL, nothing else.
  for (const c of NUL_CASES) {
    const clean = JSON.parse(JSON.stringify(c.params).replaceAll('\\u0000', ''));
    const res = await post('/api/v1/executions', JSON.stringify({ capability: c.capability, targets: ['localhost'], params: clean }));
    t.equal(res.statusCode, 202, `${c.capability} ${c.pointer} without the NUL: 202`);
    await waitForExecution(app, res.json().id);
  }
  const listed = (await app.inject({ url: '/api/v1/executions?limit=500' })).json().items;
  t.notOk(listed.some((e: any) => e.status === 'failed'), 'no execution failed');
});

t.test('NUL in params on the record routes that create executions -> 400 naming it', async (t) => {
  const cases = [
    { url: '/api/v1/deployments', params: { application: 'storefront', version: '2.14\u00002', environment: 'production' }, pointer: '/params/version' },
    { url: '/api/v1/deployments/jenkins-dep-1000/rollback', params: { application: 'storefront', environment: 'production', toVersion: '2.14\u00001' }, pointer: '/params/toVersion' },
    { url: '/api/v1/provisioning', params: { name: 'web3.example.com', template: 'ubuntu\u0000-22.04' }, pointer: '/params/template' },
    { url: '/api/v1/provisioning/decommission', params: { action: 'deregister', reason: 'replaced\u0000' }, pointer: '/params/reason' },
  ];
  for (const c of cases) {
    const before = runs;
    refused(t, await post(c.url, JSON.stringify({ targets: ['localhost'], params: c.params })), 'CAPSTAN_ERR_CAPABILITY_PARAMS_INVALID', c.pointer, `${c.url} ${c.pointer}`);
    t.equal(runs, before);
  }
  // Package names and versions have patterns: a NUL there fails the route schema, also a 400 naming it.
  const pkg = await post('/api/v1/packages/install', JSON.stringify({ targets: ['localhost'], params: { packages: [{ name: 'nginx', version: '1.0\u0000' }] } }));
  refused(t, pkg, 'CAPSTAN_ERR_REQUEST_VALIDATION', '/params/packages/0/version', 'packages/install version');
});

t.test('lone UTF-16 surrogates anywhere in a body -> 400 naming the JSON pointer', async (t) => {
  const cases = [
    { url: '/api/v1/executions', text: '{"capability":"command.execute","targets":["localhost"],"params":{"command":"echo \\ud800"}}', pointer: '/params/command' },
    { url: '/api/v1/executions', text: '{"capability":"command.execute","targets":["localhost"],"params":{"command":"echo \\udc00\\ud83d"}}', pointer: '/params/command' },
    { url: '/api/v1/executions', text: '{"capability":"command.execute","targets":["local\\udfffhost"],"params":{"command":"true"}}', pointer: '/targets/0' },
    { url: '/api/v1/executions', text: '{"capability":"command.execute","targets":["localhost"],"params":{"command":"true","env":{"\\ud800":"x"}}}', pointer: '/params/env/\ufffd' },
    { url: '/api/v1/capabilities/command.execute/invoke', text: '{"targets":["localhost"],"params":{"command":"printf \\ud800"}}', pointer: '/params/command' },
    { url: '/api/v1/capabilities/inventory.list/invoke', text: '{"groups":["web\\ud800"]}', pointer: '/groups/0' },
    { url: '/api/v1/deployments', text: '{"targets":["localhost"],"params":{"application":"storefront","version":"\\udbff","environment":"production"}}', pointer: '/params/version' },
    { url: '/api/v1/provisioning', text: '{"targets":["localhost"],"params":{"name":"web3","template":"t","tags":{"a/b~c":"\\ud800"}}}', pointer: '/params/tags/a~1b~0c' },
    { url: '/api/v1/packages/install', text: '{"targets":["localhost"],"params":{"packages":[{"name":"nginx"}]},"x":"\\ud800"}', pointer: '/x' },
  ];
  for (const c of cases) {
    const before = runs;
    const body = refused(t, await post(c.url, c.text), 'CAPSTAN_ERR_REQUEST_NOT_UNICODE', c.pointer, `${c.url} ${c.pointer}`);
    t.equal(body.category, 'validation');
    t.equal(runs, before);
  }
  // A valid pair is one character (U+1F600), not a lone surrogate.
  const pair = await post('/api/v1/executions', '{"capability":"command.execute","targets":["localhost"],"params":{"command":"echo \\ud83d\\ude00"}}');
  t.equal(pair.statusCode, 202, 'a surrogate pair is accepted');
  t.equal(pair.json().params.command, 'echo \u{1F600}');
  await waitForExecution(app, pair.json().id);
});

t.test('a body that is not UTF-8 -> 400 NOT_UNICODE (never silently replaced)', async (t) => {
  for (const bytes of [[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80]]) {
    const payload = Buffer.concat([Buffer.from('{"capability":"command.execute","targets":["localhost"],"params":{"command":"echo '), Buffer.from(bytes), Buffer.from('"}}')]);
    refused(t, await post('/api/v1/executions', payload), 'CAPSTAN_ERR_REQUEST_NOT_UNICODE', '', `bytes ${bytes.map((b) => b.toString(16)).join(' ')}`);
  }
});

t.test(`JSON nested deeper than ${MAX_JSON_DEPTH} levels -> 400, never a 500`, async (t) => {
  /** A task.execute body whose total depth is `depth`: the body (1), params (2), then `parameters` nested depth - 2 deep. */
  const taskBody = (depth: number) => {
    const inner = depth - 2;
    return `{"capability":"task.execute","targets":["localhost"],"params":{"task":"package","parameters":${'{"a":'.repeat(inner)}1${'}'.repeat(inner)}}}`;
  };
  const ok = await post('/api/v1/executions', taskBody(MAX_JSON_DEPTH));
  t.equal(ok.statusCode, 202, `${MAX_JSON_DEPTH} levels are accepted`);
  await waitForExecution(app, ok.json().id);
  refused(t, await post('/api/v1/executions', taskBody(MAX_JSON_DEPTH + 1)), 'CAPSTAN_ERR_REQUEST_JSON_TOO_DEEP', '', `${MAX_JSON_DEPTH + 1} levels`);
  // The report of issue 12: about 8,000 levels in a 16 KB body answered a 500.
  for (const [url, text] of [
    ['/api/v1/executions', `${'['.repeat(8000)}${']'.repeat(8000)}`],
    ['/api/v1/executions', taskBody(8000)],
    ['/api/v1/capabilities/inventory.list/invoke', `{"groups":${'['.repeat(8000)}${']'.repeat(8000)}}`],
    ['/api/v1/provisioning', `{"targets":["localhost"],"params":{"name":"web3","template":"t","variables":${'{"v":'.repeat(8000)}0${'}'.repeat(8000)}}}`],
  ]) {
    refused(t, await post(url, text), 'CAPSTAN_ERR_REQUEST_JSON_TOO_DEEP', '', `${url} 8000 levels`);
  }
  // Brackets inside strings are text, not nesting.
  const strings = await post('/api/v1/executions', JSON.stringify({ capability: 'command.execute', targets: ['localhost'], params: { command: `echo '${'[{'.repeat(200)}\\"'` } }));
  t.equal(strings.statusCode, 202, 'brackets and escaped quotes in strings do not count');
  await waitForExecution(app, strings.json().id);
});

/** Fails unless `text` is UTF-8 JSON holding no lone surrogate (escaped or not); returns the value. */
function wellFormedJson(t: Test, raw: Buffer, label: string): any {
  const text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  t.notMatch(text, /\\u[dD][89a-fA-F][0-9a-fA-F]{2}/, `${label}: no surrogate escape in the text`);
  const value = JSON.parse(text);
  t.equal(findString(value, (s) => !isWellFormed(s)), undefined, `${label}: every string is well-formed`);
  return value;
}

const jq = spawnSync('jq', ['--version'], { encoding: 'utf8' });
/** The answers about stored data, for the jq check. */
const storedAnswers: [string, LightMyRequestResponse][] = [];

t.test('stored data with lone surrogates is answered well-formed (U+FFFD), also to jq', async (t) => {
  // A row stored before the input rules: written to the store directly, as an old database would hold it.
  const { row } = app.store.createExecution({
    id: 'old-lone-surrogate', capability: 'command.execute', status: 'succeeded', targets: ['localhost'], nodes: ['localhost'],
    params: { command: 'echo \ud800', env: { ['K\udc00']: 'v' } }, provider: 'runner', timeoutSeconds: 60,
    createdAt: new Date().toISOString(), startedAt: null, finishedAt: new Date().toISOString(), reason: null,
    idempotencyKey: null, requestHash: 'x', principal: 'anonymous', correlationId: 'old',
  }, new Date(0).toISOString());
  app.store.appendEvent(row.id, 'stdout', { target: 'localhost', line: 'half \ud83d a pair' });
  app.store.appendEvent(row.id, 'complete', { status: 'succeeded' });

  const answers: [string, LightMyRequestResponse][] = [];
  for (const url of [`/api/v1/executions/${row.id}`, '/api/v1/executions?limit=500', `/api/v1/executions/${row.id}/output`]) {
    answers.push([url, await app.inject({ url })]);
  }
  for (const [url, res] of answers) {
    t.equal(res.statusCode, 200, `${url}: 200`);
    wellFormedJson(t, res.rawPayload, url);
  }
  const one = JSON.parse(answers[0][1].body);
  t.equal(one.params.command, 'echo \ufffd', 'the lone surrogate reads as U+FFFD');
  t.same(Object.keys(one.params.env), ['K\ufffd'], 'member names too');
  t.ok(JSON.parse(answers[1][1].body).items.some((e: any) => e.id === row.id), 'the list page holding it parses');
  t.match(answers[2][1].body, /half \ufffd a pair/, 'stored output events too');

  // The SSE replay of the same events, on a real socket.
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const frames = await (await connectSse(`http://127.0.0.1:${port}/api/v1/executions/${row.id}/stream`)).done;
  const data = frames.filter((f) => f.data !== undefined).map((f) => f.data!);
  t.ok(data.length >= 2, 'replayed frames');
  for (const d of data) wellFormedJson(t, Buffer.from(d), `SSE data ${d}`);
  t.ok(data.some((d) => JSON.parse(d).line === 'half \ufffd a pair'), 'the output line reads with U+FFFD');
  storedAnswers.push(...answers);
});

t.test('jq parses those answers', { skip: jq.status === 0 ? false : 'jq is not installed' }, async (t) => {
  t.ok(storedAnswers.length > 0, 'answers to check');
  for (const [url, res] of storedAnswers) {
    const parsed = spawnSync('jq', ['-c', '.'], { input: res.rawPayload });
    t.equal(parsed.status, 0, `${jq.stdout.trim()} parses ${url} (${String(parsed.stderr).trim()})`);
  }
});

t.test('never a 500 in this file, and the server still answers', async (t) => {
  const live = await app.inject({ url: '/health/live' });
  t.equal(live.statusCode, 200);
  const all = (await app.inject({ url: '/api/v1/executions?limit=500' })).json().items;
  t.notOk(all.some((e: any) => e.status === 'failed'), 'no accepted execution failed');
});
