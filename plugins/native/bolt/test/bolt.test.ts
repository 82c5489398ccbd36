/**
 * The bolt plugin end to end through the HTTP API (buildTestApp + inject), against the fake bolt CLI on a
 * temporary Bolt project: health, inventory (list/get/groups/filter from `inventory show --detail`), the
 * inventory and facts caches (bolt invocations counted by the wrapper), facts normalisation and the error
 * categories of queries, target validation and the argv handed to bolt.
 * Runs are in bolt-runs.test.ts, streaming / cancel / timeout in bolt-stream.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { buildTestApp } from '../../../../test/helper.js';
import { boltOverrides, calls, knobs, resetCalls, teardownOf, writeProject } from './fixtures/helpers.js';

const ALL_CAPABILITIES = ['command.execute', 'info.facts', 'info.refresh', 'inventory.filter', 'inventory.get', 'inventory.groups', 'inventory.list', 'plan.execute', 'puppet.run', 'script.execute', 'task.execute', 'task.list'];

t.test('health: the version with the fake; "bolt not installed" and 503s without it', async (t) => {
  const project = writeProject(t.testdir());
  const app = await buildTestApp(teardownOf(t), boltOverrides(project));
  const info = (await app.inject({ method: 'GET', url: '/api/v1/plugins/bolt' })).json();
  t.equal(info.state, 'ready');
  t.equal(info.health.status, 'healthy');
  t.equal(info.health.message, 'bolt 3.30.0');
  t.equal(info.health.details.version, '3.30.0');
  t.same(info.capabilities.map((c: any) => c.name).sort(), ALL_CAPABILITIES, 'every capability of the manifest');
  t.match(calls(project, /--version/)[0], /^--version --format json --project /, 'health runs bolt --version');

  const missing = await buildTestApp(teardownOf(t), boltOverrides(project, { binary: join(t.testdir(), 'no-such-bolt') }));
  const down = (await missing.inject({ method: 'GET', url: '/api/v1/plugins/bolt' })).json();
  t.equal(down.health.status, 'unhealthy');
  t.match(down.health.message, /bolt not installed/);
  for (const [method, url, payload] of [
    ['POST', '/api/v1/capabilities/task.list/invoke', {}],
    ['POST', '/api/v1/capabilities/inventory.list/invoke', {}],
    ['POST', '/api/v1/capabilities/info.facts/invoke', { node: 'web1' }],
    ['POST', '/api/v1/executions', { capability: 'command.execute', targets: ['web1'], params: { command: 'true' } }],
  ] as const) {
    const res = await missing.inject({ method, url, payload });
    t.equal(res.statusCode, 503, `${url}: 503`);
    t.equal(res.json().code, 'CAPSTAN_ERR_CAPABILITY_NO_PROVIDER', `${url}: no provider available`);
  }
  const inv = (await missing.inject({ method: 'GET', url: '/api/v1/inventory' })).json();
  t.same(inv.items, [], 'the inventory aggregate answers, without bolt nodes');
  t.match(inv.sources, [{ source: 'bolt', status: 'error', error: { code: 'CAPSTAN_ERR_PLUGIN_UNAVAILABLE' } }], 'and says why');

  const noProject = await buildTestApp(teardownOf(t), boltOverrides(join(project, 'nope')));
  const np = (await noProject.inject({ method: 'GET', url: '/api/v1/plugins/bolt' })).json();
  t.same([np.health.status, np.health.message], ['unhealthy', `bolt project directory '${join(project, 'nope')}' does not exist or is not a directory`]);
});

t.test('inventory: nodes, groups, aliases, vars and transport from inventory show --detail, one bolt call', async (t) => {
  const project = writeProject(t.testdir());
  const app = await buildTestApp(teardownOf(t), boltOverrides(project));
  const get = async (url: string) => {
    const res = await app.inject({ method: 'GET', url });
    return { status: res.statusCode, body: res.json() };
  };
  const all = await get('/api/v1/inventory');
  t.equal(all.status, 200);
  t.same(all.body.sources.map((s: any) => [s.source, s.status]), [['bolt', 'ok']]);
  t.same(all.body.items.map((n: any) => [n.name, n.transport, n.groups]), [
    ['db1', 'local', ['db', 'all']],
    ['deadhost', 'ssh', ['remote', 'all']],
    ['localhost', 'local', ['all']],
    ['web1', 'local', ['web', 'all']],
    ['web2', 'local', ['web', 'all']],
    ['web3', 'local', ['canary', 'web', 'all']],
  ], 'every target, its transport and groups (nested groups included)');
  const by = Object.fromEntries(all.body.items.map((n: any) => [n.name, n]));
  t.same(by.web2.alias, ['w2'], 'a single alias');
  t.same(by.db1.alias, ['database', 'pg'], 'an alias list');
  t.same(by.web1.vars, { tier: 'frontend', role: 'primary' }, 'group and target vars merged by bolt');
  t.equal(by.deadhost.uri, '127.0.0.19');
  t.same(by.web1.sources, [{ source: 'bolt', id: 'web1' }]);

  t.same((await get('/api/v1/inventory?group=canary')).body.items.map((n: any) => n.name), ['web3']);
  t.same((await get('/api/v1/inventory?name=web*&group=web&limit=2')).body.items.map((n: any) => n.name), ['web1', 'web2'], 'glob, group and a page');
  t.same((await get('/api/v1/inventory?transport=ssh')).body.items.map((n: any) => n.name), ['deadhost']);
  t.equal((await get('/api/v1/inventory/nodes/w2')).body.name, 'web2', 'a node by alias');
  t.equal((await get('/api/v1/inventory/nodes/pg')).body.name, 'db1');
  t.equal((await get('/api/v1/inventory/nodes/w')).status, 404, 'an alias is matched whole, not as a substring');
  const groups = await get('/api/v1/inventory/groups');
  t.same(groups.body.items.map((g: any) => [g.name, g.targets]), [['canary', ['web3']], ['db', ['db1']], ['remote', ['deadhost']], ['web', ['web1', 'web2', 'web3']]]);

  const invoke = async (name: string, body: object) => (await app.inject({ method: 'POST', url: `/api/v1/capabilities/${name}/invoke`, payload: body })).json();
  t.same((await invoke('inventory.filter', { name: 'web*', groups: ['canary'] })).result.nodes.map((n: any) => n.name), ['web3']);
  t.same((await invoke('inventory.filter', { name: '?b1' })).result.nodes.map((n: any) => n.name), ['db1'], '? glob');
  t.same((await invoke('inventory.filter', { transport: 'ssh' })).result.nodes.map((n: any) => n.name), ['deadhost']);
  t.same((await invoke('inventory.list', { groups: ['db', 'canary'] })).result.nodes.map((n: any) => n.name), ['db1', 'web3']);
  t.equal((await invoke('inventory.get', { name: 'database' })).result.node.name, 'db1');
  t.equal((await invoke('inventory.get', { name: 'nobody' })).result.node, null);
  t.same((await invoke('inventory.groups', {})).result.groups.map((g: any) => g.name), ['canary', 'db', 'remote', 'web']);

  const shows = calls(project, /^inventory show/);
  t.equal(shows.length, 1, 'all of these reads were served by one bolt call');
  t.equal(shows[0], `inventory show --detail --targets all --format json --project ${project}`, 'the argv');
});

t.test('inventory cache: concurrent reads coalesce into one bolt call; a TTL of 0 calls bolt every time', async (t) => {
  const project = writeProject(t.testdir());
  const app = await buildTestApp(teardownOf(t), boltOverrides(project));
  const reads = await Promise.all(Array.from({ length: 10 }, () => app.inject({ method: 'GET', url: '/api/v1/inventory' })));
  t.ok(reads.every((r) => r.statusCode === 200 && r.json().items.length === 6), '10 concurrent reads answered');
  t.equal(calls(project, /^inventory show/).length, 1, 'one bolt call for 10 concurrent reads');
  for (let i = 0; i < 5; i++) await app.inject({ method: 'GET', url: `/api/v1/inventory?name=web${i}` });
  t.equal(calls(project, /^inventory show/).length, 1, 'later reads served from the cache');

  // The control: the same reads without a cache are counted one by one.
  const uncached = writeProject(t.testdir());
  const app2 = await buildTestApp(teardownOf(t), boltOverrides(uncached, { inventoryTtlSeconds: 0, inventoryStaleSeconds: 0 }));
  for (let i = 0; i < 3; i++) await app2.inject({ method: 'GET', url: '/api/v1/inventory/groups' });
  t.equal(calls(uncached, /^inventory show/).length, 3, 'ttl 0: one bolt call per read');
});

t.test('inventoryFile from config is passed as --inventoryfile', async (t) => {
  const project = writeProject(t.testdir());
  const alt = join(project, 'other-inventory.yaml');
  writeFileSync(alt, 'version: 2\ntargets:\n  - name: alt1\n    config:\n      transport: local\n');
  const app = await buildTestApp(teardownOf(t), boltOverrides(project, { inventoryFile: alt }));
  const res = (await app.inject({ method: 'GET', url: '/api/v1/inventory' })).json();
  t.same(res.items.map((n: any) => n.name), ['alt1'], 'the configured inventory file is the one read');
  t.match(calls(project, /^inventory show/)[0], `--project ${project} --inventoryfile ${alt}`);
});

t.test('facts: normalised with raw kept, cached per node, refresh re-gathers', async (t) => {
  const project = writeProject(t.testdir());
  const app = await buildTestApp(teardownOf(t), boltOverrides(project));
  const facts = async (node: string, method: 'GET' | 'POST' = 'GET') => {
    const res = await app.inject({ method, url: `/api/v1/nodes/${node}/facts`, ...(method === 'POST' ? { payload: {} } : {}) });
    return { status: res.statusCode, body: res.json() };
  };
  const gathered = () => calls(project, /^task run facts/);

  const first = await facts('web1');
  t.equal(first.status, 200);
  const f = first.body;
  t.equal(f.node, 'web1');
  t.equal(f.source, 'bolt');
  t.match(f.os, { family: String, name: String, release: String }, 'os');
  t.ok(f.processors.count >= 1, 'processors.count');
  t.ok(f.memory.totalBytes > 0, 'memory.totalBytes');
  t.ok(f.networking.ipAddresses.includes('127.0.0.1'), 'networking.ipAddresses');
  t.type(f.networking.interfaces, 'object');
  t.equal(f.kernel, f.raw.kernel);
  t.equal(f.kernelRelease, f.raw.kernelrelease, 'the kernel release apart from its name');
  t.equal(f.os.family, f.raw.os.family);
  t.equal(f.memory.totalBytes, f.raw.memory.system.total_bytes, 'normalised from the raw facts');
  t.match(f.raw, { os: Object, processors: Object, memory: Object, networking: Object, identity: Object }, 'raw kept');
  t.same(gathered(), [`task run facts --targets web1 --concurrency 100 --connect-timeout 10 --format json --project ${project}`], 'one facts task run, on web1 only');

  t.equal((await facts('web1')).body.gatheredAt, f.gatheredAt, 'a second read is the cached facts');
  t.equal(gathered().length, 1, 'without running bolt');
  await facts('web2');
  t.equal(gathered().length, 2, 'another node is gathered on its own');
  t.equal((await facts('w2')).body.node, 'web2', 'an alias reads the node it names');
  t.equal(gathered().length, 2, 'from its cache entry');

  const refreshed = await facts('web1', 'POST');
  t.equal(refreshed.status, 200);
  t.ok(Date.parse(refreshed.body.gatheredAt) > Date.parse(f.gatheredAt), 'refresh gathers anew');
  t.equal(gathered().length, 3);
  t.equal((await facts('web1')).body.gatheredAt, refreshed.body.gatheredAt, 'and the cache holds the refreshed facts');
  t.equal(gathered().length, 3);
});

t.test('facts errors: connect, auth and host key failures keep their category; bad node names never reach bolt', async (t) => {
  const project = writeProject(t.testdir());
  const app = await buildTestApp(teardownOf(t), boltOverrides(project));
  const problem = async (url: string, method: 'GET' | 'POST' = 'GET', payload?: object) => {
    const res = await app.inject({ method, url, ...(payload ? { payload } : {}) });
    return { status: res.statusCode, ...res.json() };
  };
  t.match(await problem('/api/v1/nodes/deadhost/facts'), {
    status: 503, category: 'unavailable', code: 'CAPSTAN_ERR_TARGET_CONNECT_FAILED', detail: /Failed to connect to deadhost.*127\.0\.0\.19:2222/,
  }, 'nothing listens on 127.0.0.19:2222: unavailable');

  knobs(project, { FAKE_BOLT_UNREACHABLE: 'web1,web2=auth,web3=hostkey' });
  t.match(await problem('/api/v1/nodes/web1/facts'), { status: 503, code: 'CAPSTAN_ERR_TARGET_CONNECT_FAILED' });
  t.match(await problem('/api/v1/nodes/web2/facts'), { status: 502, category: 'unauthorized', code: 'CAPSTAN_ERR_TARGET_AUTH_FAILED' });
  t.match(await problem('/api/v1/nodes/web3/facts', 'POST', {}), { status: 502, category: 'forbidden', code: 'CAPSTAN_ERR_TARGET_HOST_KEY_MISMATCH' }, 'refresh too');
  knobs(project, {});
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/nodes/web1/facts' })).statusCode, 200, 'a failure is not cached');

  resetCalls(project);
  const invoke = (node: string) => problem('/api/v1/capabilities/info.facts/invoke', 'POST', { node });
  t.match(await invoke('web1,db1'), { status: 400, code: 'CAPSTAN_ERR_TARGET_INVALID' }, 'a comma would address two targets');
  t.match(await invoke('@/etc/hostname'), { status: 400, category: 'validation' }, '@file would make bolt read targets from a file (refused by the contract)');
  t.match(await invoke('-v'), { status: 400, category: 'validation' }, 'an option');
  t.same(calls(project), [], 'none of them ran bolt');
  t.match(await invoke('web'), { status: 400, code: 'CAPSTAN_ERR_TARGET_INVALID', detail: /names 3 targets/ }, 'a group name is not a node: no facts filed under it');
  t.match(await invoke('nosuchhost'), { status: 503, code: 'CAPSTAN_ERR_TARGET_CONNECT_FAILED' }, 'an unknown name is an unreachable host to bolt');
});

t.test('target names: the API refuses options before resolving them', async (t) => {
  const project = writeProject(t.testdir());
  const app = await buildTestApp(teardownOf(t), boltOverrides(project));
  resetCalls(project);
  for (const target of ['-x', '--targets=all']) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: [target], params: { command: 'id' } } });
    t.equal(res.statusCode, 400, `${target}: 400`);
    t.equal(res.json().category, 'validation');
  }
  const comma = await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['web1,web2'], params: { command: 'id' } } });
  t.equal(comma.json().code, 'CAPSTAN_ERR_TARGET_UNRESOLVED', 'a comma list is not a target of the inventory');
  t.same(calls(project, /^\w+ run /), [], 'no run reached bolt');
});
