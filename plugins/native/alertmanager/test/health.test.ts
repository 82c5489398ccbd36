/**
 * What health says about an Alertmanager that is not there or not right, and what the alert routes answer
 * then: nothing listening, credentials refused (401), a web server that is not an Alertmanager, a cluster
 * still settling. Stand-ins are small HTTP servers on this plugin's loopback address 127.0.0.73 (the status
 * body is the recorded Alertmanager 0.25 answer, shared/reference/alertmanager-outputs/status.json). They
 * also check the credentials sent, and that no secret reaches a message.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import t from 'tap';
import { buildTestApp, type TestContext } from '../../../../test/helper.js';
import { AlertmanagerConfigSchema, type AlertmanagerConfig } from '../config.js';
import { AlertmanagerPlugin } from '../plugin.js';

const HOST = '127.0.0.73';
const STATUS = readFileSync(join(import.meta.dirname, 'fixtures', 'recorded-status.json'), 'utf8');
const SECRET = 'am-secret-password-123';

/** A stand-in answering every request with `answer`; closed (connections first) in teardown. */
async function standIn(t: TestContext, answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server: Server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  return `http://${HOST}:${(server.address() as { port: number }).port}`;
}

async function health(app: FastifyInstance) {
  return (await app.inject({ url: '/api/v1/plugins/alertmanager' })).json().health;
}

t.test('unreachable, 401, not an Alertmanager, cluster settling, healthy with basic auth', async (t) => {
  const deadPort = await (async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, HOST, r));
    const { port } = s.address() as { port: number };
    await new Promise((r) => s.close(r));
    return port;
  })();
  const refusing = await standIn(t, (_req, res) => { res.writeHead(401, { 'www-authenticate': 'Basic' }).end('Unauthorized'); });
  const html = await standIn(t, (_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'); });
  const settling = await standIn(t, (_req, res) => {
    const body = JSON.parse(STATUS);
    body.cluster = { status: 'settling', peers: [{ name: 'a', address: '10.0.0.1:9094' }] };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  let auth: string | undefined;
  const good = await standIn(t, (req, res) => {
    auth = req.headers.authorization;
    if (req.url?.startsWith('/am/api/v2/status')) res.writeHead(200, { 'content-type': 'application/json' }).end(STATUS);
    else res.writeHead(404).end();
  });

  // One app per Alertmanager would take seconds each: these checks call the plugin's health check directly.
  const check = async (cfg: Record<string, unknown>) => {
    const config = Value.Default(AlertmanagerConfigSchema, Value.Convert(AlertmanagerConfigSchema, cfg)) as AlertmanagerConfig;
    const p = new AlertmanagerPlugin(config, pino({ level: 'silent' }));
    await p.initialize();
    try {
      return await p.healthCheck();
    } finally {
      await p.shutdown();
    }
  };

  t.match(await check({ url: `http://${HOST}:${deadPort}`, timeoutMs: 1000 }), { status: 'unhealthy', message: new RegExp(`Alertmanager at http://127\\.0\\.0\\.73:${deadPort} is unreachable: .*ECONNREFUSED`) });
  const denied = await check({ url: refusing, username: 'capstan', password: SECRET });
  t.match(denied, { status: 'unhealthy', message: /refused Capstan's credentials \(HTTP 401\)/ });
  t.notMatch(JSON.stringify(denied), SECRET, 'the password is in no message');
  t.match(await check({ url: html }), { status: 'unhealthy', message: /api\/v2\/status is not an Alertmanager with API v2 \(HTTP 200, not JSON\)/ });
  t.match(await check({ url: settling }), { status: 'degraded', message: /cluster not ready \(settling\)/, details: { cluster: 'settling', peers: 1 } });
  const ok = await check({ url: `${good.replace('http://', `http://capstan:${SECRET}@`)}/am` });
  t.match(ok, { status: 'healthy', message: `Alertmanager 0.25.0 at ${good}/am is up (cluster disabled)`, details: { version: '0.25.0' } });
  t.equal(auth, `Basic ${Buffer.from(`capstan:${SECRET}`).toString('base64')}`, 'credentials of the URL sent as basic auth');
  t.notMatch(JSON.stringify(ok), SECRET);
  await check({ url: good.replace(/$/, '/am'), bearerToken: SECRET });
  t.equal(auth, `Bearer ${SECRET}`, 'bearer token sent');
});

t.test('Alertmanager down: health names it, the alert list reports the source failed (no 500)', async (t) => {
  const app = await buildTestApp(t, { plugins: { alertmanager: { url: `http://${HOST}:1`, timeoutMs: 1000 } } });
  t.match(await health(app), { status: 'unhealthy', message: /Alertmanager at http:\/\/127\.0\.0\.73:1 is unreachable: .*ECONNREFUSED/ });
  const res = await app.inject({ url: '/api/v1/alerts' });
  t.equal(res.statusCode, 200);
  t.match(res.json(), { items: [], sources: [{ source: 'alertmanager', status: 'error', error: { detail: /ECONNREFUSED/ } }] });
  const one = await app.inject({ url: '/api/v1/alerts/22c138c9b32fefc0' });
  t.not(one.statusCode, 500, 'get: not a 500');
  const ack = await app.inject({ method: 'POST', url: '/api/v1/alerts/22c138c9b32fefc0/acknowledge', payload: {} });
  t.not(ack.statusCode, 500, 'acknowledge: not a 500');
});
