/**
 * HTTP semantics (issue 13, item 6): 405 with Allow, OPTIONS, CORS off by default and configurable, ETag and
 * 304, Accept negotiation with q-values and 406, 415 for text/plain bodies, the journal of an unknown node,
 * resuming a finished stream past its end (204), and 404/501/503 for capabilities without providers.
 * Also the kernel facts (item 11) through the API.
 */
import { release } from 'node:os';
import t from 'tap';
import { loadConfig } from '../../src/config/load.js';
import { negotiate } from '../../src/core/http-semantics.js';
import { buildTestApp, waitForExecution } from '../helper.js';
import { submit } from '../executions-api.js';

const PROBLEM = /^application\/problem\+json/;

t.test('a known path with another method: 405 problem with Allow; OPTIONS: 204 with Allow; unknown path: 404', async (t) => {
  const app = await buildTestApp(t);
  const cases: [string, string, string][] = [
    ['DELETE', '/api/v1/executions', 'GET, HEAD, OPTIONS, POST'],
    ['PUT', '/api/v1/executions/abc/cancel', 'OPTIONS, POST'],
    ['POST', '/api/v1/nodes/localhost/journal', 'GET, HEAD, OPTIONS'],
    ['PATCH', '/api/v1/nodes/localhost/facts', 'GET, HEAD, OPTIONS, POST'],
    ['POST', '/openapi.json', 'GET, HEAD, OPTIONS'],
  ];
  for (const [method, url, allow] of cases) {
    const res = await app.inject({ method: method as 'DELETE', url });
    t.equal(res.statusCode, 405, `${method} ${url}`);
    t.match(res.headers['content-type'], PROBLEM);
    t.equal(res.headers.allow, allow, `${url}: Allow`);
    t.match(res.json(), { status: 405, code: 'CAPSTAN_ERR_METHOD_NOT_ALLOWED', allow: allow.split(', ') });

    const options = await app.inject({ method: 'OPTIONS', url });
    t.equal(options.statusCode, 204, `OPTIONS ${url}`);
    t.equal(options.headers.allow, allow);
    t.equal(options.body, '');
    t.notOk(options.headers['access-control-allow-origin'], 'no CORS header by default');
  }
  const query = await app.inject({ method: 'DELETE', url: '/api/v1/executions?limit=1' });
  t.equal(query.headers.allow, 'GET, HEAD, OPTIONS, POST', 'the query is not part of the path');

  for (const method of ['GET', 'DELETE', 'OPTIONS'] as const) {
    const res = await app.inject({ method, url: '/api/v1/nothing-here' });
    t.equal(res.statusCode, 404, `${method} of an unknown path`);
    t.equal(res.json().code, 'CAPSTAN_ERR_ROUTE_NOT_FOUND');
    t.notOk(res.headers.allow);
  }
});

t.test('CORS is off by default: no Access-Control-* header, even to a preflight', async (t) => {
  const app = await buildTestApp(t);
  const preflight = await app.inject({
    method: 'OPTIONS', url: '/api/v1/executions',
    headers: { origin: 'https://ops.example.com', 'access-control-request-method': 'POST' },
  });
  t.equal(preflight.statusCode, 204);
  t.notOk(Object.keys(preflight.headers).some((h) => h.startsWith('access-control-')), JSON.stringify(preflight.headers));
  const get = await app.inject({ url: '/health/live', headers: { origin: 'https://ops.example.com' } });
  t.notOk(get.headers['access-control-allow-origin']);
});

t.test('CORS configured: allowed origins get the headers, preflights pass before auth, others get none', async (t) => {
  const token = 'cors-admin-token-0123';
  const app = await buildTestApp(t, { token, cors: { origins: ['https://ops.example.com'] } });
  const preflight = await app.inject({
    method: 'OPTIONS', url: '/api/v1/executions',
    headers: { origin: 'https://ops.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
  });
  t.equal(preflight.statusCode, 204, 'a preflight carries no token and is answered anyway');
  t.equal(preflight.headers['access-control-allow-origin'], 'https://ops.example.com');
  t.match(preflight.headers['access-control-allow-methods'], /POST/);
  t.match(preflight.headers['access-control-allow-headers'], /Authorization/);
  t.match(preflight.headers['access-control-allow-headers'], /Idempotency-Key/);
  t.notOk(preflight.headers.allow, 'Allow, which tells the routes, only to callers with a token');
  t.notOk(preflight.headers['access-control-allow-credentials'], 'bearer tokens, no cookies: no credentials mode');

  const other = await app.inject({
    method: 'OPTIONS', url: '/api/v1/executions',
    headers: { origin: 'https://evil.example.net', 'access-control-request-method': 'POST' },
  });
  t.notOk(other.headers['access-control-allow-origin'], 'an origin not listed is not allowed');

  const get = await app.inject({ url: '/api/v1/queue', headers: { origin: 'https://ops.example.com', authorization: `Bearer ${token}` } });
  t.equal(get.statusCode, 200);
  t.equal(get.headers['access-control-allow-origin'], 'https://ops.example.com');
  t.match(get.headers['access-control-expose-headers'], /X-Request-Id/);
  t.match(get.headers['access-control-expose-headers'], /ETag/);
  t.equal((await app.inject({ url: '/api/v1/queue', headers: { origin: 'https://ops.example.com' } })).statusCode, 401, 'the actual request still needs the token');

  const plain = await app.inject({ method: 'OPTIONS', url: '/api/v1/executions' });
  t.equal(plain.statusCode, 401, 'a plain OPTIONS (no preflight) tells which methods exist, so it needs the token like a 404');
  const withToken = await app.inject({ method: 'OPTIONS', url: '/api/v1/executions', headers: { authorization: `Bearer ${token}` } });
  t.equal(withToken.statusCode, 204);
  t.equal(withToken.headers.allow, 'GET, HEAD, OPTIONS, POST');
});

t.test('cors.origins from the environment (comma-separated) and validated', async (t) => {
  t.same(loadConfig({ env: {} }).cors.origins, [], 'off by default');
  const config = loadConfig({ env: { CAPSTAN_CORS_ORIGINS: 'https://ops.example.com, http://localhost:8080,' } });
  t.same(config.cors.origins, ['https://ops.example.com', 'http://localhost:8080']);
  t.same(loadConfig({ env: { CAPSTAN_CORS_ORIGINS: '*' } }).cors.origins, ['*']);
  t.throws(() => loadConfig({ env: { CAPSTAN_CORS_ORIGINS: 'ops.example.com' } }), { code: 'CAPSTAN_ERR_CONFIG_INVALID' }, 'an origin is scheme://host[:port]');
});

t.test('ETag and 304 on /openapi.json', async (t) => {
  const app = await buildTestApp(t);
  const first = await app.inject({ url: '/openapi.json' });
  t.equal(first.statusCode, 200);
  const tag = first.headers.etag as string;
  t.match(tag, /^"[A-Za-z0-9_-]+"$/);
  t.equal((await app.inject({ url: '/openapi.json' })).headers.etag, tag, 'stable');
  for (const inm of [tag, `W/${tag}`, `"other", ${tag}`, '*']) {
    const again = await app.inject({ url: '/openapi.json', headers: { 'if-none-match': inm } });
    t.equal(again.statusCode, 304, inm);
    t.equal(again.body, '');
    t.equal(again.headers.etag, tag);
  }
  t.equal((await app.inject({ url: '/openapi.json', headers: { 'if-none-match': '"stale"' } })).statusCode, 200);
});

t.test('an execution: ETag/304 once terminal, Accept on /output, 204 past the end of its stream, 415 for text/plain', async (t) => {
  const app = await buildTestApp(t);
  const run = await submit(app, { capability: 'command.execute', targets: ['localhost'], params: { command: 'echo one; echo two' } });
  await waitForExecution(app, run.id);

  const get = await app.inject({ url: `/api/v1/executions/${run.id}` });
  t.equal(get.statusCode, 200);
  const tag = get.headers.etag as string;
  t.ok(tag, 'a terminal execution has an ETag');
  const cached = await app.inject({ url: `/api/v1/executions/${run.id}`, headers: { 'if-none-match': tag } });
  t.equal(cached.statusCode, 304);
  t.equal(cached.body, '');
  t.equal((await app.inject({ url: `/api/v1/executions/${run.id}`, headers: { 'if-none-match': '"x"' } })).statusCode, 200);

  const out = (accept?: string, query = '') => app.inject({ url: `/api/v1/executions/${run.id}/output${query}`, headers: accept === undefined ? {} : { accept } });
  const json = (r: { headers: Record<string, unknown> }) => String(r.headers['content-type']).startsWith('application/json');
  const text = (r: { headers: Record<string, unknown> }) => String(r.headers['content-type']).startsWith('text/plain');
  t.ok(json(await out()), 'no Accept: JSON');
  t.ok(json(await out('*/*')), '*/*: JSON');
  t.ok(text(await out('text/plain')), 'text/plain');
  t.ok(text(await out('text/*')), 'text/*');
  t.ok(text(await out('application/json;q=0.5, text/plain')), 'the higher q wins');
  t.ok(json(await out('text/plain;q=0.2, application/json')), 'the higher q wins, whatever the order');
  t.ok(json(await out('text/plain;q=0, */*')), 'q=0 excludes');
  t.ok(text(await out('text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.8')), 'a browser-like list');
  t.equal((await out('text/plain')).body, 'one\ntwo\n');
  for (const accept of ['application/xml', '*/*;q=0', 'image/png, text/html']) {
    const res = await out(accept);
    t.equal(res.statusCode, 406, accept);
    t.match(res.headers['content-type'], PROBLEM);
    t.match(res.json(), { code: 'CAPSTAN_ERR_NOT_ACCEPTABLE', available: ['application/json', 'text/plain'] });
  }
  t.ok(text(await out('application/xml', '?format=text')), '?format= wins over Accept');

  const events = (await out()).json().items as { seq: number }[];
  const last = events[events.length - 1].seq;
  for (const [name, headers, query] of [
    ['Last-Event-ID = last', { 'last-event-id': String(last) }, ''],
    ['Last-Event-ID past the end', { 'last-event-id': String(last + 5) }, ''],
    ['?after = last', {}, `?after=${last}`],
  ] as const) {
    const res = await app.inject({ url: `/api/v1/executions/${run.id}/stream${query}`, headers });
    t.equal(res.statusCode, 204, `${name}: 204, so EventSource stops reconnecting`);
    t.equal(res.body, '');
  }
  const replay = await app.inject({ url: `/api/v1/executions/${run.id}/stream`, headers: { 'last-event-id': String(last - 1) } });
  t.equal(replay.statusCode, 200, 'before the end: the rest is replayed');
  t.match(replay.body, /event: complete/);

  for (const url of ['/api/v1/executions', `/api/v1/executions/${run.id}/cancel`, '/api/v1/capabilities/inventory.list/invoke']) {
    const res = await app.inject({ method: 'POST', url, headers: { 'content-type': 'text/plain' }, payload: '{"capability":"command.execute"}' });
    t.equal(res.statusCode, 415, `${url}: text/plain is 415`);
    t.match(res.json(), { code: 'CAPSTAN_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE' });
  }

  const journal = await app.inject({ url: '/api/v1/nodes/localhost/journal' });
  t.equal(journal.statusCode, 200);
  t.ok(journal.json().items.length > 0);
});

t.test("an unknown node's journal is 404 like its facts; a known node's empty journal is 200", async (t) => {
  const app = await buildTestApp(t);
  for (const url of ['/api/v1/nodes/no-such-node/journal', '/api/v1/nodes/no-such-node/facts']) {
    const res = await app.inject({ url });
    t.equal(res.statusCode, 404, url);
    t.match(res.json(), { code: 'CAPSTAN_ERR_NODE_NOT_FOUND' });
  }
  const empty = await app.inject({ url: '/api/v1/nodes/localhost/journal' });
  t.equal(empty.statusCode, 200);
  t.match(empty.json(), { items: [], nextCursor: null, sources: [{ source: 'capstan', status: 'ok' }] });
});

t.test('facts name the kernel and its release apart (Facter and Ansible style)', async (t) => {
  const app = await buildTestApp(t);
  const res = await app.inject({ url: '/api/v1/nodes/localhost/facts' });
  t.equal(res.statusCode, 200);
  t.match(res.json(), { kernel: 'Linux', kernelRelease: release() });
});

t.test('negotiate: q-values, specificity, order', async (t) => {
  const offers = ['application/json', 'text/plain'];
  t.equal(negotiate(undefined, offers), 'application/json');
  t.equal(negotiate('', offers), 'application/json');
  t.equal(negotiate('TEXT/PLAIN', offers), 'text/plain', 'case-insensitive');
  t.equal(negotiate('text/plain, application/json', offers), 'text/plain', 'equal q: the range listed first');
  t.equal(negotiate('*/*;q=0.9, text/plain;q=0.5', offers), 'application/json', 'the most specific range decides an offer\'s q');
  t.equal(negotiate('application/*;q=0.1, text/plain;q=0.1', offers), 'text/plain', 'equal q: the more specific range');
  t.equal(negotiate('garbage', offers), undefined);
  t.equal(negotiate('text/plain;q=0', offers), undefined);
});
