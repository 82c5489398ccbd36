/**
 * Retention (issue 17): journal entries past journal.retentionDays are deleted; finished runs past
 * execution.retentionDays lose their output, results and process records but keep their row (marked) and their
 * journal line; queued and running runs are never touched; 0 keeps forever; passes run in small batches that
 * leave the event loop free; stop() ends it without a write after close; a store fault is a warning, retried
 * at the next interval; the output of a pruned run answers 410.
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { execa } from 'execa';
import pino from 'pino';
import t, { type Test } from 'tap';
import { loadConfig } from '../../src/config/load.js';
import type { ExecutionStatus } from '../../src/execution/states.js';
import { RetentionPruner, type RetentionOptions } from '../../src/store/retention.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { buildTestApp } from '../helper.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const ago = (days: number) => new Date(NOW - days * DAY).toISOString();
const LOCKER = join(import.meta.dirname, '..', 'fixtures', 'hold-write-lock.mjs');

function openStore(t: Test): { store: SqliteStore; file: string } {
  const file = join(t.testdir(), 'capstan.db');
  const store = new SqliteStore(file);
  t.teardown(() => store.close());
  return { store, file };
}

/** A logger whose warnings the test can read. */
function capture(): { logger: pino.Logger; lines: Array<{ level: number; msg: string }> } {
  const lines: Array<{ level: number; msg: string }> = [];
  const stream = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  return { logger: pino({ level: 'info' }, stream), lines };
}

function pruner(store: SqliteStore, opts: Partial<RetentionOptions> = {}, logger = pino({ level: 'silent' })) {
  return new RetentionPruner(store, undefined, logger, { journalDays: 365, executionDays: 90, intervalMs: 3_600_000, now: () => NOW, ...opts });
}

function journalLine(store: SqliteStore, node: string, at: string, executionId: string | null = null) {
  return store.journal.append({ node, at, kind: executionId ? 'run' : 'note', executionId, principal: 'admin', summary: `at ${at}`, data: {}, links: {} });
}

/** A run with `events` output lines, one result, one process record and its journal line. */
function addRun(store: SqliteStore, id: string, status: ExecutionStatus, createdDaysAgo: number, finishedDaysAgo: number | null, events = 3) {
  store.createExecution({
    id, capability: 'command.execute', status, targets: ['web1'], nodes: ['web1'], params: { command: 'true' }, provider: 'local',
    timeoutSeconds: 60, createdAt: ago(createdDaysAgo), startedAt: status === 'queued' ? null : ago(createdDaysAgo),
    finishedAt: finishedDaysAgo === null ? null : ago(finishedDaysAgo), reason: null, idempotencyKey: null, requestHash: null,
    principal: 'admin', tokenId: null, correlationId: id,
  });
  store.transaction(() => {
    for (let i = 0; i < events; i++) store.appendEvent(id, 'stdout', { target: 'web1', line: `line ${i}` });
  });
  store.upsertTargetResult({ executionId: id, target: 'web1', status: 'succeeded', exitCode: 0 });
  store.addProcess({ executionId: id, pgid: 4242, bootId: null, startTicks: null, cgroup: null, cookie: null });
  journalLine(store, 'web1', ago(finishedDaysAgo ?? createdDaysAgo), id);
}

const kept = (store: SqliteStore, id: string) => ({
  events: store.lastSeq(id), results: store.targetResults(id).length, processes: store.processes(id).length,
  prunedAt: store.getExecution(id)?.prunedAt ?? null, journal: store.journal.list({ nodes: ['web1'] }, 1000).filter((r) => r.executionId === id).length,
});

t.test('config: defaults and the CAPSTAN_* variables', async (t) => {
  const d = loadConfig({ env: {} });
  t.same([d.journal.retentionDays, d.journal.pruneIntervalMs, d.execution.retentionDays], [365, 3_600_000, 90]);
  const c = loadConfig({ env: { CAPSTAN_JOURNAL_RETENTION_DAYS: '30', CAPSTAN_EXECUTION_RETENTION_DAYS: '0', CAPSTAN_JOURNAL_PRUNE_INTERVAL_MS: '60000' } });
  t.same([c.journal.retentionDays, c.journal.pruneIntervalMs, c.execution.retentionDays], [30, 60_000, 0]);
  t.throws(() => loadConfig({ env: { CAPSTAN_JOURNAL_RETENTION_DAYS: '-1' } }), { code: 'CAPSTAN_ERR_CONFIG_INVALID' });
});

t.test('journal entries older than retentionDays are deleted, in batches; newer ones stay', async (t) => {
  const { store } = openStore(t);
  for (let i = 0; i < 25; i++) journalLine(store, `n${i % 3}`, ago(366 + i));
  const young = [journalLine(store, 'n0', ago(364)), journalLine(store, 'n1', ago(1))];
  const report = await pruner(store, { batch: 10, executionDays: 0 }).runOnce();
  t.same(report, { journal: 25, executionRows: 0, executions: 0 }, 'three batches: 10, 10, 5');
  t.same(store.journal.list({}, 100).map((r) => r.id).sort(), young.map((r) => r.id).sort(), 'entries within the year stay');
  t.same(await pruner(store, { batch: 10 }).runOnce(), { journal: 0, executionRows: 0, executions: 0 }, 'a second pass finds nothing');
});

t.test('old finished runs lose output, results and process records; their row and journal line stay; queued and running runs are never pruned', async (t) => {
  const { store } = openStore(t);
  addRun(store, 'old', 'succeeded', 101, 100, 1200);
  addRun(store, 'old-failed', 'failed', 95, 91, 0);
  addRun(store, 'recent', 'succeeded', 11, 10);
  addRun(store, 'running', 'running', 200, null);
  addRun(store, 'queued', 'queued', 200, null);
  const report = await pruner(store, { batch: 500 }).runOnce();
  t.equal(report.executions, 2, 'both old finished runs are done');
  t.equal(report.executionRows, 1200 + 2 * (1 + 1 + 1), 'events, results, process records and the two marks');
  for (const id of ['old', 'old-failed']) {
    t.same(kept(store, id), { events: 0, results: 0, processes: 0, prunedAt: new Date(NOW).toISOString(), journal: 1 }, `${id}: output gone, row marked, journal line kept`);
    t.equal(store.getExecution(id)?.status, id === 'old' ? 'succeeded' : 'failed', 'the run itself is unchanged');
  }
  t.same(kept(store, 'recent'), { events: 3, results: 1, processes: 1, prunedAt: null, journal: 1 }, 'a run within retention is untouched');
  for (const id of ['running', 'queued']) t.same(kept(store, id), { events: 3, results: 1, processes: 1, prunedAt: null, journal: 1 }, `${id} (created 200 days ago) is untouched`);
  t.same(await pruner(store).runOnce(), { journal: 0, executionRows: 0, executions: 0 }, 'pruned runs are not walked again');
});

t.test('0 keeps forever', async (t) => {
  const { store } = openStore(t);
  journalLine(store, 'n', ago(5000));
  addRun(store, 'ancient', 'succeeded', 3000, 3000);
  const p = pruner(store, { journalDays: 0, executionDays: 0, firstDelayMs: 0 });
  t.equal(p.enabled, false);
  p.start();
  t.same(await p.runOnce(), { journal: 0, executionRows: 0, executions: 0 });
  await p.stop();
  t.equal(store.journal.list({}, 10).length, 2);
  t.equal(kept(store, 'ancient').events, 3);
  const onlyJournal = await pruner(store, { executionDays: 0 }).runOnce();
  t.same(onlyJournal, { journal: 2, executionRows: 0, executions: 0 }, 'journal retention alone takes the journal lines, never the output');
  t.equal(kept(store, 'ancient').events, 3);
});

t.test('a large prune does not block the event loop: a timer keeps firing between batches', async (t) => {
  const { store } = openStore(t);
  store.transaction(() => {
    for (let i = 0; i < 20_000; i++) journalLine(store, `node-${i % 1000}`, ago(400 + (i % 300)));
  });
  addRun(store, 'big', 'succeeded', 200, 200, 20_000);
  const gaps: number[] = [];
  let last = performance.now();
  const tick = setInterval(() => {
    const now = performance.now();
    gaps.push(now - last);
    last = now;
  }, 1);
  const started = performance.now();
  const report = await pruner(store).runOnce();
  const took = performance.now() - started;
  clearInterval(tick);
  t.equal(report.journal, 20_000);
  t.equal(report.executions, 1);
  t.equal(kept(store, 'big').events, 0);
  const worst = Math.max(...gaps, performance.now() - last);
  t.ok(gaps.length > 20, `the timer fired ${gaps.length} times during the ${took.toFixed(0)} ms prune`);
  // One batch at a time: a gap is one 500-row delete (30-50 ms here, more on a loaded 2-core CI), never the whole prune.
  t.ok(worst < 250 && worst < took / 2, `longest gap between ticks ${worst.toFixed(1)} ms (< 250 ms and under half the ${took.toFixed(0)} ms prune)`);
});

t.test('stop() ends the timer and a pass in progress, with no write after the store closes', async (t) => {
  const { store } = openStore(t);
  const { logger, lines } = capture();
  store.transaction(() => {
    for (let i = 0; i < 5000; i++) journalLine(store, 'n', ago(400));
  });
  const p = pruner(store, { batch: 100, firstDelayMs: 0, intervalMs: 100 }, logger);
  p.start();
  // A pass writes its first batch at once, then yields: stop() lands between two batches.
  const pass = p.runOnce();
  await p.stop();
  t.equal((await pass).journal, 100, 'the pass left after its first batch');
  t.equal(store.journal.list({}, 5000).length, 4900);
  store.close();
  // Nothing may touch the closed store: a timer or a resumed pass would log a failure.
  await new Promise((r) => setTimeout(r, 300));
  t.same(await p.runOnce(), { journal: 0, executionRows: 0, executions: 0 }, 'a stopped pruner does nothing');
  t.same(lines.filter((l) => l.level >= 40), [], 'no warning: no write was tried on the closed store');
});

t.test('the app starts the pruner when ready and stops it on close', async (t) => {
  const app = await buildTestApp({ teardown: () => {} }, { journal: { pruneIntervalMs: 100 } });
  t.equal(app.retention.enabled, true);
  t.ok((app.retention as unknown as { timer?: unknown }).timer, 'its first pass is scheduled');
  await app.close();
  t.notOk((app.retention as unknown as { timer?: unknown }).timer, 'no timer left');
  t.same(await app.retention.runOnce(), { journal: 0, executionRows: 0, executions: 0 }, 'nothing runs after close');
});

t.test('a store fault is a warning, retried at the next pass; a failing store skips the pass', async (t) => {
  const { store, file } = openStore(t);
  journalLine(store, 'n', ago(400));
  const { logger, lines } = capture();
  const locker = execa(process.execPath, [LOCKER, file], { stdin: 'pipe', buffer: false, reject: false });
  t.teardown(() => { locker.kill('SIGKILL'); });
  await new Promise<void>((resolve) => locker.stdout!.once('data', () => resolve()));
  const p = pruner(store, {}, logger);
  const failed = await p.runOnce();
  t.same(failed, { journal: 0, executionRows: 0, executions: 0, failed: 'database is locked by another process' }, 'reported, not thrown');
  t.match(lines.find((l) => l.level === 40), { msg: /retention: pruning failed; retried at the next interval/ });
  locker.stdin!.end('release\n');
  await locker;
  t.equal((await p.runOnce()).journal, 1, 'the next pass prunes');

  const guarded = new RetentionPruner(store, { failure: { cause: 'disk full' } }, logger, { journalDays: 1, executionDays: 1, intervalMs: 1000, now: () => NOW });
  journalLine(store, 'n', ago(400));
  t.same(await guarded.runOnce(), { journal: 0, executionRows: 0, executions: 0, failed: 'disk full' }, 'skipped while the write guard knows the store fails');
  t.equal(store.journal.list({}, 10).length, 1);
});

t.test('a pruned run: 410 from its output and stream, outputPrunedAt on the execution, journal line kept', async (t) => {
  const app = await buildTestApp(t);
  const store = app.store as SqliteStore;
  const finished = new Date(Date.now() - 100 * DAY).toISOString();
  store.createExecution({
    id: 'gone', capability: 'command.execute', status: 'succeeded', targets: ['localhost'], nodes: ['localhost'], params: { command: 'true' },
    provider: 'local', timeoutSeconds: 60, createdAt: finished, startedAt: null, finishedAt: finished, reason: null, idempotencyKey: null,
    requestHash: null, principal: 'admin', tokenId: null, correlationId: 'gone',
  });
  store.appendEvent('gone', 'stdout', { target: 'localhost', line: 'hello' });
  store.upsertTargetResult({ executionId: 'gone', target: 'localhost', status: 'succeeded', exitCode: 0 });
  store.journal.append({ node: 'localhost', at: finished, kind: 'run', executionId: 'gone', principal: 'admin', summary: 'ran true', data: {}, links: { execution: '/api/v1/executions/gone' } });
  t.equal((await app.inject({ url: '/api/v1/executions/gone/output' })).statusCode, 200, 'before pruning the output is there');

  const report = await app.retention.runOnce();
  t.equal(report.executions, 1);
  for (const url of ['/api/v1/executions/gone/output', '/api/v1/executions/gone/output?format=text', '/api/v1/executions/gone/stream']) {
    const res = await app.inject({ url });
    t.equal(res.statusCode, 410, `${url}: 410 Gone`);
    t.match(res.headers['content-type'], /application\/problem\+json/);
    t.match(res.json(), { code: 'CAPSTAN_ERR_EXECUTION_OUTPUT_PRUNED', status: 410, category: 'not_found', executionId: 'gone', prunedAt: String, detail: /pruned/ });
  }
  const run = (await app.inject({ url: '/api/v1/executions/gone' })).json();
  t.match(run, { id: 'gone', status: 'succeeded', results: [], outputPrunedAt: String }, 'the execution answers, saying its output was pruned');
  t.equal(store.journal.list({ nodes: ['localhost'] }, 10).filter((r) => r.executionId === 'gone').length, 1, 'the journal line stays');
});
