/**
 * Contract tests of every puppetserver capability through the HTTP API against a REAL Puppetserver: the
 * testbed named by CAPSTAN_TEST_PUPPET_ENV (scripts/testbed/puppet-up.sh; .ci/run starts it). Without the
 * variable these tests skip and say why; with it, a stack that does not answer fails them.
 * The registry checks every answer against its contract schema, so a 200 here is also a schema check.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, type TestContext } from '../../../../test/helper.js';
import { freeLoopbackPort } from '../../../../test/ports.js';
import { puppetTestbed, puppetTestbedSkipReason, type PuppetTestbed } from '../../../../test/testbed/puppet-env.js';

const ADMIN = 'admin-token-puppetserver-0123456789';
const READER = 'reader-token-puppetserver-0123456789';
const as = (token: string) => ({ authorization: `Bearer ${token}` });

async function appFor(t: TestContext, tb: PuppetTestbed, over: Record<string, unknown> = {}): Promise<FastifyInstance> {
  return buildTestApp(t, {
    plugins: { puppetserver: { enabled: true, url: tb.serverUrl, ca: tb.ca, cert: tb.cert, key: tb.key, ...over } },
    token: ADMIN,
    tokens: [{ name: 'reader', token: READER, permissions: ['risk:read'] }],
  });
}

const invoke = (app: FastifyInstance, name: string, payload: object = {}, token = ADMIN) =>
  app.inject({ method: 'POST', url: `/api/v1/capabilities/${name}/invoke`, headers: as(token), payload });

/** Submits a CSR for `name` as a new agent would (PUT certificate_request needs no client certificate). */
async function submitCsr(tb: PuppetTestbed, dir: string, name: string): Promise<void> {
  execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`,
    '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.csr`)], { stdio: 'ignore' });
  const csr = readFileSync(join(dir, `${name}.csr`));
  const status = await new Promise<number>((resolve, reject) => {
    const req = https.request(new URL(`/puppet-ca/v1/certificate_request/${name}`, tb.serverUrl), {
      method: 'PUT', ca: readFileSync(tb.ca), headers: { 'Content-Type': 'text/plain', 'Content-Length': csr.length },
    }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
    req.on('error', reject);
    req.end(csr);
  });
  if (status !== 200) throw new Error(`CSR for ${name} answered HTTP ${status}`);
}

t.test('puppetserver capabilities against the real Puppet testbed', { skip: puppetTestbedSkipReason() }, async (t) => {
  const tb = puppetTestbed();
  const app = await appFor(t, tb);

  t.test('the plugin is ready and healthy (a stack that does not answer fails here)', async (t) => {
    const res = await app.inject({ url: '/api/v1/plugins/puppetserver', headers: as(ADMIN) });
    t.equal(res.statusCode, 200);
    t.match(res.json(), { state: 'ready', health: { status: 'healthy' } }, `health: ${JSON.stringify(res.json().health)}`);
  });

  t.test('configserver.status: services and the JRuby pool', async (t) => {
    const res = await invoke(app, 'configserver.status', {}, READER);
    t.equal(res.statusCode, 200, res.body);
    const s = res.json().result;
    t.equal(res.json().provider, 'puppetserver');
    t.equal(s.state, 'running');
    t.match(s.version, /^\d+\.\d+\.\d+$/);
    for (const name of ['ca', 'jruby-metrics', 'server', 'status-service']) t.ok(s.services.some((x: { name: string }) => x.name === name), `service ${name}`);
    t.ok(s.jruby && s.jruby.instances >= 1, 'at least one JRuby');
    t.ok(s.jruby.free <= s.jruby.instances);
  });

  t.test('configserver.environments: settings, classes, modules; one; unknown', async (t) => {
    const res = await invoke(app, 'configserver.environments', {}, READER);
    t.equal(res.statusCode, 200, res.body);
    const envs = res.json().result.environments;
    t.same(envs.map((e: { name: string }) => e.name), [...tb.environments].sort());
    const prod = envs.find((e: { name: string }) => e.name === 'production');
    t.match(prod.manifest, /environments\/production\/manifests$/);
    t.ok(prod.modulepath.length >= 1);
    t.ok(Array.isArray(prod.classes) && Array.isArray(prod.modules));
    if (tb.vars.PUPPET_DEMO_MODULE) {
      t.same(prod.modules, [{ name: tb.vars.PUPPET_DEMO_MODULE, version: '1.2.3' }]);
      const motd = prod.classes.find((c: { name: string }) => c.name === 'capstan_demo::motd');
      t.match(motd, { file: /capstan_demo\/manifests\/motd\.pp$/ });
      t.same(motd.params.find((p: { name: string }) => p.name === 'ensure'), { name: 'ensure', type: "Enum['absent', 'file']", defaultSource: "'file'" });
    }
    const one = await invoke(app, 'configserver.environments', { environment: 'staging' }, READER);
    t.same(one.json().result.environments.map((e: { name: string }) => e.name), ['staging']);
    const unknown = await invoke(app, 'configserver.environments', { environment: 'nosuch' }, READER);
    t.equal(unknown.statusCode, 404);
    t.equal(unknown.json().code, 'CAPSTAN_ERR_ENVIRONMENT_NOT_FOUND');
  });

  t.test('configserver.compile', async (t) => {
    const node = tb.nodes[0];
    const res = await invoke(app, 'configserver.compile', { node });
    if (!tb.catalogV4) {
      // The packaged auth.conf denies v4 catalogs to everyone: a typed gateway error that says where to look.
      t.equal(res.statusCode, 502, res.body);
      t.equal(res.json().code, 'CAPSTAN_ERR_TARGET_AUTH_FAILED');
      return;
    }
    t.equal(res.statusCode, 200, res.body);
    const c = res.json().result;
    t.match(c, { node, environment: 'production', stored: false });
    t.ok(c.resources.some((r: { type: string; title: string }) => r.type === 'Class' && r.title === 'main'));
    t.ok(c.edges.length > 0);
    t.equal((await invoke(app, 'configserver.compile', { node }, READER)).statusCode, 403, 'a write: risk:read may not compile');
    const badEnv = await invoke(app, 'configserver.compile', { node, environment: 'nosuch' });
    t.equal(badEnv.statusCode, 404, badEnv.body);
    t.equal(badEnv.json().code, 'CAPSTAN_ERR_ENVIRONMENT_NOT_FOUND');

    const given = await invoke(app, 'configserver.compile', { node, facts: { kernel: 'Linux', os: { family: 'Debian' } } });
    t.equal(given.statusCode, 200, given.body);
    t.ok(given.json().result.resources.some((r: { title: string }) => r.title.endsWith(`/${node}/motd`)), 'given facts: trusted certname still the node');

    // store=true: with storeconfigs on the server hands the catalog to PuppetDB, which stores it asynchronously.
    const stored = (await invoke(app, 'configserver.compile', { node, store: true })).json().result;
    t.equal(stored.stored, true);
    let seen = '';
    for (let i = 0; i < 60 && seen !== stored.catalogUuid; i++) {
      const r = await fetch(`${tb.puppetdbUrl}/pdb/query/v4/catalogs/${node}`);
      seen = r.ok ? ((await r.json()) as { catalog_uuid: string }).catalog_uuid : '';
      if (seen !== stored.catalogUuid) await new Promise((r) => setTimeout(r, 500));
    }
    t.equal(seen, stored.catalogUuid, 'PuppetDB holds the compiled catalog as the node\'s latest');
  });

  t.test('configserver.flush is admin-risk and empties the environment cache', async (t) => {
    const denied = await invoke(app, 'configserver.flush', {}, READER);
    t.equal(denied.statusCode, 403);
    t.same(denied.json().missingPermissions, ['configserver.flush']);
    const res = await invoke(app, 'configserver.flush', { environment: 'production' });
    if (tb.vars.PUPPETSERVER_ADMIN_API !== 'allowed') {
      t.equal(res.statusCode, 502, res.body);
      t.equal(res.json().code, 'CAPSTAN_ERR_TARGET_AUTH_FAILED');
      return;
    }
    t.equal(res.statusCode, 200, res.body);
    t.match(res.json().result, { flushed: 'production', flushedAt: String });
    t.equal((await invoke(app, 'configserver.flush', {})).json().result.flushed, null);
  });

  t.test('certificate.list', async (t) => {
    const res = await invoke(app, 'certificate.list', {}, READER);
    t.equal(res.statusCode, 200, res.body);
    const certs = res.json().result.certificates;
    for (const name of ['localhost', ...tb.nodes]) t.match(certs.find((c: { name: string }) => c.name === name), { state: 'signed', fingerprint: /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/ }, name);
    t.match(certs.find((c: { name: string }) => c.name === 'localhost'), { authorizationExtensions: { pp_cli_auth: 'true' } });
    const signed = (await invoke(app, 'certificate.list', { state: 'signed' }, READER)).json().result.certificates;
    t.ok(signed.length >= tb.nodes.length && signed.every((c: { state: string }) => c.state === 'signed'), 'state filter');
  });

  t.test('certificate.sign, revoke and clean on a fresh request', async (t) => {
    const dir = t.testdir();
    const name = `capstan-ca-test-${randomBytes(4).toString('hex')}`;
    await submitCsr(tb, dir, name);
    const state = async () => (await invoke(app, 'certificate.list', {}, READER)).json().result.certificates.find((c: { name: string }) => c.name === name)?.state;
    t.teardown(async () => { await invoke(app, 'certificate.clean', { name }); });

    for (const cap of ['certificate.sign', 'certificate.revoke', 'certificate.clean']) {
      const denied = await invoke(app, cap, { name }, READER);
      t.equal(denied.statusCode, 403, `${cap} needs more than risk:read`);
    }
    if (tb.autosign === 'policy') {
      t.equal(await state(), 'requested', 'not autosigned');
      const signed = await invoke(app, 'certificate.sign', { name });
      t.equal(signed.statusCode, 200, signed.body);
      t.match(signed.json().result, { name, certificate: { name, state: 'signed', serialNumber: Number } });
    } else {
      t.equal(await state(), 'signed', 'this CA autosigns every request');
    }
    const again = await invoke(app, 'certificate.sign', { name });
    t.equal(again.statusCode, 409, again.body);
    t.equal(again.json().code, 'CAPSTAN_ERR_CERTIFICATE_STATE_CONFLICT');

    const revoked = await invoke(app, 'certificate.revoke', { name });
    t.equal(revoked.statusCode, 200, revoked.body);
    t.equal(revoked.json().result.certificate.state, 'revoked');
    t.equal(await state(), 'revoked');

    const cleaned = await invoke(app, 'certificate.clean', { name });
    t.equal(cleaned.statusCode, 200, cleaned.body);
    t.same(cleaned.json().result.certificate, null);
    t.equal(await state(), undefined, 'gone from the CA');

    for (const cap of ['certificate.sign', 'certificate.revoke', 'certificate.clean']) {
      const missing = await invoke(app, cap, { name });
      t.equal(missing.statusCode, 404, `${cap} of an unknown certname`);
      t.equal(missing.json().code, 'CAPSTAN_ERR_CERTIFICATE_NOT_FOUND');
    }
  });

  t.test('the read routes answer what the capabilities answer', async (t) => {
    const get = (url: string) => app.inject({ url, headers: as(READER) });
    const status = await get('/api/v1/config-server/status');
    t.equal(status.statusCode, 200, status.body);
    t.match(status.json(), { state: 'running', jruby: { instances: Number } });
    const staging = await get('/api/v1/config-server/environments?environment=staging');
    t.equal(staging.statusCode, 200, staging.body);
    t.same(staging.json().environments.map((e: { name: string }) => e.name), ['staging']);
    const unknown = await get('/api/v1/config-server/environments?environment=nosuch');
    t.equal(unknown.statusCode, 404);
    t.equal(unknown.json().code, 'CAPSTAN_ERR_ENVIRONMENT_NOT_FOUND');
    t.equal((await get('/api/v1/config-server/environments?environment=a-b')).statusCode, 400, 'validated by the contract');
    const certs = await get('/api/v1/certificates?state=signed');
    t.equal(certs.statusCode, 200, certs.body);
    t.ok(certs.json().certificates.some((c: { name: string }) => c.name === tb.nodes[0]));
    t.equal((await get('/api/v1/certificates?state=bogus')).statusCode, 400);
  });

  t.test('a CA file that did not sign the server certificate is a TLS trust error naming the endpoint', async (t) => {
    const dir = t.testdir();
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=not-the-puppet-ca', '-days', '1',
      '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'ca.pem')], { stdio: 'ignore' });
    const other = await appFor(t, tb, { ca: join(dir, 'ca.pem') });
    const res = await other.inject({ url: '/api/v1/plugins/puppetserver', headers: as(ADMIN) });
    t.match(res.json().health, { status: 'unhealthy', message: /GET https:\/\/localhost:\d+\/status\/v1\/services failed: .*TLS failed/ });
  });
});

t.test('an unreachable Puppetserver: unhealthy naming the endpoint, capabilities unavailable (no stack needed)', async (t) => {
  const port = await freeLoopbackPort();
  const app = await buildTestApp(t, { plugins: { puppetserver: { enabled: true, url: `http://127.0.0.1:${port}`, retries: 1 } } });
  const res = await app.inject({ url: '/api/v1/plugins/puppetserver' });
  t.match(res.json(), { state: 'ready', health: { status: 'unhealthy', message: new RegExp(`GET http://127\\.0\\.0\\.1:${port}/status/v1/services failed: .*ECONNREFUSED`) } });
  const status = await invoke(app, 'configserver.status');
  t.equal(status.statusCode, 503);
  t.equal(status.json().code, 'CAPSTAN_ERR_CAPABILITY_NO_PROVIDER');
});
