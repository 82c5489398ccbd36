/**
 * CapabilityRegistry on its own: boot-time misuse checks, priority order, routing with fallback only on
 * retryable categories, params/result validation, per-provider timeouts, fan-out with per-source status,
 * and the invocation observer.
 */
import t from 'tap';
import { Type } from '@sinclair/typebox';
import { CONTRACTS, SHARED_SCHEMAS, infoFacts, inventoryGroups, inventoryList } from '../../src/capabilities/index.js';
import { CapstanError, Errors } from '../../src/core/errors.js';
import { CapabilityRegistry, DEFAULT_PRIORITY, type InvocationOutcome } from '../../src/core/registry.js';
import { implement } from '../../src/core/types.js';
import { ctx, deferred, keepAlive, never, nodes } from './fixtures/fake-plugins.js';

keepAlive(t);

const up = () => true;
const down = () => false;

function newRegistry(): CapabilityRegistry {
  return new CapabilityRegistry(CONTRACTS, SHARED_SCHEMAS);
}

/** Registers an inventory.list provider answering with one node named after the plugin. */
function lister(reg: CapabilityRegistry, plugin: string, priority: number, opts: { available?: () => boolean; handler?: () => Promise<unknown>; calls?: string[] } = {}) {
  const handler = async () => {
    opts.calls?.push(plugin);
    return opts.handler ? opts.handler() : nodes(plugin, `${plugin}-node`);
  };
  reg.register(plugin, ['inventory.list'], implement(inventoryList, handler as never), opts.available ?? up, priority);
}

/** Runs fn, expects a CapstanError, returns it. */
async function caught(fn: () => unknown): Promise<CapstanError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof CapstanError) return err;
    throw new Error(`expected a CapstanError, got ${String(err)}`);
  }
  throw new Error('expected a throw, got none');
}

t.test('register rejects misuse with PluginMisuse', async (t) => {
  const reg = newRegistry();
  const ok = implement(inventoryList, async () => nodes('a'));

  const unknown = { ...ok, name: 'inventory.bogus' };
  t.throws(() => reg.register('a', ['inventory.bogus'], unknown, up), { code: 'CAPSTAN_ERR_PLUGIN_MISUSE', message: /unknown capability 'inventory.bogus'/ }, 'unknown capability');

  t.throws(() => reg.register('a', ['inventory.get'], ok, up), { code: 'CAPSTAN_ERR_PLUGIN_MISUSE', message: /does not declare/ }, 'capability not in manifest provides');

  t.throws(() => reg.register('a', ['inventory.list'], { ...ok, params: Type.Object({}) }, up), { code: 'CAPSTAN_ERR_PLUGIN_MISUSE', message: /changes the schemas/ }, 'changed params schema');
  t.throws(() => reg.register('a', ['inventory.list'], { ...ok, result: Type.Object({}) }, up), { code: 'CAPSTAN_ERR_PLUGIN_MISUSE', message: /changes the schemas/ }, 'changed result schema');
  t.same(reg.providers('inventory.list'), [], 'nothing registered by the failed attempts');

  reg.register('a', ['inventory.list'], ok, up);
  t.throws(() => reg.register('a', ['inventory.list'], ok, up), { code: 'CAPSTAN_ERR_PLUGIN_MISUSE', message: /twice/ }, 'duplicate provider');
  t.equal(reg.providers('inventory.list').length, 1, 'the duplicate was not added');

  const err = (() => { try { reg.register('a', ['x.y'], { ...ok, name: 'x.y' }, up); } catch (e) { return e; } })();
  t.ok(err instanceof CapstanError && err.category === 'internal', 'PluginMisuse is an internal error');
});

t.test('providers are sorted by priority (desc), ties by plugin name; default priority applies', async (t) => {
  const reg = newRegistry();
  lister(reg, 'low', 10);
  lister(reg, 'high', 90);
  lister(reg, 'mid-b', 50);
  lister(reg, 'mid-a', 50);
  reg.register('plain', ['inventory.list'], implement(inventoryList, async () => nodes('plain')), up);
  reg.register('own', ['inventory.list'], implement(inventoryList, async () => nodes('own'), { priority: 70 }), up);
  t.same(reg.providers('inventory.list').map((p) => [p.plugin, p.priority]), [
    ['high', 90], ['own', 70], ['mid-a', 50], ['mid-b', 50], ['plain', DEFAULT_PRIORITY], ['low', 10],
  ]);
  t.equal(DEFAULT_PRIORITY, 50);

  reg.register('override', ['inventory.list'], implement(inventoryList, async () => nodes('o'), { priority: 1 }), up, 95);
  t.equal(reg.providers('inventory.list')[0].plugin, 'override', 'explicit (config) priority beats the capability priority');

  reg.unregister('override');
  t.notOk(reg.providers('inventory.list').some((p) => p.plugin === 'override'), 'unregister removes the provider');
});

t.test('invoke routes to the highest-priority available provider', async (t) => {
  const reg = newRegistry();
  const calls: string[] = [];
  lister(reg, 'low', 10, { calls });
  lister(reg, 'high', 90, { calls, available: down });
  lister(reg, 'mid', 50, { calls });
  const r = await reg.invoke('inventory.list', {}, ctx());
  t.equal(r.provider, 'mid', 'the unavailable higher provider is skipped');
  t.same(r.value, nodes('mid', 'mid-node'));
  t.same(calls, ['mid'], 'the unavailable provider is never called, the lower one not needed');

  const only = await reg.invoke('inventory.list', {}, ctx(), { provider: 'low' });
  t.equal(only.provider, 'low', '{provider} asks that plugin only');
  const e = await caught(() => reg.invoke('inventory.list', {}, ctx(), { provider: 'nobody' }));
  t.equal(e.code, 'CAPSTAN_ERR_PROVIDER_NOT_FOUND', 'a provider that does not provide it');
  t.equal(e.statusCode, 404);
});

t.test('invoke falls back to the next provider only on retryable categories', async (t) => {
  const retryable: [string, () => Error][] = [
    ['unavailable', () => new Errors.Upstream('tool said no')],
    ['timeout', () => new Errors.CapabilityTimeout('slow')],
    ['rate_limited', () => new Errors.QueueFull('busy')],
  ];
  for (const [category, make] of retryable) {
    const reg = newRegistry();
    const calls: string[] = [];
    lister(reg, 'first', 90, { calls, handler: async () => { throw make(); } });
    lister(reg, 'second', 50, { calls });
    const r = await reg.invoke('inventory.list', {}, ctx());
    t.equal(r.provider, 'second', `${category}: the next provider answers`);
    t.same(calls, ['first', 'second'], `${category}: both were tried, in priority order`);
  }

  const final: [string, () => Error, string][] = [
    ['validation', () => new Errors.Validation('bad input'), 'CAPSTAN_ERR_REQUEST_VALIDATION'],
    ['execution_failed', () => new Errors.ExecutionFailed('exit 1'), 'CAPSTAN_ERR_EXECUTION_FAILED'],
    ['not_found', () => new Errors.NodeNotFound('no such node'), 'CAPSTAN_ERR_NODE_NOT_FOUND'],
    ['a plain Error (internal)', () => new Error('boom'), 'CAPSTAN_ERR_INTERNAL'],
  ];
  for (const [label, make, code] of final) {
    const reg = newRegistry();
    const calls: string[] = [];
    lister(reg, 'first', 90, { calls, handler: async () => { throw make(); } });
    lister(reg, 'second', 50, { calls });
    const e = await caught(() => reg.invoke('inventory.list', {}, ctx()));
    t.equal(e.code, code, `${label}: the first provider's error is thrown`);
    t.same(calls, ['first'], `${label}: no fallback`);
  }

  const reg = newRegistry();
  lister(reg, 'first', 90, { handler: async () => { throw new Errors.Upstream('one'); } });
  lister(reg, 'second', 50, { handler: async () => { throw new Errors.Connect('two'); } });
  const e = await caught(() => reg.invoke('inventory.list', {}, ctx()));
  t.equal(e.code, 'CAPSTAN_ERR_TARGET_CONNECT_FAILED', 'when every provider fails retryably, the last error is thrown');

  const pinned = newRegistry();
  const calls: string[] = [];
  lister(pinned, 'first', 90, { calls, handler: async () => { throw new Errors.Upstream('down'); } });
  lister(pinned, 'second', 50, { calls });
  const p = await caught(() => pinned.invoke('inventory.list', {}, ctx(), { provider: 'first' }));
  t.equal(p.category, 'unavailable', 'with {provider} there is no fallback');
  t.same(calls, ['first']);
});

t.test('params are validated against the contract before any provider runs', async (t) => {
  const reg = newRegistry();
  const calls: string[] = [];
  lister(reg, 'a', 50, { calls });
  const e = await caught(() => reg.invoke('inventory.list', { groups: 'web', bogus: 1 }, ctx()));
  t.equal(e.code, 'CAPSTAN_ERR_CAPABILITY_PARAMS_INVALID');
  t.equal(e.category, 'validation');
  t.equal(e.statusCode, 400);
  const errors = e.extra.errors as { pointer: string; message: string }[];
  t.ok(Array.isArray(errors), 'errors listed');
  const pointers = errors.map((x) => x.pointer);
  t.ok(pointers.includes('/bogus'), `unknown key named (${pointers.join(', ')})`);
  t.ok(pointers.includes('/groups'), 'wrong type named too (all errors at once)');
  t.equal(e.extra.capability, 'inventory.list');
  t.same(calls, [], 'no provider called');

  const all = await caught(() => reg.invokeAll('inventory.list', { bogus: 1 }, ctx()));
  t.equal(all.code, 'CAPSTAN_ERR_CAPABILITY_PARAMS_INVALID', 'invokeAll validates too');

  const facts = newRegistry();
  facts.register('f', ['info.facts'], implement(infoFacts, async () => ({ node: 'x', os: {}, gatheredAt: new Date().toISOString() })), up);
  const missing = await caught(() => facts.invoke('info.facts', {}, ctx()));
  t.equal(missing.code, 'CAPSTAN_ERR_CAPABILITY_PARAMS_INVALID', 'missing required param');
  t.match(missing.extra.errors, [{ message: /node/ }]);
  const dash = await caught(() => facts.invoke('info.facts', { node: '-oProxyCommand=x' }, ctx()));
  t.equal(dash.code, 'CAPSTAN_ERR_CAPABILITY_PARAMS_INVALID', 'a node name that looks like an option is refused');
});

t.test('an invalid provider result is rejected', async (t) => {
  const reg = newRegistry();
  const calls: string[] = [];
  lister(reg, 'liar', 90, { calls, handler: async () => ({ nodes: [{ name: 'x' }] }) });
  lister(reg, 'honest', 50, { calls });
  const e = await caught(() => reg.invoke('inventory.list', {}, ctx()));
  t.equal(e.code, 'CAPSTAN_ERR_CAPABILITY_RESULT_INVALID');
  t.match(e.message, /liar/, 'the detail names the provider');
  t.same(calls, ['liar'], 'an invalid result is not retryable: no fallback');

  const fan = await reg.invokeAll('inventory.list', {}, ctx());
  t.same(fan.results.map((r) => r.source), ['honest'], 'invokeAll drops the invalid result');
  t.match(fan.sources.find((s) => s.source === 'liar'), { status: 'error', error: { code: 'CAPSTAN_ERR_CAPABILITY_RESULT_INVALID' } });
});

t.test('a provider that never answers times out (and its signal is aborted)', async (t) => {
  const reg = newRegistry();
  const aborted = deferred<string>();
  reg.register('stuck', ['inventory.list'], implement(inventoryList, (_p, c) => {
    c.signal.addEventListener('abort', () => aborted.resolve('aborted'), { once: true });
    return never();
  }), up, 90);
  const e = await caught(() => reg.invoke('inventory.list', {}, ctx(), { timeoutMs: 30 }));
  t.equal(e.category, 'timeout');
  t.equal(e.code, 'CAPSTAN_ERR_CAPABILITY_TIMEOUT');
  t.equal(e.statusCode, 504);
  t.match(e.message, /stuck.*30 ms/);
  t.equal(await aborted.promise, 'aborted', "the handler's signal was aborted at the timeout");

  lister(reg, 'backup', 10);
  const r = await reg.invoke('inventory.list', {}, ctx(), { timeoutMs: 30 });
  t.equal(r.provider, 'backup', 'timeout is retryable: the next provider answers');
});

t.test('a caller abort reaches the handler and ends the call', async (t) => {
  const reg = newRegistry();
  const seen = deferred<void>();
  reg.register('stuck', ['inventory.list'], implement(inventoryList, (_p, c) => {
    c.signal.addEventListener('abort', () => seen.resolve(), { once: true });
    return never();
  }), up);
  const controller = new AbortController();
  const call = caught(() => reg.invoke('inventory.list', {}, ctx(controller.signal), { timeoutMs: 60_000 }));
  controller.abort();
  const e = await call;
  await seen.promise;
  t.equal(e.category, 'unavailable', 'an aborted call ends at once, not after the timeout');
});

t.test("a provider's abortSettleMs extends the settle window after an abort (and the time limit)", async (t) => {
  const reg = newRegistry();
  // Each handler needs 150 ms after the abort to stop (an interrupted tool writing its state).
  const slowStop = (answer: string) => implement(inventoryList, (_p, c) => new Promise((resolve) => {
    c.signal.addEventListener('abort', () => setTimeout(() => resolve(nodes(answer, `${answer}-node`) as never), 150), { once: true });
  }), { abortSettleMs: answer === 'patient' ? 1000 : undefined });
  reg.register('patient', ['inventory.list'], slowStop('patient'), up);
  reg.register('hasty', ['inventory.list'], slowStop('hasty'), up);
  for (const [provider, kept] of [['patient', true], ['hasty', false]] as const) {
    const controller = new AbortController();
    const call = reg.invoke('inventory.list', {}, ctx(controller.signal), { provider, timeoutMs: 60_000, abortSettleMs: 20 }).then((r) => r.value, (e: unknown) => e);
    setTimeout(() => controller.abort(), 10);
    const v = await call;
    if (kept) t.match(v, { nodes: [{ name: 'patient-node' }] }, 'its answer after the abort is kept');
    else t.match(v, { category: 'unavailable', message: /did not stop .* within 20 ms/ }, 'without it the call gives up after the caller window');
  }
  const timed = implement(inventoryList, () => new Promise((resolve) => setTimeout(() => resolve(nodes('late', 'late-node') as never), 80)), { abortSettleMs: 200 });
  reg.register('late', ['inventory.list'], timed, up);
  t.equal((await reg.invoke('inventory.list', {}, ctx(), { provider: 'late', timeoutMs: 30 })).provider, 'late', 'its time limit grows by as much');
});

t.test('invokeAll aggregates good providers with per-source status and never throws for one source', async (t) => {
  const reg = newRegistry();
  lister(reg, 'alpha', 90);
  lister(reg, 'broken', 80, { handler: async () => { throw new Error('kaput'); } });
  lister(reg, 'beta', 70);
  lister(reg, 'slow', 60, { handler: () => never() });
  lister(reg, 'off', 50, { available: down });
  lister(reg, 'late', 40, { handler: async () => { throw new Errors.Upstream('upstream 502'); } });

  const { results, sources } = await reg.invokeAll('inventory.list', {}, ctx(), { timeoutMs: 40 });
  t.same(results, [
    { source: 'alpha', value: nodes('alpha', 'alpha-node') },
    { source: 'beta', value: nodes('beta', 'beta-node') },
  ], 'results from the good providers, in priority order');
  t.same(sources.map((s) => [s.source, s.status]), [
    ['alpha', 'ok'], ['broken', 'error'], ['beta', 'ok'], ['slow', 'timeout'], ['off', 'error'], ['late', 'error'],
  ], 'one status per provider');
  for (const s of sources) {
    t.type(s.durationMs, 'number', `${s.source} has durationMs`);
    t.ok(s.durationMs >= 0, `${s.source} durationMs >= 0`);
    if (s.status === 'ok') t.notOk(s.error, `${s.source}: no error when ok`);
    else t.ok(s.error && s.error.code && s.error.category && s.error.title && typeof s.error.detail === 'string', `${s.source}: error described`);
  }
  const by = Object.fromEntries(sources.map((s) => [s.source, s]));
  t.equal(by.broken.error?.code, 'CAPSTAN_ERR_INTERNAL');
  t.equal(by.slow.error?.category, 'timeout');
  t.ok(by.slow.durationMs >= 30, 'the timeout source waited about its time limit');
  t.equal(by.off.error?.code, 'CAPSTAN_ERR_PLUGIN_UNAVAILABLE');
  t.equal(by.late.error?.code, 'CAPSTAN_ERR_UPSTREAM_ERROR');

  const allBad = newRegistry();
  lister(allBad, 'x', 50, { handler: async () => { throw new Error('x'); } });
  const r = await allBad.invokeAll('inventory.list', {}, ctx());
  t.same(r.results, [], 'every source failing still answers');
  t.equal(r.sources[0].status, 'error');
});

t.test('invokeAll gives each provider its own copy of params', async (t) => {
  const reg = newRegistry();
  const seen: unknown[] = [];
  reg.register('mutator', ['inventory.list'], implement(inventoryList, async (p) => {
    (p as { groups?: string[] }).groups!.push('injected');
    return nodes('mutator');
  }), up, 90);
  reg.register('reader', ['inventory.list'], implement(inventoryList, async (p) => {
    seen.push(structuredClone(p));
    return nodes('reader');
  }), up, 10);
  const params = { groups: ['web'] };
  await reg.invokeAll('inventory.list', params, ctx());
  t.same(seen, [{ groups: ['web'] }], "one provider's mutation does not reach another");
  t.same(params, { groups: ['web'] }, "the caller's params are untouched");
});

t.test('unknown capability -> not_found; no provider -> 501 naming it, providers all down -> 503', async (t) => {
  const reg = newRegistry();
  for (const call of [
    () => reg.invoke('nope.nothing', {}, ctx()),
    () => reg.invokeAll('nope.nothing', {}, ctx()),
    () => reg.contract('nope.nothing'),
  ]) {
    const e = await caught(call);
    t.equal(e.code, 'CAPSTAN_ERR_CAPABILITY_UNKNOWN');
    t.equal(e.category, 'not_found');
    t.equal(e.statusCode, 404);
  }

  for (const call of [() => reg.invoke('inventory.groups', {}, ctx()), () => reg.invokeAll('inventory.groups', {}, ctx())]) {
    const e = await caught(call);
    t.equal(e.code, 'CAPSTAN_ERR_CAPABILITY_NOT_PROVIDED', 'no plugin provides it at all');
    t.equal(e.statusCode, 501);
    t.equal(e.retryable, false);
    t.equal(e.extra.capability, 'inventory.groups', 'the problem names the capability');
  }

  reg.register('off', ['inventory.groups'], implement(inventoryGroups, async () => ({ groups: [] })), down);
  const e = await caught(() => reg.invoke('inventory.groups', {}, ctx()));
  t.equal(e.code, 'CAPSTAN_ERR_CAPABILITY_NO_PROVIDER', 'only unavailable providers -> 503');
  t.equal(e.statusCode, 503);
  t.equal(e.retryAfter, 30, 'with Retry-After');
});

t.test('onInvocation observers see every call with its outcome', async (t) => {
  const reg = newRegistry();
  const seen: [string, string, InvocationOutcome, number][] = [];
  reg.onInvocation((c, p, o, d) => seen.push([c, p, o, d]));
  lister(reg, 'bad', 90, { handler: async () => { throw new Errors.Upstream('no'); } });
  lister(reg, 'slow', 80, { handler: () => never() });
  lister(reg, 'good', 10);
  await reg.invoke('inventory.list', {}, ctx(), { timeoutMs: 30 });
  t.same(seen.map(([c, p, o]) => [c, p, o]), [
    ['inventory.list', 'bad', 'error'],
    ['inventory.list', 'slow', 'timeout'],
    ['inventory.list', 'good', 'ok'],
  ]);
  for (const [, p, , d] of seen) t.ok(typeof d === 'number' && d >= 0, `${p}: duration reported`);
  t.ok(seen[1][3] >= 25, 'the timed-out call reports about its time limit');
});
