/**
 * Issue 16 item 1: authentication on by default with API tokens. Token lifecycle through /api/v1/tokens, the
 * hash-only store, expiry, the first-start admin token (file and log line), CAPSTAN_TOKEN winning, roles
 * against a read, a run and token management, `auth: off` only on loopback, the Host header check and the
 * endpoints that stay open.
 */
import { readFileSync, statSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { loadConfig } from '../../src/config/load.js';
import { hostAllowed, hostName } from '../../src/core/host-check.js';
import { buildTestApp, tempDir, type TestContext } from '../helper.js';
import { captureLogs } from '../observability.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** An auth-on app with no configured token: the first admin token is in <dataDir>/admin-token. */
async function authApp(t: TestContext, overrides: Record<string, unknown> = {}, logs = captureLogs()) {
  const dataDir = tempDir();
  const app = await buildTestApp(t, { auth: 'on', dataDir, logLevel: 'info', ...overrides }, { logStream: logs.stream });
  const file = join(dataDir, 'admin-token');
  const admin = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  return { app, dataDir, admin, logs, file };
}

t.test('first start: an admin token is created, written to <dataDir>/admin-token (0600) and logged once', async (t) => {
  const { app, admin, logs, file, dataDir } = await authApp(t);
  t.match(admin, /^cap_[A-Za-z0-9_-]{43}$/, 'cap_ + 256 bits in base64url');
  t.equal(statSync(file).mode & 0o777, 0o600, 'mode 0600');
  const shown = logs.lines.filter((l) => typeof l.msg === 'string' && l.msg.includes(admin));
  t.equal(shown.length, 1, 'the secret is logged exactly once');
  t.equal((await app.inject({ url: '/api/v1/plugins', headers: bearer(admin) })).statusCode, 200, 'the admin token works');
  t.equal((await app.inject({ url: '/api/v1/plugins' })).statusCode, 401, 'auth is on by default');
  await app.close();
  // A second start on the same data dir creates nothing and shows nothing.
  const again = captureLogs();
  const second = await buildTestApp(t, { auth: 'on', dataDir, logLevel: 'info' }, { logStream: again.stream });
  t.equal(readFileSync(file, 'utf8').trim(), admin, 'the file is not rewritten');
  t.notOk(again.lines.some((l) => /admin token/.test(String(l.msg))), 'nothing logged on the second start');
  const list = await second.inject({ url: '/api/v1/tokens', headers: bearer(admin) });
  t.equal(list.json().items.length, 1, 'still one token');
});

t.test('CAPSTAN_TOKEN (config token) wins: no admin token is created, no file written', async (t) => {
  const dataDir = tempDir();
  const app = await buildTestApp(t, { auth: 'on', dataDir, token: 'configured-admin-token-1' });
  t.notOk(existsSync(join(dataDir, 'admin-token')), 'no file');
  const list = await app.inject({ url: '/api/v1/tokens', headers: bearer('configured-admin-token-1') });
  t.equal(list.statusCode, 200);
  t.same(list.json().items, [], 'no stored token');
  const env = loadConfig({ env: { CAPSTAN_TOKEN: 'from-the-environment', CAPSTAN_DATA_DIR: dataDir } });
  t.equal(env.token, 'from-the-environment', 'CAPSTAN_TOKEN names the admin token');
  t.equal(env.auth, 'on', 'auth is on by default');
});

t.test('token lifecycle: create -> secret once -> use -> last used -> list without secret -> revoke -> 401', async (t) => {
  const { app, admin, dataDir } = await authApp(t);
  const created = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: bearer(admin), payload: { name: 'dash', roles: ['viewer'] } });
  t.equal(created.statusCode, 201, created.body);
  const body = created.json();
  t.match(body, { name: 'dash', roles: ['viewer'], owner: 'admin', scope: null, lastUsedAt: null, expiresAt: null, revokedAt: null });
  t.match(body.token, /^cap_/);
  t.equal(created.headers.location, `/api/v1/tokens/${body.id}`);

  const read = await app.inject({ url: '/api/v1/inventory', headers: bearer(body.token) });
  t.equal(read.statusCode, 200, 'the new token reads');
  const list = await app.inject({ url: '/api/v1/tokens', headers: bearer(admin) });
  t.equal(list.statusCode, 200);
  const listed = list.json().items.find((i: any) => i.id === body.id);
  t.ok(listed.lastUsedAt, 'last used recorded');
  t.notOk('token' in listed, 'no secret in the list');
  t.notOk(list.body.includes(body.token), 'the secret appears nowhere in the list');
  t.notOk(list.body.includes(admin), 'nor the admin secret');

  // Hash only: the secret is in no file of the data dir (db, WAL, shm).
  for (const f of readdirSync(dataDir).filter((f) => f.startsWith('capstan.db'))) {
    t.notOk(readFileSync(join(dataDir, f)).includes(body.token.slice(4)), `${f} does not hold the secret`);
  }

  const del = await app.inject({ method: 'DELETE', url: `/api/v1/tokens/${body.id}`, headers: bearer(admin) });
  t.equal(del.statusCode, 204);
  const after = await app.inject({ url: '/api/v1/inventory', headers: bearer(body.token) });
  t.equal(after.statusCode, 401, 'revoked: 401');
  t.match(after.headers['www-authenticate'], /error="invalid_token"/);
  t.match(after.json().detail, /revoked/);
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/tokens/${body.id}`, headers: bearer(admin) })).statusCode, 204, 'revoking again: no-op');
  const unknown = await app.inject({ method: 'DELETE', url: '/api/v1/tokens/no-such-id', headers: bearer(admin) });
  t.equal(unknown.statusCode, 404);
  t.equal(unknown.json().code, 'CAPSTAN_ERR_TOKEN_NOT_FOUND');
  t.ok((await app.inject({ url: '/api/v1/tokens', headers: bearer(admin) })).json().items.find((i: any) => i.id === body.id).revokedAt, 'listed as revoked');
});

t.test('expiry: an expired token is a 401; expiresAt in the past is refused', async (t) => {
  const { app, admin } = await authApp(t);
  const soon = new Date(Date.now() + 1500).toISOString();
  const created = (await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: bearer(admin), payload: { name: 'short', roles: ['viewer'], expiresAt: soon } })).json();
  t.equal(created.expiresAt, soon);
  t.equal((await app.inject({ url: '/api/v1/inventory', headers: bearer(created.token) })).statusCode, 200, 'valid before expiry');
  await new Promise((r) => setTimeout(r, Date.parse(soon) - Date.now() + 50));
  const expired = await app.inject({ url: '/api/v1/inventory', headers: bearer(created.token) });
  t.equal(expired.statusCode, 401);
  t.match(expired.json().detail, /expired/);
  const past = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: bearer(admin), payload: { name: 'old', roles: ['viewer'], expiresAt: '2020-01-01T00:00:00Z' } });
  t.equal(past.statusCode, 400);
  t.same(past.json().errors.map((e: any) => e.pointer), ['/expiresAt']);
  const bad = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: bearer(admin), payload: { name: 'x', roles: ['root'] } });
  t.equal(bad.statusCode, 400, 'unknown role');
});

t.test('roles: viewer, operator, admin against a read, a run and token management', async (t) => {
  // `remote` is an ssh target nothing listens for: runs there fail at once, but a non-admin may start them.
  const dir = t.testdir({ 'inventory.yaml': 'targets:\n  - localhost\n  - { name: remote, uri: "127.0.0.1:1" }\n' });
  const { app, admin } = await authApp(t, { plugins: { ssh: { inventoryFile: join(dir, 'inventory.yaml'), connectTimeoutSeconds: 2 } } });
  const make = async (name: string, roles: string[], scope?: string[]) =>
    (await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: bearer(admin), payload: { name, roles, ...(scope ? { scope } : {}) } })).json().token as string;
  const viewer = await make('viewer', ['viewer']);
  const operator = await make('operator', ['operator']);
  const scoped = await make('scoped', ['operator'], ['localhost']);
  const run = (target: string) => ({ capability: 'command.execute', targets: [target], params: { command: 'true' } });
  const post = (token: string, target: string) => app.inject({ method: 'POST', url: '/api/v1/executions', headers: bearer(token), payload: run(target) });

  for (const token of [viewer, operator, admin]) t.equal((await app.inject({ url: '/api/v1/inventory', headers: bearer(token) })).statusCode, 200, 'everyone reads');

  const denied = await post(viewer, 'remote');
  t.equal(denied.statusCode, 403, 'viewer may not run');
  t.match(denied.headers['content-type'], /problem\+json/);
  t.same(denied.json().missingPermissions, ['command.execute']);
  t.match(denied.headers['www-authenticate'], /insufficient_scope/);
  const ran = await post(operator, 'remote');
  t.equal(ran.statusCode, 202, 'operator runs on a remote node');
  t.equal(ran.json().principal, 'operator', 'the run records the token name');
  t.same((await post(operator, 'localhost')).json().missingPermissions, ['*'], 'operator may not run as the server account');
  const local = await post(admin, 'localhost');
  t.equal(local.statusCode, 202, 'admin runs anywhere');
  await app.inject({ url: `/api/v1/executions/${local.json().id}/wait?timeout=30`, headers: bearer(admin) });
  const outside = await post(scoped, 'remote');
  t.equal(outside.statusCode, 403, 'a scope narrows where the roles apply');
  t.match(outside.json(), { code: 'CAPSTAN_ERR_AUTH_TARGET_OUTSIDE_SCOPE', targets: ['remote'], capability: 'command.execute' });
  t.equal((await app.inject({ url: '/api/v1/inventory', headers: bearer(scoped) })).statusCode, 200, 'reads across nodes stay allowed');

  for (const token of [viewer, operator]) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: bearer(token), payload: { name: 'x', roles: ['admin'] } });
    t.equal(res.statusCode, 403, 'only admins manage tokens');
    t.same(res.json().missingPermissions, ['*']);
    t.equal((await app.inject({ url: '/api/v1/tokens', headers: bearer(token) })).statusCode, 403);
    const del = await app.inject({ method: 'DELETE', url: '/api/v1/tokens/any-id', headers: bearer(token) });
    t.equal(del.statusCode, 403, 'nor revoke (403 before a 404 tells what exists)');
    t.same(del.json().missingPermissions, ['*']);
  }
  const none = await app.inject({ method: 'POST', url: '/api/v1/tokens', payload: { name: 'x', roles: ['admin'] } });
  t.equal(none.statusCode, 401, 'no token: 401');
  t.equal(none.json().code, 'CAPSTAN_ERR_AUTH_REQUIRED');
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/executions', payload: run('remote') })).statusCode, 401);
  await app.inject({ url: `/api/v1/executions/${ran.json().id}/wait?timeout=30`, headers: bearer(admin) });
});

t.test('open endpoints stay open with auth on; /metrics can be closed', async (t) => {
  const { app } = await authApp(t);
  for (const url of ['/health/live', '/health/ready', '/metrics', '/openapi.json', '/docs/']) {
    const res = await app.inject({ url });
    t.ok(res.statusCode < 400, `${url}: ${res.statusCode}`);
  }
  const { app: closed, admin } = await authApp(t, { openMetrics: false });
  t.equal((await closed.inject({ url: '/metrics' })).statusCode, 401, 'openMetrics: false');
  t.equal((await closed.inject({ url: '/metrics', headers: bearer(admin) })).statusCode, 200);
});

t.test('auth off: only on a loopback listener, with a warning', async (t) => {
  for (const host of ['0.0.0.0', '10.1.2.3', '::']) {
    t.throws(() => loadConfig({ env: { CAPSTAN_AUTH: 'off', CAPSTAN_HOST: host } }), { code: 'CAPSTAN_ERR_CONFIG_INVALID', message: /auth is off .* not a loopback address/ }, host);
  }
  for (const host of ['127.0.0.1', '::1', 'localhost', '127.0.0.2']) {
    t.equal(loadConfig({ env: { CAPSTAN_AUTH: 'off', CAPSTAN_HOST: host } }).auth, 'off', host);
  }
  const logs = captureLogs();
  const app = await buildTestApp(t, { auth: 'off', logLevel: 'info' }, { logStream: logs.stream });
  t.ok(logs.lines.some((l) => l.level === 40 && /authentication is off/.test(l.msg)), 'a warning is logged');
  t.equal((await app.inject({ url: '/api/v1/tokens' })).statusCode, 200, 'every caller is admin');
});

t.test('Host header: loopback names, the listen address and allowedHosts pass; anything else is a 421 problem', async (t) => {
  const { app, admin } = await authApp(t, { allowedHosts: ['capstan.example.com'] });
  for (const host of ['localhost', 'localhost:3000', '127.0.0.1', '127.0.0.1:8080', '127.9.9.9', '[::1]', '[::1]:3000', 'capstan.example.com', 'CAPSTAN.example.com:443']) {
    t.equal((await app.inject({ url: '/api/v1/plugins', headers: { host, ...bearer(admin) } })).statusCode, 200, host);
  }
  for (const host of ['evil.example', 'localhost.evil.example', '127.0.0.1.nip.io', '10.0.0.1', '[::2]', 'capstan.example.com.evil']) {
    for (const url of ['/api/v1/plugins', '/openapi.json', '/metrics']) {
      const res = await app.inject({ url, headers: { host, ...bearer(admin) } });
      t.equal(res.statusCode, 421, `${host} ${url}`);
      t.match(res.headers['content-type'], /^application\/problem\+json/);
      t.equal(res.json().code, 'CAPSTAN_ERR_REQUEST_HOST_NOT_ALLOWED');
    }
  }
  t.equal((await app.inject({ url: '/health/live', headers: { host: '10.0.0.7:3000' } })).statusCode, 200, 'probes are exempt');
  const off = await buildTestApp(t, { auth: 'off' });
  t.equal((await off.inject({ url: '/api/v1/plugins', headers: { host: 'rebound.evil.example' } })).statusCode, 421, 'checked with auth off too');

  t.equal(hostName('Example.COM.:80'), 'example.com');
  t.equal(hostName('[::1]:80'), '[::1]');
  t.equal(hostName('a b'), undefined);
  t.ok(hostAllowed('10.0.0.5:3000', [], '10.0.0.5'), 'the listen address');
  t.notOk(hostAllowed('0.0.0.0', [], '0.0.0.0'), 'not a wildcard listen address');
  t.ok(hostAllowed('anything', ['*'], '0.0.0.0'), '* turns the check off');
  t.notOk(hostAllowed(undefined, [], '127.0.0.1'), 'no Host header');
});
