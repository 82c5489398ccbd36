/**
 * Faults are visible: /metrics counts every terminal execution by status and every target by provider and
 * status, the invocation outcome of an execution capability follows its run (never `ok` for a failed,
 * timed-out or canceled one), each transition writes one info line, and internal errors reach the log with
 * their stack and their causes' stacks.
 */
import t from 'tap';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { commandExecute, inventoryList, taskList } from '../../src/capabilities/index.js';
import { Errors } from '../../src/core/errors.js';
import { implement, type TargetOutcome } from '../../src/core/types.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { buildTestApp, tempDir, waitForExecution } from '../helper.js';
import { submit } from '../executions-api.js';
import { fakeModule, keepAlive, nodes } from '../core/fixtures/fake-plugins.js';
import { captureLogs, sample, scrape, transitions } from '../observability.js';

keepAlive(t);

const INFO = 30;
const ERROR = 50;
const run = (command: string, extra: Record<string, unknown> = {}) => ({ capability: 'command.execute', targets: ['localhost'], params: { command }, ...extra });

/** Waits (on the server's own long-poll, in bounded steps) until the run printed `line`. */
async function untilPrinted(app: FastifyInstance, id: string, line: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const out = (await app.inject({ url: `/api/v1/executions/${id}/output?limit=1000` })).json();
    if (out.items.some((e: any) => e.type === 'stdout' && e.data.line === line)) return;
    await app.executions.waitTerminal(id, 50, new AbortController().signal);
  }
  throw new Error(`execution ${id} never printed ${line}`);
}

t.test('succeeded, failed (exit 3), timed out, canceled running and canceled queued: counters, outcomes, one line per transition', async (t) => {
  const logs = captureLogs();
  const app = await buildTestApp(t, { logLevel: 'info', execution: { cancelGraceMs: 500, drainSeconds: 0 } }, { logStream: logs.stream });

  const ok = await submit(app, run('true'));
  t.equal((await waitForExecution(app, ok.id)).status, 'succeeded');
  const failed = await submit(app, run('exit 3'));
  t.equal((await waitForExecution(app, failed.id)).status, 'failed');
  const timedOut = await submit(app, run('echo started; sleep 30', { timeoutSeconds: 1 }));
  t.equal((await waitForExecution(app, timedOut.id)).status, 'timed_out');

  // One run holds localhost (one mutating run per node), so the next one waits in the queue.
  const holder = await submit(app, run('echo started; sleep 300'));
  await untilPrinted(app, holder.id, 'started');
  const waiting = await submit(app, run('true'));
  t.equal(waiting.status, 'queued');
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/executions/${waiting.id}/cancel` })).json().status, 'canceled', 'canceled while queued');
  await app.inject({ method: 'POST', url: `/api/v1/executions/${holder.id}/cancel` });
  t.equal((await waitForExecution(app, holder.id)).status, 'canceled', 'canceled while running');

  const m = await scrape(app);
  const executions = (status: string) => sample(m, 'capstan_executions_total', { capability: 'command.execute', status });
  t.same(['succeeded', 'failed', 'partial', 'canceled', 'timed_out', 'interrupted'].map(executions), [1, 1, 0, 2, 1, 0],
    'capstan_executions_total: once per terminal run, queued cancels included, unseen statuses at 0');
  t.equal(sample(m, 'capstan_executions_total', { capability: 'script.execute', status: 'failed' }), 0, 'every execution capability has its series');
  const targets = (status: string) => sample(m, 'capstan_execution_targets_total', { capability: 'command.execute', provider: 'ssh', status });
  t.same(['succeeded', 'failed', 'timed_out', 'canceled'].map(targets), [1, 1, 1, 1], 'capstan_execution_targets_total by provider and target status');
  t.equal(sample(m, 'capstan_execution_targets_total', { capability: 'command.execute', provider: 'none', status: 'canceled' }), undefined,
    'a run canceled while queued has no target to count');
  const invocations = (outcome: string) => sample(m, 'capstan_capability_invocation_duration_seconds_count', { capability: 'command.execute', provider: 'ssh', outcome });
  t.same(['ok', 'failed', 'timed_out', 'canceled', 'error'].map(invocations), [1, 1, 1, 1, undefined],
    'the invocation outcome is the run\'s, not `ok` because the handler returned');

  await new Promise((r) => setImmediate(r));
  const expected: [any, string[]][] = [
    [ok, ['queued', 'running', 'succeeded']],
    [failed, ['queued', 'running', 'failed']],
    [timedOut, ['queued', 'running', 'timed_out']],
    [holder, ['queued', 'running', 'canceled']],
    [waiting, ['queued', 'canceled']],
  ];
  for (const [e, statuses] of expected) {
    const lines = transitions(logs.lines, e.id);
    t.same(lines.map((l) => l.status), statuses, `${statuses.at(-1)}: one line per transition`);
    for (const l of lines) {
      t.match(l, { level: INFO, executionId: e.id, capability: 'command.execute' }, `${l.msg}: info, with id and capability`);
    }
    const end = lines.at(-1)!;
    t.type(end.durationMs, 'number', 'the end line has the total duration');
    if (statuses.includes('running')) {
      t.type(lines[1].queuedMs, 'number', 'running: how long it waited');
      t.type(end.runMs, 'number', 'end: how long it ran');
    } else {
      t.notOk('runMs' in end, 'a run that never ran has no run time');
    }
  }
  const [okEnd, failEnd, timeoutEnd, cancelEnd, queuedEnd] = expected.map(([e]) => transitions(logs.lines, e.id).at(-1)!);
  t.equal(transitions(logs.lines, ok.id)[0].nodeCount, 1, 'queued: how many nodes');
  const submitLine = logs.lines.find((l) => l.requestId && l.req?.url === '/api/v1/executions' && l.req?.method === 'POST');
  t.ok(submitLine && transitions(logs.lines, ok.id).every((l) => l.correlationId === submitLine.requestId), 'lines carry the submitting request id');
  t.notOk('reason' in okEnd, 'no reason when there is none');
  t.same(failEnd.targets, { failed: 1 }, 'target counts by status');
  t.match(timeoutEnd, { reason: /timed out after 1 s/, targets: { timed_out: 1 } });
  t.match(cancelEnd, { reason: /^canceled by \S+ \(request /, targets: { canceled: 1 } });
  t.match(queuedEnd, { reason: /while queued/ });
  t.same(queuedEnd.targets, {}, 'no target ran');
  t.ok(timeoutEnd.runMs >= 900, `the timed-out run ran about its timeout (${timeoutEnd.runMs} ms)`);
});

/** A TypeError from a real bug, in a function whose name the stack must show. */
function explodeOnPurpose(): never {
  const missing = undefined as unknown as { boom(): never };
  return missing.boom();
}

const ERROR_PLUGINS = [
  // Runs on a1 and a2; a2 fails: a partial run through a handler that returned normally.
  fakeModule({
    id: 'alpha', capabilities: [
      implement(inventoryList, async () => nodes('alpha', 'a1', 'a2')),
      implement(commandExecute, async (_params, ctx) => ({
        results: (ctx.targets ?? []).map((n): TargetOutcome => n.name === 'a1' ? { target: n.name, status: 'succeeded', exitCode: 0 }
          : { target: n.name, status: 'failed', exitCode: 1, error: { category: 'execution_failed', code: 'CAPSTAN_ERR_EXECUTION_FAILED', title: 'Execution failed', detail: 'exit 1' } }),
      })),
    ],
  }),
  // Its handlers have a bug.
  fakeModule({
    id: 'buggy', capabilities: [
      implement(inventoryList, async () => nodes('buggy', 'b1')),
      implement(commandExecute, async () => explodeOnPurpose()),
      implement(taskList, async () => explodeOnPurpose()),
    ],
  }),
  fakeModule({
    id: 'broken',
    initialize: async () => { throw new Errors.Upstream('cannot reach the CMDB', { cause: new Error('connect ECONNREFUSED 10.0.0.1:443') }); },
  }),
];

t.test('internal errors are logged with their stack and their causes: 500 answers, provider bugs in a run, plugin init', async (t) => {
  const logs = captureLogs();
  const app = await buildTestApp(t, { logLevel: 'info' }, { plugins: ERROR_PLUGINS, logStream: logs.stream });

  const init = await logs.next((l) => l.plugin === 'broken' && l.msg === 'plugin failed to initialize; continuing without it');
  t.match(init, { level: ERROR, error: 'cannot reach the CMDB' }, 'plugin init failure logged');
  t.match(init.err?.stack, /^\w+: cannot reach the CMDB\n\s+at /, 'with the stack of the error it threw');
  t.match(init.err?.stack, /\ncaused by: Error: connect ECONNREFUSED 10\.0\.0\.1:443\n\s+at /, 'and of its cause');

  const res = await app.inject({ method: 'POST', url: '/api/v1/capabilities/task.list/invoke', payload: {}, headers: { 'x-request-id': 'bug-1' } });
  t.equal(res.statusCode, 500);
  t.match(res.json(), { code: 'CAPSTAN_ERR_INTERNAL', detail: /quote request id bug-1/ }, 'the client gets no detail');
  t.notMatch(res.body, /boom|explodeOnPurpose/, 'nor the stack');
  const failedRequest = await logs.next((l) => l.requestId === 'bug-1' && l.msg === 'request failed');
  t.match(failedRequest, { level: ERROR, err: { message: /reading 'boom'/ } }, '500: logged at error under the request id');
  t.match(failedRequest.err?.stack, /caused by: TypeError: Cannot read properties of undefined \(reading 'boom'\)\n\s+at explodeOnPurpose /,
    'with the TypeError\'s stack, down to the function with the bug');

  const bug = await submit(app, { capability: 'command.execute', targets: ['b1'], params: { command: 'true' } });
  t.equal((await waitForExecution(app, bug.id)).status, 'failed');
  const providerFailed = await logs.next((l) => l.executionId === bug.id && l.msg === 'provider failed');
  t.match(providerFailed, { level: ERROR, provider: 'buggy', err: { code: 'CAPSTAN_ERR_INTERNAL' } }, 'a provider bug in a run is an error line');
  t.match(providerFailed.err?.stack, /caused by: TypeError: Cannot read properties of undefined \(reading 'boom'\)\n\s+at explodeOnPurpose /, 'with the stack');
  t.same(transitions(logs.lines, bug.id).map((l) => l.status), ['queued', 'running', 'failed']);

  const mixed = await submit(app, { capability: 'command.execute', targets: ['a1', 'a2'], params: { command: 'true' } });
  t.equal((await waitForExecution(app, mixed.id)).status, 'partial');
  t.match(transitions(logs.lines, mixed.id).at(-1), { status: 'partial', targets: { succeeded: 1, failed: 1 } });

  const m = await scrape(app);
  const inv = (provider: string, outcome: string) => sample(m, 'capstan_capability_invocation_duration_seconds_count', { capability: 'command.execute', provider, outcome });
  t.equal(inv('buggy', 'error'), 1, 'a throwing execution handler is an `error`');
  t.equal(inv('alpha', 'partial'), 1, 'some targets failed: `partial`');
  t.equal(inv('alpha', 'ok'), undefined, 'never `ok`');
  t.equal(sample(m, 'capstan_capability_invocation_duration_seconds_count', { capability: 'task.list', provider: 'buggy', outcome: 'error' }), 1);
  t.equal(sample(m, 'capstan_execution_targets_total', { capability: 'command.execute', provider: 'buggy', status: 'failed' }), 1);
  t.equal(sample(m, 'capstan_execution_targets_total', { capability: 'command.execute', provider: 'alpha', status: 'succeeded' }), 1);
  t.equal(sample(m, 'capstan_execution_targets_total', { capability: 'command.execute', provider: 'alpha', status: 'failed' }), 1);
  t.equal(sample(m, 'capstan_executions_total', { capability: 'command.execute', status: 'partial' }), 1);
  t.equal(sample(m, 'capstan_executions_total', { capability: 'command.execute', status: 'failed' }), 1);
});

t.test('at start: a run left running is counted and logged as interrupted, a queued one as re-queued', async (t) => {
  const dataDir = tempDir();
  const store = new SqliteStore(join(dataDir, 'capstan.db'));
  const now = Date.now();
  const base = {
    capability: 'command.execute', targets: ['localhost'], nodes: ['localhost'], timeoutSeconds: 60, reason: null,
    idempotencyKey: null, requestHash: null, principal: 'test', correlationId: 'test', finishedAt: null,
  };
  const crashed = store.createExecution({
    ...base, id: 'crashed-run', status: 'running', params: { command: 'sleep 300' }, provider: 'ssh',
    createdAt: new Date(now - 2000).toISOString(), startedAt: new Date(now - 1000).toISOString(),
  }).row;
  store.upsertTargetResult({ executionId: crashed.id, target: 'localhost', status: 'failed', exitCode: 1 });
  const left = store.createExecution({
    ...base, id: 'left-queued', status: 'queued', params: { command: 'true' }, provider: null, createdAt: new Date(now).toISOString(), startedAt: null,
  }).row;
  store.close();

  const logs = captureLogs();
  const app = await buildTestApp(t, { dataDir, logLevel: 'info' }, { logStream: logs.stream });
  t.equal((await waitForExecution(app, left.id)).status, 'succeeded');

  const m = await scrape(app);
  t.equal(sample(m, 'capstan_executions_total', { capability: 'command.execute', status: 'interrupted' }), 1);
  t.equal(sample(m, 'capstan_executions_total', { capability: 'command.execute', status: 'succeeded' }), 1);
  t.equal(sample(m, 'capstan_execution_targets_total', { capability: 'command.execute', provider: 'ssh', status: 'failed' }), 1,
    'the target result stored before the crash, under the provider stored with the run');

  const interrupted = transitions(logs.lines, crashed.id);
  t.same(interrupted.map((l) => l.status), ['interrupted']);
  t.match(interrupted[0], { level: INFO, reason: /stopped while it was running/, targets: { failed: 1 }, queuedMs: 1000 });
  const requeued = transitions(logs.lines, left.id);
  t.same(requeued.map((l) => [l.status, l.msg]), [
    ['queued', 'execution re-queued after restart'], ['running', 'execution running'], ['succeeded', 'execution succeeded'],
  ]);
  t.equal(requeued[0].requeued, true);
});
