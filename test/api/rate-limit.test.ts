/**
 * Issue 16 item 5: rate limits per token AND per IP. Brute force with ever new garbage tokens from one IP
 * trips the per-IP failure limit (a clear 429 problem with Retry-After, logged, nothing run, the valid token
 * refused from that IP too while other IPs go on); an IP's request budget, whatever bearer strings it sends;
 * a token's own request budget (invented keys resetting no one's counter: rate-limit-eviction.test.ts); probes exempt; limits off;
 * the 429 documented on /api operations; trustProxy deciding which IP is counted.
 */
import t from 'tap';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Test } from 'tap';
import { loadConfig } from '../../src/config/load.js';
import { clientKey } from '../../src/core/client-key.js';
import { buildTestApp } from '../helper.js';
import { captureLogs } from '../observability.js';

const ADMIN = 'rate-limit-admin-token-0123456789';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const run = { capability: 'command.execute', targets: ['localhost'], params: { command: 'true' } };

function from(app: FastifyInstance, ip: string) {
  return (opts: InjectOptions) => app.inject({ remoteAddress: ip, ...opts });
}

function isRateLimited(t: Test, res: LightMyRequestResponse, what: string): void {
  t.equal(res.statusCode, 429, `${what}: 429`);
  t.match(res.headers['content-type'], /^application\/problem\+json/, `${what}: problem+json`);
  t.match(res.headers['retry-after'], /^[1-9][0-9]*$/, `${what}: Retry-After in seconds`);
  t.ok(Number(res.headers['retry-after']) <= 60, `${what}: at most the window`);
  t.match(res.json(), { type: 'https://capstan.dev/errors#capstan_err_rate_limited', title: 'Too many requests', status: 429, code: 'CAPSTAN_ERR_RATE_LIMITED', category: 'rate_limited', detail: String, requestId: String });
}

t.test('brute force: garbage tokens from one IP hit the failure limit; 429, logged, nothing run; other IPs unaffected', async (t) => {
  const logs = captureLogs();
  const app = await buildTestApp(t, { token: ADMIN, logLevel: 'info', rateLimit: { authFailuresMax: 5, max: 1000 } }, { logStream: logs.stream });
  const attacker = from(app, '198.51.100.7');
  for (let i = 0; i < 5; i++) {
    const res = await attacker({ method: 'POST', url: '/api/v1/executions', headers: bearer(`guess-${i}-${Math.random()}`), payload: run });
    t.equal(res.statusCode, 401, `guess ${i}: 401 while under the limit`);
  }
  const refused = await attacker({ method: 'POST', url: '/api/v1/executions', headers: bearer('guess-6'), payload: run });
  isRateLimited(t, refused, 'the next guess');
  t.equal(refused.json().limit, 'authFailures');
  // Refused before the token is even looked at: the right token from that IP is refused too, and nothing runs.
  const valid = await attacker({ method: 'POST', url: '/api/v1/executions', headers: bearer(ADMIN), payload: run });
  isRateLimited(t, valid, 'the valid token from the blocked IP');
  t.equal(app.store.listExecutions({}, 10).length, 0, 'nothing was executed');
  t.equal(app.executions.activeCount, 0);

  const line = logs.lines.find((l) => l.event === 'auth:rate-limited');
  t.match(line, { level: 40, ip: '198.51.100.7', client: '198.51.100.7', failures: 5, msg: /client IP blocked/ }, 'one warn line names the blocked IP');
  t.equal(logs.lines.filter((l) => l.event === 'auth:rate-limited').length, 1, 'once per block');
  t.ok(logs.lines.some((l) => l.code === 'CAPSTAN_ERR_RATE_LIMITED' && l.status === 429), 'each refusal is logged as a rejected request');
  t.notOk(JSON.stringify(logs.lines).includes(ADMIN), 'the token is in no log line');

  const other = await from(app, '198.51.100.8')({ url: '/api/v1/plugins', headers: bearer(ADMIN) });
  t.equal(other.statusCode, 200, 'another IP is not blocked');
  const probe = await attacker({ url: '/health/live' });
  t.equal(probe.statusCode, 200, 'probes are exempt');
  t.equal((await attacker({ url: '/docs/json' })).statusCode, 200, 'open routes stay open (the block is on what needs a token)');
});

t.test('a burst of concurrent guesses: no more than authFailuresMax get as far as a 401', async (t) => {
  const app = await buildTestApp(t, { token: ADMIN, rateLimit: { authFailuresMax: 5 } });
  const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => app.inject({ url: '/api/v1/plugins', remoteAddress: '198.51.100.99', headers: bearer(`burst-${i}`) })));
  const statuses = answers.map((a) => a.statusCode);
  t.ok(statuses.filter((s) => s === 401).length <= 5, `at most 5 401s (${statuses.filter((s) => s === 401).length})`);
  t.equal(statuses.filter((s) => s !== 401 && s !== 429).length, 0, 'the rest are 429s');
});

t.test('IPv6 clients count by their /64: rotating addresses within it does not escape', async (t) => {
  t.equal(clientKey('2001:db8:0:1::5'), '2001:db8:0:1::/64');
  t.equal(clientKey('2001:0db8:0000:0001:aaaa:bbbb:cccc:dddd'), '2001:db8:0:1::/64');
  t.equal(clientKey('::1'), '0:0:0:0::/64');
  t.equal(clientKey('fe80::1'), 'fe80:0:0:0::/64');
  t.equal(clientKey('::ffff:192.0.2.1'), '192.0.2.1', 'IPv4-mapped is the IPv4 address');
  t.equal(clientKey('192.0.2.1'), '192.0.2.1');
  const app = await buildTestApp(t, { token: ADMIN, rateLimit: { authFailuresMax: 3 } });
  for (let i = 1; i <= 3; i++) t.equal((await app.inject({ url: '/api/v1/plugins', remoteAddress: `2001:db8:0:1::${i}` })).statusCode, 401);
  isRateLimited(t, await app.inject({ url: '/api/v1/plugins', remoteAddress: '2001:db8:0:1:ffff::9' }), 'another address of the same /64');
  t.equal((await app.inject({ url: '/api/v1/plugins', remoteAddress: '2001:db8:0:2::1', headers: bearer(ADMIN) })).statusCode, 200, 'another /64 is not blocked');
});

t.test('without a token at all, 401s count too (per IP)', async (t) => {
  const app = await buildTestApp(t, { token: ADMIN, rateLimit: { authFailuresMax: 3 } });
  const client = from(app, '203.0.113.9');
  for (let i = 0; i < 3; i++) t.equal((await client({ url: '/api/v1/inventory' })).statusCode, 401);
  isRateLimited(t, await client({ url: '/api/v1/inventory' }), 'fourth');
});

t.test('per token: a token past `max` requests is refused; another token from the same IP is not', async (t) => {
  const other = 'rate-limit-other-token-0123456789';
  const app = await buildTestApp(t, { token: ADMIN, tokens: [{ name: 'other', token: other, permissions: ['*'] }], rateLimit: { max: 4, authFailuresMax: 0 } });
  for (let i = 0; i < 4; i++) t.equal((await app.inject({ url: '/api/v1/plugins', headers: bearer(ADMIN) })).statusCode, 200);
  const refused = await app.inject({ method: 'POST', url: '/api/v1/executions', headers: bearer(ADMIN), payload: run });
  isRateLimited(t, refused, 'fifth request of the token');
  t.equal(refused.json().limit, 'requests');
  t.equal(app.store.listExecutions({}, 10).length, 0, 'the refused POST ran nothing');
  t.equal((await app.inject({ url: '/api/v1/plugins', headers: bearer(other) })).statusCode, 200, 'the other token has its own budget');
  for (let i = 0; i < 10; i++) t.equal((await app.inject({ url: '/health/ready' })).statusCode, 200, 'probes are never limited');
  // The token's budget follows it to another address.
  const moved = await from(app, '192.0.2.1')({ url: '/api/v1/plugins', headers: bearer(ADMIN) });
  isRateLimited(t, moved, 'the same token from another IP');
  t.equal(moved.json().limit, 'requests');
  // Refused requests and requests without a valid token count against no token's budget.
  for (let i = 0; i < 10; i++) t.equal((await from(app, '192.0.2.2')({ url: '/api/v1/plugins', headers: bearer(`junk-${i}`) })).statusCode, 401);
});

t.test('per IP: random bearer strings from one IP hit its budget, on open routes, on /api and on the 421 path', async (t) => {
  const app = await buildTestApp(t, { token: ADMIN, rateLimit: { ipMax: 5, max: 1000, authFailuresMax: 0 } });
  const cases: Array<[string, InjectOptions, number]> = [
    ['/openapi.json', { url: '/openapi.json' }, 200],
    ['/metrics', { url: '/metrics' }, 200],
    ['/docs/json', { url: '/docs/json' }, 200],
    ['/api', { url: '/api/v1/plugins' }, 401],
    ['a foreign Host (421)', { url: '/api/v1/plugins', headers: { host: 'rebound.evil.example' } }, 421],
  ];
  for (const [i, [label, opts, status]] of cases.entries()) {
    const client = from(app, `198.51.100.${30 + i}`);
    const send = () => client({ ...opts, headers: { ...opts.headers, ...bearer(`random-${Math.random()}`) } });
    for (let n = 0; n < 5; n++) t.equal((await send()).statusCode, status, `${label}: request ${n + 1} under the IP budget`);
    const refused = await send();
    isRateLimited(t, refused, `${label}: a sixth with yet another bearer string`);
    t.equal(refused.json().limit, 'ipRequests');
    t.match(refused.json().detail, new RegExp(`from 198\\.51\\.100\\.${30 + i}`));
  }
  // The IP's budget is the IP's: a valid token from it is refused too (its own budget untouched), elsewhere not.
  isRateLimited(t, await from(app, '198.51.100.33')({ url: '/api/v1/plugins', headers: bearer(ADMIN) }), 'a valid token from the spent IP');
  t.equal((await from(app, '198.51.100.40')({ url: '/api/v1/plugins', headers: bearer(ADMIN) })).statusCode, 200, 'the token from another IP');
  for (let n = 0; n < 10; n++) t.equal((await from(app, '198.51.100.30')({ url: '/health/live' })).statusCode, 200, 'probes are exempt');
});

t.test('disabled: enabled false, or every limit 0', async (t) => {
  for (const rateLimit of [{ enabled: false, max: 1, ipMax: 1, authFailuresMax: 1 }, { max: 0, ipMax: 0, authFailuresMax: 0 }]) {
    const app = await buildTestApp(t, { token: ADMIN, rateLimit });
    for (let i = 0; i < 5; i++) t.equal((await app.inject({ url: '/api/v1/plugins', headers: bearer(`bad-${i}`) })).statusCode, 401, `${JSON.stringify(rateLimit)}: 401, never 429`);
    for (let i = 0; i < 5; i++) t.equal((await app.inject({ url: '/api/v1/plugins', headers: bearer(ADMIN) })).statusCode, 200);
  }
});

t.test('defaults and environment variables', async (t) => {
  const d = loadConfig({ env: {} });
  t.same(d.rateLimit, { enabled: true, max: 1000, ipMax: 3000, timeWindowMs: 60_000, authFailuresMax: 20 });
  t.equal(d.trustProxy, false, 'no proxy trusted by default');
  const e = loadConfig({ env: { CAPSTAN_RATE_LIMIT_MAX: '50', CAPSTAN_RATE_LIMIT_IP_MAX: '500', CAPSTAN_RATE_LIMIT_TIME_WINDOW_MS: '10000', CAPSTAN_RATE_LIMIT_AUTH_FAILURES_MAX: '0', CAPSTAN_RATE_LIMIT_ENABLED: 'false', CAPSTAN_TRUST_PROXY: '10.0.0.0/8,127.0.0.1' } });
  t.same(e.rateLimit, { enabled: false, max: 50, ipMax: 500, timeWindowMs: 10_000, authFailuresMax: 0 });
  t.same(e.trustProxy, ['10.0.0.0/8', '127.0.0.1'], 'a comma-separated list');
  t.equal(loadConfig({ env: { CAPSTAN_TRUST_PROXY: 'true' } }).trustProxy, true);
  t.equal(loadConfig({ env: { CAPSTAN_TRUST_PROXY: '1' } }).trustProxy, 1, 'a hop count');
  t.equal(loadConfig({ env: { CAPSTAN_TRUST_PROXY: 'FALSE' } }).trustProxy, false);
  t.same(loadConfig({ env: { CAPSTAN_TRUST_PROXY: 'loopback' } }).trustProxy, ['loopback']);
});

t.test('trustProxy: X-Forwarded-For ignored by default, honoured from a trusted proxy', async (t) => {
  const xff = (ip: string) => ({ ...bearer('wrong-token-for-sure'), 'x-forwarded-for': ip });
  await t.test('default: the TCP peer is the client, whatever the header says', async (t) => {
    const app = await buildTestApp(t, { token: ADMIN, rateLimit: { authFailuresMax: 2 } });
    const proxy = from(app, '10.0.0.5');
    t.equal((await proxy({ url: '/api/v1/inventory', headers: xff('192.0.2.10') })).statusCode, 401);
    t.equal((await proxy({ url: '/api/v1/inventory', headers: xff('192.0.2.11') })).statusCode, 401);
    const third = await proxy({ url: '/api/v1/inventory', headers: xff('192.0.2.12') });
    isRateLimited(t, third, 'a new forged X-Forwarded-For does not escape the limit');
    t.match(third.json().detail, /10\.0\.0\.5/, 'the peer address is the one counted');
  });
  for (const trustProxy of [['10.0.0.0/8'], ['10.0.0.0/8,127.0.0.1'], 1, true] as const) {
    await t.test(`trustProxy ${JSON.stringify(trustProxy)}: each forwarded client has its own count`, async (t) => {
      const app = await buildTestApp(t, { token: ADMIN, trustProxy: trustProxy as never, rateLimit: { authFailuresMax: 2 } });
      const proxy = from(app, '10.0.0.5');
      for (let i = 0; i < 2; i++) t.equal((await proxy({ url: '/api/v1/inventory', headers: xff('192.0.2.10') })).statusCode, 401);
      const blocked = await proxy({ url: '/api/v1/inventory', headers: xff('192.0.2.10') });
      isRateLimited(t, blocked, 'the forwarded client');
      t.match(blocked.json().detail, /192\.0\.2\.10/);
      const other = await proxy({ url: '/api/v1/inventory', headers: { ...bearer(ADMIN), 'x-forwarded-for': '192.0.2.20' } });
      t.equal(other.statusCode, 200, 'another client behind the same proxy goes on', { body: other.body });
    });
  }
  await t.test('an untrusted peer cannot use the header', async (t) => {
    const app = await buildTestApp(t, { token: ADMIN, trustProxy: ['10.0.0.0/8'], rateLimit: { authFailuresMax: 1 } });
    const outsider = from(app, '203.0.113.50');
    t.equal((await outsider({ url: '/api/v1/inventory', headers: xff('192.0.2.30') })).statusCode, 401);
    const res = await outsider({ url: '/api/v1/inventory', headers: xff('192.0.2.31') });
    isRateLimited(t, res, 'forged header from an untrusted peer');
    t.match(res.json().detail, /203\.0\.113\.50/);
  });
});

t.test('the 429 is documented on every /api operation, with Retry-After', async (t) => {
  const app = await buildTestApp(t);
  const doc = app.swagger() as any;
  const ops = Object.entries(doc.paths as Record<string, Record<string, any>>).filter(([p]) => p.startsWith('/api/'))
    .flatMap(([p, item]) => Object.entries(item).map(([m, op]) => ({ where: `${m.toUpperCase()} ${p}`, op })));
  t.ok(ops.length > 10);
  t.same(ops.filter((o) => !o.op.responses?.['429']?.headers?.['Retry-After']).map((o) => o.where), [], 'every /api operation documents 429 with Retry-After');
});
