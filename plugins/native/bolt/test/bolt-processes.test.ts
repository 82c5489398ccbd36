/**
 * The run rules through Bolt (the fake bolt CLI, local targets): a background child still holding a command's
 * output is ended after the drain with a notice (the target-side watchdog), a detached daemon survives, cancel
 * and timeout end every process the run started, also those that left Bolt's process groups (setsid, double
 * fork), with the cgroup scope and with the process-group + cookie fallback; a canceled script.execute leaves
 * no script copy behind.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import t from 'tap';
import { buildTestApp, waitForExecution } from '../../../../test/helper.js';
import { pgrep } from '../../ssh/test/fixtures/helpers.js';
import { boltOverrides, events, lines, submit, teardownOf, until, writeProject } from './fixtures/helpers.js';

const marker = (p: string) => `${p}${process.pid}x${Math.random().toString(36).slice(2, 8)}`;

for (const cgroups of [true, false]) {
  t.test(`bolt runs (execution.cgroups ${cgroups})`, async (t) => {
    const project = writeProject(t.testdir());
    const app = await buildTestApp(teardownOf(t), { ...boltOverrides(project), execution: { cancelGraceMs: 1000, drainSeconds: 1, cgroups } });
    const kill = async (mark: string) => { for (const p of await pgrep(mark)) try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } };

    t.test('a background child holding the output is ended after the drain, with a notice; the exit code is the command\'s', async (t) => {
      const mark = marker('hold');
      t.teardown(() => kill(mark));
      const started = Date.now();
      const created = await submit(app, { capability: 'command.execute', targets: ['localhost'], params: { command: `sh -c 'sleep 30; : ${mark}' & echo started; exit 3` } });
      const done = await waitForExecution(app, created.id, 60);
      t.ok(Date.now() - started < 15_000, `ended in ${Date.now() - started} ms`);
      t.match(done.results[0], { target: 'localhost', status: 'failed', exitCode: 3 });
      const evs = await events(app, created.id);
      t.same(lines(evs, 'stdout', 'localhost'), ['started']);
      t.match(evs.find((e) => e.type === 'notice')?.data, { target: 'localhost', message: /still held its output after 1 s on the target/ }, 'the notice, not a stderr line');
      t.notOk(lines(evs, 'stderr', 'localhost').some((l) => l.includes('capstan-notice')), 'the watchdog line is not in the output');
      await until('the holder gone', async () => (await pgrep(mark)).length === 0, 10_000);
    });

    t.test('a detached daemon survives a bolt command that ends normally', async (t) => {
      const mark = marker('daemon');
      t.teardown(() => kill(mark));
      const created = await submit(app, { capability: 'command.execute', targets: ['localhost'], params: { command: `nohup sh -c 'sleep 60; : ${mark}' >/dev/null 2>&1 & echo ok` } });
      t.equal((await waitForExecution(app, created.id, 60)).status, 'succeeded');
      await until('the daemon running', async () => (await pgrep(`sleep 60; : ${mark}`)).length === 1, 5000);
      t.pass('the daemon still runs');
    });
    for (const how of ['cancel', 'timeout'] as const) {
      t.test(`${how} ends the setsid and double-forked children of a bolt command`, async (t) => {
        const mark = marker(how);
        const command = `setsid sh -c 'sleep 60; : ${mark}a' </dev/null >/dev/null 2>&1 & (sh -c 'sleep 60; : ${mark}b' </dev/null >/dev/null 2>&1 &); echo ready; sleep 60`;
        t.teardown(async () => { for (const p of await pgrep(mark)) try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } });
        const created = await submit(app, { capability: 'command.execute', targets: ['localhost'], params: { command }, ...(how === 'timeout' ? { timeoutSeconds: 4 } : {}) });
        // Bolt prints a target's output only with its result: wait for the children instead.
        await until('both children started', async () => (await pgrep(`: ${mark}a`)).length > 0 && (await pgrep(`: ${mark}b`)).length > 0, 30_000);
        if (how === 'cancel') await app.inject({ method: 'POST', url: `/api/v1/executions/${created.id}/cancel` });
        t.equal((await waitForExecution(app, created.id, 60)).status, how === 'cancel' ? 'canceled' : 'timed_out');
        await until('children gone', async () => (await pgrep(mark)).length === 0, 15_000);
        t.pass('every process of the run is gone');
      });
    }

    t.test('a canceled script.execute leaves no copy of the script', async (t) => {
      // Other test files run bolt scripts at the same time: only copies holding this test's marker count.
      const tag = marker('copy');
      const copies = () => readdirSync(os.tmpdir()).filter((f) => f.startsWith('capstan-bolt-')).filter((f) => {
        try { return readFileSync(join(os.tmpdir(), f, 'script'), 'utf8').includes(tag); } catch { return false; }
      });
      const created = await submit(app, { capability: 'script.execute', targets: ['localhost'], params: { script: `#!/bin/sh\n# ${tag}\ntrap "" TERM\nwhile :; do sleep 0.1; done\n` } });
      await until('the script copy exists', () => copies().length === 1, 30_000);
      await app.inject({ method: 'POST', url: `/api/v1/executions/${created.id}/cancel` });
      t.equal((await waitForExecution(app, created.id, 60)).status, 'canceled');
      // The copy is removed when the plugin's handler returns, which may be just after the run turned canceled.
      await until('the script copy is removed', () => copies().length === 0, 10_000);
      t.same(copies(), [], 'no copy of the script left');
    });
  });
}
