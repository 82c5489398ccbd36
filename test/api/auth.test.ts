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
