/**
 * Retries, circuit breaker, timeouts and status mapping of the puppetserver plugin against a scripted HTTP
 * server on loopback (plain http, which the plugin accepts on loopback only). The answers are the recorded
 * ones of a real Puppetserver; only their order and timing are scripted.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pino from 'pino';
import t from 'tap';
import { validateConfig } from '../../../../src/config/load.js';
import type { ExecutionContext } from '../../../../src/core/types.js';
import { helpers } from '../../../../src/helpers/index.js';
import { PuppetserverConfigSchema, type PuppetserverConfig } from '../config.js';
import { PuppetserverPlugin } from '../plugin.js';

const status = readFileSync(join(import.meta.dirname, 'fixtures', 'status-services-debug.json'), 'utf8');
type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

async function serve(t: { teardown(fn: () => unknown): void }, handler: Handler) {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { hits.push(`${req.method} ${req.url}`); handler(req, res, body); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise((r) => { server.closeAllConnections(); server.close(r); }));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

async function pluginFor(t: { teardown(fn: () => unknown): void }, over: Partial<PuppetserverConfig>) {
  const cfg = validateConfig(PuppetserverConfigSchema, { retries: 3, ...over }, 'plugins.puppetserver') as PuppetserverConfig;
  const p = new PuppetserverPlugin(cfg, pino({ level: 'silent' }), helpers);
  await p.initialize();
  t.teardown(() => p.shutdown());
  const ctx = { correlationId: 't', principal: { id: 'test', permissions: ['*'] }, debug: false, signal: new AbortController().signal, logger: pino({ level: 'silent' }), emit: () => {} } as ExecutionContext;
  const run = (name: string, params: object = {}) => p.capabilities().find((c) => c.name === name)!.handler(params as never, ctx);
  return { p, run };
}

const send = (res: ServerResponse, code: number, body: string, type = 'application/json') => { res.writeHead(code, { 'Content-Type': type }); res.end(body); };

t.test('a read is retried through 503s and succeeds', async (t) => {
  let n = 0;
  const srv = await serve(t, (_q, res) => (++n < 3 ? send(res, 503, 'busy', 'text/plain') : send(res, 200, status)));
  const { run } = await pluginFor(t, { url: srv.url });
  const s = await run('configserver.status') as { state: string };
  t.equal(s.state, 'running');
  t.equal(srv.hits.length, 3, 'two 503s, then the answer');
  t.match(srv.hits[0], /^GET \/status\/v1\/services\?level=debug$/);
});

t.test('sign is sent once, and a 409 is a typed conflict with the CA message', async (t) => {
  const srv = await serve(t, (_q, res) => send(res, 409, 'Cannot sign certificate for host node1 without a certificate request', 'text/plain'));
  const { run } = await pluginFor(t, { url: srv.url });
  await t.rejects(run('certificate.sign', { name: 'node1' }), { code: 'CAPSTAN_ERR_CERTIFICATE_STATE_CONFLICT', message: /without a certificate request/ });
  t.same(srv.hits, ['PUT /puppet-ca/v1/certificate_status/node1']);
});

t.test('a compile error is CATALOG_COMPILE_FAILED with the compiler message, not retried', async (t) => {
  const srv = await serve(t, (_q, res) => send(res, 500, 'Server Error: Evaluation Error: Unknown variable: $nope (file: site.pp, line: 2)', 'text/plain'));
  const { run } = await pluginFor(t, { url: srv.url });
  await t.rejects(run('configserver.compile', { node: 'node1', store: false }), { code: 'CAPSTAN_ERR_CATALOG_COMPILE_FAILED', statusCode: 502, message: /Unknown variable/ });
  t.equal(srv.hits.length, 1);
});

t.test('403 is a gateway auth error naming auth.conf; 404 of a certificate is CERTIFICATE_NOT_FOUND', async (t) => {
  const srv = await serve(t, (req, res) => (req.url?.startsWith('/puppet-ca')
    ? send(res, 404, 'Resource not found.', 'text/plain')
    : send(res, 403, 'Forbidden request: /puppet-admin-api/v1/environment-cache (method :delete).', 'text/plain')));
  const { run } = await pluginFor(t, { url: srv.url });
  await t.rejects(run('configserver.flush', {}), { code: 'CAPSTAN_ERR_TARGET_AUTH_FAILED', message: /auth\.conf.*without client certificate/ });
  await t.rejects(run('certificate.revoke', { name: 'ghost' }), { code: 'CAPSTAN_ERR_CERTIFICATE_NOT_FOUND' });
  await t.rejects(run('certificate.clean', { name: 'ghost' }), { code: 'CAPSTAN_ERR_CERTIFICATE_NOT_FOUND' });
  t.notOk(srv.hits.includes('PUT /puppet-ca/v1/clean'), 'clean checks the certificate exists before cleaning');
});

t.test('the breaker opens after consecutive failures and stops calling the server', async (t) => {
  const srv = await serve(t, (_q, res) => send(res, 503, 'down', 'text/plain'));
  const { p, run } = await pluginFor(t, { url: srv.url, retries: 1, breakerThreshold: 2, breakerResetMs: 60_000 });
  await t.rejects(run('configserver.status'), { code: 'CAPSTAN_ERR_UPSTREAM_ERROR', message: /HTTP 503 down/ });
  await t.rejects(run('configserver.status'), { code: 'CAPSTAN_ERR_UPSTREAM_ERROR' });
  const before = srv.hits.length;
  await t.rejects(run('certificate.list'), { message: /circuit 'puppetserver' is open/ });
  t.equal(srv.hits.length, before, 'no request while open');
  t.match(await p.healthCheck(), { status: 'unhealthy', message: /GET http:\/\/127\.0\.0\.1:\d+\/status\/v1\/services failed: .*HTTP 503/ });
});

t.test('a server that does not answer in time is a timeout naming the endpoint', async (t) => {
  const srv = await serve(t, () => { /* never answers */ });
  const { run } = await pluginFor(t, { url: srv.url, timeoutMs: 200, retries: 1 });
  await t.rejects(run('certificate.list'), { category: 'timeout', message: /GET http:\/\/127\.0\.0\.1:\d+\/puppet-ca\/v1\/certificate_statuses\/any: no answer within 200 ms/ });
});
