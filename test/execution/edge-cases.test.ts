/**
 * Edge cases of the execution pipeline: long lines, empty target sets, idempotency fingerprints, replays on
 * the invoke route, SSE resume precedence, shutdown with queued runs, timer limits.
 */
import t from 'tap';
import { loadConfig } from '../../src/config/load.js';
import { buildTestApp, tempDir, waitForExecution } from '../helper.js';
import { connectSse } from '../sse-client.js';

const post = (app: any, params: Record<string, unknown>, headers: Record<string, string> = {}, targets = ['localhost']) =>
  app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets, params }, headers });

t.test('a 1 MB line without newline is stored in bounded pieces, nothing lost', async (t) => {
  const app = await buildTestApp(t);
  const { id } = (await post(app, { command: "head -c 1000000 /dev/zero | tr '\\0' a; echo; echo end" })).json();
  t.equal((await waitForExecution(app, id)).status, 'succeeded');
  const out = (await app.inject({ url: `/api/v1/executions/${id}/output?limit=10000` })).json();
  const lines = out.items.filter((e: any) => e.type === 'stdout').map((e: any) => e.data.line as string);
  t.ok(lines.every((l: string) => l.length <= 64 * 1024), 'no piece above 64 KiB');
  t.equal(lines.slice(0, -1).join('').length, 1_000_000, 'every byte kept');
  t.equal(lines[lines.length - 1], 'end');
});

t.test('targets that expand to no node are a 400, not an empty success', async (t) => {
  const dir = tempDir();
  const { writeFileSync } = await import('node:fs');
  writeFileSync(`${dir}/inventory.yaml`, 'version: 2\ngroups:\n  - name: empty\n    targets: []\ntargets:\n  - name: localhost\n    config: { transport: local }\n');
  const app = await buildTestApp(t, { plugins: { ssh: { inventoryFile: `${dir}/inventory.yaml` } } });
  const res = await post(app, { command: 'true' }, {}, ['empty']);
  t.equal(res.statusCode, 400);
  t.equal(res.json().code, 'CAPSTAN_ERR_TARGET_UNRESOLVED');
});

t.test('Idempotency-Key: key order in params does not matter; a replay on the invoke route is the execution', async (t) => {
  const app = await buildTestApp(t);
  const a = await post(app, { command: 'true', cwd: '/' }, { 'idempotency-key': 'order-1' });
  const b = await post(app, { cwd: '/', command: 'true' }, { 'idempotency-key': 'order-1' });
  t.equal(a.statusCode, 202);
  t.equal(b.statusCode, 200);
  t.equal(b.json().id, a.json().id);
  const invoke = (k: string) => app.inject({ method: 'POST', url: '/api/v1/capabilities/command.execute/invoke', headers: { 'idempotency-key': k }, payload: { targets: ['localhost'], params: { command: 'true' } } });
  const first = await invoke('inv-1');
  const again = await invoke('inv-1');
  t.equal(first.statusCode, 202);
  t.equal(again.statusCode, 200);
  t.equal(again.json().id, first.json().id);
  await waitForExecution(app, a.json().id);
  await waitForExecution(app, first.json().id);
});

t.test('SSE: Last-Event-ID wins over ?after= (what EventSource sends when it reconnects)', async (t) => {
  const app = await buildTestApp(t);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as any).port}`;
  const { id } = (await post(app, { command: 'echo a; echo b' })).json();
  await waitForExecution(app, id);
  const frames = await (await connectSse(`${base}/api/v1/executions/${id}/stream?after=0`, { 'last-event-id': '5' })).done;
  const ids = frames.filter((f) => f.id).map((f) => Number(f.id));
  t.ok(ids.length > 0 && ids[0] === 6, `resumed after 5 (got ${ids.join(',')})`);
});

t.test('shutdown leaves queued runs queued (no process started), and the next start runs them', async (t) => {
  const dataDir = tempDir();
  const overrides = { dataDir, execution: { concurrency: 1, cancelGraceMs: 500 } };
  const first = await buildTestApp({ teardown: () => {} }, overrides);
  const a = (await post(first, { command: 'sleep 30' })).json();
  const b = (await post(first, { command: 'echo second' })).json();
  t.equal(b.status, 'queued');
  await first.close();
  const afterClose = first.store;
  t.ok(afterClose, 'closed');
  const second = await buildTestApp(t, overrides);
  t.equal((await second.inject({ url: `/api/v1/executions/${a.id}` })).json().status, 'interrupted', 'the running one was interrupted by the shutdown');
  const done = await waitForExecution(second, b.id);
  t.equal(done.status, 'succeeded', 'the queued one ran after the restart');
});

t.test('timeouts beyond what a Node timer can hold are refused by config', async (t) => {
  t.throws(() => loadConfig({ env: {}, overrides: { execution: { maxTimeoutSeconds: 3_000_000 } } }), { code: 'CAPSTAN_ERR_CONFIG_INVALID' });
  t.throws(() => loadConfig({ env: {}, overrides: { execution: { defaultTimeoutSeconds: 3_000_000 } } }), { code: 'CAPSTAN_ERR_CONFIG_INVALID' });
});
