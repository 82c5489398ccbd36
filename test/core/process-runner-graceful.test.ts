/**
 * runProcess's gracefulSignal: an abort first sends the given signal to the top-level process only (a tool
 * such as Terraform then stops cleanly and says so), and ends the run's processes the usual way only when it
 * has not exited within `waitMs`.
 */
import t from 'tap';
import { runProcess } from '../../src/core/process-runner.js';

/** A shell that reports SIGINT and exits 1 (as Terraform does after an interrupt), else sleeps. */
const POLITE = 'trap \'echo "Interrupt received."; exit 1\' INT; echo started; while :; do sleep 0.05; done';
/** A shell that ignores SIGINT: only the usual end (SIGTERM/SIGKILL) stops it. */
const DEAF = 'trap "" INT; echo started; while :; do sleep 0.05; done';

async function runUntilStarted(script: string, gracefulSignal?: { signal: NodeJS.Signals; waitMs: number }) {
  const ac = new AbortController();
  const out: string[] = [];
  const notices: string[] = [];
  const started = Date.now();
  const r = await runProcess('/bin/sh', ['-c', script], {
    signal: ac.signal, graceMs: 300, gracefulSignal,
    onStdout: (line, partial) => {
      if (partial) return;
      out.push(line);
      if (line === 'started') ac.abort('cancel');
    },
    onNotice: (m) => notices.push(m),
  });
  return { r, out, notices, ms: Date.now() - started };
}

t.test('the top-level process gets SIGINT first and stops on its own', async (t) => {
  const { r, out, notices } = await runUntilStarted(POLITE, { signal: 'SIGINT', waitMs: 5000 });
  t.ok(r.aborted);
  t.equal(r.exitCode, 1, 'its own exit code after the interrupt');
  t.equal(r.signal, null, 'not killed by a signal');
  t.same(out, ['started', 'Interrupt received.']);
  t.same(notices, []);
});

t.test('one that ignores the interrupt is ended after waitMs', async (t) => {
  const { r, out, notices, ms } = await runUntilStarted(DEAF, { signal: 'SIGINT', waitMs: 300 });
  t.ok(r.aborted);
  t.ok(r.signal === 'SIGTERM' || r.signal === 'SIGKILL', `ended by ${r.signal}`);
  t.same(out, ['started']);
  t.match(notices.join('\n'), /did not stop within 0.3 s of SIGINT/);
  t.ok(ms < 5000, `bounded (${ms} ms)`);
});

t.test('without gracefulSignal an abort ends the run at once (SIGTERM)', async (t) => {
  const { r, out } = await runUntilStarted(POLITE);
  t.ok(r.aborted);
  t.equal(r.signal, 'SIGTERM');
  t.same(out, ['started'], 'no interrupt handler ran');
});
