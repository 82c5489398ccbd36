/**
 * Bolt prints each target's result, a plan's result and the whole inventory as ONE JSON line, however long.
 * Through the HTTP API against the fake bolt: a 10,000-target inventory, a command printing `seq 1 20000`,
 * a task and a plan whose results are 1 MB arrive whole; past a small `maxDocumentBytes` the affected
 * targets (or the query) fail loudly with CAPSTAN_ERR_OUTPUT_DOCUMENT_TOO_LARGE, and a plan is never
 * `succeeded` without its result; bolt's stderr keeps its partial pieces; per-target text stays exact.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { buildTestApp, waitForExecution } from '../../../../test/helper.js';
import { allEvents, bigInventory, boltOverrides, byTarget, calls, canned, lines, pieces, resetCalls, submit, teardownOf, writeProject } from './fixtures/helpers.js';

/** Numbers 1..170000 joined by commas (a trailing one too): 1,078,895 bytes, over 1 MiB. */
const COUNT = 170_000;
const BLOB = `${Array.from({ length: COUNT }, (_, i) => i + 1).join(',')},`;

const project = writeProject(t.testdir());
const tasks = join(project, 'modules', 'demo', 'tasks');
const plans = join(project, 'modules', 'demo', 'plans');
writeFileSync(join(tasks, 'big.sh'), '#!/bin/sh\nprintf \'{"blob":"%s","count":%s}\\n\' "$(seq 1 "$PT_count" | tr \'\\n\' ,)" "$PT_count"\n', { mode: 0o755 });
writeFileSync(join(tasks, 'big.json'), JSON.stringify({ description: 'Prints a large JSON result', parameters: { count: { type: 'Integer' } } }));
const planOf = (ret: string) => `parameters:\n  targets:\n    type: TargetSpec\nsteps:\n  - name: big\n    task: demo::big\n    targets: $targets\n    parameters:\n      count: ${COUNT}\nreturn: ${ret}\n`;
writeFileSync(join(plans, 'bigvalue.yaml'), planOf("$big[0]['value']"));
writeFileSync(join(plans, 'bigset.yaml'), planOf('$big'));

const app = await buildTestApp(teardownOf(t), boltOverrides(project));
/** Same project, documents bounded at 64 KiB. */
const small = await buildTestApp(teardownOf(t), boltOverrides(project, { maxDocumentBytes: 65_536 }));
t.afterEach(() => canned(project, null));

async function run(on: typeof app, body: Record<string, unknown>) {
  const created = await submit(on, body);
  const done = await waitForExecution(on, created.id, 120);
  return { done, results: byTarget(done.results), evs: await allEvents(on, created.id) };
}

t.test('a 10,000-target inventory (one 6.6 MB line) is listed, and a run on one of its targets is accepted', async (t) => {
  const big = writeProject(t.testdir(), bigInventory(10_000));
  const app10k = await buildTestApp(teardownOf(t), boltOverrides(big));
  const page = await app10k.inject({ method: 'GET', url: '/api/v1/inventory?limit=100' });
  t.equal(page.statusCode, 200);
  t.same(page.json().sources.map((s: any) => [s.source, s.status]), [['bolt', 'ok']], 'the bolt source answered');
  t.equal(page.json().items.length, 100);
  t.ok(page.json().nextCursor, 'more pages follow');
  const all = (await app10k.inject({ method: 'POST', url: '/api/v1/capabilities/inventory.list/invoke', payload: {} })).json().result.nodes;
  t.equal(all.length, 10_000, 'every target');
  t.same(new Set(all.map((n: any) => n.name)).size, 10_000, 'each once');
  const node = (await app10k.inject({ method: 'GET', url: '/api/v1/inventory/nodes/web-9999' })).json();
  t.same([node.name, node.transport, node.groups], ['web-9999', 'local', ['g19', 'all']]);

  const { done, results, evs } = await run(app10k, { capability: 'command.execute', targets: ['web-7777'], params: { command: 'echo ran' } });
  t.equal(done.status, 'succeeded', 'the target is known: the run was accepted and ran');
  t.same(Object.keys(results), ['web-7777']);
  t.same(lines(evs, 'stdout', 'web-7777'), ['ran']);

  const tooSmall = await buildTestApp(teardownOf(t), boltOverrides(big, { maxDocumentBytes: 65_536 }));
  const refused = (await tooSmall.inject({ method: 'GET', url: '/api/v1/inventory' })).json();
  t.match(refused.sources, [{ source: 'bolt', status: 'error', error: { code: 'CAPSTAN_ERR_OUTPUT_DOCUMENT_TOO_LARGE', detail: /bolt inventory show output\) of \d{7} bytes, over the bolt plugin's maxDocumentBytes of 65536 bytes.*plugins\.bolt\.maxDocumentBytes \(env CAPSTAN_PLUGINS_BOLT_MAX_DOCUMENT_BYTES\)/ } }], 'past the bound the query fails loudly, naming the size and the key');
  t.same(refused.items, [], 'and no node is guessed');
});

t.test('`seq 1 20000` on two targets: every line of each arrives', async (t) => {
  const { done, results, evs } = await run(app, { capability: 'command.execute', targets: ['web1', 'web2'], params: { command: 'seq 1 20000' } });
  t.equal(done.status, 'succeeded');
  const want = Array.from({ length: 20_000 }, (_, i) => String(i + 1));
  for (const n of ['web1', 'web2']) {
    t.same([results[n].status, results[n].exitCode], ['succeeded', 0], `${n} succeeded`);
    const got = lines(evs, 'stdout', n);
    t.equal(got.length, 20_000, `${n}: 20,000 lines`);
    t.ok(got.every((l, i) => l === want[i]), `${n}: each line exact, in order`);
  }
});

t.test('a task whose result is 1 MB arrives whole', async (t) => {
  const { done, results } = await run(app, { capability: 'task.execute', targets: ['web1', 'web2'], params: { task: 'demo::big', parameters: { count: COUNT } } });
  t.equal(done.status, 'succeeded');
  for (const n of ['web1', 'web2']) {
    t.equal(results[n].value.count, COUNT, `${n}: the value parsed`);
    t.equal(results[n].value.blob.length, BLOB.length, `${n}: ${BLOB.length} characters`);
    t.ok(results[n].value.blob === BLOB, `${n}: the content is exact`);
  }
});

t.test('a plan whose result is 1 MB arrives whole, as a value and as a result set', async (t) => {
  const value = await run(app, { capability: 'plan.execute', targets: ['web1', 'web2'], params: { plan: 'demo::bigvalue' } });
  t.equal(value.done.status, 'succeeded');
  for (const n of ['web1', 'web2']) t.ok(value.results[n].value?.blob === BLOB && value.results[n].value.count === COUNT, `${n}: the plan's value, exact`);
  const out = lines(value.evs, 'stdout', 'bolt');
  t.equal(out.length, 1, "the plan's result is stored as one line of target bolt");
  t.same(JSON.parse(out[0]), { blob: BLOB, count: COUNT });

  const set = await run(app, { capability: 'plan.execute', targets: ['web1'], params: { plan: 'demo::bigset' } });
  t.equal(set.done.status, 'succeeded');
  t.ok(set.results.web1.value?.blob === BLOB, "web1: its own result from the plan's result set, exact");
});

t.test('past a small maxDocumentBytes: the affected targets fail loudly, never a success without its result', async (t) => {
  const lock = join(t.testdir(), 'lock');
  // Exactly one of the two targets prints 20,000 lines (whichever takes the lock first); the other one line.
  const mixed = await run(small, { capability: 'command.execute', targets: ['web1', 'web2'], params: { command: `mkdir ${lock} 2>/dev/null && seq 1 20000 || echo small` } });
  t.equal(mixed.done.status, 'partial');
  const [big, other] = ['web1', 'web2'].sort((a, b) => (mixed.results[a].status === 'failed' ? -1 : mixed.results[b].status === 'failed' ? 1 : a.localeCompare(b)));
  t.match(mixed.results[big], {
    status: 'failed', exitCode: null,
    error: { category: 'unavailable', code: 'CAPSTAN_ERR_OUTPUT_DOCUMENT_TOO_LARGE', detail: /a JSON document \(a target's result\) of \d{6} bytes, over the bolt plugin's maxDocumentBytes of 65536 bytes; it was dropped, not guessed\. Raise plugins\.bolt\.maxDocumentBytes \(env CAPSTAN_PLUGINS_BOLT_MAX_DOCUMENT_BYTES\)\./ },
  }, 'the target whose result was too large fails with the size and the key to raise');
  t.same([mixed.results[other].status, lines(mixed.evs, 'stdout', other)], ['succeeded', ['small']], 'the other target is unaffected');
  t.same(lines(mixed.evs, 'stdout', big), [], 'no part of the dropped result is passed off as output');
  t.ok(mixed.evs.some((e) => e.type === 'notice' && e.data.target === 'bolt' && /CAPSTAN_PLUGINS_BOLT_MAX_DOCUMENT_BYTES/.test(e.data.message)), 'a notice says so in the output');

  const task = await run(small, { capability: 'task.execute', targets: ['web1'], params: { task: 'demo::big', parameters: { count: COUNT } } });
  t.match(task.results.web1, { status: 'failed', error: { code: 'CAPSTAN_ERR_OUTPUT_DOCUMENT_TOO_LARGE', detail: /of \d{7} bytes/ } }, 'a 1 MB task result');

  for (const plan of ['demo::bigvalue', 'demo::bigset']) {
    const p = await run(small, { capability: 'plan.execute', targets: ['web1', 'web2'], params: { plan } });
    t.equal(p.done.status, 'failed', `${plan}: not succeeded without its result`);
    for (const n of ['web1', 'web2']) t.match(p.results[n], { status: 'failed', error: { code: 'CAPSTAN_ERR_OUTPUT_DOCUMENT_TOO_LARGE', detail: /the result of plan demo::big\w+\) of \d{7} bytes/ } }, `${plan}: ${n} fails loudly`);
  }
});

t.test('a plan that prints no result is not succeeded', async (t) => {
  canned(project, '', 0);
  const { done, results } = await run(app, { capability: 'plan.execute', targets: ['web1'], params: { plan: 'demo::hello' } });
  t.equal(done.status, 'failed');
  t.match(results.web1, { status: 'failed', error: { code: 'CAPSTAN_ERR_UPSTREAM_ERROR', detail: /plan demo::hello exited 0 without a JSON result/ } });
  canned(project, 'null\n', 0);
  const nothing = await run(app, { capability: 'plan.execute', targets: ['web1'], params: { plan: 'demo::hello' } });
  t.match(nothing.results.web1, { status: 'succeeded', value: null }, 'a plan that returned nothing prints null: that is a result');
});

t.test("bolt's stderr keeps its pieces: a line printed without newline is a partial piece", async (t) => {
  resetCalls(project);
  const doc = ['{ "items": [', JSON.stringify({ target: 'web1', action: 'command', object: 'x', status: 'success', value: { stdout: 'ok\n', stderr: '', merged_output: 'ok\n', exit_code: 0 } }), '],', '"target_count": 1, "elapsed_time": 0 }', ''].join('\n');
  canned(project, doc, 0, 'A warning line\x1b[0m\nDownloading 50%');
  const { done, evs } = await run(app, { capability: 'command.execute', targets: ['web1'], params: { command: 'x' } });
  t.equal(done.status, 'succeeded');
  t.equal(calls(project, /^command run/).length, 1);
  t.same(pieces(evs, 'stderr', 'bolt'), [['A warning line', false], ['Downloading 50%', true]], 'a whole line, then the unfinished one as a partial piece');
});

t.test("a target's output that does not end in a newline ends with a partial piece: the stored text is exact", async (t) => {
  const { evs } = await run(app, { capability: 'command.execute', targets: ['web1'], params: { command: "printf 'one\\n\\ntwo'; printf 'err' >&2" } });
  t.same(pieces(evs, 'stdout', 'web1'), [['one', false], ['', false], ['two', true]]);
  t.same(pieces(evs, 'stderr', 'web1'), [['err', true]]);
});
