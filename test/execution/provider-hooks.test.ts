/**
 * The generic hooks the provisioning plugins use: a provider's own params check at submit
 * (PluginCapability.validate -> CapabilityParams with pointers into the request), a target's journalNodes
 * (the run's journal entry also for the nodes it created or removed, never stored as a result field), and
 * chooseProviders (the same assignment at submit and at start).
 */
import t from 'tap';
import pino from 'pino';
import { CONTRACTS, SHARED_SCHEMAS, provisionCreate } from '../../src/capabilities/index.js';
import { CapstanError } from '../../src/core/errors.js';
import { CapabilityRegistry } from '../../src/core/registry.js';
import { implement, type ExecutionContext, type TargetOutcome } from '../../src/core/types.js';
import { createEmitter } from '../../src/execution/emitter.js';
import { chooseProviders } from '../../src/execution/service.js';
import { runEntries } from '../../src/journal/execution-entries.js';
import type { ExecutionRow } from '../../src/store/types.js';

const logger = pino({ level: 'silent' });
const ctx = { correlationId: 'c', principal: { id: 'p', permissions: ['*'] }, debug: false, signal: new AbortController().signal, logger, emit: () => {} } as ExecutionContext;

t.test('validateWithProviders: only the named providers check; issues become a 400 pointing into the params', async (t) => {
  const reg = new CapabilityRegistry(CONTRACTS, SHARED_SCHEMAS);
  const seen: string[] = [];
  const handler = async () => ({ results: [] });
  reg.register('tf', ['provision.create'], implement(provisionCreate, handler, {
    validate: async (p) => { seen.push('tf'); return p.template === 'vm' ? [] : [{ pointer: '/template', message: 'no such module' }]; },
  }), () => true);
  reg.register('other', ['provision.create'], implement(provisionCreate, handler, {
    validate: async () => { seen.push('other'); return [{ pointer: '/name', message: 'never asked' }]; },
  }), () => true);
  await reg.validateWithProviders('provision.create', { name: 'a', template: 'vm' }, ['tf'], ctx, { in: 'body', base: '/params' });
  let err: unknown;
  try {
    await reg.validateWithProviders('provision.create', { name: 'a', template: 'nope' }, ['tf'], ctx, { in: 'body', base: '/params' });
  } catch (e) {
    err = e;
  }
  t.ok(err instanceof CapstanError);
  t.equal((err as CapstanError).code, 'CAPSTAN_ERR_CAPABILITY_PARAMS_INVALID');
  t.same(((err as CapstanError).extra as { errors: unknown[] }).errors, [{ in: 'body', pointer: '/params/template', message: 'no such module' }]);
  t.same(seen, ['tf', 'tf'], 'the provider that will not run is not asked');
});

t.test('chooseProviders: one provider for all when it knows every node, else per node', async (t) => {
  const n = (name: string, ...sources: string[]) => ({ name, groups: [], sources: sources.map((source) => ({ source, id: name })) });
  t.same([...chooseProviders(['a', 'b'], [n('x', 'b'), n('y', 'b')]).keys()], ['b']);
  t.same([...chooseProviders(['a', 'b'], [n('localhost', 'ssh')]).keys()], ['a'], 'nodes none knows go to the first');
  t.same([...chooseProviders(['a', 'b'], [n('x', 'a'), n('y', 'b')])].map(([p, ns]) => [p, ns.map((x) => x.name)]), [['a', ['x']], ['b', ['y']]]);
});

t.test('journalNodes: the run\'s entry also for the nodes a target made; not a stored result field', async (t) => {
  const row = { id: 'e1', capability: 'provision.create', nodes: ['localhost'], principal: 'ops' } as ExecutionRow;
  const outcome: TargetOutcome = { target: 'localhost', status: 'succeeded', exitCode: 0, journalNodes: ['web3', 'localhost'] };
  const entries = runEntries(row, 'succeeded', [outcome], '2026-11-30T00:00:00.000Z');
  t.same(entries.map((e) => e.node), ['localhost', 'web3'], 'once per node');
  t.match(entries[1], { kind: 'provisioning', executionId: 'e1', summary: 'provision.create succeeded (succeeded, exit 0) by ops, run on localhost', data: { via: 'localhost' } });

  const written: unknown[] = [];
  const appended: unknown[] = [];
  const outcomes = new Map<string, TargetOutcome>();
  const emit = createEmitter({
    id: 'e1', outcomes, maxBytes: 1000, logger, ended: () => false, storeFailure: () => undefined,
    writeResult: (r) => written.push(r), append: (_type, data) => appended.push(data),
  });
  emit({ type: 'target_result', ...outcome });
  t.same(outcomes.get('localhost')?.journalNodes, ['web3', 'localhost'], 'kept for the journal');
  t.notOk('journalNodes' in (written[0] as object));
  t.notOk('journalNodes' in (appended[0] as object));
});
