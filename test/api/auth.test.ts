/** Bearer token: every /api route needs it, however the path is spelled; probes and docs stay open. */
import t from 'tap';
import { buildTestApp } from '../helper.js';

t.test('token required on /api, including percent-encoded and unknown paths', async (t) => {
  const app = await buildTestApp(t, { token: 'secret-token-123' });
  const body = { capability: 'command.execute', targets: ['localhost'], params: { command: 'true' } };
  for (const url of ['/api/v1/executions', '/%61pi/v1/executions', '/api/v1/%65xecutions']) {
    const res = await app.inject({ method: 'POST', url, payload: body });
    t.equal(res.statusCode, 401, `${url} without token`);
    t.equal(res.json().code, 'CAPSTAN_ERR_AUTH_REQUIRED');
  }
  t.equal((await app.inject({ url: '/api/v1/nope' })).statusCode, 401, 'unknown /api paths need the token too');
  t.equal((await app.inject({ url: '/api/v1/plugins', headers: { authorization: 'Bearer wrong-token-1234' } })).statusCode, 401);
  t.equal((await app.inject({ url: '/api/v1/plugins', headers: { authorization: 'Bearer secret-token-123' } })).statusCode, 200);
  t.equal((await app.inject({ url: '/%61pi/v1/plugins', headers: { authorization: 'Bearer secret-token-123' } })).statusCode, 200);
  for (const url of ['/health/live', '/health/ready', '/metrics', '/openapi.json']) {
    t.equal((await app.inject({ url })).statusCode, 200, `${url} stays open`);
  }
});

t.test('401 carries WWW-Authenticate: Bearer (RFC 6750), invalid_token only when a bearer token was sent', async (t) => {
  const app = await buildTestApp(t, { token: 'secret-token-123' });
  const none = await app.inject({ url: '/api/v1/plugins' });
  t.equal(none.statusCode, 401);
  t.equal(none.headers['www-authenticate'], 'Bearer realm="capstan"', 'no credentials: a bare challenge, no error code');
  t.match(none.headers['content-type'], /^application\/problem\+json/);
  const basic = await app.inject({ url: '/api/v1/plugins', headers: { authorization: 'Basic dXNlcjpwYXNz' } });
  t.equal(basic.statusCode, 401);
  t.equal(basic.headers['www-authenticate'], 'Bearer realm="capstan"', 'another scheme: a bare challenge');
  const wrong = await app.inject({ url: '/api/v1/plugins', headers: { authorization: 'Bearer wrong-token-1234' } });
  t.equal(wrong.statusCode, 401);
  t.equal(wrong.headers['www-authenticate'], 'Bearer realm="capstan", error="invalid_token", error_description="The bearer token is not valid."');
  t.equal(wrong.json().code, 'CAPSTAN_ERR_AUTH_REQUIRED');
  const unknown = await app.inject({ url: '/api/v1/nope' });
  t.equal(unknown.headers['www-authenticate'], 'Bearer realm="capstan"', 'unknown /api paths challenge too');
  for (const url of ['/health/live', '/metrics', '/openapi.json']) {
    t.notOk((await app.inject({ url })).headers['www-authenticate'], `${url}: no challenge`);
  }
});

t.test('the Bearer scheme name is case-insensitive (RFC 9110 §11.1); the token is not', async (t) => {
  const app = await buildTestApp(t, { token: 'secret-token-123' });
  for (const authorization of ['Bearer secret-token-123', 'bearer secret-token-123', 'BEARER secret-token-123', 'bEaReR  secret-token-123']) {
    t.equal((await app.inject({ url: '/api/v1/plugins', headers: { authorization } })).statusCode, 200, authorization);
  }
  for (const authorization of ['Bearer SECRET-TOKEN-123', 'Bearer', 'Bearer ', 'Bearersecret-token-123', 'secret-token-123', 'Bearer secret-token-123 extra']) {
    t.equal((await app.inject({ url: '/api/v1/plugins', headers: { authorization } })).statusCode, 401, JSON.stringify(authorization));
  }
});

t.test('403 for a missing permission carries error="insufficient_scope"', async (t) => {
  const app = await buildTestApp(t, { tokens: [{ name: 'reader', token: 'reader-token-0123456789', permissions: ['risk:read'] }] });
  const res = await app.inject({
    method: 'POST', url: '/api/v1/executions', headers: { authorization: 'bearer reader-token-0123456789' },
    payload: { capability: 'command.execute', targets: ['localhost'], params: { command: 'true' } },
  });
  t.equal(res.statusCode, 403);
  t.equal(res.json().code, 'CAPSTAN_ERR_AUTH_FORBIDDEN');
  t.same(res.json().missingPermissions, ['command.execute']);
  t.equal(res.headers['www-authenticate'], 'Bearer realm="capstan", error="insufficient_scope"');
  const ok = await app.inject({ url: '/api/v1/plugins', headers: { authorization: 'Bearer reader-token-0123456789' } });
  t.equal(ok.statusCode, 200);
  t.notOk(ok.headers['www-authenticate'], 'no challenge on success');
});

t.test('without configured tokens nothing is challenged', async (t) => {
  const app = await buildTestApp(t);
  const res = await app.inject({ url: '/api/v1/plugins' });
  t.equal(res.statusCode, 200);
  t.notOk(res.headers['www-authenticate']);
});
