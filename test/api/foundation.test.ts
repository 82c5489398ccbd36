/**
 * The foundation through HTTP: probes, request ids, metrics, plugin and capability listings, the OpenAPI
 * document and Swagger UI, and direct capability invocation (one provider, fallback, aggregate).
 */
import t from 'tap';
import { PassThrough } from 'node:stream';
import { CONTRACTS, infoFacts, inventoryGroups, inventoryList } from '../../src/capabilities/index.js';
import { Errors } from '../../src/core/errors.js';
import { implement } from '../../src/core/types.js';
import { buildTestApp } from '../helper.js';
import { deferred, fakeModule, keepAlive, never, nodes } from '../core/fixtures/fake-plugins.js';

keepAlive(t);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Two inventory sources (one fails), a required plugin that fails to start, and an unhealthy one. */
const PLUGINS = [
  fakeModule({ id: 'alpha', capabilities: [implement(inventoryList, async () => nodes('alpha', 'web1', 'web2'), { priority: 80 })] }),
  fakeModule({ id: 'beta', capabilities: [implement(inventoryList, async () => { throw new Errors.Upstream('beta is down'); }, { priority: 60 })] }),
  fakeModule({ id: 'gamma', capabilities: [implement(inventoryList, async () => nodes('gamma', 'db1'), { priority: 40 })] }),
  fakeModule({ id: 'sick', healthCheck: async () => ({ status: 'unhealthy', message: 'lost its socket' }), capabilities: [implement(inventoryGroups, async () => ({ groups: [] }))] }),
];

t.test('probes', async (t) => {
  const app = await buildTestApp(t, {}, { plugins: PLUGINS });
  const live = await app.inject({ url: '/health/live' });
  t.equal(live.statusCode, 200);
  t.same(live.json(), { status: 'ok' });
  const ready = await app.inject({ url: '/health/ready' });
  t.equal(ready.statusCode, 200, 'failing or unhealthy plugins that are not required do not fail readiness');
  t.same(ready.json(), { status: 'ok', checks: { store: 'ok', requiredPluginsDown: [] } });
});

t.test('/health/ready is 503 while a required plugin failed to initialize', async (t) => {
  const app = await buildTestApp(t, { plugins: { critical: { required: true } } }, {
    plugins: [...PLUGINS, fakeModule({ id: 'critical', initialize: async () => { throw new Error('cannot reach the CMDB'); } })],
  });
  const ready = await app.inject({ url: '/health/ready' });
  t.equal(ready.statusCode, 503);
  t.same(ready.json(), { status: 'unavailable', checks: { store: 'ok', requiredPluginsDown: ['critical'] } });
  t.equal((await app.inject({ url: '/health/live' })).statusCode, 200, 'liveness is unaffected');
  const p = (await app.inject({ url: '/api/v1/plugins/critical' })).json();
  t.match(p, { state: 'failed', required: true, error: 'cannot reach the CMDB', health: { status: 'unhealthy' } });
});

t.test('X-Request-Id is honoured, echoed, sanitized and in problem bodies and logs', async (t) => {
  const logs = new PassThrough();
  const lines: string[] = [];
  logs.on('data', (d) => lines.push(...String(d).split('\n').filter(Boolean)));
  const app = await buildTestApp(t, { logLevel: 'info' }, { plugins: [], logStream: logs });

  const given = await app.inject({ url: '/health/live', headers: { 'x-request-id': 'ci-run-42.step:3@host' } });
  t.equal(given.headers['x-request-id'], 'ci-run-42.step:3@host', 'a sane id is echoed');

  const none = await app.inject({ url: '/health/live' });
  t.match(none.headers['x-request-id'], UUID, 'a UUID is generated when none is sent');
  const other = await app.inject({ url: '/health/live' });
  t.not(other.headers['x-request-id'], none.headers['x-request-id'], 'each request gets its own id');

  for (const bad of ['x'.repeat(300), 'has spaces in it', 'semi;colon', 'new\tline', '']) {
    const res = await app.inject({ url: '/health/live', headers: { 'x-request-id': bad } });
    t.match(res.headers['x-request-id'], UUID, `garbage id ${JSON.stringify(bad.slice(0, 12))} replaced by a generated one`);
  }
  const edge = 'y'.repeat(128);
  t.equal((await app.inject({ url: '/health/live', headers: { 'x-request-id': edge } })).headers['x-request-id'], edge, '128 chars is still accepted');

  const miss = await app.inject({ url: '/nope', headers: { 'x-request-id': 'trace-me-1' } });
  t.equal(miss.headers['x-request-id'], 'trace-me-1', 'echoed on errors too');
  t.equal(miss.json().requestId, 'trace-me-1', 'the problem body carries the request id');
  const garbage = await app.inject({ url: '/nope', headers: { 'x-request-id': 'bad id' } });
  t.equal(garbage.json().requestId, garbage.headers['x-request-id'], 'a generated id is the one in the body');

  const tagged = lines.map((l) => JSON.parse(l)).filter((l) => l.requestId === 'trace-me-1');
  t.ok(tagged.length >= 1, `the request's log lines carry requestId (${tagged.length})`);
  t.notOk(lines.some((l) => l.includes('bad id')), 'the refused id never reaches the log');
});

t.test('GET /metrics is Prometheus text with HTTP, capability and plugin metrics', async (t) => {
  const app = await buildTestApp(t, {}, { plugins: PLUGINS });
  await app.inject({ url: '/health/live' });
  const inv = await app.inject({ method: 'POST', url: '/api/v1/capabilities/inventory.list/invoke', payload: {} });
  t.equal(inv.statusCode, 200);
  await app.inject({ method: 'POST', url: '/api/v1/capabilities/inventory.list/invoke?provider=beta', payload: {} });

  const res = await app.inject({ url: '/metrics' });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  const text = res.body;
  t.match(text, /# TYPE capstan_http_request_duration_seconds histogram/);
  t.match(text, /capstan_http_request_duration_seconds_count\{method="GET",route="\/health\/live",status_code="200"\} 1/, 'HTTP requests by route template');
  t.match(text, /capstan_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/capabilities\/:name\/invoke",status_code="200"\} 1/);
  t.match(text, /# TYPE capstan_capability_invocation_duration_seconds histogram/);
  t.match(text, /capstan_capability_invocation_duration_seconds_count\{capability="inventory.list",provider="alpha",outcome="ok"\} 1/, 'the invocation is counted');
  t.match(text, /capstan_capability_invocation_duration_seconds_count\{capability="inventory.list",provider="beta",outcome="error"\} 1/, 'a failing one too');
  t.match(text, /# TYPE capstan_plugin_healthy gauge/);
  t.match(text, /capstan_plugin_healthy\{plugin="alpha",state="ready"\} 1/);
  t.match(text, /capstan_plugin_healthy\{plugin="sick",state="ready"\} 0/, 'an unhealthy plugin reads 0');
  t.match(text, /capstan_process_cpu_user_seconds_total/, 'default process metrics, prefixed');
  for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? ([-+0-9.eE]+|NaN|[+-]Inf)$/.test(line)) t.fail(`not an exposition line: ${line}`);
  }
});

t.test('GET /api/v1/plugins lists state, health and capabilities', async (t) => {
  const app = await buildTestApp(t, { plugins: { off: { enabled: false } } }, {
    plugins: [...PLUGINS, fakeModule({ id: 'broken', initialize: async () => { throw new Error('no binary'); } }), fakeModule({ id: 'off' })],
  });
  const res = await app.inject({ url: '/api/v1/plugins' });
  t.equal(res.statusCode, 200);
  const items: any[] = res.json().items;
  t.same(items.map((p) => p.name), ['alpha', 'beta', 'broken', 'gamma', 'off', 'sick'], 'sorted by name');
  const by = Object.fromEntries(items.map((p) => [p.name, p]));
  t.match(by.alpha, {
    version: '1.0.0', description: 'fake alpha', state: 'ready', required: false, integrationTypes: ['inventory'],
    health: { status: 'healthy' }, capabilities: [{ name: 'inventory.list', priority: 80 }],
  });
  t.type(by.alpha.health.checkedAt, 'string');
  t.notOk('error' in by.alpha, 'no error member when fine');
  t.match(by.broken, { state: 'failed', error: 'no binary', health: { status: 'unhealthy' } });
  t.match(by.off, { state: 'disabled', capabilities: [] });
  t.match(by.sick, { state: 'ready', health: { status: 'unhealthy', message: 'lost its socket' } });
  const one = await app.inject({ url: '/api/v1/plugins/alpha' });
  t.same(one.json(), by.alpha, 'GET /api/v1/plugins/{name} answers the same object');
});

t.test('GET /api/v1/capabilities lists every contract with providers by priority', async (t) => {
  const app = await buildTestApp(t, {}, { plugins: PLUGINS });
  const res = await app.inject({ url: '/api/v1/capabilities' });
  t.equal(res.statusCode, 200);
  const items: any[] = res.json().items;
  t.equal(items.length, CONTRACTS.length, 'the whole catalog');
  const inv = items.find((c) => c.name === 'inventory.list');
  t.match(inv, { category: 'inventory', mode: 'query', riskLevel: 'read', requiredPermissions: ['inventory.list'], paramsSchema: 'InventoryListParams', resultSchema: 'InventoryListResult' });
  t.same(inv.providers, [
    { plugin: 'alpha', priority: 80, available: true },
    { plugin: 'beta', priority: 60, available: true },
    { plugin: 'gamma', priority: 40, available: true },
  ]);
  t.same(items.find((c) => c.name === 'inventory.groups').providers, [{ plugin: 'sick', priority: 50, available: false }], 'an unhealthy provider is listed unavailable');
  t.same(items.find((c) => c.name === 'command.execute').providers, [], 'no provider: empty list');
  const one = (await app.inject({ url: '/api/v1/capabilities/inventory.list' })).json();
  t.same(one, inv);
  const unknown = await app.inject({ url: '/api/v1/capabilities/nope.nothing' });
  t.equal(unknown.statusCode, 404);
  t.equal(unknown.json().code, 'CAPSTAN_ERR_CAPABILITY_UNKNOWN');
});

t.test('GET /openapi.json is OpenAPI 3.1 with an operationId on every operation', async (t) => {
  const app = await buildTestApp(t, {}, { plugins: [] });
  const res = await app.inject({ url: '/openapi.json' });
  t.equal(res.statusCode, 200);
  const doc = res.json();
  t.match(doc.openapi, /^3\.1\./);
  t.ok(doc.info?.title && doc.info?.version, 'info has title and version');
  const ops: { method: string; path: string; op: any }[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      if (['get', 'post', 'put', 'patch', 'delete'].includes(method)) ops.push({ method, path, op });
    }
  }
  t.ok(ops.length >= 15, `${ops.length} operations`);
  for (const { method, path, op } of ops) {
    t.match(op.operationId, /^[a-z][A-Za-z]+$/, `${method} ${path} has an operationId`);
    t.equal(op.tags?.length, 1, `${method} ${path} has one tag`);
    if (path.startsWith('/api/')) {
      const r500 = JSON.stringify(op.responses?.['500'] ?? null);
      t.match(r500, /Problem/, `${method} ${path} documents its 500 Problem`);
    }
  }
  const ids = ops.map((o) => o.op.operationId);
  t.equal(new Set(ids).size, ids.length, 'operationIds are unique');
  for (const id of ['listPlugins', 'listCapabilities', 'invokeCapability', 'createExecution', 'listNodes', 'getLiveness', 'getReadiness']) {
    t.ok(ids.includes(id), `${id} present`);
  }
  // /metrics and /openapi.json are in the contract (tag `meta`); Swagger UI under /docs/ is not.
  t.equal(doc.paths['/metrics']?.get?.operationId, 'getMetrics', '/metrics is documented');
  t.equal(doc.paths['/openapi.json']?.get?.operationId, 'getOpenApiDocument', '/openapi.json is documented');
  t.notOk(Object.keys(doc.paths).some((p) => p.startsWith('/docs')), 'Swagger UI stays out of the document');
  const names = Object.keys(doc.components?.schemas ?? {});
  t.ok(names.includes('Problem') && names.includes('Node') && names.includes('InventoryListParams'), 'named components');
  t.notOk(names.some((n) => /^def-\d+$/.test(n)), 'no def-N component names');
});

t.test('/docs/ serves Swagger UI', async (t) => {
  const app = await buildTestApp(t, {}, { plugins: [] });
  const res = await app.inject({ url: '/docs/' });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/html/);
  t.match(res.body, /<title>Swagger UI<\/title>/);
  const js = await app.inject({ url: '/docs/static/swagger-ui-bundle.js' });
  t.equal(js.statusCode, 200, 'assets are served offline');
});

t.test('capability invocation over HTTP', async (t) => {
  const app = await buildTestApp(t, { capabilityTimeoutMs: 50 }, {
    plugins: [
      ...PLUGINS,
      fakeModule({ id: 'stuck', capabilities: [implement(infoFacts, () => never())] }),
    ],
  });
  const post = (url: string, payload: unknown = {}) => app.inject({ method: 'POST', url, payload: payload as object });

  const unknown = await post('/api/v1/capabilities/nope.nothing/invoke');
  t.equal(unknown.statusCode, 404);
  t.match(unknown.json(), { code: 'CAPSTAN_ERR_CAPABILITY_UNKNOWN', category: 'not_found', capability: 'nope.nothing' });

  // reports.list: no plugin provides it (501, not worth retrying); inventory.groups: its one provider is down (503).
  for (const [name, status, code] of [['reports.list', 501, 'CAPSTAN_ERR_CAPABILITY_NOT_PROVIDED'], ['inventory.groups', 503, 'CAPSTAN_ERR_CAPABILITY_NO_PROVIDER']] as const) {
    const none = await post(`/api/v1/capabilities/${name}/invoke`);
    t.equal(none.statusCode, status, `${name}: ${status}`);
    const body = none.json();
    t.equal(body.code, code);
    t.equal(body.capability, name, `${name}: the problem names the capability`);
    t.match(body.detail, name, `${name}: so does the detail`);
    t.equal(none.headers['retry-after'], status === 503 ? '30' : undefined, `${name}: Retry-After only when a retry may help`);
  }
  for (const provider of ['nobody', 'sick']) {
    const res = await post(`/api/v1/capabilities/inventory.list/invoke?provider=${provider}`);
    t.equal(res.statusCode, 404, `?provider=${provider} names no provider of inventory.list: 404, not 503`);
    t.match(res.json(), { code: 'CAPSTAN_ERR_PROVIDER_NOT_FOUND', provider, capability: 'inventory.list' });
  }

  const one = await post('/api/v1/capabilities/inventory.list/invoke');
  t.equal(one.statusCode, 200);
  t.same(one.json(), { capability: 'inventory.list', provider: 'alpha', result: nodes('alpha', 'web1', 'web2') });

  const pinned = await post('/api/v1/capabilities/inventory.list/invoke?provider=gamma');
  t.equal(pinned.json().provider, 'gamma', '?provider= asks that plugin');
  const pinnedDown = await post('/api/v1/capabilities/inventory.list/invoke?provider=beta');
  t.equal(pinnedDown.statusCode, 503, "a pinned provider's failure is answered, not routed around");
  t.equal(pinnedDown.json().code, 'CAPSTAN_ERR_UPSTREAM_ERROR');

  const all = await post('/api/v1/capabilities/inventory.list/invoke?all=true');
  t.equal(all.statusCode, 200, 'one failing source does not fail the aggregate');
  const body = all.json();
  t.equal(body.capability, 'inventory.list');
  t.same(body.items, [
    { source: 'alpha', result: nodes('alpha', 'web1', 'web2') },
    { source: 'gamma', result: nodes('gamma', 'db1') },
  ]);
  t.same(body.sources.map((s: { source: string; status: string }) => [s.source, s.status]), [['alpha', 'ok'], ['beta', 'error'], ['gamma', 'ok']]);
  for (const s of body.sources) t.type(s.durationMs, 'number', `${s.source} durationMs`);
  t.match(body.sources[1].error, { category: 'unavailable', code: 'CAPSTAN_ERR_UPSTREAM_ERROR', detail: 'beta is down' });

  const bad = await post('/api/v1/capabilities/info.facts/invoke', { node: 'web1', extra: true });
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().code, 'CAPSTAN_ERR_CAPABILITY_PARAMS_INVALID');

  const slow = await post('/api/v1/capabilities/info.facts/invoke', { node: 'web1' });
  t.equal(slow.statusCode, 504, 'a provider that never answers -> 504 after capabilityTimeoutMs');
  t.equal(slow.json().code, 'CAPSTAN_ERR_CAPABILITY_TIMEOUT');
  t.equal((await app.inject({ url: '/health/live' })).statusCode, 200);
});

t.test('a provider answering an invalid result -> 500 with the detail hidden', async (t) => {
  const answered = deferred<void>();
  const app = await buildTestApp(t, {}, {
    plugins: [fakeModule({ id: 'liar', capabilities: [implement(inventoryList, async () => { answered.resolve(); return { nodes: 'secret-value' } as never; })] })],
  });
  const res = await app.inject({ method: 'POST', url: '/api/v1/capabilities/inventory.list/invoke', payload: {} });
  await answered.promise;
  t.equal(res.statusCode, 500);
  t.equal(res.json().code, 'CAPSTAN_ERR_CAPABILITY_RESULT_INVALID');
  t.notMatch(res.body, /secret-value|liar/, 'nothing of the provider answer leaks');
});
