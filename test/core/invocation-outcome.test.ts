/**
 * The invocation outcome of execution handlers: read from their per-target results and from why the run
 * was stopped, never `ok` for a run that did not succeed. Also through the registry's observers.
 */
import t from 'tap';
import { CONTRACTS, SHARED_SCHEMAS, commandExecute, inventoryList } from '../../src/capabilities/index.js';
import { Errors } from '../../src/core/errors.js';
import { executionOutcome, failedOutcome, type InvocationOutcome } from '../../src/core/invocation-outcome.js';
import { CapabilityRegistry } from '../../src/core/registry.js';
import { implement, type ExecutionContext, type TargetOutcome } from '../../src/core/types.js';
import { ctx as queryCtx, keepAlive, nodes } from './fixtures/fake-plugins.js';

keepAlive(t);

function runCtx(targets: string[], abort?: string): ExecutionContext {
  const c = new AbortController();
  if (abort) c.abort(abort);
  return { ...queryCtx(c.signal), executionId: 'x', targets: targets.map((name) => ({ name, groups: [], sources: [] })) };
}

const r = (target: string, status: TargetOutcome['status']): TargetOutcome => ({ target, status, exitCode: status === 'succeeded' ? 0 : null });

t.test('executionOutcome: from the targets and the abort reason', async (t) => {
  const cases: [string, ExecutionContext, TargetOutcome[], InvocationOutcome][] = [
    ['every target succeeded', runCtx(['a', 'b']), [r('a', 'succeeded'), r('b', 'succeeded')], 'ok'],
    ['skipped counts as done', runCtx(['a', 'b']), [r('a', 'succeeded'), r('b', 'skipped')], 'ok'],
    ['some failed', runCtx(['a', 'b']), [r('a', 'succeeded'), r('b', 'failed')], 'partial'],
    ['all failed', runCtx(['a', 'b']), [r('a', 'failed'), r('b', 'failed')], 'failed'],
    ['a target without a result failed', runCtx(['a', 'b']), [r('a', 'succeeded')], 'partial'],
    ['no result at all', runCtx(['a']), [], 'failed'],
    ['every target timed out on its own', runCtx(['a']), [r('a', 'timed_out')], 'timed_out'],
    ['every target canceled', runCtx(['a']), [r('a', 'canceled')], 'canceled'],
    ['timed out and failed', runCtx(['a', 'b']), [r('a', 'timed_out'), r('b', 'failed')], 'failed'],
    ['the run timed out', runCtx(['a', 'b']), [r('a', 'succeeded'), r('b', 'timed_out')], 'partial'],
  ];
  for (const [name, c, results, want] of cases) t.equal(executionOutcome(c, { results }), want, name);
  t.equal(executionOutcome(runCtx(['a', 'b'], 'timeout'), { results: [r('a', 'succeeded'), r('b', 'timed_out')] }), 'timed_out', 'the run\'s timeout wins');
  t.equal(executionOutcome(runCtx(['a'], 'cancel'), { results: [r('a', 'succeeded')] }), 'canceled', 'a cancel wins');
  t.equal(executionOutcome(runCtx(['a'], 'shutdown'), { results: [r('a', 'canceled')] }), 'interrupted', 'a shutdown interrupts');
});

t.test('failedOutcome: a stopped run keeps its reason; otherwise timeout or error', async (t) => {
  t.equal(failedOutcome(runCtx(['a'], 'cancel'), true, new Error('x')), 'canceled');
  t.equal(failedOutcome(runCtx(['a'], 'timeout'), true, new Error('x')), 'timed_out');
  t.equal(failedOutcome(runCtx(['a']), true, new TypeError('x')), 'error');
  t.equal(failedOutcome(runCtx(['a']), true, new Errors.CapabilityTimeout('slow')), 'timeout');
  t.equal(failedOutcome(runCtx(['a'], 'cancel'), false, new Error('x')), 'error', 'queries have no run to stop');
});

t.test('the registry reports execution outcomes to its observers; queries stay ok/error/timeout', async (t) => {
  const reg = new CapabilityRegistry(CONTRACTS, SHARED_SCHEMAS);
  const seen: [string, string, InvocationOutcome][] = [];
  reg.onInvocation((c, p, o) => seen.push([c, p, o]));
  const up = () => true;
  reg.register('half', ['command.execute', 'inventory.list'], implement(commandExecute, async (_p, c) => ({
    results: (c.targets ?? []).map((n, i) => r(n.name, i === 0 ? 'succeeded' : 'failed')),
  })), up);
  reg.register('half', ['command.execute', 'inventory.list'], implement(inventoryList, async () => nodes('half', 'a')), up);
  await reg.invoke('command.execute', { command: 'true' }, runCtx(['a', 'b']));
  await reg.invoke('command.execute', { command: 'true' }, runCtx(['a']));
  await reg.invoke('inventory.list', {}, queryCtx());
  t.same(seen, [
    ['command.execute', 'half', 'partial'],
    ['command.execute', 'half', 'ok'],
    ['inventory.list', 'half', 'ok'],
  ]);
});
