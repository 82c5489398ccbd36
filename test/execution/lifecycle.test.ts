/**
 * Execution lifecycle through the HTTP API with real processes (local transport of the ssh plugin):
 * 202 + Location, wait, output (JSON and text), idempotency, cancel, timeout, filters, journal.
 */
import t from 'tap';
import { buildTestApp, waitForExecution } from '../helper.js';
import { groupsAlive, groupsOf, marker } from '../processes.js';

async function untilStatus(app: any, id: string, status: string) {
  for (let i = 0; i < 200; i++) {
    const s = (await app.inject({ url: `/api/v1/executions/${id}` })).json().status;
    if (s === status) return;
    await new Promise((r) => setImmediate(r));
    await app.executions.waitTerminal(id, 50, new AbortController().signal);
  }
  throw new Error(`execution ${id} never reached ${status}`);
}

t.test('submit -> 202 with Location and links, runs, output in order', async (t) => {
  const app = await buildTestApp(t);
  const res = await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['localhost'], params: { command: 'echo one; echo two >&2; echo three' } } });
  t.equal(res.statusCode, 202);
  const body = res.json();
  t.equal(res.headers.location, `/api/v1/executions/${body.id}`);
  t.same(Object.keys(body.links).sort(), ['cancel', 'output', 'self', 'stream', 'wait']);
  const done = await waitForExecution(app, body.id);
  t.equal(done.status, 'succeeded');
  t.same(done.results.map((r: any) => [r.target, r.status, r.exitCode]), [['localhost', 'succeeded', 0]]);
  const out = (await app.inject({ url: `/api/v1/executions/${body.id}/output` })).json();
  const lines = out.items.filter((e: any) => e.type === 'stdout' || e.type === 'stderr').map((e: any) => `${e.type}:${e.data.line}`);
  t.same(lines.filter((l: string) => l.startsWith('stdout')), ['stdout:one', 'stdout:three']);
  t.ok(lines.includes('stderr:two'));
  const types = out.items.map((e: any) => e.type);
  t.equal(types[0], 'status');
  t.equal(types[types.length - 1], 'complete');
  t.same(out.items.map((e: any) => e.seq), out.items.map((_: any, i: number) => i + 1), 'gapless sequence numbers');
  t.equal(out.complete, true);
  const text = await app.inject({ url: `/api/v1/executions/${body.id}/output`, headers: { accept: 'text/plain' } });
  t.match(text.headers['content-type'], /^text\/plain/);
  t.match(text.body, /one\n[\s\S]*three\n/);
  const journal = (await app.inject({ url: '/api/v1/nodes/localhost/journal' })).json();
  t.ok(journal.items.some((j: any) => j.executionId === body.id && /succeeded/.test(j.summary)), 'journal entry');
});

t.test('non-zero exit fails with execution_failed and the exit code', async (t) => {
  const app = await buildTestApp(t);
  const { id } = (await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['localhost'], params: { command: 'exit 7' } } })).json();
  const done = await waitForExecution(app, id);
  t.equal(done.status, 'failed');
  t.equal(done.results[0].exitCode, 7);
  t.equal(done.results[0].error.category, 'execution_failed');
});

t.test('Idempotency-Key: same key + same body -> same execution; different body -> 409', async (t) => {
  const app = await buildTestApp(t);
  const payload = { capability: 'command.execute', targets: ['localhost'], params: { command: 'true' } };
  const a = await app.inject({ method: 'POST', url: '/api/v1/executions', payload, headers: { 'idempotency-key': 'k-1' } });
  const b = await app.inject({ method: 'POST', url: '/api/v1/executions', payload, headers: { 'idempotency-key': 'k-1' } });
  t.equal(a.statusCode, 202);
  t.equal(b.statusCode, 200);
  t.equal(b.headers['idempotent-replayed'], 'true');
  t.equal(a.json().id, b.json().id);
  const c = await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { ...payload, params: { command: 'false' } }, headers: { 'idempotency-key': 'k-1' } });
  t.equal(c.statusCode, 409);
  t.equal(c.json().code, 'CAPSTAN_ERR_IDEMPOTENCY_KEY_CONFLICT');
  const list = (await app.inject({ url: '/api/v1/executions?limit=50' })).json();
  t.equal(list.items.length, 1, 'one run only');
  await waitForExecution(app, a.json().id);
});

t.test('cancel kills the whole process tree of a running execution', async (t) => {
  const app = await buildTestApp(t, { execution: { cancelGraceMs: 2000 } });
  const m = marker();
  // A shell with a background child and a foreground child: the whole tree must die.
  const { id } = (await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['localhost'], params: { command: `sleep 300 & sleep 301; wait; echo ${m}` } } })).json();
  await untilStatus(app, id, 'running');
  let groups: number[] = [];
  for (let i = 0; i < 100 && groups.length === 0; i++) {
    groups = groupsOf(m);
    if (!groups.length) await app.executions.waitTerminal(id, 20, new AbortController().signal);
  }
  t.ok(groupsAlive(groups), 'tree is running');
  const c = await app.inject({ method: 'POST', url: `/api/v1/executions/${id}/cancel`, payload: {} });
  t.equal(c.statusCode, 202);
  const done = await waitForExecution(app, id);
  t.equal(done.status, 'canceled');
  t.equal(done.results[0].status, 'canceled');
  t.notOk(groupsAlive(groups), 'no process of the tree is left');
  const again = await app.inject({ method: 'POST', url: `/api/v1/executions/${id}/cancel`, payload: {} });
  t.equal(again.statusCode, 409, 'canceling a finished execution is a conflict');
});

t.test('server-enforced timeout ends timed_out and kills the process', async (t) => {
  const app = await buildTestApp(t);
  const m = marker();
  const { id } = (await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['localhost'], params: { command: `sleep 120; echo ${m}` }, timeoutSeconds: 2 } })).json();
  await untilStatus(app, id, 'running');
  let groups: number[] = [];
  for (let i = 0; i < 100 && groups.length === 0; i++) {
    groups = groupsOf(m);
    if (!groups.length) await app.executions.waitTerminal(id, 20, new AbortController().signal);
  }
  t.ok(groupsAlive(groups), 'running before the timeout');
  const done = await waitForExecution(app, id, 30);
  t.equal(done.status, 'timed_out');
  t.equal(done.results[0].status, 'timed_out');
  t.match(done.reason, /timed out/);
  t.notOk(groupsAlive(groups), 'the process tree is gone');
});

t.test('queued execution canceled at once; queue explains why runs wait; full queue -> 429', async (t) => {
  const app = await buildTestApp(t, { execution: { concurrency: 1, maxQueued: 2 } });
  const post = (command: string) => app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['localhost'], params: { command } } });
  const first = (await post('sleep 30')).json();
  await untilStatus(app, first.id, 'running');
  const second = (await post('echo 2')).json();
  const third = (await post('echo 3')).json();
  t.equal(second.status, 'queued');
  t.same(second.queue, { position: 1, reason: 'global_cap' });
  const q = (await app.inject({ url: '/api/v1/queue' })).json();
  t.same(q.running.map((r: any) => r.id), [first.id]);
  t.same(q.queued.map((r: any) => r.id), [second.id, third.id]);
  const full = await post('echo 4');
  t.equal(full.statusCode, 429);
  t.equal(full.headers['retry-after'], '5');
  t.equal(full.json().code, 'CAPSTAN_ERR_QUEUE_FULL');
  const c = await app.inject({ method: 'POST', url: `/api/v1/executions/${second.id}/cancel`, payload: {} });
  t.equal(c.json().status, 'canceled', 'a queued run is canceled at once');
  await app.inject({ method: 'POST', url: `/api/v1/executions/${first.id}/cancel`, payload: {} });
  t.equal((await waitForExecution(app, third.id)).status, 'succeeded', 'the next one runs after');
});

t.test('per-node limit: a second mutating run on a busy node waits with reason node_busy', async (t) => {
  const app = await buildTestApp(t, { execution: { concurrency: 4, perNodeConcurrency: 1 } });
  const post = (command: string) => app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['localhost'], params: { command } } });
  const a = (await post('sleep 30')).json();
  await untilStatus(app, a.id, 'running');
  const b = (await post('true')).json();
  t.equal(b.status, 'queued');
  t.same(b.queue, { position: 1, reason: 'node_busy', waitingFor: ['localhost'] });
  await app.inject({ method: 'POST', url: `/api/v1/executions/${a.id}/cancel`, payload: {} });
  t.equal((await waitForExecution(app, b.id)).status, 'succeeded');
});

t.test('unknown targets and bad params are 400 before anything is stored', async (t) => {
  const app = await buildTestApp(t);
  const unknown = await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['nope'], params: { command: 'true' } } });
  t.equal(unknown.statusCode, 400);
  t.equal(unknown.json().code, 'CAPSTAN_ERR_TARGET_UNRESOLVED');
  const inject = await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['-oProxyCommand=x'], params: { command: 'true' } } });
  t.equal(inject.statusCode, 400, 'option-looking target refused');
  const badParams = await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['localhost'], params: { command: 'x', nope: 1 } } });
  t.equal(badParams.statusCode, 400);
  t.equal(badParams.json().code, 'CAPSTAN_ERR_CAPABILITY_PARAMS_INVALID');
  const query = await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'inventory.list', targets: ['localhost'], params: {} } });
  t.equal(query.statusCode, 400, 'a query capability is not an execution');
  t.equal((await app.inject({ url: '/api/v1/executions' })).json().items.length, 0);
});

t.test('output above maxOutputBytes is cut with a truncation marker; results still recorded', async (t) => {
  const app = await buildTestApp(t, { execution: { maxOutputBytes: 1024 } });
  const { id } = (await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['localhost'], params: { command: 'seq 1 2000' } } })).json();
  const done = await waitForExecution(app, id);
  t.equal(done.status, 'succeeded');
  const out = (await app.inject({ url: `/api/v1/executions/${id}/output?limit=10000` })).json();
  const trunc = out.items.filter((e: any) => e.type === 'truncated');
  t.equal(trunc.length, 1, 'one marker');
  const bytes = out.items.filter((e: any) => e.type === 'stdout').reduce((n: number, e: any) => n + e.data.line.length + 1, 0);
  t.ok(bytes <= 1024, `kept ${bytes} bytes`);
});

t.test('list filters and keyset pagination', async (t) => {
  const app = await buildTestApp(t);
  const ids: string[] = [];
  for (const c of ['true', 'false', 'true']) {
    const { id } = (await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['localhost'], params: { command: c } } })).json();
    ids.push(id);
    await waitForExecution(app, id);
  }
  const p1 = (await app.inject({ url: '/api/v1/executions?limit=2' })).json();
  t.same(p1.items.map((e: any) => e.id), [ids[2], ids[1]]);
  const p2 = (await app.inject({ url: `/api/v1/executions?limit=2&cursor=${p1.nextCursor}` })).json();
  t.same(p2.items.map((e: any) => e.id), [ids[0]]);
  t.equal(p2.nextCursor, null);
  const failed = (await app.inject({ url: '/api/v1/executions?status=failed' })).json();
  t.same(failed.items.map((e: any) => e.id), [ids[1]]);
  t.equal((await app.inject({ url: '/api/v1/executions?type=command&node=localhost' })).json().items.length, 3);
  t.equal((await app.inject({ url: '/api/v1/executions?node=other' })).json().items.length, 0);
  t.equal((await app.inject({ url: '/api/v1/executions?cursor=garbage' })).statusCode, 400);
});
