/**
 * The terraform plugin's process rules with the fake CLI: cancel mid-apply interrupts the CLI (SIGINT) and
 * it stops cleanly, a state lock held elsewhere is reported after -lock-timeout, runs on one resource are
 * serialised by the queue (provision:<name>) while others pass, a saved plan made stale outside is refused
 * by the CLI and reported as such, and OpenTofu works the same.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { execa } from 'execa';
import t from 'tap';
import { buildTestApp, waitForExecution } from '../../../../test/helper.js';
import { FAKE_TERRAFORM, FAKE_TOFU, HAVE_FAKE, lines, output, overrides, run, submit, teardownOf, workdir } from './fixtures/helpers.js';

if (!HAVE_FAKE) t.plan(0, 'the fake terraform CLI (test/fixtures/bin/terraform) is not here');

/** Waits (bounded) until a stored stdout line of the execution matches. */
async function untilLine(app: Parameters<typeof output>[0], id: string, re: RegExp, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (lines(await output(app, id), 'stdout').some((l) => re.test(l))) return;
    await delay(50);
  }
  throw new Error(`no line matching ${re} within ${ms} ms`);
}

t.test('cancel mid-apply: SIGINT first, the CLI stops and writes its state, the lock is released', async (t) => {
  const dataDir = t.testdir();
  const app = await buildTestApp(teardownOf(t), { dataDir, ...overrides() });
  const res = await submit(app, { name: 'web5', template: 'vm', autoApprove: true, variables: { name: 'web5', sleep_seconds: 30 } });
  t.equal(res.statusCode, 202);
  const id = res.json().id;
  await untilLine(app, id, /^terraform_data\.vm: Creating\.\.\./);
  const started = Date.now();
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/executions/${id}/cancel` })).statusCode, 202);
  const exec = await waitForExecution(app, id, 30);
  t.ok(Date.now() - started < 10_000, `stopped in ${Date.now() - started} ms`);
  t.equal(exec.status, 'canceled');
  t.match(exec.results[0], { target: 'localhost', status: 'canceled', exitCode: 1, error: { detail: /interrupted \(SIGINT\) and stopped/ } });
  t.ok(lines(await output(app, id), 'stdout').some((l) => /Interrupt received/.test(l)), 'Terraform said it got the interrupt');
  const wc = workdir(dataDir, 'web5');
  t.notOk(existsSync(join(wc, '.terraform.tfstate.lock.info')), 'the state lock was released');
  t.ok(existsSync(join(wc, 'terraform.tfstate')), 'the state was written');
  t.match((await app.inject({ url: '/api/v1/provisioning/decommission/web5' })).json(), { status: 'failed' });
});

t.test('events stream as they arrive (apply_progress while a resource is in flight); a timeout interrupts too', async (t) => {
  const dataDir = t.testdir();
  // The fake's test knob (its README): progress every 300 ms instead of Terraform's 10 s, passed through passEnv.
  process.env.FAKE_TF_PROGRESS_MS = '300';
  t.teardown(() => { delete process.env.FAKE_TF_PROGRESS_MS; });
  const app = await buildTestApp(teardownOf(t), { dataDir, ...overrides({ passEnv: ['FAKE_TF_PROGRESS_MS'] }) });
  const res = await app.inject({ method: 'POST', url: '/api/v1/provisioning', payload: {
    targets: ['localhost'], timeoutSeconds: 3, params: { name: 'web10', template: 'vm', autoApprove: true, variables: { name: 'web10', sleep_seconds: 30 } },
  } });
  const id = res.json().id;
  await untilLine(app, id, /^terraform_data\.vm: Still creating\.\.\. \[\d+s elapsed\]$/);
  t.equal((await app.inject({ url: `/api/v1/executions/${id}` })).json().status, 'running', 'seen while the apply still runs');
  const exec = await waitForExecution(app, id, 30);
  t.equal(exec.status, 'timed_out');
  t.match(exec.results[0], { status: 'timed_out', error: { detail: /apply timed out: .*interrupted \(SIGINT\)/ } });
});

t.test('a state lock held elsewhere is reported after -lock-timeout, not waited on forever', async (t) => {
  const dataDir = t.testdir();
  const app = await buildTestApp(teardownOf(t), { dataDir, ...overrides() });
  t.equal((await run(app, { name: 'web6', template: 'vm', autoApprove: true, variables: { name: 'web6' } })).exec.status, 'succeeded');
  const wc = workdir(dataDir, 'web6');
  // Held by this (living) process, as another terraform run would hold it.
  writeFileSync(join(wc, '.terraform.tfstate.lock.info'), JSON.stringify({
    ID: '11111111-2222-3333-4444-555555555555', Operation: 'OperationTypeApply', Info: '', Who: 'someone@elsewhere', Version: '1.15.9', Created: new Date().toISOString(), Path: 'terraform.tfstate',
  }));
  writeFileSync(join(wc, '.terraform.tfstate.lock.owner'), String(process.pid));
  const started = Date.now();
  const { exec, result } = await run(app, { action: 'destroy' }, '/api/v1/provisioning/decommission', ['web6']);
  t.equal(exec.status, 'failed');
  t.match(result.error, { code: 'CAPSTAN_ERR_PROVISION_STATE_LOCKED', detail: /held by someone@elsewhere for OperationTypeApply .*lock ID 11111111-2222-3333-4444-555555555555.*not released within 1 s/ });
  t.ok(Date.now() - started < 15_000);
  t.match((await app.inject({ url: '/api/v1/provisioning/decommission/web6' })).json(), { status: 'active' }, 'nothing changed: still active');
  rmSync(join(wc, '.terraform.tfstate.lock.info'));
  rmSync(join(wc, '.terraform.tfstate.lock.owner'));
  t.equal((await run(app, { action: 'destroy' }, '/api/v1/provisioning/decommission', ['web6'])).exec.status, 'succeeded', 'once released, it works');
});

t.test('runs on one resource are serialised by the queue; other resources pass', async (t) => {
  const dataDir = t.testdir();
  // Several runs per node allowed: only the resource lock keeps the two web7 runs apart.
  const app = await buildTestApp(teardownOf(t), { dataDir, execution: { perNodeConcurrency: 4 }, ...overrides() });
  const a = (await submit(app, { name: 'web7', template: 'vm', autoApprove: true, variables: { name: 'web7', sleep_seconds: 2 } })).json().id;
  await untilLine(app, a, /^terraform_data\.vm: Creating\.\.\./);
  const b = (await submit(app, { name: 'web7', template: 'vm', variables: { name: 'web7', size: 2 } })).json().id;
  const c = (await submit(app, { name: 'web8', template: 'vm', autoApprove: true, variables: { name: 'web8' } })).json().id;
  const queued = (await app.inject({ url: `/api/v1/executions/${b}` })).json();
  t.equal(queued.status, 'queued');
  t.match(queued.queue, { reason: 'node_busy', waitingFor: ['provision:web7'] });
  t.equal((await waitForExecution(app, c, 30)).status, 'succeeded', 'another resource ran meanwhile');
  t.equal((await app.inject({ url: `/api/v1/executions/${a}` })).json().status, 'running', 'while the first web7 run still runs');
  t.equal((await waitForExecution(app, a, 30)).status, 'succeeded');
  const second = await waitForExecution(app, b, 30);
  t.equal(second.status, 'succeeded');
  t.match(second.results[0].value, { plan: { change: 1 } }, 'it planned against the state the first run left');
});

t.test('a saved plan made stale outside is refused by the CLI and reported', async (t) => {
  const dataDir = t.testdir();
  const app = await buildTestApp(teardownOf(t), { dataDir, ...overrides() });
  const planned = await run(app, { name: 'web9', template: 'vm', variables: { name: 'web9' } });
  const wc = workdir(dataDir, 'web9');
  // Someone applies in the working copy behind Capstan's back.
  const outside = await execa(FAKE_TERRAFORM, ['apply', '-json', '-auto-approve', '-input=false', '-var-file=capstan.tfvars.json'], { cwd: wc, reject: false });
  t.equal(outside.exitCode, 0);
  const { exec, result } = await run(app, { name: 'web9', template: 'vm', approvePlan: planned.result.value.plan.id });
  t.equal(exec.status, 'failed');
  t.match(result.error, { code: 'CAPSTAN_ERR_PROVISION_PLAN_STALE', detail: /is stale.*without approvePlan/ });
  t.notOk(existsSync(join(wc, 'capstan.tfplan')), 'the stale plan is dropped');
});

t.test('OpenTofu: the same, with binary tofu', async (t) => {
  const dataDir = t.testdir();
  const app = await buildTestApp(teardownOf(t), { dataDir, ...overrides({ binary: FAKE_TOFU }) });
  const { exec, result, id } = await run(app, { name: 'tofu1', template: 'vm', autoApprove: true, variables: { name: 'tofu1' } });
  t.equal(exec.status, 'succeeded');
  t.match(result.value, { provider: 'opentofu', status: 'running', node: 'tofu1' });
  t.ok(lines(await output(app, id), 'stdout').some((l) => /^OpenTofu \d/.test(l)));
  const health = (await app.inject({ url: '/api/v1/plugins/terraform' })).json();
  t.ok(health, 'plugin listed');
  t.ok(JSON.parse(readFileSync(join(dataDir, 'terraform', 'tofu1', 'capstan.json'), 'utf8')).registered);
});

t.test('decommission.status from what exists: a plan only, an init canceled, a destroy canceled in its init', async (t) => {
  const dataDir = t.testdir({ data: {}, bin: {} });
  // The CLI, through a wrapper whose `init` hangs while a marker file exists (a slow provider download).
  const marker = join(dataDir, 'slow-init');
  const wrapper = join(dataDir, 'bin', 'terraform');
  writeFileSync(wrapper, `#!/bin/sh\nif [ "$1" = init ] && [ -e '${marker}' ]; then exec sleep 30; fi\nexec '${FAKE_TERRAFORM}' "$@"\n`, { mode: 0o755 });
  const app = await buildTestApp(teardownOf(t), { dataDir: join(dataDir, 'data'), ...overrides({ binary: wrapper }) });
  const dstatus = async (node: string) => (await app.inject({ url: `/api/v1/provisioning/decommission/${node}` })).json();
  const journal = async (node: string) => {
    const j = (await app.inject({ url: `/api/v1/journal?node=${node}` })).json();
    return (j.items ?? j.entries).filter((e: any) => e.kind === 'provisioning').map((e: any) => e.data.capability);
  };
  const cancelInInit = async (url: string, params: Record<string, unknown>, targets = ['localhost']) => {
    writeFileSync(marker, '');
    const res = await submit(app, params, url, targets);
    t.equal(res.statusCode, 202);
    await delay(1500);
    await app.inject({ method: 'POST', url: `/api/v1/executions/${res.json().id}/cancel` });
    const exec = await waitForExecution(app, res.json().id, 30);
    rmSync(marker);
    return exec;
  };

  const planned = await run(app, { name: 'p1', template: 'vm', variables: { name: 'p1' } });
  t.match(planned.result.value, { status: 'pending' });
  t.match(await dstatus('p1'), { status: 'unknown', detail: /nothing of it exists.*awaits approval/ }, 'a plan only is not active');

  const first = await cancelInInit('/api/v1/provisioning', { name: 'c1', template: 'vm', autoApprove: true, variables: { name: 'c1' } });
  t.match(first.results[0], { status: 'canceled', error: { detail: /^init canceled/ } });
  t.match(await dstatus('c1'), { status: 'unknown' }, 'a first create canceled before anything existed is not active');

  const made = await run(app, { name: 'd1', template: 'vm', autoApprove: true, variables: { name: 'd1' } });
  t.equal(made.exec.status, 'succeeded');
  const d = await cancelInInit('/api/v1/provisioning/decommission', { action: 'destroy' }, ['d1']);
  t.match(d.results[0], { status: 'canceled', error: { detail: /^init canceled/ } });
  t.match(await dstatus('d1'), { status: 'active' }, 'a destroy canceled in its init changed nothing');
  // The run itself is in the node's journal (every run on a node is, core's rule), as a canceled decommission.
  t.same(await journal('d1'), ['decommission.execute', 'provision.create']);
  const state = JSON.parse(readFileSync(join(workdir(join(dataDir, 'data'), 'd1'), 'terraform.tfstate'), 'utf8'));
  t.equal(state.resources.length, 2);
});
