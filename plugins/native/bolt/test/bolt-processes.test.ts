/**
 * The run rules through Bolt (the fake bolt CLI, local targets): cancel and timeout end every process the
 * run started, also those that left Bolt's process groups (setsid, double fork), with the cgroup scope and
 * with the process-group + cookie fallback; a canceled script.execute leaves no script copy behind.
 */
import { readdirSync } from 'node:fs';
import os from 'node:os';
import t from 'tap';
import { buildTestApp, waitForExecution } from '../../../../test/helper.js';
import { pgrep } from '../../ssh/test/fixtures/helpers.js';
import { boltOverrides, submit, teardownOf, until, writeProject } from './fixtures/helpers.js';

const marker = (p: string) => `${p}${process.pid}x${Math.random().toString(36).slice(2, 8)}`;

for (const cgroups of [true, false]) {
  t.test(`bolt runs (execution.cgroups ${cgroups})`, async (t) => {
    const project = writeProject(t.testdir());
    const app = await buildTestApp(teardownOf(t), { ...boltOverrides(project), execution: { cancelGraceMs: 1000, cgroups } });
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
      const before = new Set(readdirSync(os.tmpdir()).filter((f) => f.startsWith('capstan-bolt-')));
      const created = await submit(app, { capability: 'script.execute', targets: ['localhost'], params: { script: '#!/bin/sh\ntrap "" TERM\nwhile :; do sleep 0.1; done\n' } });
      await until('the script copy exists', () => readdirSync(os.tmpdir()).some((f) => f.startsWith('capstan-bolt-') && !before.has(f)), 30_000);
      await app.inject({ method: 'POST', url: `/api/v1/executions/${created.id}/cancel` });
      t.equal((await waitForExecution(app, created.id, 60)).status, 'canceled');
      t.same(readdirSync(os.tmpdir()).filter((f) => f.startsWith('capstan-bolt-') && !before.has(f)), [], 'no capstan-bolt-* directory left');
    });
  });
}
