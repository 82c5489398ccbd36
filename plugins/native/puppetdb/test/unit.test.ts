/**
 * Unit tests of the puppetdb plugin's pure parts: the AST builder (user values stay values, whatever they
 * hold), the parsers on recorded PuppetDB 7.12 answers (test/fixtures/recorded-*), the cursors, the config
 * checks and the env-file loader of the real-stack tests. No PuppetDB needed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { Value } from '@sinclair/typebox/value';
import { Event, Facts, ManagedResource, Node, Report, SHARED_SCHEMAS } from '../../../../src/capabilities/index.js';
import { SchemaValidator } from '../../../../src/core/validator.js';
import { and, eq, extract, factPath, from, ge, inSubquery, isNull, lt, not, oneOf, or, parseUserAst, serialize } from '../ast.js';
import { checkEndpoint } from '../client.js';
import { PuppetDbConfigSchema, type PuppetDbConfig } from '../config.js';
import { eventId, factMap, toEvent, toFacts, toNode, toReport, toResource } from '../parse.js';
import { eventStatuses, factValues, groupName, nextOffset, offsetOf, streamPos } from '../plugin.js';
import { loadStack, parseEnvFile } from './fixtures/env.js';

const fixture = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', `recorded-${name}`), 'utf8'));
const validator = new SchemaValidator(SHARED_SCHEMAS);
/** Checks a value against a contract schema as the registry does (Ajv, shared $refs resolved). */
const valid = (schema: Parameters<SchemaValidator['check']>[0], v: unknown) => validator.check(schema, structuredClone(v)).length === 0;
const config = (over: Partial<PuppetDbConfig> = {}) => Value.Default(PuppetDbConfigSchema, Value.Convert(PuppetDbConfigSchema, { ...over })) as PuppetDbConfig;

t.test('AST builder: operators and shapes', async (t) => {
  t.same(eq('certname', 'node1'), ['=', 'certname', 'node1']);
  t.same(and(eq('a', 1), undefined, ge('start_time', '2026-01-01T00:00:00Z')), ['and', ['=', 'a', 1], ['>=', 'start_time', '2026-01-01T00:00:00Z']]);
  t.same(and(eq('a', 1)), ['=', 'a', 1], 'one part is returned as is');
  t.equal(and(), undefined, 'no part: no condition');
  t.same(oneOf('status', ['failed', 'changed', 'failed']), ['or', ['=', 'status', 'failed'], ['=', 'status', 'changed']], 'duplicates dropped');
  t.equal(oneOf('status', []), undefined, 'an empty choice is left to the caller');
  t.same(or(eq('a', 1)), ['=', 'a', 1]);
  t.same(not(isNull('deactivated')), ['not', ['null?', 'deactivated', true]]);
  t.same(lt('start_time', 'x'), ['<', 'start_time', 'x']);
  t.same(factPath(['os', 'family']), ['=', 'path', ['os', 'family']]);
  t.same(extract(['certname'], eq('a', true)), ['extract', ['certname'], ['=', 'a', true]]);
  t.same(extract(['certname']), ['extract', ['certname']]);
  t.same(from('nodes', eq('certname', 'n')), ['from', 'nodes', ['=', 'certname', 'n']]);
  t.same(inSubquery('certname', 'fact_contents', 'certname', eq('value', 'Debian')),
    ['in', 'certname', ['extract', 'certname', ['select_fact_contents', ['=', 'value', 'Debian']]]]);
  t.throws(() => eq('certname"] or ["=', 'x'), /not a PuppetDB field name/, 'field names are checked');
  t.throws(() => eq('a', Number.NaN), /not an AST value/);
  t.throws(() => eq('a', { $ne: 1 } as never), /not an AST value/);
});

t.test('AST builder: injection attempts in values stay values', async (t) => {
  const attempts = [
    '"] or ["=", "certname", "x',
    'node1"], ["or", ["~", "certname", ".*',
    "node1' or certname ~ '.*",
    '\\"], ["~", "certname", ".*"]]//',
    'node1\u0000',
    '["from", "facts"]',
    '}{"query": ["from","facts"]}',
  ];
  for (const v of attempts) {
    const q = and(eq('certname', v), oneOf('status', [v, 'failed']), factPath(['os', v]));
    const text = serialize(q!);
    const back = JSON.parse(text);
    t.same(back, ['and', ['=', 'certname', v], ['or', ['=', 'status', v], ['=', 'status', 'failed']], ['=', 'path', ['os', v]]], `round-trips: ${JSON.stringify(v)}`);
    t.equal(back[1][2], v, 'the value is exactly the input, one string');
    t.equal(back.length, 4, 'no operand was added');
  }
  // A user AST is nested as one operand: it narrows, it never replaces the typed filter.
  const user = parseUserAst('["or", ["=", "certname", "a"], ["~", "certname", ".*"]]');
  t.same(and(eq('certname', 'node1'), user), ['and', ['=', 'certname', 'node1'], ['or', ['=', 'certname', 'a'], ['~', 'certname', '.*']]]);
  t.throws(() => parseUserAst("certname = 'x'"), /AST query as JSON/, 'PQL is refused where an AST is expected');
  t.throws(() => parseUserAst('{"op": "="}'), /JSON array starting with an operator/);
  t.throws(() => parseUserAst('[]'), /JSON array/);
});

t.test('nodes: recorded /pdb/query/v4/nodes rows', async (t) => {
  const rows = fixture('nodes.json');
  const nodes = rows.map((r: never) => toNode(r, ['Debian']));
  t.same(nodes.map((n: { name: string }) => n.name), ['node1', 'node2', 'node3']);
  for (const n of nodes) t.ok(valid(Node, n), `${n.name} matches the Node contract`);
  const node3 = toNode(fixture('nodes-node3.json'), []);
  t.same(node3.sources, [{ source: 'puppetdb', id: 'node3' }]);
  t.match(node3.vars, { puppetdb: { state: 'active', latestReportStatus: 'failed', latestReportHash: '5c90a921564f4a46ebc1b4992b6234c0fed322a4', reportTimestamp: '2026-11-24T23:31:40.564Z' } });
  const stateOf = (over: object) => (toNode({ ...fixture('nodes-node3.json'), ...over }, []).vars!.puppetdb as { state: string }).state;
  t.equal(stateOf({ deactivated: '2026-11-25T00:00:00.000Z' }), 'deactivated');
  t.equal(stateOf({ expired: '2026-11-25T00:00:00.000Z' }), 'expired');
});

t.test('facts: recorded factset normalised like the other sources, raw kept', async (t) => {
  const fs = fixture('factsets-node1.json');
  const f = toFacts(fs);
  t.ok(valid(Facts, f), 'matches the Facts contract');
  t.match(f, {
    node: 'node1', os: { family: 'Debian', name: 'Debian', release: '12.11' }, kernel: 'Linux', kernelRelease: '6.18.44-fc-v595',
    hostname: 'node1', processors: { count: 2, model: 'AMD EPYC' }, memory: { totalBytes: 25276514304 },
    networking: { fqdn: 'node1' }, gatheredAt: '2026-11-24T23:31:28.819Z', source: 'puppetdb',
  });
  t.ok(f.networking!.ipAddresses!.includes('192.0.2.2'));
  t.notOk(f.networking!.ipAddresses!.includes('127.0.0.1'), 'loopback left out');
  t.equal(Object.keys(f.raw!).length, fs.facts.data.length, 'every fact kept under raw');
  // The legacy flat facts are the fallback when the structured ones are missing.
  const flat = toFacts({ certname: 'old', timestamp: '2026-01-01T00:00:00.000Z', facts: { osfamily: 'RedHat', operatingsystem: 'CentOS', operatingsystemrelease: '7.9', processorcount: '4', ipaddress: '10.0.0.5' } });
  t.match(flat, { os: { family: 'RedHat', name: 'CentOS', release: '7.9' }, processors: { count: 4 }, networking: { ipAddresses: ['10.0.0.5'] } });
  t.same(factMap({ certname: 'x', timestamp: 't', facts: { a: 1 } }), { a: 1 });
});

t.test('reports: the recorded failed report of node3, list and full forms', async (t) => {
  const [raw] = fixture('reports-node3-latest.json');
  const list = toReport(raw);
  t.ok(valid(Report, list));
  t.match(list, {
    id: '5c90a921564f4a46ebc1b4992b6234c0fed322a4', node: 'node3', source: 'puppetdb', status: 'failed', startTime: '2026-11-24T23:31:36.595Z',
    endTime: '2026-11-24T23:31:40.564Z', noop: false, environment: 'production', configurationVersion: '1795563098', agentVersion: '7.23.0',
    metrics: { resources: { changed: 1, failed: 1, outOfSync: 3 } },
  });
  t.type(list.metrics!.durationSeconds, 'number');
  t.notOk('logs' in list, 'no logs in the list form');
  const full = toReport(raw, true);
  t.ok(valid(Report, full));
  t.ok(full.logs!.length > 0);
  t.ok(full.logs!.every((l) => l.time.endsWith('Z')), 'log times in UTC');
  const failure = full.resourceEvents!.find((e) => e.status === 'failure');
  t.match(failure, { resourceType: 'Exec', resourceTitle: 'always-fails', property: 'returns' });
  t.ok(full.resourceEvents!.some((e) => e.status === 'skipped'), 'the dependent resource was skipped');
  for (const r of fixture('reports-paged.json')) t.ok(valid(Report, toReport(r, true)), 'paged recording parses');
  t.equal(toReport({ ...raw, status: null }).status, 'failed', 'a report without status counts as failed');
  t.match(readFileSync(join(import.meta.dirname, 'fixtures', 'recorded-reports-paged.headers'), 'utf8'), /X-Records: 6/, 'the total comes in X-Records');
});

t.test('events: recorded events, failures, ids stable', async (t) => {
  const all = fixture('events.json').map(toEvent);
  for (const e of all) t.ok(valid(Event, e), `${e.id} matches the Event contract`);
  t.same([...new Set(all.map((e: { type: string }) => e.type))].sort(), ['resource_change', 'resource_failure', 'resource_noop', 'resource_skipped']);
  const failures = fixture('events-failures.json').map(toEvent);
  t.ok(failures.length > 0);
  t.ok(failures.every((e: { severity: string; type: string }) => e.severity === 'error' && e.type === 'resource_failure'));
  t.match(failures[0], { node: 'node3', message: /^Exec\[always-fails\] returns: change from/, data: { resourceType: 'Exec', resourceTitle: 'always-fails', status: 'failure' } });
  const ids = all.map((e: { id: string }) => e.id);
  t.equal(new Set(ids).size, ids.length, 'ids are unique');
  t.same(fixture('events.json').map(toEvent).map((e: { id: string }) => e.id), ids, 'and the same on every read');
  t.not(eventId({ report: 'r', resource_type: 'File', resource_title: 'a b', property: null }), eventId({ report: 'r', resource_type: 'File a', resource_title: 'b', property: null }), 'no ambiguity between type and title');
});

t.test('resources: recorded packages', async (t) => {
  const rows = fixture('resources-packages.json').map(toResource);
  for (const r of rows) t.ok(valid(ManagedResource, r));
  t.match(rows[0], { type: 'Package', title: 'openssh-server', node: 'node1', parameters: { ensure: 'installed' }, line: 6, exported: false, source: 'puppetdb' });
});

t.test('filters, cursors and group names', async (t) => {
  t.same(eventStatuses(['resource_failure']), ['failure']);
  t.same(eventStatuses(undefined, ['error', 'critical']), ['failure']);
  t.same(eventStatuses(['service_restart']), [], 'a type PuppetDB never has selects nothing');
  t.equal(eventStatuses(), undefined);
  t.same(factValues('12'), ['12', 12]);
  t.same(factValues('true'), ['true', true]);
  t.same(factValues('Debian'), ['Debian']);
  t.equal(groupName('Red Hat'), 'Red_Hat');
  t.equal(groupName('-rf'), 'rf');
  t.equal(groupName({ a: 1 }), undefined);
  t.equal(offsetOf(undefined), 0);
  t.equal(offsetOf('offset:50'), 50);
  t.throws(() => offsetOf('50; drop'), { code: 'CAPSTAN_ERR_CAPABILITY_PARAMS_INVALID' });
  t.equal(nextOffset(0, 2, 2, 3), 'offset:2');
  t.equal(nextOffset(2, 1, 2, 3), null);
  t.equal(nextOffset(0, 2, 2, undefined), 'offset:2', 'without a total, a full page may have more');
  t.same(streamPos('2026-11-29T19:09:11.433Z~3'), { time: '2026-11-29T19:09:11.433Z', skip: 3 });
  t.throws(() => streamPos('2026-11-29T19:09:11Z"]'), { code: 'CAPSTAN_ERR_CAPABILITY_PARAMS_INVALID' });
});

t.test('config: TLS or loopback HTTP', async (t) => {
  t.equal(checkEndpoint(config()).href, 'http://127.0.0.1:8080/', 'default: loopback HTTP');
  t.ok(checkEndpoint(config({ url: 'http://localhost:8080' })));
  t.throws(() => checkEndpoint(config({ url: 'http://puppetdb.example.com:8080' })), /plain HTTP is accepted on loopback only/);
  t.throws(() => checkEndpoint(config({ url: 'http://127.evil.example:8080' })), /plain HTTP is accepted on loopback only/, 'a name starting with 127. is not loopback');
  t.ok(checkEndpoint(config({ url: 'http://puppetdb.example.com:8080', allowPlainHttp: true })));
  t.throws(() => checkEndpoint(config({ url: 'https://puppetdb:8081', cert: '/x.pem' })), /cert and plugins.puppetdb.key go together/);
  t.throws(() => checkEndpoint(config({ url: 'ftp://x' })), /must be http/);
  t.ok(Value.Check(PuppetDbConfigSchema, config({ groupFact: 'os.family', groups: { failing: "nodes[certname] { latest_report_status = 'failed' }" } })));
  t.notOk(Value.Check(PuppetDbConfigSchema, config({ groupFact: 'os family' })), 'a fact path is dot-separated words');
});

t.test('env file of the real stack', async (t) => {
  t.same(parseEnvFile('# stack\nPUPPETDB_URL=http://127.0.0.1:8080\nPUPPET_NODES="node1 node2"\n\n'), { PUPPETDB_URL: 'http://127.0.0.1:8080', PUPPET_NODES: 'node1 node2' });
  t.throws(() => parseEnvFile('bad line\n'), 'a line that is not KEY=value is an error, not ignored');
  t.equal(loadStack({}), undefined, 'no variable: no stack (the tests skip)');
  const dir = t.testdir({ 'stack.env': 'PUPPETDB_URL=http://127.0.0.1:8080/\nPUPPET_CA=/ca.pem\n', 'empty.env': '' });
  t.match(loadStack({ CAPSTAN_TEST_PUPPET_ENV: join(dir, 'stack.env') }), { puppetdbUrl: 'http://127.0.0.1:8080', ca: '/ca.pem' });
  t.throws(() => loadStack({ CAPSTAN_TEST_PUPPET_ENV: join(dir, 'empty.env') }), /sets no PUPPETDB_URL/);
  t.throws(() => loadStack({ CAPSTAN_TEST_PUPPET_ENV: join(dir, 'missing.env') }), /ENOENT/);
});

t.test('enabled by its URL alone; a PuppetDB that does not answer is unhealthy, naming the endpoint and why', async (t) => {
  const { loadConfig } = await import('../../../../src/config/load.js');
  const { buildApp } = await import('../../../../src/app.js');
  const build = async (env: NodeJS.ProcessEnv) => {
    const app = await buildApp(loadConfig({ env, overrides: { dataDir: t.testdir(), logLevel: 'silent', healthIntervalMs: 0, auth: 'off' }, pluginIds: ['puppetdb'] }));
    t.teardown(() => app.close());
    await app.ready();
    return app;
  };
  const off = await build({});
  t.match((await off.inject({ url: '/api/v1/plugins/puppetdb' })).json(), { state: 'disabled' }, 'no URL: off');
  const app = await build({ CAPSTAN_PLUGINS_PUPPETDB_URL: 'http://127.0.0.1:9', CAPSTAN_PLUGINS_PUPPETDB_ATTEMPTS: '1', CAPSTAN_PLUGINS_PUPPETDB_TIMEOUT_MS: '500' });
  const plugin = (await app.inject({ url: '/api/v1/plugins/puppetdb' })).json();
  t.match(plugin, { state: 'ready', health: { status: 'unhealthy', message: /^GET http:\/\/127\.0\.0\.1:9\/status\/v1\/services\/puppetdb-status: .*ECONNREFUSED/ } });
  const reports = await app.inject({ url: '/api/v1/reports' });
  t.equal(reports.statusCode, 200, 'an aggregate read reports the source, never fails');
  // Unhealthy, the source is not asked; its error says why (the health check's message).
  t.match(reports.json().sources, [{ source: 'puppetdb', status: 'error', error: { code: 'CAPSTAN_ERR_PLUGIN_UNAVAILABLE', detail: /not available: unhealthy: GET http:\/\/127\.0\.0\.1:9\/status\/v1\/services\/puppetdb-status: .*ECONNREFUSED/ } }]);
  const refused = await build({ CAPSTAN_PLUGINS_PUPPETDB_URL: 'http://puppetdb.example.com:8080' });
  t.match((await refused.inject({ url: '/api/v1/plugins/puppetdb' })).json(), { state: 'failed' }, 'plain HTTP off loopback: the plugin does not start');
});

t.test('HTTP client: retries, X-Records, PuppetDB refusals, timeout, circuit breaker (a scripted HTTP server)', async (t) => {
  const { createServer } = await import('node:http');
  const { helpers } = await import('../../../../src/helpers/index.js');
  const { PuppetDbClient } = await import('../client.js');
  // Each request takes the next scripted answer; the requests are recorded.
  const script: { status: number; body: string; headers?: Record<string, string>; delayMs?: number }[] = [];
  const seen: URL[] = [];
  const server = createServer((req, res) => {
    seen.push(new URL(req.url!, 'http://x'));
    const a = script.shift() ?? { status: 500, body: 'unscripted' };
    setTimeout(() => { res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers }); res.end(a.body); }, a.delayMs ?? 0);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  const port = (server.address() as { port: number }).port;
  const client = new PuppetDbClient(config({ url: `http://127.0.0.1:${port}`, timeoutMs: 300, attempts: 2, breakerThreshold: 3, breakerResetMs: 60_000 }), helpers);
  t.teardown(() => client.close());

  script.push({ status: 503, body: 'starting' }, { status: 200, body: '[{"certname":"node1"}]', headers: { 'x-records': '7' } });
  const got = await client.query('reports', { query: and(eq('certname', 'node1"]'), eq('noop', false)), limit: 1, offset: 2, includeTotal: true, orderBy: [{ field: 'start_time', order: 'desc' }] });
  t.same(got, { body: [{ certname: 'node1' }], total: 7 }, 'a 503 is retried; X-Records is the total');
  const last = seen[seen.length - 1];
  t.equal(last.pathname, '/pdb/query/v4/reports');
  t.same(JSON.parse(last.searchParams.get('query')!), ['and', ['=', 'certname', 'node1"]'], ['=', 'noop', false]], 'the AST arrives as sent, the value intact');
  t.equal(last.searchParams.get('limit'), '1');
  t.equal(last.searchParams.get('offset'), '2');
  t.equal(last.searchParams.get('include_total'), 'true');
  t.same(JSON.parse(last.searchParams.get('order_by')!), [{ field: 'start_time', order: 'desc' }]);

  // PuppetDB's own answer to a malformed AST (recorded), with the status line the recording ends with left out.
  const badQuery = readFileSync(join(import.meta.dirname, 'fixtures', 'recorded-nodes-bad-query.txt'), 'utf8').replace(/\nHTTP 400\s*$/, '');
  script.push({ status: 400, body: badQuery });
  await t.rejects(client.query('nodes', { query: '["=","certname"' }), { code: 'CAPSTAN_ERR_CAPABILITY_PARAMS_INVALID', message: /PuppetDB refused the query .*HTTP 400.*Json parse error/ }, 'a 400 is the caller\'s, not retried');
  script.push({ status: 403, body: 'Permission denied' });
  await t.rejects(client.query('nodes'), { code: 'CAPSTAN_ERR_TARGET_AUTH_FAILED', message: /refused the client \(HTTP 403\)/ });
  // A body cut short (PuppetDB streams; a query timeout truncates it) is retried, then an upstream error.
  script.push({ status: 200, body: '[{"certname":' }, { status: 200, body: 'not json' });
  await t.rejects(client.query('nodes'), { code: 'CAPSTAN_ERR_UPSTREAM_ERROR', message: /not JSON/ });
  t.equal(client.breakerState, 'closed', 'one failed call: the breaker stays closed (the 400 and 403 did not count)');

  const before = seen.length;
  script.push({ status: 200, body: '[]', delayMs: 1000 }, { status: 200, body: '[]', delayMs: 1000 });
  await t.rejects(client.query('nodes'), { code: 'CAPSTAN_ERR_UPSTREAM_ERROR', message: /\/pdb\/query\/v4\/nodes failed: no answer within 300 ms/ }, 'timeouts name the endpoint');
  t.equal(seen.length - before, 2, 'a timeout is retried (attempts 2)');
  t.equal(client.breakerState, 'closed', 'two failed calls');
  script.push({ status: 502, body: 'bad gateway' }, { status: 502, body: 'bad gateway' });
  await t.rejects(client.query('nodes'), { message: /answered HTTP 502: bad gateway/ });
  t.equal(client.breakerState, 'open', 'the third consecutive failed call opens the breaker');
  const during = seen.length;
  await t.rejects(client.query('nodes'), { code: 'CAPSTAN_ERR_UPSTREAM_ERROR', message: /circuit 'puppetdb' is open/ });
  t.equal(seen.length, during, 'an open breaker does not call PuppetDB');
  script.push({ status: 200, body: JSON.stringify(fixture('status-services.json')['puppetdb-status']) });
  t.match((await client.probe('/status/v1/services/puppetdb-status')).body, { state: 'running', service_version: '7.12.1' }, 'the health probe bypasses the breaker');
});
