/**
 * Runs through the ExecutionQueue with the bolt plugin and the fake bolt CLI: command, script, task (a project
 * task under modules/demo/tasks) and plan, per-target results and lines, the argv, the allow-listed child
 * environment, every `_error` kind the fake can produce mapped to its category, and exact Bolt output shapes
 * (fatal errors, items + `_error`, exit 2, text) replayed through the wrapper's canned mode.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import t from 'tap';
import { buildTestApp, waitForExecution } from '../../../../test/helper.js';
import { boltOverrides, byTarget, calls, canned, events, FAKE_BOLT, INVENTORY, knobs, lines, resetCalls, submit, teardownOf, writeProject } from './fixtures/helpers.js';

const project = writeProject(t.testdir());
const app = await buildTestApp(teardownOf(t), boltOverrides(project));
const run = async (body: Record<string, unknown>) => {
  const created = await submit(app, body);
  const done = await waitForExecution(app, created.id, 60);
  return { done, results: byTarget(done.results), evs: await events(app, created.id) };
};
const cmd = (targets: string[], command: string, extra: object = {}) => run({ capability: 'command.execute', targets, params: { command, ...extra } });
t.afterEach(() => { knobs(project, {}); canned(project, null); });

t.test('command.execute: per-target lines and results, bolt log lines, the argv', async (t) => {
  resetCalls(project);
  const { done, results, evs } = await cmd(['web', 'localhost'], 'echo "out-$((40+2))"; echo err-line >&2');
  t.equal(done.status, 'succeeded');
  t.same(Object.keys(results).sort(), ['localhost', 'web1', 'web2', 'web3'], 'the group expanded to its nodes');
  for (const name of Object.keys(results)) {
    t.same([results[name].status, results[name].exitCode], ['succeeded', 0], `${name} succeeded`);
    t.same(lines(evs, 'stdout', name), ['out-42'], `${name}: its stdout line`);
    t.same(lines(evs, 'stderr', name), ['err-line'], `${name}: its stderr line`);
  }
  t.same(results.web1.value, { exit_code: 0 }, 'output is not repeated in the result value');
  const boltLog = lines(evs, 'stderr', 'bolt');
  t.ok(boltLog.some((l) => /might be overridden by Inventory/.test(l)), "bolt's own stderr log lines stream as target bolt");
  t.notOk(boltLog.some((l) => l.includes('\x1b')), 'without terminal escapes');
  const types = evs.map((e) => e.type);
  t.equal(types.filter((x) => x === 'target_result').length, 4, 'one target_result per target');
  t.equal(types[types.length - 1], 'complete');
  const [line] = calls(project, /^command run/);
  t.match(line, /^command run --targets (\w+,){3}\w+ --concurrency 100 --connect-timeout 10 --format json --project \S+ -- exec sh -c 'exec 3<&0$/,
    'argv: --format json, the project, then the command (inside the target-side watchdog, a multi-line sh script) after --');
  t.ok(calls(project).some((l) => /capstan-watchdog 'echo "out-\$\(\(40\+2\)\)"; echo err-line >&2' '[\w.-]+'$/.test(l)),
    'the command itself is one quoted word of the watchdog');
  t.same(line.match(/--targets (\S+)/)![1].split(',').sort(), ['localhost', 'web1', 'web2', 'web3']);
});

t.test('command.execute: exit codes, unreachable targets and a missing program keep their categories', async (t) => {
  const failed = await cmd(['web1'], 'echo before; exit 3');
  t.equal(failed.done.status, 'failed');
  t.match(failed.results.web1, { status: 'failed', exitCode: 3, error: { category: 'execution_failed', code: 'CAPSTAN_ERR_EXECUTION_FAILED', detail: 'The command failed with exit code 3' } });
  t.same(lines(failed.evs, 'stdout', 'web1'), ['before'], 'output of a failed command kept (JSON read whatever the exit code)');

  knobs(project, { FAKE_BOLT_UNREACHABLE: 'web1,web2=auth,web3=hostkey' });
  const mixed = await cmd(['web', 'db1', 'deadhost'], 'echo fine');
  t.equal(mixed.done.status, 'partial');
  const r = mixed.results;
  t.match(r.web1, { status: 'failed', exitCode: null, error: { category: 'unavailable', code: 'CAPSTAN_ERR_TARGET_CONNECT_FAILED', detail: /Failed to connect to web1/ } }, 'CONNECT_ERROR -> unavailable');
  t.match(r.web2, { status: 'failed', error: { category: 'unauthorized', code: 'CAPSTAN_ERR_TARGET_AUTH_FAILED' } }, 'AUTH_ERROR -> unauthorized');
  t.match(r.web3, { status: 'failed', error: { category: 'forbidden', code: 'CAPSTAN_ERR_TARGET_HOST_KEY_MISMATCH' } }, 'HOST_KEY_ERROR -> forbidden');
  t.match(r.deadhost, { status: 'failed', error: { category: 'unavailable', detail: /127\.0\.0\.19:2222/ } }, 'a loopback address where nothing listens -> unavailable');
  t.same([r.db1.status, lines(mixed.evs, 'stdout', 'db1')], ['succeeded', ['fine']], 'the reachable target ran');

  knobs(project, {});
  const missing = await cmd(['web1'], 'no_such_program_capstan');
  // Commands reach Bolt inside the target-side watchdog (a shell), so a missing program is the shell's 127.
  t.match(missing.results.web1, { status: 'failed', exitCode: 127, error: { category: 'execution_failed', detail: /exit code 127/ } }, 'a missing program -> execution_failed, 127');
  t.match(lines(missing.evs, 'stderr', 'web1').join('\n'), /no_such_program_capstan/, "the shell's message names it");
});

t.test('command.execute and script.execute: env (--env-var) and cwd', async (t) => {
  const dir = t.testdir({ 'a dir': {} });
  const value = `it's "$HOME" \`x\` $(touch ${join(dir, 'CANARY')})`;
  resetCalls(project);
  // Env values are secrets (write-only params): output that shows them is masked, so the values are
  // compared through a file the command writes.
  const { done, evs } = await cmd(['web1'], 'pwd; printf "%s\\n" "$GREETING" "$OTHER" > seen.txt; cat seen.txt', { env: { GREETING: value, OTHER: '-t db1' }, cwd: join(dir, 'a dir') });
  t.equal(done.status, 'succeeded');
  t.same(readFileSync(join(dir, 'a dir', 'seen.txt'), 'utf8').split('\n').slice(0, 2), [value, '-t db1'], 'every command of the line sees the variables, values verbatim');
  t.same(lines(evs, 'stdout', 'web1'), [join(dir, 'a dir'), '***', '***'], 'in the directory; the secret values are masked in the output');
  t.notOk(existsSync(join(dir, 'CANARY')), 'a value is never executed');
  t.match(calls(project, /^command run/)[0], `--env-var GREETING=${value} --env-var OTHER=-t db1 --targets web1 `);

  const missingDir = await cmd(['web1'], 'echo ran; echo again', { cwd: join(dir, 'nope') });
  t.equal(missingDir.results.web1.status, 'failed', 'a missing cwd fails the target');
  t.same(lines(missingDir.evs, 'stdout', 'web1'), [], 'and no part of the command ran elsewhere');

  const script = await run({ capability: 'script.execute', targets: ['web1'], params: { script: '#!/bin/sh\necho "mode=$MODE"\n', env: { MODE: 'scripted' } } });
  t.same(lines(script.evs, 'stdout', 'web1'), ['mode=***'], 'script env (a secret: masked in the output)');
});

t.test("the server's environment does not reach bolt or the command (allow-listed child env)", async (t) => {
  const secret = `capstan-secret-${process.pid}-${Date.now()}`;
  process.env.CAPSTAN_TEST_SECRET = secret;
  t.teardown(() => { delete process.env.CAPSTAN_TEST_SECRET; });
  const { done, evs } = await cmd(['web1'], 'env; echo "[$CAPSTAN_TEST_SECRET]"');
  t.equal(done.status, 'succeeded');
  const out = lines(evs, 'stdout', 'web1');
  t.ok(out.some((l) => l.startsWith('PATH=')), 'env printed the environment the command got (PATH is allow-listed)');
  t.notOk(out.some((l) => l.includes(secret)), 'CAPSTAN_TEST_SECRET is not in it');
  t.equal(out[out.length - 1], '[]');
  // The control: bolt started with the secret in its environment hands it to the command, so the check
  // above would see a leak.
  const direct = await execa(FAKE_BOLT, ['command', 'run', 'env', '--targets', 'web1', '--format', 'json', '--project', project], { reject: false, env: { CAPSTAN_TEST_SECRET: secret } });
  t.match(direct.stdout, secret, 'control: a leaked variable would show');
});

t.test('script.execute: a temporary script with arguments, interpreter, exit code', async (t) => {
  resetCalls(project);
  // Arguments that look like bolt options must reach the script, not bolt: `-t db1` would add a target,
  // `--run-as=root` would escalate, `--nope` would fail the whole run as an unknown option.
  const args = ['a b', "it's", '$(id)', '-t', 'db1', '--run-as=root', '--nope', '--'];
  const sh = await run({ capability: 'script.execute', targets: ['web1', 'web2'], params: { script: '#!/bin/sh\nfor a in "$@"; do echo "[$a]"; done\necho "n=$#"\n', arguments: args } });
  t.equal(sh.done.status, 'succeeded');
  t.same(Object.keys(sh.results).sort(), ['web1', 'web2'], 'no other target ran');
  for (const n of ['web1', 'web2']) t.same(lines(sh.evs, 'stdout', n), [...args.map((a) => `[${a}]`), `n=${args.length}`], `${n}: arguments verbatim`);
  t.match(calls(project, /^script run/)[0], /^script run \/\S+\/capstan-bolt-\w+\/script --targets web1,web2 .* -- a b it's \$\(id\) -t db1 --run-as=root --nope --$/, 'script run <temp file> <options> -- <arguments>');

  const dash = await cmd(['web1'], '-tdb1');
  t.same(Object.keys(dash.results), ['web1'], 'a command that looks like an option is a command, not -t');
  t.match(dash.results.web1, { status: 'failed', exitCode: 127, error: { category: 'execution_failed' } }, 'run as a program named -tdb1 (not found), not as shell options');

  const interp = await run({ capability: 'script.execute', targets: ['web1'], params: { script: 'echo "via sh: $1"; exit 5\n', interpreter: 'sh', arguments: ['x'] } });
  t.match(interp.results.web1, { status: 'failed', exitCode: 5, error: { category: 'execution_failed' } });
  t.same(lines(interp.evs, 'stdout', 'web1'), ['via sh: x'], 'a shebang for the interpreter was added');
});

t.test('script.execute: the temporary file is named with the extension (.ps1)', async (t) => {
  // A fake pwsh on the PATH of bolt's targets (local transport): prints its argv, then the file it runs.
  const bin = t.testdir();
  writeFileSync(join(bin, 'pwsh'), '#!/bin/sh\nprintf "%s\\n" "$@"\ncat "$1"\n', { mode: 0o755 });
  knobs(project, { PATH: `${bin}:${process.env.PATH}` });
  resetCalls(project);
  const ps = await run({ capability: 'script.execute', targets: ['web1'], params: { script: 'Write-Output "hi"\n', interpreter: 'pwsh', extension: '.ps1', arguments: ['a b'] } });
  t.equal(ps.done.status, 'succeeded');
  t.match(calls(project, /^script run/)[0], /^script run \/\S+\/capstan-bolt-\w+\/script\.ps1 --targets web1 /, 'bolt gets a file ending in .ps1 (Bolt chooses PowerShell by it on Windows targets)');
  const out = lines(ps.evs, 'stdout', 'web1');
  t.match(out[0], /\/script\.ps1$/, "Bolt's copy on the target keeps the name");
  t.same(out.slice(1), ['a b', '#!/usr/bin/env pwsh', 'Write-Output "hi"'], 'the arguments; the script with a shebang line (a comment in PowerShell) for POSIX targets');
});

t.test('task.list and task.execute with a project task', async (t) => {
  const list = (await app.inject({ method: 'POST', url: '/api/v1/capabilities/task.list/invoke', payload: {} })).json().result.tasks;
  const names = Object.fromEntries(list.map((x: any) => [x.name, x.description]));
  t.equal(names['demo::greet'], 'Greets someone', 'a project task with its description');
  t.equal(names['demo::fail'], 'Always fails');
  t.equal(names['demo::custom'], null, 'no metadata: null description');
  t.ok('facts' in names, "bolt's built-in tasks too");
  t.match(calls(project, /^task show/).pop(), `task show --format json --project ${project}`);

  resetCalls(project);
  const greet = await run({ capability: 'task.execute', targets: ['web1', 'web2'], params: { task: 'demo::greet', parameters: { who: 'bob', times: 2 } } });
  t.equal(greet.done.status, 'succeeded');
  for (const n of ['web1', 'web2']) t.same(greet.results[n].value, { greeting: 'hello bob', times: 2 }, `${n}: the task's JSON is its value`);
  t.match(calls(project, /^task run/)[0], /^task run demo::greet --params \{"who":"bob","times":2\} --targets /, 'parameters as JSON in --params');

  const fail = await run({ capability: 'task.execute', targets: ['web1'], params: { task: 'demo::fail' } });
  t.match(fail.results.web1, { status: 'failed', exitCode: 4, error: { category: 'execution_failed', detail: 'The task failed with exit code 4' } }, 'task-error -> execution_failed with the exit code');
  t.same(lines(fail.evs, 'stdout', 'web1'), ['about to fail'], "the task's output lines");

  const custom = await run({ capability: 'task.execute', targets: ['web1'], params: { task: 'demo::custom' } });
  t.match(custom.results.web1, { status: 'failed', error: { category: 'execution_failed', detail: 'no such widget' } }, "a task's own _error kind fails the target");

  const unknown = await run({ capability: 'task.execute', targets: ['web1', 'web2'], params: { task: 'demo::nope' } });
  t.equal(unknown.done.status, 'failed');
  for (const n of ['web1', 'web2']) {
    t.match(unknown.results[n], { status: 'failed', error: { category: 'not_found', code: 'CAPSTAN_ERR_TASK_NOT_FOUND', detail: "Could not find a task named 'demo::nope'. For a list of available tasks, run 'bolt task show'." } }, `${n}: bolt/unknown-task -> not_found`);
  }

  const bad = await run({ capability: 'task.execute', targets: ['web1'], params: { task: 'demo::greet', parameters: { times: 'x' } } });
  t.match(bad.results.web1, { status: 'failed', error: { category: 'validation', code: 'CAPSTAN_ERR_REQUEST_VALIDATION', detail: /expects a value for parameter 'who'/ } }, 'parameter errors (bolt/pal-error) -> validation');
});

t.test('plan.execute: targets as the plan parameter, results per target, failures', async (t) => {
  resetCalls(project);
  const hello = await run({ capability: 'plan.execute', targets: ['web1', 'web2'], params: { plan: 'demo::hello', parameters: { greeting: 'yo', targets: 'db1' } } });
  t.equal(hello.done.status, 'succeeded');
  for (const n of ['web1', 'web2']) t.match(hello.results[n], { status: 'succeeded', exitCode: 0, value: { stdout: 'yo\n' } }, `${n}: its result from the plan's result set`);
  t.notOk('db1' in hello.results, 'a targets parameter cannot point the plan elsewhere');
  t.match(calls(project, /^plan run/)[0], /^plan run demo::hello --params \{"greeting":"yo","targets":"web1,web2"\} --format json --project /);
  t.ok(lines(hello.evs, 'stdout', 'bolt').length >= 1, "the plan's JSON result is kept as output");

  const facts = await run({ capability: 'plan.execute', targets: ['web3'], params: { plan: 'facts' } });
  t.match(facts.results.web3, { status: 'succeeded', value: { os: Object, kernel: String } }, "bolt's facts plan");

  const broken = await run({ capability: 'plan.execute', targets: ['web1', 'web2'], params: { plan: 'demo::broken' } });
  t.equal(broken.done.status, 'failed');
  for (const n of ['web1', 'web2']) {
    t.match(broken.results[n], { status: 'failed', exitCode: 3, error: { category: 'execution_failed', detail: 'The command failed with exit code 3' } }, `${n}: bolt/run-failure, each target's own error from the result set`);
  }

  const unknown = await run({ capability: 'plan.execute', targets: ['web1'], params: { plan: 'demo::nope' } });
  t.match(unknown.results.web1, { status: 'failed', error: { category: 'not_found', code: 'CAPSTAN_ERR_TASK_NOT_FOUND' } }, 'bolt/unknown-plan -> not_found');

  const noTargets = await run({ capability: 'plan.execute', targets: ['web1'], params: { plan: 'demo::notargets', parameters: { word: 'w' } } });
  t.match(noTargets.results.web1, { status: 'failed', error: { category: 'validation', detail: /has no parameter named 'targets'/ } }, 'a plan without a targets parameter is refused by bolt (documented limitation)');
});

const ITEM = (target: string, exit = 0) => JSON.stringify({
  target, action: 'command', object: 'x', status: exit ? 'failure' : 'success',
  value: { stdout: `hi from ${target}\n`, stderr: '', merged_output: `hi from ${target}\n`, exit_code: exit, ...(exit ? { _error: { kind: 'puppetlabs.tasks/command-error', issue_code: 'COMMAND_ERROR', msg: `The command failed with exit code ${exit}`, details: { exit_code: exit } } } : {}) },
});

t.test('exact bolt outputs: fatal errors, items + _error, exit 2, text', async (t) => {
  canned(project, `${JSON.stringify({ kind: 'bolt/validation-error', msg: 'Invalid configuration from command line', details: {} })}\n`, 1);
  const fatal = await cmd(['web1', 'web2'], 'x');
  t.equal(fatal.done.status, 'failed');
  for (const n of ['web1', 'web2']) t.match(fatal.results[n], { status: 'failed', exitCode: null, error: { category: 'validation', detail: 'Invalid configuration from command line' } }, `${n}: a top-level fatal fails every target with its category`);

  canned(project, ['{ "items": [', ITEM('web1'), '],', '"_error": ', JSON.stringify({ kind: 'bolt/unknown-task', msg: "Could not find a task named 'x'.", details: {} }), '}', ''].join('\n'), 1);
  const partial = await cmd(['web1', 'web2'], 'x');
  t.match(partial.results.web1, { status: 'succeeded', exitCode: 0 }, 'the item printed before the error counts');
  t.same(lines(partial.evs, 'stdout', 'web1'), ['hi from web1']);
  t.match(partial.results.web2, { status: 'failed', error: { category: 'not_found', code: 'CAPSTAN_ERR_TASK_NOT_FOUND' } }, 'targets without an item fail with the closing _error');

  canned(project, ['{ "items": [', ITEM('web1'), ',', ITEM('web2', 7), '],', '"target_count": 2, "elapsed_time": 3 }', ''].join('\n'), 2);
  const exit2 = await cmd(['web1', 'web2'], 'x');
  t.match(exit2.results, { web1: { status: 'succeeded' }, web2: { status: 'failed', exitCode: 7, error: { category: 'execution_failed' } } }, 'exit 2: the document is still read');

  canned(project, JSON.stringify({ kind: 'bolt/run-failure', msg: "run_command 'x' failed on 1 target", details: { action: 'run_command', object: 'x', result_set: [] } }), 2);
  const fatal2 = await cmd(['web1'], 'x');
  t.match(fatal2.results.web1, { status: 'failed', error: { category: 'execution_failed', detail: "run_command 'x' failed on 1 target" } }, 'a fatal error with exit 2');

  canned(project, "The inventoryfile '/nope' does not exist\n", 1);
  const text = await cmd(['web1'], 'x');
  t.match(text.results.web1, { status: 'failed', error: { category: 'unavailable', code: 'CAPSTAN_ERR_UPSTREAM_ERROR', detail: /without a result document: The inventoryfile '\/nope' does not exist/ } }, 'plain text: bolt failed, with its message');

  canned(project, ['{ "items": [', ITEM('web1'), ''].join('\n'), 1);
  const cut = await cmd(['web1', 'web2'], 'x');
  t.match(cut.results, { web1: { status: 'succeeded' }, web2: { status: 'failed', error: { category: 'unavailable' } } }, 'a document cut short: streamed items count, the rest failed');
});

t.test('a fatal error of the real fake: the inventory became invalid after it was cached', async (t) => {
  await app.inject({ method: 'GET', url: '/api/v1/inventory' });
  writeFileSync(join(project, 'inventory.yaml'), `${INVENTORY}  - name: "bad group"\n    targets: [web1]\n`);
  t.teardown(() => writeFileSync(join(project, 'inventory.yaml'), INVENTORY));
  const { done, results } = await cmd(['web1', 'web2'], 'true');
  t.equal(done.status, 'failed');
  for (const n of ['web1', 'web2']) {
    t.match(results[n], { status: 'failed', exitCode: null, error: { category: 'validation', detail: /Illegal character ' ' in group name 'bad group'/ } }, `${n}: bolt.inventory/validation-error -> validation`);
  }

  // Unparseable YAML: bolt prints the bare fatal object (no head) and exits 1.
  writeFileSync(join(project, 'inventory.yaml'), `${INVENTORY}groups: [\n`);
  const yaml = await cmd(['web1', 'web2'], 'true');
  for (const n of ['web1', 'web2']) {
    t.match(yaml.results[n], { status: 'failed', exitCode: null, error: { category: 'unavailable', code: 'CAPSTAN_ERR_UPSTREAM_ERROR', detail: /Could not parse inventory file at / } }, `${n}: a top-level bolt/file-error fails every target`);
  }
});
