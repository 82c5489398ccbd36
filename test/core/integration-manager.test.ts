/**
 * IntegrationManager lifecycle: dependency order, failures and timeouts that never stop the others,
 * health checks with timeouts, routing that avoids failed/unhealthy plugins, reverse-order shutdown and
 * the readiness view of required plugins.
 */
import t from 'tap';
import { CONTRACTS, SHARED_SCHEMAS, inventoryList } from '../../src/capabilities/index.js';
import { CapstanError } from '../../src/core/errors.js';
import { IntegrationManager } from '../../src/core/integration-manager.js';
import { CapabilityRegistry } from '../../src/core/registry.js';
import { implement, type HealthStatus } from '../../src/core/types.js';
import { FakePlugin, ctx, deferred, keepAlive, manifestOf, never, nodes, silentLogger, type FakeSpec } from './fixtures/fake-plugins.js';

keepAlive(t);

const OPTS = { initTimeoutMs: 60, healthIntervalMs: 0, healthTimeoutMs: 40 };

function setup(opts: Partial<typeof OPTS> = {}) {
  const registry = new CapabilityRegistry(CONTRACTS, SHARED_SCHEMAS);
  const manager = new IntegrationManager(registry, silentLogger, { ...OPTS, ...opts });
  const add = (spec: FakeSpec, priority?: number) => {
    const plugin = new FakePlugin(spec);
    manager.add(plugin, manifestOf(spec), priority);
    return plugin;
  };
  return { registry, manager, add };
}

/** An inventory.list provider answering with a node named after the plugin. */
const lists = (id: string) => [implement(inventoryList, async () => nodes(id, `${id}-node`))];

t.test('initialize runs in dependency order', async (t) => {
  const { manager, add } = setup();
  const order: string[] = [];
  const rec = (id: string, deps?: string[]): FakeSpec => ({ id, dependencies: deps, initialize: async () => { order.push(id); } });
  // Added in the "wrong" order on purpose; a -> b -> c, d -> c, e stands alone.
  add(rec('a', ['b']));
  add(rec('e'));
  add(rec('b', ['c']));
  add(rec('d', ['c']));
  add(rec('c'));
  await manager.initializeAll();
  const pos = (id: string) => order.indexOf(id);
  t.equal(order.length, 5, 'each initialized once');
  t.ok(pos('c') < pos('b') && pos('b') < pos('a'), `c before b before a (${order.join(',')})`);
  t.ok(pos('c') < pos('d'), 'c before d');
  t.same(manager.list().map((p) => [p.name, p.state]), [['a', 'ready'], ['b', 'ready'], ['c', 'ready'], ['d', 'ready'], ['e', 'ready']]);
  t.equal(manager.get('a')?.health.status, 'healthy', 'health checked after initialize');
  t.type(manager.get('a')?.health.checkedAt, 'string');
  t.equal(manager.get('nope'), undefined);
});

t.test('a throwing initialize fails that plugin only, keeping its message', async (t) => {
  const { manager, add } = setup();
  add({ id: 'bad', initialize: async () => { throw new Error('cannot find bolt on PATH'); } });
  add({ id: 'good' });
  add({ id: 'zed' });
  await manager.initializeAll();
  const bad = manager.get('bad')!;
  t.equal(bad.state, 'failed');
  t.equal(bad.error, 'cannot find bolt on PATH', 'error message kept');
  t.equal(bad.health.status, 'unhealthy');
  t.equal(manager.get('good')?.state, 'ready');
  t.equal(manager.get('zed')?.state, 'ready', 'plugins after the failed one still initialize');
});

t.test('a hanging initialize fails after initTimeoutMs and the rest continue', async (t) => {
  const { manager, add } = setup({ initTimeoutMs: 50 });
  add({ id: 'hang', initialize: () => never() });
  add({ id: 'next' });
  const started = performance.now();
  await manager.initializeAll();
  const took = performance.now() - started;
  const hang = manager.get('hang')!;
  t.equal(hang.state, 'failed');
  t.match(hang.error, /timed out after 50 ms/);
  t.equal(manager.get('next')?.state, 'ready');
  t.ok(took >= 45 && took < 5_000, `initializeAll waited about the time limit (${Math.round(took)} ms)`);
});

t.test('dependents of a failed, missing or cyclic plugin fail with "dependency"', async (t) => {
  const { manager, add } = setup();
  add({ id: 'base', initialize: async () => { throw new Error('no'); } });
  const inits: string[] = [];
  add({ id: 'child', dependencies: ['base'], initialize: async () => { inits.push('child'); } });
  add({ id: 'grandchild', dependencies: ['child'], initialize: async () => { inits.push('grandchild'); } });
  add({ id: 'orphan', dependencies: ['not-installed'], initialize: async () => { inits.push('orphan'); } });
  add({ id: 'cy-a', dependencies: ['cy-b'] });
  add({ id: 'cy-b', dependencies: ['cy-a'] });
  await manager.initializeAll();
  for (const [id, dep] of [['child', 'base'], ['grandchild', 'child'], ['orphan', 'not-installed']]) {
    const p = manager.get(id)!;
    t.equal(p.state, 'failed', `${id} failed`);
    t.match(p.error, new RegExp(`dependency '${dep}'`), `${id} names its dependency`);
  }
  t.same(inits, [], 'a plugin whose dependency is not ready is never initialized');
  t.equal(manager.get('cy-a')?.state, 'failed', 'a dependency cycle fails instead of hanging');
  t.equal(manager.get('cy-b')?.state, 'failed');
});

t.test('health checks: timeout or throw -> unhealthy; degraded stays routable', async (t) => {
  const { manager, add, registry } = setup({ healthTimeoutMs: 30 });
  add({ id: 'hangs', healthCheck: () => never() });
  add({ id: 'throws', healthCheck: async () => { throw new Error('ping failed'); } });
  add({ id: 'degraded', healthCheck: async () => ({ status: 'degraded', message: 'slow disk' }), capabilities: lists('degraded') });
  await manager.initializeAll();
  const hangs = manager.get('hangs')!;
  t.equal(hangs.state, 'ready', 'a slow health check does not fail initialization');
  t.equal(hangs.health.status, 'unhealthy');
  t.match(hangs.health.message, /timed out after 30 ms/);
  t.equal(manager.get('throws')?.health.status, 'unhealthy');
  t.equal(manager.get('throws')?.health.message, 'ping failed');
  t.equal(manager.get('degraded')?.health.status, 'degraded');
  t.equal((await registry.invoke('inventory.list', {}, ctx())).provider, 'degraded', 'a degraded plugin still answers');
});

t.test('failed or unhealthy plugins are not routed to', async (t) => {
  const { manager, add, registry } = setup({ healthTimeoutMs: 30 });
  let health: HealthStatus = { status: 'healthy' };
  add({ id: 'failed', initialize: async () => { throw new Error('x'); }, capabilities: lists('failed') }, 100);
  add({ id: 'sick', healthCheck: async () => health, capabilities: lists('sick') }, 90);
  add({ id: 'fallback', capabilities: lists('fallback') }, 10);

  const pending = await registry.invoke('inventory.list', {}, ctx()).catch((e: CapstanError) => e);
  t.equal((pending as CapstanError).code, 'CAPSTAN_ERR_CAPABILITY_NO_PROVIDER', 'nothing is routed to before initialize');

  await manager.initializeAll();
  t.equal((await registry.invoke('inventory.list', {}, ctx())).provider, 'sick', 'the failed plugin (priority 100) is skipped');

  health = { status: 'unhealthy', message: 'lost connection' };
  await manager.checkAll();
  t.equal(manager.get('sick')?.health.status, 'unhealthy');
  t.equal((await registry.invoke('inventory.list', {}, ctx())).provider, 'fallback', 'an unhealthy plugin is skipped');
  const fan = await registry.invokeAll('inventory.list', {}, ctx());
  t.same(fan.results.map((r) => r.source), ['fallback'], 'invokeAll reports them as sources in error');
  t.same(fan.sources.filter((s) => s.status === 'error').map((s) => s.source), ['failed', 'sick']);

  health = { status: 'healthy' };
  await manager.checkAll();
  t.equal((await registry.invoke('inventory.list', {}, ctx())).provider, 'sick', 'a recovered plugin is routed to again');

  const only = setup();
  only.add({ id: 'solo', initialize: async () => { throw new Error('x'); }, capabilities: lists('solo') });
  await only.manager.initializeAll();
  const e = await only.registry.invoke('inventory.list', {}, ctx()).catch((err: CapstanError) => err);
  t.ok(e instanceof CapstanError);
  t.equal((e as CapstanError).code, 'CAPSTAN_ERR_CAPABILITY_NO_PROVIDER', 'no healthy provider left -> 503');
  t.equal((e as CapstanError).statusCode, 503);
});

t.test('shutdownAll calls shutdown in reverse dependency order, once, despite failures', async (t) => {
  const { manager, add, registry } = setup({ initTimeoutMs: 50 });
  const down: string[] = [];
  const rec = (id: string, deps?: string[], extra: Partial<FakeSpec> = {}): FakeSpec => ({
    id, dependencies: deps, shutdown: async () => { down.push(id); }, ...extra,
  });
  add(rec('app', ['db']));
  add(rec('db', ['net'], { capabilities: lists('db') }));
  add(rec('net'));
  add(rec('noisy', undefined, { shutdown: async () => { down.push('noisy'); throw new Error('close failed'); } }));
  add(rec('stuck', undefined, { shutdown: () => { down.push('stuck'); return never(); } }));
  await manager.initializeAll();
  await manager.shutdownAll();
  const pos = (id: string) => down.indexOf(id);
  t.ok(pos('app') < pos('db') && pos('db') < pos('net'), `dependents stop before their dependencies (${down.join(',')})`);
  t.same([...down].sort(), ['app', 'db', 'net', 'noisy', 'stuck'], 'each shut down once; a throwing or hanging shutdown does not stop the others');
  for (const p of manager.list()) t.equal(p.state, 'stopped', `${p.name} stopped`);
  const e = await registry.invoke('inventory.list', {}, ctx()).catch((err: CapstanError) => err);
  t.equal((e as CapstanError).code, 'CAPSTAN_ERR_CAPABILITY_NO_PROVIDER', 'a stopped plugin is not routed to');

  await manager.shutdownAll();
  t.equal(down.length, 5, 'a second shutdownAll does not call shutdown again');
});

t.test('requiredDown lists required plugins that are not ready and healthy', async (t) => {
  let health: HealthStatus = { status: 'healthy' };
  const { manager, add } = setup();
  add({ id: 'must-fail', required: true, initialize: async () => { throw new Error('x'); } });
  add({ id: 'must-ok', required: true, healthCheck: async () => health });
  add({ id: 'optional-fail', initialize: async () => { throw new Error('x'); } });
  t.same(manager.requiredDown().sort(), ['must-fail', 'must-ok'], 'before initialize every required plugin is down');
  await manager.initializeAll();
  t.same(manager.requiredDown(), ['must-fail'], 'only the failing required plugin');
  t.equal(manager.get('must-fail')?.required, true);
  t.equal(manager.get('optional-fail')?.required, false);

  health = { status: 'unhealthy', message: 'gone' };
  await manager.checkAll();
  t.same(manager.requiredDown().sort(), ['must-fail', 'must-ok'], 'a required plugin turning unhealthy counts');
});

t.test('disabled and unloadable plugins are listed without being initialized', async (t) => {
  const { manager } = setup();
  manager.addInactive({ id: 'off', version: '1.0.0', description: 'off' }, 'disabled');
  manager.addInactive({ id: 'broken', version: '1.0.0', description: 'b' }, 'failed', 'import failed');
  await manager.initializeAll();
  await manager.shutdownAll();
  t.match(manager.get('off'), { state: 'disabled', capabilities: [] });
  t.match(manager.get('broken'), { state: 'failed', error: 'import failed' });
});

t.test('periodic health checks follow the interval and stop at shutdown', async (t) => {
  let checks = 0;
  const second = deferred<void>();
  const { manager, add } = setup({ healthIntervalMs: 10 });
  add({ id: 'p', healthCheck: async () => { if (++checks === 2) second.resolve(); return { status: 'healthy' }; } });
  await manager.initializeAll();
  t.equal(checks, 1, 'one check right after initialize');
  manager.startHealthChecks();
  await second.promise;
  t.ok(checks >= 2, 'the timer ran another check');
  await manager.shutdownAll();
  // Absence cannot be awaited; check the timer itself is gone rather than sleeping.
  t.equal((manager as unknown as { timer?: unknown }).timer, undefined, 'the health timer is cleared at shutdown');
});

t.test('adding the same plugin twice is refused', async (t) => {
  const { add } = setup();
  add({ id: 'twin' });
  t.throws(() => add({ id: 'twin' }), /added twice/);
});
