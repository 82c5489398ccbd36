/**
 * Restart reconciliation on a real db file with the real server process: a run left `running` by a crash
 * (SIGKILL) becomes `interrupted` with a reason; a run left `queued` is re-queued and completes.
 */
import t from 'tap';
import { tempDir } from '../helper.js';
import { groupsAlive, groupsOf, killGroups } from '../processes.js';
import { startServer } from '../server-process.js';

async function api(base: string, path: string, init: RequestInit = {}) {
  const res = await fetch(base + path, { ...init, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } });
  return { status: res.status, body: await res.json() as any };
}

t.test('SIGKILL mid-run: running -> interrupted, queued -> re-queued and run after restart', async (t) => {
  const dataDir = tempDir();
  const env = { CAPSTAN_EXECUTION_CONCURRENCY: '1' };
  const first = await startServer(t, env, dataDir);
  const submit = (command: string) => api(first.baseUrl, '/api/v1/executions', { method: 'POST', body: JSON.stringify({ capability: 'command.execute', targets: ['localhost'], params: { command } }) });
  // The crashed server's child lives in its own process group and outlives a SIGKILL of the server: the
  // restarted server must kill it; the teardown is only a safety net.
  const marker = `capstan-restart-${process.pid}`;
  let orphans: number[] = [];
  t.teardown(() => killGroups(orphans));
  const running = (await submit(`sleep 300; echo ${marker}`)).body;
  const queued = (await submit('echo after-restart')).body;
  t.equal(queued.status, 'queued');
  // Wait until the first one really runs (bounded long-polls on the server's own state).
  let state = '';
  for (let i = 0; i < 100 && state !== 'running'; i++) state = (await api(first.baseUrl, `/api/v1/executions/${running.id}/wait?timeout=0`)).body.status;
  t.equal(state, 'running');
  orphans = groupsOf(marker);
  await first.stop('SIGKILL');

  const second = await startServer(t, env, dataDir);
  const r = (await api(second.baseUrl, `/api/v1/executions/${running.id}`)).body;
  t.equal(r.status, 'interrupted', 'the crashed run is interrupted, not stuck running');
  t.match(r.reason, /stopped while it was running; the leftover processes of 1 process scope\(s\) were killed/);
  t.notOk(groupsAlive(orphans), 'the crashed run\'s processes were killed at start');
  t.ok(r.finishedAt, 'finishedAt set');
  const q = (await api(second.baseUrl, `/api/v1/executions/${queued.id}/wait?timeout=60`)).body;
  t.equal(q.status, 'succeeded', 'the queued run was not lost');
  const out = (await api(second.baseUrl, `/api/v1/executions/${queued.id}/output`)).body;
  t.ok(out.items.some((e: any) => e.data.line === 'after-restart'));
  const stream = await fetch(`${second.baseUrl}/api/v1/executions/${running.id}/stream`);
  const text = await stream.text();
  t.match(text, /event: complete/, 'the interrupted run has a terminal event for stream readers');
});
