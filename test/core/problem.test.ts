/**
 * The error catalogue and the one problem+json handler: codes unique and well-formed, categories valid, and
 * unexpected errors answered as 500 without leaking their message or stack.
 */
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { CATALOGUE, CATEGORIES, ERROR_CATEGORIES, CapstanError, Errors, toCapstanError } from '../../src/core/errors.js';
import { problemType } from '../../src/core/problem.js';
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
  t.equal(problemType('CAPSTAN_ERR_INTERNAL'), 'urn:capstan:problem:capstan_err_internal');
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
    throw new Errors.Validation('limit too large', { extra: { errors: [{ pointer: '/querystring/limit', message: 'too large' }] } });
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
  t.same(bad.json().errors, [{ pointer: '/querystring/limit', message: 'too large' }]);
  t.equal(bad.json().type, 'urn:capstan:problem:capstan_err_request_validation');
  const live = await app.inject({ url: '/health/live' });
  t.equal(live.statusCode, 200, 'the server still answers');
});
