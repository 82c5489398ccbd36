/**
 * Unit tests of the puppetserver plugin's pure parts on recordings of a real Puppetserver 7.9 (fixtures/):
 * every parser's output validates against its contract schema, and the error mapping of the client is typed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import {
  SHARED_SCHEMAS, Certificate, ConfigServerCompileResult, ConfigServerEnvironmentsResult, ConfigServerStatusResult,
} from '../../../../src/capabilities/index.js';
import { loadConfig, validateConfig } from '../../../../src/config/load.js';
import { CapstanError } from '../../../../src/core/errors.js';
import { jsonOf, loadTls, serverMessage, statusError, transportError } from '../client.js';
import { PuppetserverConfigSchema, type PuppetserverConfig } from '../config.js';
import { caTime, parseCatalog, parseCertificate, parseCertificates, parseClasses, parseEnvironments, parseModules, parseStatus } from '../parse.js';

const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
const ajv = new Ajv({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);
for (const s of SHARED_SCHEMAS) ajv.addSchema(s);
const valid = (schema: { $id?: string }, value: unknown) => {
  const v = ajv.getSchema(schema.$id!)!;
  return v(value) ? true : ajv.errorsText(v.errors);
};

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const json = (name: string) => JSON.parse(fixture(name));
const cfg = (over: Partial<PuppetserverConfig> = {}) => validateConfig(PuppetserverConfigSchema, over, 'plugins.puppetserver') as PuppetserverConfig;

t.test('status: services, worst state, version and the JRuby pool (level=debug)', async (t) => {
  const at = new Date('2026-11-29T19:30:00Z');
  const s = parseStatus(json('status-services-debug.json'), at);
  t.equal(s.state, 'running');
  t.equal(s.version, '7.9.5');
  t.same(s.services.map((x) => x.name), ['ca', 'jruby-metrics', 'master', 'puppet-profiler', 'server', 'status-service']);
  t.same(s.jruby, { instances: 1, free: 1, borrowed: 0, requested: 0, averageWaitMs: 0, averageBorrowMs: 187, borrowTimeouts: 0, queueLimitHits: 0 });
  t.equal(s.checkedAt, '2026-11-29T19:30:00.000Z');
  t.equal(valid(ConfigServerStatusResult, s), true, 'matches ConfigServerStatusResult');

  const info = parseStatus(json('status-services.json'), at);
  t.equal(info.jruby, null, 'level=info carries no pool metrics');
  t.equal(valid(ConfigServerStatusResult, info), true);

  const sick = json('status-services.json');
  sick.ca.state = 'error';
  sick.server.active_alerts = [{ severity: 'warning', message: 'pool exhausted' }];
  const bad = parseStatus(sick, at);
  t.equal(bad.state, 'error', 'the worst state wins');
  t.same(bad.services.find((x) => x.name === 'server')?.alerts, [{ severity: 'warning', message: 'pool exhausted' }]);
  t.equal(parseStatus({}, at).state, 'unknown', 'no services: unknown');
  t.throws(() => parseStatus([], at), { code: 'CAPSTAN_ERR_UPSTREAM_ERROR' });
});

t.test('environments, classes and modules', async (t) => {
  const envs = parseEnvironments(json('environments.json'));
  t.same(envs.map((e) => e.name), ['production', 'staging']);
  t.match(envs[0], {
    manifest: '/srv/testbed/puppet/etc/code/environments/production/manifests', environmentTimeoutSeconds: 0, configVersion: '',
    modulepath: ['/srv/testbed/puppet/etc/code/environments/production/modules', '/srv/testbed/puppet/etc/code/modules', '/usr/share/puppet/modules'],
  });
  const unlimited = json('environments.json');
  unlimited.environments.staging.settings.environment_timeout = 'unlimited';
  t.equal(parseEnvironments(unlimited)[1].environmentTimeoutSeconds, null, '"unlimited" is null');

  t.same(parseClasses(json('environment-classes.json')), { classes: [], classErrors: [] }, 'site.pp only: no class');
  const withModule = parseClasses(json('environment-classes-production-module.json'));
  t.same(withModule.classes.map((c) => c.name), ['capstan_demo', 'capstan_demo::motd']);
  t.same(withModule.classes[1].params, [
    { name: 'content', type: 'String', defaultSource: null },
    { name: 'path', type: 'String', defaultSource: null },
    { name: 'ensure', type: "Enum['absent', 'file']", defaultSource: "'file'" },
  ]);
  t.same(parseClasses({ name: 'p', files: [{ path: '/x.pp', error: 'Syntax error at line 1' }] }).classErrors, [{ file: '/x.pp', error: 'Syntax error at line 1' }]);
  t.throws(() => parseClasses({ name: 'p' }), { code: 'CAPSTAN_ERR_UPSTREAM_ERROR' });

  const all = parseModules(json('environment-modules.json'));
  t.same([...all.keys()], ['production', 'staging'], 'the list form (no ?environment=)');
  t.same(all.get('production'), []);
  t.same(parseModules(json('environment-modules-production-module.json')).get('production'), [{ name: 'capstan/capstan_demo', version: '1.2.3' }]);

  const full = { environments: envs.map((e) => ({ ...e, ...withModule, modules: [{ name: 'capstan/capstan_demo', version: '1.2.3' }] })) };
  t.equal(valid(ConfigServerEnvironmentsResult, full), true, 'matches ConfigServerEnvironmentsResult');
});

t.test('catalogs: the v4 answer and a bare catalog', async (t) => {
  const v4 = parseCatalog(json('catalog-v4-node1.json'), false);
  t.match(v4, { node: 'node1', environment: 'production', codeId: null, stored: false, logs: [] });
  t.match(v4.version, /^\d+$/, 'version as a string');
  t.ok(v4.classes.includes('capstan_demo::motd'));
  t.ok(v4.resources.some((r) => r.type === 'Package' && r.title === 'bash' && r.parameters.ensure === 'installed'));
  t.ok(v4.edges.some((e) => e.source === 'Class[Capstan_demo::Motd]' && e.target.startsWith('File[')));
  t.equal(valid(ConfigServerCompileResult, v4), true, 'matches ConfigServerCompileResult');

  const bare = parseCatalog(json('catalog-localhost.json'), true);
  t.match(bare, { node: 'localhost', environment: 'production', version: '1795563114', catalogUuid: '1fa628bc-8254-4f02-a684-e561fac958c8', stored: true });
  t.equal(bare.resources.length, 10);
  t.equal(bare.edges.length, 9);
  t.equal(valid(ConfigServerCompileResult, bare), true);

  const logs = parseCatalog({ catalog: json('catalog-localhost.json'), logs: [{ level: 'warning', message: 'deprecated', source: 'Puppet', tags: [] }] }, false);
  t.same(logs.logs, [{ level: 'warning', message: 'deprecated', source: 'Puppet' }]);
  t.same(parseCatalog({ resources: [], edges: [{ source: { type: 'Class', title: 'main' }, target: { type: 'File', title: '/a' } }] }, false).edges,
    [{ source: 'Class[main]', target: 'File[/a]' }], 'older object edge ends');
  t.throws(() => parseCatalog({ name: 'x' }, false), { code: 'CAPSTAN_ERR_UPSTREAM_ERROR' });
});

t.test('certificate statuses', async (t) => {
  const certs = parseCertificates(json('ca-certificate-statuses.json'));
  t.same(certs.map((c) => c.name), [...certs.map((c) => c.name)].sort(), 'sorted by name');
  const localhost = certs.find((c) => c.name === 'localhost')!;
  t.match(localhost, { state: 'signed', authorizationExtensions: { pp_cli_auth: 'true' } });
  t.same(localhost.dnsAltNames, ['IP:127.0.0.1', 'DNS:localhost', 'DNS:puppet'], 'subject alt names, each once');
  const node2 = certs.find((c) => c.name === 'node2')!;
  t.same(node2, {
    name: 'node2', state: 'signed', fingerprint: '1E:99:DC:74:65:D3:FB:87:56:CB:94:99:0F:B1:F1:FE:52:0C:0F:55:84:AA:69:7F:34:43:CD:98:8A:83:5E:A8',
    dnsAltNames: ['DNS:node2'], authorizationExtensions: {}, serialNumber: 3, notBefore: '2026-11-23T23:31:00Z', notAfter: '2031-11-23T23:31:00Z',
  });
  for (const c of certs) t.equal(valid(Certificate, c), true, `${c.name} matches Certificate`);

  const requested = parseCertificate({ name: 'new1', state: 'requested', fingerprint: 'AA:BB', fingerprints: { default: 'AA:BB', SHA256: 'AA:BB' }, dns_alt_names: [], authorization_extensions: {} });
  t.same(requested, { name: 'new1', state: 'requested', fingerprint: 'AA:BB', dnsAltNames: [], authorizationExtensions: {}, serialNumber: null, notBefore: null, notAfter: null });
  t.equal(valid(Certificate, requested), true);
  t.throws(() => parseCertificate({ name: 'x', state: 'weird' }), { code: 'CAPSTAN_ERR_UPSTREAM_ERROR' });
  t.throws(() => parseCertificates({}), { code: 'CAPSTAN_ERR_UPSTREAM_ERROR' });
  t.equal(caTime('2026-11-23T23:31:00UTC'), '2026-11-23T23:31:00Z');
  t.equal(caTime('garbage'), null);
  t.equal(caTime(undefined), null);
});

t.test('errors are typed by category and name the endpoint', async (t) => {
  const a = (status: number, body: string) => ({ status, body, endpoint: 'PUT https://localhost:8140/puppet-ca/v1/certificate_status/node1' });
  const forbidden = statusError(a(403, 'Forbidden request: /puppet/v4/catalog (method :post). Please see the server logs for details.'), 'the client certificate /c.pem');
  t.match(forbidden, { code: 'CAPSTAN_ERR_TARGET_AUTH_FAILED', category: 'unauthorized', statusCode: 502 });
  t.match(forbidden.message, /PUT https:\/\/localhost:8140\/puppet-ca.*HTTP 403 Forbidden request.*auth\.conf.*\/c\.pem/);
  t.match(statusError(a(503, 'busy'), 'x'), { code: 'CAPSTAN_ERR_UPSTREAM_ERROR', category: 'unavailable', retryAfter: 5 });
  t.match(statusError(a(500, fixture('catalog-v4-unknown-environment.500.txt')), 'x').message, /EnvironmentNotFound/);
  t.equal(serverMessage(fixture('certificate-sign-signed.409.txt')), 'Cannot sign certificate for host node1 without a certificate request');
  t.equal(serverMessage('{"message":"boom"}'), 'boom');
  t.equal(serverMessage(''), '(empty body)');
  t.throws(() => jsonOf(a(200, '<html>')), { code: 'CAPSTAN_ERR_UPSTREAM_ERROR' });

  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8140'), { code: 'ECONNREFUSED' });
  t.match(transportError('GET https://localhost:8140/status/v1/services', refused), { code: 'CAPSTAN_ERR_TARGET_CONNECT_FAILED', category: 'unavailable', message: /GET https:\/\/localhost:8140\/status\/v1\/services: ECONNREFUSED/ });
  const tls = Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' });
  t.match(transportError('GET https://x/', tls), { code: 'CAPSTAN_ERR_TARGET_HOST_KEY_MISMATCH', message: /plugins\.puppetserver\.ca/ });
  const ac = new AbortController();
  ac.abort('timeout');
  t.match(transportError('GET https://x/', Object.assign(new Error('aborted'), { name: 'AbortError' }), ac.signal), { category: 'timeout' });
  t.ok(forbidden instanceof CapstanError);
});

t.test('config: defaults, TLS rules, unreadable files name their key', async (t) => {
  const d = cfg();
  t.match(d, { url: 'https://localhost:8140', timeoutMs: 10000, compileTimeoutMs: 120000, retries: 3, breakerThreshold: 5 });
  t.throws(() => loadTls(cfg()), { code: 'CAPSTAN_ERR_CONFIG_INVALID', message: /plugins\.puppetserver\.ca is required/ });
  t.throws(() => loadTls(cfg({ url: 'http://puppet.example.com:8140' })), { message: /loopback only/ });
  t.same(loadTls(cfg({ url: 'http://127.0.0.1:8140' })), { ca: undefined, cert: undefined, key: undefined }, 'plain http on loopback');
  t.throws(() => loadTls(cfg({ ca: '/nonexistent/ca.pem' })), { message: /plugins\.puppetserver\.ca: cannot read \/nonexistent\/ca\.pem: ENOENT/ });
  t.throws(() => loadTls(cfg({ ca: join(import.meta.dirname, 'fixtures', 'README.md'), cert: '/c.pem' })), { message: /cert and \.key go together/ });
  t.throws(() => validateConfig(PuppetserverConfigSchema, { url: 'ftp://x' }, 'plugins.puppetserver'), { code: 'CAPSTAN_ERR_CONFIG_INVALID' });
  t.throws(() => validateConfig(PuppetserverConfigSchema, { nope: 1 }, 'plugins.puppetserver'), { code: 'CAPSTAN_ERR_CONFIG_INVALID' });

  const fromEnv = loadConfig({
    pluginIds: ['puppetserver'],
    env: {
      CAPSTAN_PLUGINS_PUPPETSERVER_ENABLED: 'true', CAPSTAN_PLUGINS_PUPPETSERVER_URL: 'https://puppet.example.com:8140',
      CAPSTAN_PLUGINS_PUPPETSERVER_CA: '/ssl/ca.pem', CAPSTAN_PLUGINS_PUPPETSERVER_TIMEOUT_MS: '5000', CAPSTAN_PLUGINS_PUPPETSERVER_COMPILE_TIMEOUT_MS: '60000',
    },
  }).plugins.puppetserver as Record<string, unknown>;
  const { enabled: _e, ...own } = fromEnv;
  t.match(validateConfig(PuppetserverConfigSchema, own, 'plugins.puppetserver'), { url: 'https://puppet.example.com:8140', ca: '/ssl/ca.pem', timeoutMs: 5000, compileTimeoutMs: 60000 }, 'CAPSTAN_PLUGINS_PUPPETSERVER_<KEY>');
});
