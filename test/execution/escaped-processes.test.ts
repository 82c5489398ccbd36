/**
 * Processes that left the run's process group (setsid, double fork) with the real server process: a graceful
 * stop (SIGTERM) ends them, exits 0 well before close-with-grace's limit and leaves the run `interrupted`;
 * after a crash (SIGKILL of the server) the restart ends them through the recorded scope (cgroup or cookie).
 */
import t from 'tap';
import { tempDir } from '../helper.js';
import { pgrep } from '../../plugins/native/ssh/test/fixtures/helpers.js';
import { startServer } from '../server-process.js';
import { until } from '../until.js';

async function api(base: string, path: string, init: RequestInit = {}) {
  const res = await fetch(base + path, { ...init, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } });
  return { status: res.status, body: await res.json() as any };
}

const escapees = (mark: string) => `setsid sh -c 'sleep 120; : ${mark}a' & (sh -c 'sleep 120; : ${mark}b' </dev/null >/dev/null 2>&1 &); echo ready; sleep 120`;

async function startRun(base: string, command: string): Promise<string> {
  const { body } = await api(base, '/api/v1/executions', { method: 'POST', body: JSON.stringify({ capability: 'command.execute', targets: ['localhost'], params: { command } }) });
  await until('the run printed ready', async () => (await api(base, `/api/v1/executions/${body.id}/output`)).body.items.some((e: any) => e.data.line === 'ready'), 30_000);
  return body.id;
}

function killAll(mark: string): Promise<void> {
  return pgrep(mark).then((pids) => { for (const p of pids) try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } });
}

for (const cgroups of ['true', 'false']) {
  t.test(`graceful stop with escaped children (cgroups ${cgroups}): exit 0 at once, children gone, run interrupted`, async (t) => {
    const dataDir = tempDir();
    const env = { CAPSTAN_EXECUTION_CGROUPS: cgroups, CAPSTAN_EXECUTION_CANCEL_GRACE_MS: '1000' };
    const mark = `capstan-esc-stop-${process.pid}-${cgroups}`;
    t.teardown(() => killAll(mark));
    const first = await startServer(t, env, dataDir);
    const id = await startRun(first.baseUrl, escapees(mark));
    await until('both escapees started', async () => (await pgrep(`${mark}a`)).length > 0 && (await pgrep(`${mark}b`)).length > 0);
    // SIGTERM to the server process alone (as a service manager sends it), not to npm's whole group.
    const serverPid = Number(/"pid":(\d+)/.exec(first.log())?.[1]);
    t.ok(serverPid > 0, 'the server logged its pid');
    const started = Date.now();
    process.kill(serverPid, 'SIGTERM');
    const exit = await first.child;
    const took = Date.now() - started;
    t.equal(exit.exitCode, 0, `the server exits 0 (log: ${first.log().split('\n').filter((l) => /error|warn/i.test(l)).slice(-3).join(' | ')})`);
    t.ok(took < 8000, `stopped in ${took} ms (close-with-grace would give up at 15 s)`);
    await until('escapees gone', async () => (await pgrep(mark)).length === 0, 5000);
    t.pass('the setsid and double-forked children are gone');
    const second = await startServer(t, env, dataDir);
    const r = (await api(second.baseUrl, `/api/v1/executions/${id}`)).body;
    t.equal(r.status, 'interrupted', 'the row is not left running');
    t.match(r.reason, /shut down while it was running/, `reason: ${r.reason}`);
  });
}

t.test('crash (SIGKILL of the server) with escaped children: the restart ends them through the recorded scope', async (t) => {
  const dataDir = tempDir();
  const mark = `capstan-esc-crash-${process.pid}`;
  t.teardown(() => killAll(mark));
  const first = await startServer(t, {}, dataDir);
  const id = await startRun(first.baseUrl, escapees(mark));
  await until('both escapees started', async () => (await pgrep(`${mark}a`)).length > 0 && (await pgrep(`${mark}b`)).length > 0);
  await first.stop('SIGKILL');
  t.ok((await pgrep(`${mark}a`)).length > 0, 'the setsid child outlived the crash');
  const second = await startServer(t, {}, dataDir);
  const r = (await api(second.baseUrl, `/api/v1/executions/${id}`)).body;
  t.equal(r.status, 'interrupted');
  t.match(r.reason, /leftover processes of 1 process scope\(s\) were killed/);
  await until('escapees gone', async () => (await pgrep(mark)).length === 0, 5000);
  t.pass('the restart ended the escaped children');
});
