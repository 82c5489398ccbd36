/**
 * The error catalogue and the one problem+json handler: codes unique and well-formed, categories valid, and
 * unexpected errors answered as 500 without leaking their message or stack.
 */
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOGUE, CATEGORIES, ERROR_CATEGORIES, CapstanError, Errors, PROBLEM_TYPE_BASE, fieldError, toCapstanError } from '../../src/core/errors.js';
import { problemType } from '../../src/core/problem.js';
import { Problem } from '../../src/capabilities/common.js';
import { tempDir, testConfig } from '../helper.js';

const PROBLEM_FIELDS = ['type', 'title', 'status', 'detail', 'instance', 'category', 'code', 'requestId'];
const SECRET = 'password=hunter2 at /srv/secret/db.sqlite';

t.test('every catalogue entry has a unique well-formed code and a valid category', async (t) => {
  t.ok(CATALOGUE.length > 20, `catalogue has ${CATALOGUE.length} entries`);
  const codes = CATALOGUE.map((e) => e.code);
  t.equal(new Set(codes).size, codes.length, 'codes are unique');
  for (const e of CATALOGUE) {
    t.match(e.code, /^CAPSTAN_ERR_[A-Z0-9_]+$/, `${e.code} is well-formed`);
    t.ok(ERROR_CATEGORIES.includes(e.category), `${e.code} has a valid category (${e.category})`);
    t.ok(e.title.length > 0 && e.description.length > 0, `${e.code} is documented`);
  }
  t.equal(Object.keys(Errors).length, CATALOGUE.length, 'one catalogue entry per error class');
  for (const [name, Cls] of Object.entries(Errors)) {
    const err = new Cls('detail');
    t.ok(err instanceof CapstanError && err instanceof Error, `${name} is a CapstanError`);
    t.ok(codes.includes(err.code), `${name} code is catalogued`);
    const entry = CATALOGUE.find((e) => e.code === err.code)!;
    t.equal(err.statusCode, entry.status ?? CATEGORIES[err.category].status, `${name} status follows its catalogue entry or category`);
  }
});

t.test('categories: statuses and retryability', async (t) => {
  t.same(Object.fromEntries(Object.entries(CATEGORIES).map(([k, v]) => [k, v.status])), {
    validation: 400, unauthorized: 401, forbidden: 403, not_found: 404, conflict: 409, rate_limited: 429,
    unavailable: 503, timeout: 504, execution_failed: 502, not_implemented: 501, internal: 500,
  });
  t.same(ERROR_CATEGORIES.filter((c) => CATEGORIES[c].retryable).sort(), ['rate_limited', 'timeout', 'unavailable']);
  const overridden = new Errors.BodyTooLarge('big', { status: 413 });
  t.equal(overridden.statusCode, 413, 'status may be overridden within a category');
  t.equal(overridden.category, 'validation');
  const cause = new Error('root');
  const wrapped = toCapstanError(cause);
  t.equal(wrapped.code, 'CAPSTAN_ERR_INTERNAL', 'unknown errors become internal');
  t.equal(wrapped.cause, cause, 'the cause is kept for the log');
  t.equal(toCapstanError('a string').message, 'a string');
  const same = new Errors.NodeNotFound('x');
  t.equal(toCapstanError(same), same, 'a CapstanError passes through');
  t.equal(problemType('CAPSTAN_ERR_INTERNAL'), 'https://capstan.dev/errors#capstan_err_internal', 'the code\'s anchor in docs/errors.md');
});

/** An app with routes that throw, built with the one factory, closed at teardown. */
async function throwingApp(t: { teardown(fn: () => unknown): void }): Promise<FastifyInstance> {
  const app = await buildApp(testConfig(tempDir()));
  t.teardown(() => app.close());
  app.get('/test/plain-error', async () => {
    throw new Error(SECRET);
  });
  app.get('/test/type-error', async () => {
    const o = undefined as unknown as { x: { y: number } };
    return o.x.y;
  });
  app.get('/test/sync-throw', () => {
    throw new RangeError(SECRET);
  });
  app.get('/test/internal', async () => {
    throw new Errors.PluginMisuse(SECRET);
  });
  app.get('/test/status-500', async () => {
    throw Object.assign(new Error(SECRET), { statusCode: 500 });
  });
  app.get('/test/non-error', async () => {
    throw { secret: SECRET };
  });
  app.get('/test/unavailable', async () => {
    throw new Errors.Upstream('bolt exited 1', { retryAfter: 2.5, extra: { plugin: 'bolt' } });
  });
  app.get('/test/validation', async () => {
    throw new Errors.Validation('limit too large', { extra: { errors: [fieldError('query', '/limit', 'too large')] } });
  });
  await app.ready();
  return app;
}

t.test('a non-Capstan error in a route is a 500 whose detail is hidden', async (t) => {
  const app = await throwingApp(t);
  for (const url of ['/test/plain-error', '/test/type-error', '/test/sync-throw', '/test/internal', '/test/status-500', '/test/non-error']) {
    const res = await app.inject({ url, headers: { 'x-request-id': 'boom-1' } });
    t.equal(res.statusCode, 500, `${url}: 500`);
    t.match(res.headers['content-type'], /^application\/problem\+json/, `${url}: problem+json`);
    const body = res.json();
    for (const f of PROBLEM_FIELDS) t.ok(f in body, `${url}: has ${f}`);
    t.equal(body.category, 'internal');
    t.match(body.code, /^CAPSTAN_ERR_(INTERNAL|PLUGIN_MISUSE)$/);
    t.equal(body.requestId, 'boom-1');
    t.equal(body.instance, url);
    t.match(body.detail, /boom-1/, `${url}: the detail points at the request id`);
    t.notMatch(res.body, /hunter2|secret|stack|at .*\.ts:\d+|Cannot read properties/i, `${url}: no message or stack leaked`);
    t.notOk('stack' in body || 'cause' in body, `${url}: no stack or cause member`);
  }
});

t.test('non-internal errors keep their detail, extras and Retry-After', async (t) => {
  const app = await throwingApp(t);
  const up = await app.inject({ url: '/test/unavailable' });
  t.equal(up.statusCode, 503);
  t.equal(up.headers['retry-after'], '3', 'Retry-After rounded up to whole seconds');
  t.match(up.json(), { code: 'CAPSTAN_ERR_UPSTREAM_ERROR', category: 'unavailable', detail: 'bolt exited 1', plugin: 'bolt' });
  const bad = await app.inject({ url: '/test/validation' });
  t.equal(bad.statusCode, 400);
  t.same(bad.json().errors, [{ in: 'query', pointer: '/limit', message: 'too large' }]);
  t.equal(bad.json().type, 'https://capstan.dev/errors#capstan_err_request_validation');
  const live = await app.inject({ url: '/health/live' });
  t.equal(live.statusCode, 200, 'the server still answers');
});

t.test('one problem type base: answers, the Problem example and docs/errors.md anchors agree', async (t) => {
  t.equal(PROBLEM_TYPE_BASE, 'https://capstan.dev/errors#');
  const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'errors.md'), 'utf8');
  for (const e of CATALOGUE) {
    const type = problemType(e.code);
    t.ok(URL.canParse(type), `${type} is an absolute URI`);
    // The fragment is the heading's anchor as Markdown renderers make it (lower case, underscores kept).
    t.ok(doc.includes(`\n### ${e.code}\n`) && new URL(type).hash === `#${e.code.toLowerCase()}`, `${e.code}: its type leads to its section`);
  }
  const example = (Problem as unknown as { examples: { type: string; code: string; errors: { in: string; pointer: string }[] }[] }).examples[0];
  t.equal(example.type, problemType(example.code), 'the documented example uses the same base');
  t.same(example.errors.map((e) => [e.in, e.pointer]), [['body', '/params/command']], 'the example points into the body');
});

t.test('validation errors of every request part: `in` names the part, `pointer` is RFC 6901 into it', async (t) => {
  const app = await buildApp(testConfig(tempDir()));
  t.teardown(() => app.close());
  const { Type } = await import('@sinclair/typebox');
  app.post('/test/parts/:id', {
    schema: {
      params: Type.Object({ id: Type.String({ pattern: '^[a-z]+$' }) }),
      querystring: Type.Object({ limit: Type.Optional(Type.Integer({ maximum: 5 })) }, { additionalProperties: false }),
      headers: Type.Object({ 'x-thing': Type.Optional(Type.String({ pattern: '^[a-z]+$' })) }),
      body: Type.Object({ params: Type.Object({ command: Type.String({ minLength: 1 }) }, { additionalProperties: false }) }, { additionalProperties: false }),
    },
  }, async () => ({ ok: true }));
  await app.ready();
  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) => app.inject({ method: 'POST', url, payload: payload as string, headers });
  const ok = { params: { command: 'uptime' } };
  t.same((await post('/test/parts/abc', { params: { command: '' } })).json().errors, [{ in: 'body', pointer: '/params/command', message: 'must NOT have fewer than 1 characters' }]);
  t.same((await post('/test/parts/abc', { params: { command: 'x', 'a/b~c': 1 } })).json().errors, [{ in: 'body', pointer: '/params/a~1b~0c', message: 'must NOT have additional properties' }], 'member names are escaped (RFC 6901)');
  t.same((await post('/test/parts/abc?limit=9', ok)).json().errors, [{ in: 'query', pointer: '/limit', message: 'must be <= 5' }]);
  t.same((await post('/test/parts/ABC', ok)).json().errors, [{ in: 'path', pointer: '/id', message: 'must match pattern "^[a-z]+$"' }]);
  t.same((await post('/test/parts/abc', ok, { 'x-thing': 'NO' })).json().errors, [{ in: 'header', pointer: '/x-thing', message: 'must match pattern "^[a-z]+$"' }]);
  t.same(fieldError('body', '', 'm'), { in: 'body', pointer: '', message: 'm' });
});
