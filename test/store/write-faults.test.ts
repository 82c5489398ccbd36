/**
 * Store write faults on the real SQLite store, with real processes: another process holding the write lock,
 * and a full disk (a 2 MiB tmpfs, root only). In both, the server keeps serving: the affected run ends
 * `failed` with the cause once its state can be written, keeping its output up to the failure; reads work;
 * submits get 503 STORE_UNAVAILABLE with Retry-After; /health/ready says the store is failing; once the lock
 * or the space is back, a new run succeeds without a restart. The event loop is never blocked for long.
 */
import { execFileSync } from 'node:child_process';
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { execa } from 'execa';
import t, { type Test } from 'tap';
import { events, lines, submit } from '../executions-api.js';
import { buildTestApp, tempDir, waitForExecution } from '../helper.js';
import { until } from '../until.js';

const LOCKER = join(import.meta.dirname, '..', 'fixtures', 'hold-write-lock.mjs');
const run = (command: string) => ({ capability: 'command.execute', targets: ['localhost'], params: { command }, timeoutSeconds: 120 });

async function ready(app: FastifyInstance): Promise<{ status: number; body: any }> {
  const res = await app.inject({ url: '/health/ready' });
  return { status: res.statusCode, body: res.json() };
}

/** What every store fault must look like from outside while it lasts. */
async function checkWhileFailing(t: Test, app: FastifyInstance, runId: string, cause: RegExp): Promise<void> {
  const failing = await until('readiness to report the store failing', async () => {
    const r = await ready(app);
    return r.status === 503 ? r.body : undefined;
  });
  t.equal(failing.checks.store, 'failing', 'readiness names the store');
  t.match(failing.checks.storeError, cause, 'and why it fails');
  const refused = await app.inject({ method: 'POST', url: '/api/v1/executions', payload: run('echo refused') });
  t.equal(refused.statusCode, 503, 'a new submit is refused with 503');
  t.equal(refused.json().code, 'CAPSTAN_ERR_STORE_UNAVAILABLE');
  t.match(refused.headers['content-type'], /application\/problem\+json/);
  t.ok(Number(refused.headers['retry-after']) >= 1, 'with Retry-After');
  const read = await app.inject({ url: `/api/v1/executions/${runId}` });
  t.equal(read.statusCode, 200, 'reads keep working');
  t.ok(lines(await events(app, runId), 'stdout').length > 0, 'the output stored so far can be read');
  // The run is stopped in this process even before its end can be written.
  await until('the affected run to stop', () => app.executions.activeCount === 0);
}

/** Events are numbered 1..n without a gap and end with `complete`. */
function checkSequence(t: Test, evs: { seq: number; type: string }[]): void {
  t.same(evs.map((e) => e.seq), evs.map((_, i) => i + 1), 'event sequence without gaps');
  t.equal(evs.at(-1)?.type, 'complete', 'the run has its complete event');
}

function firstLine(stream: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.on('data', (c: Buffer) => {
      text += c.toString();
      if (text.includes('\n')) resolve(text.split('\n')[0]);
    });
    stream.once('end', () => reject(new Error(`ended before a line: ${text}`)));
  });
}

t.test('another process holds the write lock: the server keeps serving and recovers without a restart', async (t) => {
  const dataDir = tempDir();
  const app = await buildTestApp(t, { dataDir });
  const a = await submit(app, run('i=1; while :; do echo "line $i"; i=$((i+1)); sleep 0.05; done'));
  await until('five lines stored', async () => lines(await events(app, a.id), 'stdout').length >= 5);

  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const locker = execa(process.execPath, [LOCKER, join(dataDir, 'capstan.db')], { stdin: 'pipe', buffer: false, reject: false });
  t.teardown(() => { locker.kill('SIGKILL'); });
  t.equal(await firstLine(locker.stdout!), 'locked', 'the other process holds the write lock');

  await checkWhileFailing(t, app, a.id, /locked/);
  const released = performance.now();
  locker.stdin!.end('release\n');
  await locker;
  await until('readiness to be ok again', async () => (await ready(app)).status === 200);
  const recoveryMs = performance.now() - released;
  loop.disable();

  const done = await waitForExecution(app, a.id);
  t.equal(done.status, 'failed', 'the run ends failed, not succeeded or stuck running');
  t.match(done.reason, /^store write failed: database is locked by another process/);
  const evs = await events(app, a.id);
  checkSequence(t, evs);
  const out = lines(evs, 'stdout');
  t.ok(out.length >= 5, `output up to the failure kept (${out.length} lines)`);
  t.same(out, out.map((_, i) => `line ${i + 1}`), 'in order, nothing missing before the failure');

  const b = await submit(app, run('echo after-lock'));
  t.equal((await waitForExecution(app, b.id)).status, 'succeeded', 'a new run works without a restart');
  t.same(lines(await events(app, b.id), 'stdout'), ['after-lock']);

  const maxMs = loop.max / 1e6;
  t.comment(`held lock: event loop max delay ${maxMs.toFixed(1)} ms (p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms); ready again ${recoveryMs.toFixed(0)} ms after the lock was released`);
  t.ok(maxMs < 200, `the event loop was never blocked for long (max ${maxMs.toFixed(1)} ms)`);
});

const mountTmpfs = (dir: string) => execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'pipe' });

/** Why a small tmpfs cannot be mounted here (not root, no CAP_SYS_ADMIN), or false when it can. */
function noTmpfs(): string | false {
  if (process.getuid?.() !== 0) return 'mounting a small tmpfs needs root';
  const dir = tempDir('capstan-mount-check-');
  try {
    mountTmpfs(dir);
    execFileSync('umount', [dir]);
    return false;
  } catch (err) {
    return `cannot mount a tmpfs here: ${String((err as { stderr?: unknown }).stderr ?? err).trim()}`;
  }
}

t.test('the disk fills while a run prints: the server keeps serving and recovers once space is freed', { skip: noTmpfs() }, async (t) => {
  const dataDir = tempDir('capstan-full-');
  mountTmpfs(dataDir);
  // Lazy: the app's teardown may run after this one; its open files keep the mount alive until it closed.
  t.teardown(() => { execFileSync('umount', ['-l', dataDir]); });
  const filler = join(dataDir, 'filler');
  writeFileSync(filler, Buffer.alloc(512 * 1024, 1));
  const app = await buildTestApp(t, { dataDir });

  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const line = '7'.repeat(900);
  const a = await submit(app, run(`yes ${line}`));
  await checkWhileFailing(t, app, a.id, /disk full/);
  const freed = performance.now();
  unlinkSync(filler);
  await until('readiness to be ok again', async () => (await ready(app)).status === 200);
  const recoveryMs = performance.now() - freed;
  loop.disable();

  const done = await waitForExecution(app, a.id);
  t.equal(done.status, 'failed', 'the run ends failed');
  t.match(done.reason, /^store write failed: disk full/);
  const evs = await events(app, a.id);
  checkSequence(t, evs);
  const out = lines(evs, 'stdout');
  t.ok(out.length > 0 && out.every((l) => l === line), `output up to the failure kept whole (${out.length} lines)`);

  const b = await submit(app, run('echo after-full'));
  t.equal((await waitForExecution(app, b.id)).status, 'succeeded', 'a new run works without a restart');
  t.same(lines(await events(app, b.id), 'stdout'), ['after-full']);
  t.comment(`disk full: event loop max delay ${(loop.max / 1e6).toFixed(1)} ms; ready again ${recoveryMs.toFixed(0)} ms after space was freed`);
});
