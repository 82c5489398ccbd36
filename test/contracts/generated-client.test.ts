/**
 * The OpenAPI document is usable by generated clients: openapi-typescript turns openapi/openapi.json into
 * types, a small openapi-fetch client written against them (fixtures/typed-client.ts.txt) must compile with
 * `tsc --noEmit` (strict), and run with tsx against a live server it calls every route family of.
 * Generated files go to test/contracts/.generated/<pid>/ (inside the repo so node_modules resolve) and are
 * deleted afterwards.
 */
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { execa } from 'execa';
import openapiTS, { astToString } from 'openapi-typescript';
import { buildTestApp } from '../helper.js';
import { World, recordPlugins } from '../records/fixtures/providers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const GENERATED = join(import.meta.dirname, '.generated');
const DIR = join(GENERATED, String(process.pid));
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true,
    isolatedModules: true, verbatimModuleSyntax: true, types: ['node'], lib: ['ES2022', 'DOM'],
  },
  files: ['client.ts', 'schema.d.ts'],
};

t.test('a client generated from openapi/openapi.json compiles strictly and drives every route family', { timeout: 170_000 }, async (t) => {
  mkdirSync(DIR, { recursive: true });
  t.teardown(() => {
    rmSync(DIR, { recursive: true, force: true });
    if (readdirSync(GENERATED).length === 0) rmSync(GENERATED, { recursive: true, force: true });
  });
  // defaultNonNullable (on by default) would make every property with a `default` required, request bodies
  // included, though the server fills defaults in: a client must be able to omit them.
  const ast = await openapiTS(pathToFileURL(join(ROOT, 'openapi', 'openapi.json')), { defaultNonNullable: false });
  writeFileSync(join(DIR, 'schema.d.ts'), astToString(ast));
  copyFileSync(join(import.meta.dirname, 'fixtures', 'typed-client.ts.txt'), join(DIR, 'client.ts'));
  writeFileSync(join(DIR, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));

  const tsc = await execa(bin('tsc'), ['-p', DIR], { reject: false, all: true });
  t.equal(tsc.exitCode, 0, 'the typed client compiles (tsc --noEmit, strict)');
  if (tsc.exitCode !== 0) t.comment(tsc.all);

  const world = new World();
  const app = await buildTestApp(t, {}, { extraPlugins: recordPlugins(world) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  // The event stream starts from now: keep something happening while the client follows it.
  const pusher = setInterval(() => world.push('puppetdb', 'Service[nginx] restarted by the typed client test'), 200);
  t.teardown(() => clearInterval(pusher));

  const run = await execa(bin('tsx'), [join(DIR, 'client.ts'), `http://127.0.0.1:${port}`], { reject: false, all: true, timeout: 120_000 });
  t.equal(run.exitCode, 0, 'the client ran to the end');
  if (run.exitCode !== 0) t.comment(run.all);
  const out = new Map<string, any>(run.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).map((o) => [o.family, o]));

  t.match(out.get('health'), { live: 'ok', ready: 'ok' });
  t.match(out.get('plugins'), { sshState: 'ready' });
  t.ok(['ssh', 'puppetdb', 'chef', 'alertmanager', 'apt', 'jenkins', 'terraform'].every((n) => out.get('plugins')?.names.includes(n)), 'every plugin listed');
  t.ok(['reports.list', 'events.stream', 'alert.list', 'package.install', 'deploy.execute', 'provision.create'].every((c) => out.get('capabilities')?.provided.includes(c)));
  t.same(out.get('capabilities')?.reportsProviders, ['chef', 'puppetdb']);
  t.match(out.get('inventory'), { node: 'localhost', sources: ['ok'] });
  t.ok(out.get('inventory')?.names.includes('localhost'));
  t.match(out.get('facts'), { node: 'localhost', kernel: /linux/i });
  t.match(out.get('executions'), {
    status: 202, location: /^\/api\/v1\/executions\/[0-9a-f-]+$/, final: 'succeeded', stdout: ['typed-client-hello'],
    text: 'typed-client-hello\n', nextAfter: /^[0-9]+$/,
  });
  t.match(out.get('queue'), { concurrency: Number, running: 0, queued: 0 });

  const all = [...world.reports.puppetdb, ...world.reports.chef].sort((a, b) => Date.parse(b.startTime) - Date.parse(a.startTime)).map((r) => r.id);
  t.match(out.get('reports'), {
    page1: all.slice(0, 5), page2: all.slice(5, 10), sources: ['chef:ok', 'puppetdb:ok'], failedOnly: true, got: all[5],
    missing: { status: 404, code: 'CAPSTAN_ERR_RECORD_NOT_FOUND' },
  });
  t.match(out.get('events'), { count: 3, streamed: 'Service[nginx] restarted by the typed client test', streamedId: true });
  t.ok(out.get('events')?.severities.every((s: string) => ['error', 'warning'].includes(s)));
  t.match(out.get('alerts'), {
    names: ['MysqlReplicationLag', 'SwapUsage'], got: 'MysqlReplicationLag', acknowledged: 'acknowledged', by: 'anonymous', resolved: 'firing',
    subscription: { status: 201, source: 'capstan' },
  });
  t.match(out.get('packages'), {
    installed: ['curl@apt', 'nginx@puppetdb', 'openssl@apt', 'openssl@puppetdb'], found: ['nginx', 'nginx-extras'],
    install: { status: 202, capability: 'package.install', final: 'succeeded' },
  });
  t.match(out.get('deployments'), {
    history: 3, more: true, got: 'jenkins-dep-1000',
    deploy: { status: 202, final: 'succeeded' }, rollback: { status: 202, final: 'succeeded', deploymentId: 'jenkins-dep-1000' },
  });
  t.match(out.get('provisioning'), { resource: 'running', create: { status: 202, final: 'succeeded' }, decommission: { status: 202, final: 'succeeded' }, state: 'active' });
});
