/**
 * Streaming, cancel and timeout of bolt runs on a real listening server: each target's result reaches the SSE
 * stream the moment bolt prints it (the fake holds a target's result back with FAKE_BOLT_DELAY_MS), bolt's
 * stderr log lines stream as target `bolt`, and cancel / timeout kill bolt's whole process tree (found by a
 * unique marker in the command and checked by process group).
 */
import t from 'tap';
import { buildTestApp, waitForExecution } from '../../../../test/helper.js';
import { groupsAlive, groupsOf, killGroups, marker } from '../../../../test/processes.js';
import { connectSse, type SseFrame } from '../../../../test/sse-client.js';
import { boltOverrides, byTarget, events, knobs, listen, submit, teardownOf, until, writeProject } from './fixtures/helpers.js';

const project = writeProject(t.testdir());
const app = await buildTestApp(teardownOf(t), boltOverrides(project));
const base = await listen(app);
t.afterEach(() => knobs(project, {}));

const data = (f: SseFrame) => JSON.parse(f.data ?? 'null');
const status = async (id: string) => (await app.inject({ method: 'GET', url: `/api/v1/executions/${id}` })).json().status;

/** Waits (bounded) until the marker's processes are up: bolt itself and one shell per target. */
async function startedGroups(m: string, count: number): Promise<number[]> {
  return until(`${count} process groups with ${m}`, () => {
    const g = groupsOf(m);
    return g.length >= count ? g : undefined;
  }, 20_000);
}

t.test('a target result reaches the SSE stream while bolt still holds back another one', async (t) => {
  const m = marker('bolt-stream');
  // web2's result is held back for 10 minutes: web1's result can only arrive first if it is streamed.
  knobs(project, { FAKE_BOLT_DELAY_MS: 'web2=600000' });
  const created = await submit(app, { capability: 'command.execute', targets: ['web1', 'web2'], params: { command: `echo ${m}` } });
  let firstResult!: (f: SseFrame) => void;
  const first = new Promise<SseFrame>((r) => (firstResult = r));
  const conn = await connectSse(`${base}/api/v1/executions/${created.id}/stream`, {}, (f) => { if (f.event === 'target_result') firstResult(f); });
  t.equal(conn.status, 200);

  const frame = await first;
  t.same([data(frame).target, data(frame).status], ['web1', 'succeeded'], 'the first target_result is web1');
  const soFar = [...conn.frames];
  t.notOk(soFar.some((f) => f.event === 'target_result' && data(f).target === 'web2'), "web2's result has not come");
  t.notOk(soFar.some((f) => f.event === 'complete'), 'the run is not complete');
  t.equal(await status(created.id), 'running', 'the execution is running');
  const groups = groupsOf(m);
  t.ok(groups.length >= 1 && groupsAlive(groups), 'the bolt process is still alive');
  t.same(soFar.filter((f) => f.event === 'stdout').map(data), [{ target: 'web1', line: m }], "web1's output line came with it");
  t.ok(soFar.some((f) => f.event === 'stderr' && data(f).target === 'bolt'), "bolt's stderr log lines are streamed live (target bolt)");

  const cancel = await app.inject({ method: 'POST', url: `/api/v1/executions/${created.id}/cancel` });
  t.equal(cancel.statusCode, 202, 'cancel accepted');
  const frames = await conn.done;
  t.equal(frames[frames.length - 1].event, 'complete', 'the stream ends with complete');
  const done = await waitForExecution(app, created.id, 30);
  t.equal(done.status, 'canceled');
  t.same(byTarget(done.results).web1.status, 'succeeded', 'the streamed result stands');
  t.same(byTarget(done.results).web2.status, 'canceled');
  await until('bolt to be gone', () => !groupsAlive(groups), 10_000);
  t.pass('bolt is gone after cancel');
});

t.test('results arrive in the order bolt prints them, each when printed', async (t) => {
  knobs(project, { FAKE_BOLT_DELAY_MS: 'web1=0,web2=1500,web3=0' });
  const created = await submit(app, { capability: 'command.execute', targets: ['web1', 'web2', 'web3'], params: { command: 'echo hi' } });
  const arrivals: { target: string; at: number }[] = [];
  const conn = await connectSse(`${base}/api/v1/executions/${created.id}/stream`, {}, (f) => {
    if (f.event === 'target_result') arrivals.push({ target: data(f).target, at: performance.now() });
  });
  const frames = await conn.done;
  t.equal(frames[frames.length - 1].event, 'complete');
  t.equal(arrivals[arrivals.length - 1].target, 'web2', 'the held-back target comes last');
  t.same(arrivals.map((a) => a.target).sort(), ['web1', 'web2', 'web3'], 'one result per target');
  const gap = arrivals[2].at - Math.max(arrivals[0].at, arrivals[1].at);
  t.ok(gap >= 1000, `the quick results were delivered ${Math.round(gap)} ms before web2's, not when bolt ended`);
  t.equal((await waitForExecution(app, created.id)).status, 'succeeded');
});

for (const mode of ['close', 'die'] as const) {
  t.test(`cancel kills the bolt process tree (FAKE_BOLT_SIGTERM=${mode})`, async (t) => {
    const m = marker('bolt-cancel');
    knobs(project, { FAKE_BOLT_SIGTERM: mode });
    const created = await submit(app, { capability: 'command.execute', targets: ['web1', 'web2', 'web3'], params: { command: `sleep 300; echo ${m}` } });
    // bolt's own group and one group per target shell (the fake starts each in its own group).
    const groups = await startedGroups(m, 4);
    t.teardown(() => killGroups(groups));
    t.ok(groupsAlive(groups), 'bolt and three `sleep 300` shells are running');
    const cancel = await app.inject({ method: 'POST', url: `/api/v1/executions/${created.id}/cancel` });
    t.equal(cancel.statusCode, 202, 'cancel accepted');
    const done = await waitForExecution(app, created.id, 30);
    t.equal(done.status, 'canceled');
    t.same(done.results.map((r: any) => r.status), ['canceled', 'canceled', 'canceled'], 'every target canceled');
    await until('the process groups to die', () => !groupsAlive(groups), 10_000);
    t.pass('no process of the run survives: bolt, the shells and their sleep are gone');
    const evs = await events(app, created.id);
    t.same(evs.filter((e) => e.type === 'stdout'), [], 'the commands never finished');
  });
}

t.test('timeoutSeconds is enforced: timed_out, and the process tree is killed', async (t) => {
  const m = marker('bolt-timeout');
  const created = await submit(app, { capability: 'command.execute', targets: ['web1', 'db1'], params: { command: `sleep 300; echo ${m}` }, timeoutSeconds: 3 });
  const groups = await startedGroups(m, 3);
  t.teardown(() => killGroups(groups));
  const done = await waitForExecution(app, created.id, 30);
  t.equal(done.status, 'timed_out');
  t.same(done.results.map((r: any) => r.status), ['timed_out', 'timed_out']);
  t.match(done.reason, /timed out after 3 s/);
  await until('the process groups to die', () => !groupsAlive(groups), 10_000);
  t.pass('no process of the run survives the timeout');
});
