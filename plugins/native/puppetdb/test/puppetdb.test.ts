/**
 * Contract tests of every route the puppetdb plugin backs, against the REAL PuppetDB of the Puppet test stack
 * (nodes node1..node3 with real facts, catalogs, reports and events; node3's run has a failure). The stack is
 * named by CAPSTAN_TEST_PUPPET_ENV (see fixtures/env.ts): absent, the file is skipped with the reason; set
 * but PuppetDB not answering, it fails. The stack is shared: tests only read it, and assert what the stack's
 * manifests guarantee (node names, node3's failure) rather than exact report counts, which grow with runs.
 */
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { buildTestApp, waitForExecution, type Overrides } from '../../../../test/helper.js';
import { assertPuppetDbUp, loadStack, SKIP_REASON, type PuppetStack } from './fixtures/env.js';

const stack = loadStack();
if (!stack) {
  t.plan(0, SKIP_REASON);
} else {
  await assertPuppetDbUp(stack);
  await run(stack);
}

const ADMIN = 'admin-token-0123456789';
const READER = 'reader-token-0123456789';
const NODES = ['node1', 'node2', 'node3'];

function puppetdb(stack: PuppetStack, extra: Record<string, unknown> = {}) {
  return { url: stack.puppetdbUrl, groupFact: 'os.family', groups: { failing: "nodes[certname] { latest_report_status = 'failed' }" }, ...extra };
}

async function get(app: FastifyInstance, url: string, token?: string) {
  const res = await app.inject({ url, headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.statusCode, body: res.headers['content-type']?.toString().startsWith('text/event-stream') ? res.body : res.json(), headers: res.headers };
}

async function run(stack: PuppetStack): Promise<void> {
  const overrides = (extra: Overrides = {}): Overrides => ({ plugins: { puppetdb: puppetdb(stack) }, ...extra });
  // One app for the read-only tests (building one takes seconds on a loaded machine).
  const shared = await buildTestApp(t, overrides());

  t.test('plugin ready, health names the endpoint', async (t) => {
    const app = shared;
    const { status, body } = await get(app, '/api/v1/plugins/puppetdb');
    t.equal(status, 200);
    t.match(body, { state: 'ready', health: { status: 'healthy', details: { endpoint: `${stack.puppetdbUrl}/status/v1/services/puppetdb-status` } } });
  });

  t.test('a PuppetDB that does not answer: unhealthy naming the endpoint and why; aggregate reads report the source', async (t) => {
    const app = await buildTestApp(t, { plugins: { puppetdb: { url: 'http://127.0.0.1:9', timeoutMs: 500, attempts: 1 } } });
    const plugin = await get(app, '/api/v1/plugins/puppetdb');
    t.match(plugin.body.health, { status: 'unhealthy', message: /GET http:\/\/127\.0\.0\.1:9\/status\/v1\/services\/puppetdb-status: .*ECONNREFUSED/ });
    const reports = await get(app, '/api/v1/reports');
    t.equal(reports.status, 200, 'one failing source never fails the read');
    t.match(reports.body.sources, [{ source: 'puppetdb', status: 'error' }]);
  });

  t.test('inventory: the PuppetDB nodes with their state, groups from a fact and from PQL', async (t) => {
    const app = shared;
    const inv = await get(app, '/api/v1/inventory');
    t.equal(inv.status, 200);
    const fromPdb = inv.body.items.filter((n: { sources: { source: string }[] }) => n.sources.some((s) => s.source === 'puppetdb'));
    t.same(fromPdb.map((n: { name: string }) => n.name), NODES, 'three nodes from PuppetDB');
    t.match(inv.body.sources, [{ source: 'puppetdb', status: 'ok' }, { source: 'ssh', status: 'ok' }]);
    const node3 = fromPdb.find((n: { name: string }) => n.name === 'node3');
    t.match(node3, { id: 'node3', groups: ['Debian', 'failing'], vars: { puppetdb: { state: 'active', latestReportStatus: 'failed', environment: 'production' } } });
    for (const k of ['catalogTimestamp', 'factsTimestamp', 'reportTimestamp']) t.ok(Date.parse(node3.vars.puppetdb[k]), `${k} is a time`);
    const groups = await get(app, '/api/v1/inventory/groups');
    t.match(groups.body.items, [{ name: 'Debian', targets: NODES, sources: ['puppetdb'] }, { name: 'all' }, { name: 'failing', targets: ['node3'] }].filter((g) => g.name !== 'all'));
    const one = await get(app, '/api/v1/inventory/nodes/node2');
    t.match(one, { status: 200, body: { name: 'node2', sources: [{ source: 'puppetdb', id: 'node2' }] } });
    const filtered = await app.inject({ method: 'POST', url: '/api/v1/capabilities/inventory.filter/invoke?provider=puppetdb', payload: { name: 'node*', facts: { 'os.family': 'Debian', kernel: 'Linux' } } });
    t.same(filtered.json().result.nodes.map((n: { name: string }) => n.name), NODES);
    const none = await app.inject({ method: 'POST', url: '/api/v1/capabilities/inventory.filter/invoke?provider=puppetdb', payload: { facts: { 'os.family': '"] or ["~", "certname", ".*' } } });
    t.same(none.json().result.nodes, [], 'an injection attempt in a fact value matches nothing');
  });

  t.test('facts: normalised like the other sources, raw kept', async (t) => {
    const app = shared;
    const { status, body } = await get(app, '/api/v1/nodes/node1/facts');
    t.equal(status, 200);
    t.match(body, { node: 'node1', source: 'puppetdb', os: { family: 'Debian', name: 'Debian', release: /^\d+/ }, kernel: 'Linux', kernelRelease: /\S/, hostname: /\S/ });
    t.type(body.memory.totalBytes, 'number');
    t.ok(body.processors.count >= 1);
    t.match(body.raw, { os: { family: 'Debian' }, clientcert: 'node1' });
    t.equal((await get(app, '/api/v1/nodes/nonexistent/facts')).status, 404);
  });

  t.test('reports: node3 has a failed report; filters; pages with total and cursor', async (t) => {
    const app = shared;
    const failed = await get(app, '/api/v1/reports?status=failed&node=node3');
    t.equal(failed.status, 200);
    t.ok(failed.body.items.length >= 1, 'a failed report of node3');
    t.ok(failed.body.items.every((r: { node: string; status: string }) => r.node === 'node3' && r.status === 'failed'));
    t.equal(failed.body.total, failed.body.items.length);
    t.match(failed.body.items[0], { source: 'puppetdb', environment: 'production', noop: false, metrics: { resources: { failed: 1 } } });
    const none = await get(app, '/api/v1/reports?status=failed&node=node1');
    t.same(none.body.items, []);
    t.equal(none.body.total, 0);

    const all = await get(app, '/api/v1/reports?environment=production');
    t.ok(all.body.total >= 3, 'at least one report per node');
    // Page through with limit 1: each page tells the total, the cursor leads to the next, and nothing repeats.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string; startTime: string }[]; nextCursor: string | null; total: number } } = await get(app, `/api/v1/reports?environment=production&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      t.equal(page.body.total, all.body.total, 'total on every page');
      seen.push(...page.body.items.map((r) => r.id));
      cursor = page.body.nextCursor;
    } while (cursor && seen.length < 50);
    t.equal(seen.length, all.body.total, 'the pages hold every report once');
    t.equal(new Set(seen).size, seen.length);
    const times = all.body.items.map((r: { startTime: string }) => Date.parse(r.startTime));
    t.same(times, [...times].sort((a, b) => b - a), 'newest first');

    const full = await get(app, `/api/v1/reports/${failed.body.items[0].id}`);
    t.equal(full.status, 200);
    t.ok(full.body.report.logs.length > 0);
    t.match(full.body.report.resourceEvents.find((e: { status: string }) => e.status === 'failure'), { resourceType: 'Exec', resourceTitle: 'always-fails' });
    t.equal((await get(app, '/api/v1/reports/0000000000000000000000000000000000000000')).status, 404);
    const bad = await get(app, '/api/v1/reports?query=' + encodeURIComponent("certname = 'node1'"));
    t.equal(bad.status, 200);
    t.match(bad.body.sources, [{ source: 'puppetdb', status: 'error', error: { detail: /AST query as JSON/ } }], 'PQL in the AST filter is refused by the source');
    const ast = await get(app, '/api/v1/reports?query=' + encodeURIComponent('["=", "certname", "node2"]'));
    t.ok(ast.body.items.length >= 1 && ast.body.items.every((r: { node: string }) => r.node === 'node2'), 'an AST filter narrows');
  });

  t.test('events: failures only, per report, by resource, across nodes, paged with total', async (t) => {
    const app = shared;
    const failures = await get(app, '/api/v1/events?severities=error');
    t.equal(failures.status, 200);
    t.ok(failures.body.items.length >= 1);
    t.ok(failures.body.items.every((e: { node: string; type: string; severity: string }) => e.node === 'node3' && e.type === 'resource_failure' && e.severity === 'error'), 'only node3 fails');
    t.equal(failures.body.total, failures.body.items.length);
    const report = failures.body.items[0].data.report;
    const perReport = await get(app, `/api/v1/events?report=${report}`);
    t.ok(perReport.body.items.every((e: { data: { report: string } }) => e.data.report === report));
    t.ok(perReport.body.items.some((e: { type: string }) => e.type === 'resource_skipped'), 'the dependent resource was skipped');
    const byResource = await get(app, '/api/v1/events?resourceType=Exec&resourceTitle=always-fails');
    t.ok(byResource.body.items.length >= 1 && byResource.body.items.every((e: { data: { resourceType: string } }) => e.data.resourceType === 'Exec'));
    const across = await get(app, '/api/v1/events?types=resource_change&limit=2');
    t.equal(across.body.items.length, 2);
    t.ok(across.body.total >= 3);
    t.type(across.body.nextCursor, 'string');
    const next = await get(app, `/api/v1/events?types=resource_change&limit=2&cursor=${across.body.nextCursor}`);
    t.notSame(next.body.items.map((e: { id: string }) => e.id), across.body.items.map((e: { id: string }) => e.id), 'the next page holds other events');
    const node1 = await get(app, '/api/v1/events?node=node1&minSeverity=error');
    t.same(node1.body.items, [], 'node1 has no failure');
  });

  t.test('events stream: polls PuppetDB and resumes from its cursor', async (t) => {
    const app = shared;
    const fromNow = await get(app, '/api/v1/events/stream?follow=false');
    t.match(fromNow.body, /event: caught_up\ndata: \{"events":0\}/, 'without a cursor: from now');
    // A cursor from the epoch replays every event PuppetDB holds, oldest first.
    const epoch = Buffer.from(JSON.stringify({ puppetdb: { c: '1970-01-01T00:00:00.000Z~0', n: 0 } })).toString('base64url');
    const frames = (text: string) => text.split('\n\n').filter((f) => f.includes('event: event')).map((f) => ({ id: /^id: (.+)$/m.exec(f)![1], data: JSON.parse(/^data: (.+)$/m.exec(f)![1]) }));
    const replay = await get(app, `/api/v1/events/stream?follow=false&limit=5&after=${epoch}`);
    const all = frames(replay.body);
    const total = (await get(app, '/api/v1/events?limit=1')).body.total;
    t.equal(all.length, total, 'every event once, in batches of 5');
    t.equal(new Set(all.map((f) => f.data.id)).size, all.length);
    const received = all.map((f) => Date.parse(f.data.data.reportReceiveTime));
    t.same(received, [...received].sort((a, b) => a - b), 'oldest first');
    // Resume in the middle (inside a report's events): the rest, nothing twice.
    const mid = Math.floor(all.length / 2);
    const rest = frames((await get(app, `/api/v1/events/stream?follow=false&after=${all[mid - 1].id}`)).body);
    t.same(rest.map((f) => f.data.id), all.slice(mid).map((f) => f.data.id));
    const failuresOnly = frames((await get(app, `/api/v1/events/stream?follow=false&types=resource_failure&after=${epoch}`)).body);
    t.ok(failuresOnly.length >= 1 && failuresOnly.every((f) => f.data.type === 'resource_failure'));
  });

  t.test('resources of a node: packages, services, files', async (t) => {
    const app = shared;
    const pkgs = await get(app, '/api/v1/nodes/node1/resources?types=Package');
    t.equal(pkgs.status, 200);
    t.match(pkgs.body, { node: 'node1', total: 1, items: [{ type: 'Package', title: 'bash', parameters: { ensure: 'installed' }, source: 'puppetdb' }] });
    const all = await get(app, '/api/v1/nodes/node3/resources?limit=3');
    t.equal(all.body.items.length, 3);
    t.ok(all.body.total > 3);
    const types = new Set<string>();
    let cursor: string | null = null;
    let count = 0;
    do {
      const page: { body: { items: { type: string }[]; nextCursor: string | null } } = await get(app, `/api/v1/nodes/node3/resources?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      for (const r of page.body.items) types.add(r.type);
      count += page.body.items.length;
      cursor = page.body.nextCursor;
    } while (cursor);
    t.equal(count, all.body.total, 'pages hold every resource');
    // scripts/testbed/puppet-up.sh's site.pp: a package, files and a failing exec (Notify only in the first pass).
    for (const ty of ['Package', 'File', 'Exec']) t.ok(types.has(ty), `node3 manages ${ty}`);
    const motd = await get(app, `/api/v1/nodes/node2/resources?types=File&title=${encodeURIComponent(`${stack!.dir}/managed/node2/motd`)}`);
    t.match(motd.body.items, [{ type: 'File', parameters: { ensure: 'file' } }]);
    t.equal((await get(app, '/api/v1/nodes/nope/resources')).status, 404);
  });

  t.test('PQL/AST query route: admin only', async (t) => {
    const app = await buildTestApp(t, overrides({
      token: ADMIN, tokens: [{ name: 'reader', token: READER, permissions: ['risk:read', 'inventory.*', 'query.*'] }],
    }));
    const post = (token: string, payload: object) => app.inject({ method: 'POST', url: '/api/v1/query', headers: { authorization: `Bearer ${token}` }, payload });
    const denied = await post(READER, { query: 'nodes[certname] {}' });
    t.equal(denied.statusCode, 403, 'risk:read, family wildcards: not enough');
    t.match(denied.json(), { code: 'CAPSTAN_ERR_AUTH_FORBIDDEN', missingPermissions: ['*'] });
    const invoke = await app.inject({ method: 'POST', url: '/api/v1/capabilities/query.native/invoke', headers: { authorization: `Bearer ${READER}` }, payload: { query: 'nodes[certname] {}' } });
    t.equal(invoke.statusCode, 403, 'nor through /invoke');
    t.equal((await get(app, '/api/v1/reports?status=failed', READER)).status, 200, 'the reader still reads reports');
    const pql = await post(ADMIN, { query: "nodes[certname] { latest_report_status = 'failed' }" });
    t.equal(pql.statusCode, 200);
    t.match(pql.json(), { rows: [{ certname: 'node3' }], total: 1, truncated: false, source: 'puppetdb' });
    const ast = await post(ADMIN, { query: '["from", "nodes", ["=", "certname", "node2"]]' });
    t.match(ast.json(), { rows: [{ certname: 'node2' }] });
    const limited = await post(ADMIN, { query: 'nodes[certname] {}', limit: 2 });
    t.match(limited.json(), { total: 3, truncated: true });
    t.equal(limited.json().rows.length, 2);
    const notFrom = await post(ADMIN, { query: '["=", "certname", "node2"]' });
    t.equal(notFrom.statusCode, 400);
    const broken = await post(ADMIN, { query: 'nodes[certname] { certname = ' });
    t.equal(broken.statusCode, 400, 'PuppetDB refusing the query is the caller\'s 400');
    t.match(broken.json().detail, /PuppetDB refused the query/);
  });

  t.test('HTTPS with the Puppet CA and a client certificate', { skip: stack.puppetdbHttpsUrl && stack.ca ? false : 'the env file names no PUPPETDB_HTTPS_URL / PUPPET_CA' }, async (t) => {
    const app = await buildTestApp(t, { plugins: { puppetdb: { url: stack.puppetdbHttpsUrl, ca: stack.ca, cert: stack.cert, key: stack.key } } });
    t.match((await get(app, '/api/v1/plugins/puppetdb')).body, { state: 'ready', health: { status: 'healthy' } });
    const inv = await get(app, '/api/v1/inventory');
    t.same(inv.body.items.filter((n: { sources: { source: string }[] }) => n.sources.some((s) => s.source === 'puppetdb')).map((n: { name: string }) => n.name), NODES);
    const noCa = await buildTestApp(t, { plugins: { puppetdb: { url: stack.puppetdbHttpsUrl, cert: stack.cert, key: stack.key, attempts: 1 } } });
    t.match((await get(noCa, '/api/v1/plugins/puppetdb')).body.health, { status: 'unhealthy', message: /certificate/i }, 'without the Puppet CA the server is not trusted');
  });

  t.test('one node across sources: ssh inventory + PuppetDB, linked by name', async (t) => {
    const dir = t.testdir({ 'inventory.yaml': 'version: 2\ntargets:\n  - name: node1\n    config:\n      transport: local\ngroups:\n  - name: web\n    targets: [node1]\n' });
    const app = await buildTestApp(t, overrides({ plugins: { puppetdb: puppetdb(stack), ssh: { inventoryFile: join(dir, 'inventory.yaml') } } }));
    const node = await get(app, '/api/v1/inventory/nodes/node1');
    t.equal(node.status, 200);
    t.same(node.body.sources.map((s: { source: string }) => s.source).sort(), ['puppetdb', 'ssh'], 'one node, both sources');
    t.match(node.body, { name: 'node1', transport: 'local', vars: { puppetdb: { state: 'active' } } });
    t.same([...node.body.groups].sort(), ['Debian', 'all', 'web'], 'the groups of both sources');
    const facts = await get(app, '/api/v1/nodes/node1/facts');
    t.match(facts.body, { node: 'node1', source: 'puppetdb', os: { family: 'Debian' }, raw: { clientcert: 'node1' } }, 'facts from PuppetDB (first by priority, then name)');
    // A run on node1 (through the ssh source's local transport) lands in the journal of the same node.
    const run = await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['node1'], params: { command: 'true' } } });
    t.equal(run.statusCode, 202);
    t.equal((await waitForExecution(app, run.json().id)).status, 'succeeded');
    const journal = await get(app, '/api/v1/nodes/node1/journal');
    t.ok(journal.body.items.some((j: { executionId?: string }) => j.executionId === run.json().id), 'the run is in node1\'s journal');
    const inv = await get(app, '/api/v1/inventory');
    t.equal(inv.body.items.filter((n: { name: string }) => n.name === 'node1').length, 1, 'listed once');
  });

  t.test('CAPSTAN_PLUGINS_PUPPETDB_URL alone enables the plugin', async (t) => {
    const { loadConfig } = await import('../../../../src/config/load.js');
    const { buildApp } = await import('../../../../src/app.js');
    const config = loadConfig({ env: { CAPSTAN_PLUGINS_PUPPETDB_URL: stack.puppetdbUrl, CAPSTAN_PLUGINS_PUPPETDB_GROUP_FACT: 'os.family' }, overrides: { dataDir: t.testdir(), logLevel: 'silent', healthIntervalMs: 0, auth: 'off' }, pluginIds: ['puppetdb'] });
    const app = await buildApp(config);
    t.teardown(() => app.close());
    await app.ready();
    t.match((await get(app, '/api/v1/plugins/puppetdb')).body, { state: 'ready' });
    t.match((await get(app, '/api/v1/inventory/groups')).body.items, [{ name: 'Debian', targets: NODES }]);
    const off = loadConfig({ env: {}, overrides: { dataDir: t.testdir(), logLevel: 'silent', healthIntervalMs: 0, auth: 'off' } });
    const app2 = await buildApp(off);
    t.teardown(() => app2.close());
    await app2.ready();
    t.match((await get(app2, '/api/v1/plugins/puppetdb')).body, { state: 'disabled' }, 'without a URL it stays off');
  });

  // Last: it adds a report for node1, which the reads above count.
  t.test('puppet.run with the real agent: the execution links to the report PuppetDB stored', { timeout: 170_000 }, async (t) => {
    if (!stack.dir) { t.fail('the env file names no PUPPET_TB_DIR'); return; }
    // node1 as an ssh target on the local transport; `puppet` first on PATH is the real agent with the
    // testbed's config and node1's certificate (as on node1 itself).
    const dir = t.testdir({
      'inventory.yaml': 'version: 2\ntargets:\n  - name: node1\n    config:\n      transport: local\n',
      // scripts/testbed/puppet-up.sh gives each agent its own vardir, rundir and ssldir (node1's key and
      // certificate live there); the reference recipe's stack shares the server's.
      bin: {
        puppet: `#!/bin/sh\nd='${stack.dir}/agents/node1'\n`
          + `if [ -d "$d" ]; then set -- "$@" --vardir "$d/cache" --rundir "$d/run" --ssldir "$d/ssl"; fi\n`
          + `exec /usr/bin/puppet "$@" --confdir '${stack.dir}/etc' --certname node1\n`,
      },
    });
    chmodSync(join(dir, 'bin', 'puppet'), 0o755);
    const savedPath = process.env.PATH;
    process.env.PATH = `${join(dir, 'bin')}:${process.env.PATH}`;
    t.teardown(() => { process.env.PATH = savedPath; });
    const app = await buildTestApp(t, overrides({ plugins: { puppetdb: puppetdb(stack), ssh: { inventoryFile: join(dir, 'inventory.yaml') } } }));
    const created = await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'puppet.run', targets: ['node1'], params: { noop: true } } });
    t.equal(created.statusCode, 202, created.body);
    const done = await waitForExecution(app, created.json().id, 150);
    t.match(done, { status: 'succeeded', results: [{ target: 'node1', status: 'succeeded' }] }, 'the agent ran');
    t.ok([0, 2].includes(done.results[0].exitCode), `detailed exit code ${done.results[0].exitCode}`);
    t.equal(typeof done.results[0].changed, 'boolean', 'changed is set');
    const output = (await app.inject({ url: `/api/v1/executions/${done.id}/output?format=text` })).body;
    t.match(output, /Applied catalog in/, 'the agent applied its catalog');
    t.match(done.links.reports, /^\/api\/v1\/reports\?nodes=node1&since=/);
    // PuppetDB stores a report asynchronously (its command queue): poll the link.
    let reports: { items: { node: string; noop?: boolean; startTime: string }[] } = { items: [] };
    for (let i = 0; i < 60 && reports.items.length === 0; i++) {
      if (i) await new Promise((r) => setTimeout(r, 1000));
      reports = (await get(app, done.links.reports)).body;
    }
    t.equal(reports.items.length, 1, 'the link finds the run\'s report, and only it');
    t.match(reports.items[0], { node: 'node1', source: 'puppetdb' });
    t.ok(Date.parse(reports.items[0].startTime) >= Date.parse(done.startedAt), 'started within the run');
  });
}
