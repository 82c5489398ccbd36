/**
 * The terraform plugin's working copies and a resource's secrets through the HTTP API with the fake CLI:
 * local module sources outside the template, templates reached through symbolic links, state-moving
 * backends refused, secrets of an approved plan masked, a run cut by a server stop reconciled, status by the
 * id answers carry, groups replaced. No network.
 */
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { buildTestApp } from '../../../../test/helper.js';
import { HAVE_FAKE, lines, MODULES, output, overrides, run, submit, teardownOf, workdir } from './fixtures/helpers.js';

if (!HAVE_FAKE) t.plan(0, 'the fake terraform CLI (test/fixtures/bin/terraform) is not here');

t.test('a local module source outside the template (../shared-net) is found: the working copy mirrors the module directory', async (t) => {
  const dataDir = t.testdir();
  const app = await buildTestApp(teardownOf(t), { dataDir, ...overrides() });
  const escapes = await submit(app, { name: 'm0', template: 'escapes' });
  t.equal(escapes.statusCode, 400, 'a source outside the module directory is a 400');
  t.match(escapes.json().errors, [{ pointer: '/params/template', message: /'..\/..\/..\/outside' in 'escapes\/main.tf.json' is outside the module directory/ }]);

  const { exec, id } = await run(app, { name: 'm1', template: 'networked', autoApprove: true, variables: { name: 'm1' } });
  const out = lines(await output(app, id), 'stdout');
  t.ok(out.includes('- net in ../shared-net'), 'init found the module where the template says');
  t.notOk(out.some((l) => /Unreadable module directory/.test(l)));
  t.ok(existsSync(join(workdir(dataDir, 'm1', 'networked'), '../shared-net/main.tf.json')));
  // The fake CLI evaluates no child module (test/fixtures/terraform/README.md): its plan stops there, saying so.
  t.equal(exec.status, 'failed');
  t.ok(JSON.stringify(await output(app, id)).includes('evaluates no child module'));
});

t.test('a template or module reached through a symbolic link: its own copy per resource, never out of the module directory', async (t) => {
  const root = t.testdir({ data: {}, outside: { 'main.tf.json': '{}' } });
  const mods = join(root, 'modules');
  cpSync(MODULES, mods, { recursive: true });
  symlinkSync(join(mods, 'vm'), join(mods, 'alias'));
  mkdirSync(join(mods, 'leaky'));
  writeFileSync(join(mods, 'leaky', 'main.tf.json'), JSON.stringify({ module: { x: { source: './ext' } }, resource: { terraform_data: { vm: { input: 'x' } } } }));
  symlinkSync(join(root, 'outside'), join(mods, 'leaky', 'ext'));
  const dataDir = join(root, 'data');
  const app = await buildTestApp(teardownOf(t), { dataDir, ...overrides({ moduleDir: mods }) });

  const leaky = await submit(app, { name: 'l1', template: 'leaky' });
  t.equal(leaky.statusCode, 400);
  t.match(leaky.json().errors, [{ pointer: '/params/template', message: /leads outside the module directory through a symbolic link/ }]);

  for (const name of ['a1', 'a2']) {
    const { exec, result } = await run(app, { name, template: 'alias', autoApprove: true, variables: { name } });
    t.equal(exec.status, 'succeeded', name);
    t.match(result.value.plan, { add: 2, change: 0, remove: 0 }, `${name} plans its own resources, not the other's`);
    t.notOk(lstatSync(workdir(dataDir, name, 'alias')).isSymbolicLink(), 'the working directory is a real directory');
  }
  t.notOk(existsSync(join(mods, 'vm', 'terraform.tfstate')), 'no state in the module directory');
  t.notOk(existsSync(join(mods, 'vm', 'capstan.tfvars.json')), 'no variables (secrets) in the module directory');
});

t.test('a template configuring a backend or cloud block is refused: its resources would share one state', async (t) => {
  const app = await buildTestApp(teardownOf(t), { dataDir: t.testdir(), ...overrides() });
  const r = await submit(app, { name: 'r1', template: 'remote-state', variables: { name: 'r1' } });
  t.equal(r.statusCode, 400);
  t.match(r.json().errors, [{ pointer: '/params/template', message: /'main.tf.json' configures a backend "s3" block/ }]);
});

t.test("an approved plan's run masks the resource's secrets though the approval carries none", async (t) => {
  const dataDir = t.testdir();
  const app = await buildTestApp(teardownOf(t), { dataDir, ...overrides() });
  const planned = await run(app, { name: 'ap1', template: 'vm', secretVariables: { fail: 'APPROVED-S3CRET' }, variables: { name: 'ap1' } });
  t.equal(planned.exec.status, 'succeeded');
  const approved = await run(app, { name: 'ap1', template: 'vm', approvePlan: planned.result.value.plan.id });
  t.equal(approved.exec.status, 'failed', 'the dns local-exec fails, quoting the secret in its diagnostic');
  const seen = JSON.stringify(await output(app, approved.id)) + JSON.stringify(approved.exec)
    + (await app.inject({ url: `/api/v1/journal?node=ap1` })).body + (await app.inject({ url: '/api/v1/provisioning/ap1' })).body;
  t.ok(seen.includes('***'));
  t.notOk(seen.includes('APPROVED-S3CRET'), 'never in the stream, the execution, the journal or the status');
});

t.test('a run cut by a server stop: the resource is failed, registered while its state holds resources', async (t) => {
  const dataDir = t.testdir();
  const closers: (() => unknown)[] = [];
  const first = await buildTestApp({ teardown: (fn: () => unknown) => closers.push(fn) } as never, { dataDir, ...overrides() });
  t.equal((await run(first, { name: 'cut1', template: 'vm', autoApprove: true, variables: { name: 'cut1' } })).exec.status, 'succeeded');
  for (const close of closers) await close();
  // As the record is while an apply runs (written before it starts).
  const file = join(dataDir, 'terraform', 'cut1', 'capstan.json');
  const rec = JSON.parse(readFileSync(file, 'utf8'));
  writeFileSync(file, JSON.stringify({ ...rec, status: 'pending', registered: false, inFlight: { step: 'apply', executionId: 'e-1', since: rec.updatedAt } }));
  const app = await buildTestApp(teardownOf(t), { dataDir, ...overrides() });
  const status = (await app.inject({ url: '/api/v1/provisioning/decommission/cut1' })).json();
  t.match(status, { status: 'failed', detail: /server stopped during apply \(execution e-1\)/ });
  t.ok((await app.inject({ url: '/api/v1/inventory/nodes/cut1' })).statusCode === 200, 'its node can be targeted, so destroyed');
  t.equal((await run(app, { action: 'destroy' }, '/api/v1/provisioning/decommission', ['cut1'])).exec.status, 'succeeded');
});

t.test('status by the id an answer carries; the groups of the last create replace the earlier ones', async (t) => {
  const dataDir = t.testdir();
  const app = await buildTestApp(teardownOf(t), { dataDir, ...overrides() });
  const made = await run(app, { name: 'g1', template: 'vm', autoApprove: true, groups: ['web', 'old'], variables: { name: 'g1' } });
  const id = made.result.value.id;
  t.not(id, 'g1');
  const byId = await app.inject({ url: `/api/v1/provisioning/${encodeURIComponent(id)}` });
  t.equal(byId.statusCode, 200);
  t.equal(byId.json().resource.name, 'g1');
  t.equal((await run(app, { name: 'g1', template: 'vm', autoApprove: true, groups: ['web'], variables: { name: 'g1' } })).exec.status, 'succeeded');
  t.same((await app.inject({ url: '/api/v1/inventory/nodes/g1' })).json().groups, ['web']);
});
