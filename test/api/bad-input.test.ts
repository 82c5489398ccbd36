/**
 * Hostile and sloppy input, through app.inject: every case answers a precise 4xx problem+json, never a 500,
 * and the server keeps answering afterwards.
 */
import t, { type Test } from 'tap';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { inventoryList } from '../../src/capabilities/index.js';
import { implement } from '../../src/core/types.js';
import { buildTestApp } from '../helper.js';
import { fakeModule, nodes } from '../core/fixtures/fake-plugins.js';

const PROBLEM_FIELDS = ['type', 'title', 'status', 'detail', 'instance', 'category', 'code', 'requestId'];
const JSON_HEADERS = { 'content-type': 'application/json' };

const app = await buildTestApp(t, { bodyLimit: 2048 }, {
  plugins: [fakeModule({ id: 'inv', capabilities: [implement(inventoryList, async () => nodes('inv', 'web1', 'web2', 'web3'))] })],
});

/** Every response of this file, checked at the end for 5xx. */
const seen: { what: string; status: number }[] = [];

async function send(what: string, opts: InjectOptions): Promise<LightMyRequestResponse> {
  const res = await app.inject(opts);
  seen.push({ what, status: res.statusCode });
  return res;
}

/** Asserts a well-formed problem+json answer and returns its body. */
function problem(t: Test, res: LightMyRequestResponse, status: number, code?: string, label = ''): Record<string, any> {
  t.equal(res.statusCode, status, `${label} status ${status}`);
  t.match(res.headers['content-type'], /^application\/problem\+json/, `${label} content-type application/problem+json`);
  const body = res.json();
  for (const f of PROBLEM_FIELDS) t.ok(f in body, `${label} has ${f}`);
  t.equal(body.status, status, `${label} body.status matches`);
  t.equal(body.requestId, res.headers['x-request-id'], `${label} requestId is the echoed request id`);
  if (code) t.equal(body.code, code, `${label} code ${code}`);
  return body;
}

const postExec = (what: string, payload: string, headers: Record<string, string> = JSON_HEADERS) =>
  send(what, { method: 'POST', url: '/api/v1/executions', headers, payload });

t.test('a known path with another method -> 405 problem+json with Allow', async (t) => {
  for (const [method, url, allow] of [['DELETE', '/api/v1/plugins', 'GET, HEAD, OPTIONS'], ['PATCH', '/health/live', 'GET, HEAD, OPTIONS']] as const) {
    const res = await send(`${method} ${url}`, { method, url, headers: { 'x-request-id': 'req-405' } });
    const body = problem(t, res, 405, 'CAPSTAN_ERR_METHOD_NOT_ALLOWED', `${method} ${url}:`);
    t.equal(res.headers.allow, allow);
    t.equal(body.instance, url);
    t.match(body.detail, new RegExp(`${url} does not accept ${method}`));
  }
});

t.test('unknown routes -> 404 problem+json', async (t) => {
  for (const [method, url] of [['GET', '/nope'], ['GET', '/api/v1/unknown/deep/path?x=1'], ['DELETE', '/api/v1/plugins/x/y'], ['PATCH', '/health/nothing']] as const) {
    const res = await send(`${method} ${url}`, { method, url, headers: { 'x-request-id': 'req-404' } });
    const body = problem(t, res, 404, 'CAPSTAN_ERR_ROUTE_NOT_FOUND', `${method} ${url}:`);
    t.equal(body.category, 'not_found');
    t.equal(body.title, 'Route not found');
    t.equal(body.instance, url);
    t.equal(body.requestId, 'req-404');
    t.match(body.type, /capstan_err_route_not_found/);
    t.match(body.detail, new RegExp(`${method} ${url.split('?')[0]}`));
  }
});

t.test('malformed JSON -> 400 CAPSTAN_ERR_REQUEST_MALFORMED_JSON', async (t) => {
  for (const payload of ['{"a":', '{a:1}', "{'a':1}", '{"a":1}}', 'nul', '{"a":1,}', '\u0000']) {
    const body = problem(t, await postExec(`malformed ${JSON.stringify(payload)}`, payload), 400, 'CAPSTAN_ERR_REQUEST_MALFORMED_JSON', JSON.stringify(payload));
    t.equal(body.category, 'validation');
  }
});

t.test('empty JSON body -> 400 malformed', async (t) => {
  problem(t, await postExec('empty body', ''), 400, 'CAPSTAN_ERR_REQUEST_MALFORMED_JSON', 'empty:');
  problem(t, await postExec('blank body', '   \n'), 400, 'CAPSTAN_ERR_REQUEST_MALFORMED_JSON', 'whitespace:');
  const none = await send('no body, no content-type', { method: 'POST', url: '/api/v1/executions' });
  problem(t, none, 400, 'CAPSTAN_ERR_REQUEST_VALIDATION', 'no body at all:');
});

t.test('JSON that is not an object -> 400 validation of the whole body (pointer "")', async (t) => {
  for (const payload of ['[]', 'null', '"str"', '42', 'true']) {
    const body = problem(t, await postExec(`non-object ${payload}`, payload), 400, 'CAPSTAN_ERR_REQUEST_VALIDATION', payload);
    t.same(body.errors, [{ in: 'body', pointer: '', message: 'must be object' }]);
  }
  const missing = problem(t, await postExec('empty object', '{}'), 400, 'CAPSTAN_ERR_REQUEST_VALIDATION', '{}:');
  t.equal(missing.errors.length, 3, 'each missing property reported (capability, targets, params)');
});

t.test('wrong types -> 400 with errors pointers', async (t) => {
  const all = problem(t, await postExec('wrong types (uncoercible)', '{"capability":5,"targets":[],"params":"x","timeoutSeconds":"soon"}'), 400, 'CAPSTAN_ERR_REQUEST_VALIDATION', 'several wrong types:');
  const pointers = all.errors.map((e: { pointer: string }) => e.pointer);
  t.ok(all.errors.every((e: { in: string }) => e.in === 'body'), 'every error is in the body');
  for (const p of ['/capability', '/targets', '/params', '/timeoutSeconds']) t.ok(pointers.includes(p), `${p} reported (${pointers.join(', ')})`);

  const res = await postExec('targets as a string', '{"capability":"command.execute","targets":"x","params":{}}');
  t.equal(res.statusCode, 400, 'targets as a string is a 400');
  t.ok(res.json().errors?.some((e: { in: string; pointer: string }) => e.in === 'body' && e.pointer === '/targets'), 'the problem points at /targets in the body');

  // Bodies are validated without type coercion: a string where an integer is documented is refused.
  const str = await app.inject({ method: 'POST', url: '/api/v1/executions', headers: JSON_HEADERS, payload: '{"capability":"command.execute","targets":["web1"],"params":{"command":"uptime"},"timeoutSeconds":"600"}' });
  t.equal(str.statusCode, 400, 'a string timeoutSeconds is refused (strict JSON types)');
});

t.test('unknown body key -> 400, not silently stripped', async (t) => {
  const body = problem(t, await postExec('unknown key', '{"capability":"command.execute","targets":["web1"],"params":{"command":"uptime"},"timeoutSecs":5}'), 400, 'CAPSTAN_ERR_REQUEST_VALIDATION', 'unknown key:');
  t.same(body.errors, [{ in: 'body', pointer: '/timeoutSecs', message: 'must NOT have additional properties' }]);

  const inv = await send('unknown capability param', { method: 'POST', url: '/api/v1/capabilities/inventory.list/invoke', payload: { groupz: ['web'] } });
  const p = problem(t, inv, 400, 'CAPSTAN_ERR_CAPABILITY_PARAMS_INVALID', 'unknown param:');
  t.same(p.errors, [{ in: 'body', pointer: '/groupz', message: 'must NOT have additional properties' }], 'the unknown param is named by its pointer into the invoke body');
  t.equal(p.capability, 'inventory.list');

  const q = await send('unknown query key', { url: '/api/v1/executions?bogus=1' });
  t.same(problem(t, q, 400, 'CAPSTAN_ERR_REQUEST_VALIDATION', 'unknown query key:').errors, [{ in: 'query', pointer: '/bogus', message: 'must NOT have additional properties' }]);
});

t.test('oversized body -> 413 problem', async (t) => {
  const big = JSON.stringify({ capability: 'command.execute', targets: ['web1'], params: { command: 'x'.repeat(4096) } });
  const body = problem(t, await postExec('oversized', big), 413, 'CAPSTAN_ERR_REQUEST_BODY_TOO_LARGE', 'oversized:');
  t.equal(body.category, 'validation');
  const invoke = await send('oversized invoke', { method: 'POST', url: '/api/v1/capabilities/inventory.list/invoke', headers: JSON_HEADERS, payload: big });
  problem(t, invoke, 413, 'CAPSTAN_ERR_REQUEST_BODY_TOO_LARGE', 'oversized invoke:');
  const under = JSON.stringify({ capability: 'command.execute', targets: ['web1'], params: { command: 'x'.repeat(1500) }, bogus: 1 });
  t.equal((await postExec('just under the limit', under)).statusCode, 400, 'a body under the limit is parsed (and then validated)');
});

t.test('__proto__ / constructor.prototype keys -> 400 CAPSTAN_ERR_REQUEST_FORBIDDEN_KEY', async (t) => {
  for (const payload of [
    '{"__proto__":{"polluted":true}}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    '{"capability":"command.execute","targets":["web1"],"params":{"__proto__":{"polluted":true}}}',
  ]) {
    const res = await postExec(`forbidden key ${payload}`, payload);
    t.equal(res.statusCode, 400, `${payload}: 400`);
    t.match(res.headers['content-type'], /^application\/problem\+json/);
    // BUG src/core/json-parser.ts: secure-json-parse throws a SyntaxError for forbidden keys, so the
    // `!(err instanceof SyntaxError)` branch never runs and these are reported as malformed JSON.
    t.equal(res.json().code, 'CAPSTAN_ERR_REQUEST_FORBIDDEN_KEY', `${payload}: FORBIDDEN_KEY`, {
    });
  }
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is not polluted');
});

t.test('unsupported media types -> 415', async (t) => {
  for (const type of ['text/plain', 'text/plain; charset=utf-8', 'text/csv', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded']) {
    const res = await postExec(`media type ${type}`, 'a,b\n1,2\n', { 'content-type': type });
    problem(t, res, 415, 'CAPSTAN_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE', `${type}:`);
  }
});

t.test('invalid cursors -> 400', async (t) => {
  const cursors = ['garbage!!', Buffer.from('"a string"').toString('base64url'), Buffer.from('{"seq":1}').toString('base64url'), 'a'.repeat(201)];
  for (const c of cursors) {
    const res = await send(`executions cursor ${c.slice(0, 20)}`, { url: `/api/v1/executions?cursor=${encodeURIComponent(c)}` });
    const body = problem(t, res, 400, 'CAPSTAN_ERR_REQUEST_VALIDATION', `executions cursor ${c.slice(0, 20)}:`);
    t.match(body.errors?.[0], { in: 'query', pointer: '/cursor' });
  }
  const inv = await send('inventory cursor', { url: `/api/v1/inventory?cursor=${Buffer.from('42').toString('base64url')}` });
  problem(t, inv, 400, 'CAPSTAN_ERR_REQUEST_VALIDATION', 'inventory numeric cursor:');
  const good = await send('inventory first page', { url: '/api/v1/inventory?limit=2' });
  t.equal(good.statusCode, 200);
  const next = await send('inventory next page', { url: `/api/v1/inventory?limit=2&cursor=${good.json().nextCursor}` });
  t.equal(next.statusCode, 200, 'an issued cursor works');
  t.same(next.json().items.map((n: { name: string }) => n.name), ['web3']);
});

t.test('bad query values -> 400', async (t) => {
  for (const [q, pointer] of [
    ['limit=99999999999', '/limit'],
    ['limit=0', '/limit'],
    ['limit=-1', '/limit'],
    ['limit=abc', '/limit'],
    ['limit=2.5', '/limit'],
    ['status=bogus', '/status/0'],
    ['since=yesterday', '/since'],
    ['__proto__=x', '/__proto__'],
  ]) {
    const body = problem(t, await send(`query ${q}`, { url: `/api/v1/executions?${q}` }), 400, 'CAPSTAN_ERR_REQUEST_VALIDATION', `?${q}:`);
    t.equal(body.errors?.[0]?.pointer, pointer, `?${q} names ${pointer}`);
    t.equal(body.errors?.[0]?.in, 'query');
  }
  // BUG (Ajv coercion, configured in src/app.ts): the string "Infinity" or "1e400" coerces to the number
  // Infinity, which passes `type: integer` (the coercion test `!(x % 1)` is true for NaN remainders) and skips
  // `minimum`/`maximum` (Ajv only compares finite numbers). The executions and journal routes then hand
  // limit + 1 = Infinity to SQLite, which throws SQLITE_MISMATCH -> 500; inventory ignores its 1000 cap.
  for (const url of [
    '/api/v1/executions?limit=1e400', '/api/v1/executions?limit=Infinity',
    '/api/v1/nodes/web1/journal?limit=Infinity', '/api/v1/inventory?limit=Infinity',
  ]) {
    const res = await app.inject({ url });
    t.equal(res.statusCode, 400, `${url} is a 400`);
  }
});

t.test('bad path params and headers -> 400', async (t) => {
  problem(t, await send('bad plugin name', { url: '/api/v1/plugins/BAD_NAME' }), 400, 'CAPSTAN_ERR_REQUEST_VALIDATION', 'plugin name:');
  problem(t, await send('long execution id', { url: `/api/v1/executions/${'x'.repeat(100)}` }), 400, 'CAPSTAN_ERR_REQUEST_VALIDATION', 'long id:');
  problem(t, await send('unknown plugin', { url: '/api/v1/plugins/not-here' }), 404, 'CAPSTAN_ERR_PLUGIN_NOT_FOUND', 'unknown plugin:');
  problem(t, await send('unknown execution', { url: '/api/v1/executions/not-here' }), 404, 'CAPSTAN_ERR_EXECUTION_NOT_FOUND', 'unknown execution:');
  const key = await send('long idempotency key', {
    method: 'POST', url: '/api/v1/executions', headers: { ...JSON_HEADERS, 'idempotency-key': 'k'.repeat(300) },
    payload: { capability: 'command.execute', targets: ['web1'], params: { command: 'uptime' } },
  });
  problem(t, key, 400, 'CAPSTAN_ERR_REQUEST_VALIDATION', 'idempotency key:');
  const lastId = await send('bad last-event-id', { url: '/api/v1/executions/x/stream', headers: { 'last-event-id': 'abc' } });
  problem(t, lastId, 400, 'CAPSTAN_ERR_REQUEST_VALIDATION', 'last-event-id:');
});

t.test('never a 500, and the server still answers', async (t) => {
  t.ok(seen.length > 50, `${seen.length} bad requests sent`);
  const fives = seen.filter((s) => s.status >= 500);
  t.same(fives, [], 'no 5xx for any of them');
  const live = await app.inject({ url: '/health/live' });
  t.equal(live.statusCode, 200);
  t.same(live.json(), { status: 'ok' });
  const ready = await app.inject({ url: '/health/ready' });
  t.equal(ready.statusCode, 200);
});
