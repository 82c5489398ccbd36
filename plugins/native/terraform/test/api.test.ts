/**
 * The terraform plugin through the HTTP API with the fake CLI (test/fixtures/bin/terraform): bad requests
 * refused before anything runs, two resources created and in the inventory and journal, status, a plan shown
 * then approved, a failed apply leaving a partial state, destroy and deregister. No network.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { buildTestApp } from '../../../../test/helper.js';
import { HAVE_FAKE, lines, MODULES as MODULES_DIR, output, workdir, overrides, run, submit, teardownOf } from './fixtures/helpers.js';

if (!HAVE_FAKE) t.plan(0, 'the fake terraform CLI (test/fixtures/bin/terraform) is not here');

t.test('bad variables and templates are a 400 before anything runs', async (t) => {
  const dataDir = t.testdir();
  const app = await buildTestApp(teardownOf(t), { dataDir, ...overrides() });
  const bad = await submit(app, { name: 'web1', template: 'vm', variables: { nmae: 'web1', size: 'big' } });
  t.equal(bad.statusCode, 400);
  t.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8');
  t.equal(bad.json().code, 'CAPSTAN_ERR_CAPABILITY_PARAMS_INVALID');
  t.same(bad.json().errors.map((e: any) => e.pointer).sort(), ['/params/variables/name', '/params/variables/nmae', '/params/variables/size']);
  t.match(bad.json().errors.find((e: any) => e.pointer === '/params/variables/size'), { in: 'body', message: /must be a number/ });

  for (const template of ['../vm', '/etc', 'nope']) {
    const r = await submit(app, { name: 'web1', template, variables: { name: 'web1' } });
    t.equal(r.statusCode, 400, template);
    t.same(r.json().errors.map((e: any) => e.pointer), ['/params/template']);
  }
  const secret = await submit(app, { name: 'web1', template: 'vm', variables: { name: 'web1', root_key: 'k' } });
  t.equal(secret.statusCode, 400, 'a variable the module declares sensitive is refused in `variables`');
  t.match(secret.json().errors[0], { pointer: '/params/variables/root_key', message: /secretVariables/ });
  const approve = await submit(app, { name: 'web1', template: 'vm', approvePlan: 'nosuchplan' });
  t.equal(approve.statusCode, 400);
  t.same(approve.json().errors.map((e: any) => e.pointer), ['/params/approvePlan']);

  t.equal((await app.inject({ url: '/api/v1/executions' })).json().items.length, 0, 'no execution was stored');
  t.notOk(existsSync(join(dataDir, 'terraform', 'web1')), 'no working copy was made');
});

t.test('two resources: create, inventory, journal, status, deregister, destroy', async (t) => {
  const dataDir = t.testdir();
  const app = await buildTestApp(teardownOf(t), { dataDir, ...overrides() });
  const results = [];
  for (const name of ['web1', 'web2']) {
    const { exec, result, id } = await run(app, { name, template: 'vm', autoApprove: true, groups: ['web'], variables: { name, size: 2 }, secretVariables: { root_key: `key-of-${name}` } });
    t.equal(exec.status, 'succeeded', name);
    t.match(result.value, {
      name, status: 'running', node: name, source: 'terraform', provider: 'terraform', type: 'terraform_data',
      attributes: { name, address: `${name}.example.test`, transport: 'local', root_key: '***' },
      plan: { add: 2, change: 0, remove: 0, changes: [{ address: 'terraform_data.dns', action: 'create' }, { address: 'terraform_data.vm', action: 'create' }] },
    });
    const out = lines(await output(app, id), 'stdout');
    t.ok(out.includes('terraform_data.vm: Plan to create'), 'planned changes stream as lines');
    t.ok(out.some((l) => /^terraform_data\.vm: Creation complete after \d+s \[id=/.test(l)), 'apply progress per resource');
    t.ok(out.includes('Apply complete! Resources: 2 added, 0 changed, 0 destroyed.'));
    t.notOk(JSON.stringify(await output(app, id)).includes(`key-of-${name}`), 'the secret variable never reaches the output');
    t.equal((await app.inject({ url: `/api/v1/executions/${id}` })).json().params.secretVariables.root_key, '***');
    const vars = join(workdir(dataDir, name), 'capstan.tfvars.json');
    t.equal(readFileSync(vars, 'utf8').includes(`key-of-${name}`), true);
    results.push(result);
  }

  const inv = (await app.inject({ url: '/api/v1/inventory?group=web' })).json();
  t.same(inv.items.map((n: any) => n.name).sort(), ['web1', 'web2'], 'both nodes joined the inventory');
  t.match(inv.items.find((n: any) => n.name === 'web1'), { uri: 'web1.example.test', transport: 'local', groups: ['web'] });

  const journal = (await app.inject({ url: '/api/v1/journal?node=web1' })).json();
  const entries = journal.items ?? journal.entries;
  t.match(entries[0], { node: 'web1', kind: 'provisioning', data: { capability: 'provision.create', via: 'localhost' } });

  const status = await app.inject({ url: '/api/v1/provisioning/web2' });
  t.equal(status.statusCode, 200);
  t.match(status.json().resource, { name: 'web2', status: 'running', attributes: { vm_id: results[1].value.attributes.vm_id, root_key: '***' } });
  t.equal((await app.inject({ url: '/api/v1/provisioning/nope' })).statusCode, 404);
  t.match((await app.inject({ url: '/api/v1/provisioning/decommission/web1' })).json(), { node: 'web1', status: 'active' });

  const dereg = await run(app, { action: 'deregister' }, '/api/v1/provisioning/decommission', ['web2']);
  t.equal(dereg.exec.status, 'succeeded');
  t.match((await app.inject({ url: '/api/v1/provisioning/decommission/web2' })).json(), { status: 'decommissioned', detail: /deregistered/ });
  // A deregistered node is no target: destroying it needs it registered again, with no change to its resources.
  const gone = await submit(app, { action: 'destroy' }, '/api/v1/provisioning/decommission', ['web2']);
  t.equal(gone.statusCode, 400);
  t.equal(gone.json().code, 'CAPSTAN_ERR_TARGET_UNRESOLVED');
  t.match((await app.inject({ url: '/api/v1/provisioning/decommission/web2' })).json().detail, /register the node again with provision.create/);
  const again = await run(app, { name: 'web2', template: 'vm', autoApprove: true, variables: { name: 'web2', size: 2 }, secretVariables: { root_key: 'key-of-web2' } });
  t.equal(again.exec.status, 'succeeded');
  t.match(again.result.value, { status: 'running', plan: { add: 0, change: 0, remove: 0 }, attributes: { vm_id: results[1].value.attributes.vm_id } }, 'nothing changed');
  const destroyed2 = await run(app, { action: 'destroy' }, '/api/v1/provisioning/decommission', ['web2']);
  t.equal(destroyed2.exec.status, 'succeeded');
  t.match(destroyed2.result.value, { name: 'web2', status: 'destroyed' });

  const destroy = await run(app, { action: 'destroy', reason: 'test' }, '/api/v1/provisioning/decommission', ['web1']);
  t.equal(destroy.exec.status, 'succeeded');
  t.match(destroy.result.value, { name: 'web1', status: 'destroyed' });
  t.ok(lines(await output(app, destroy.id), 'stdout').includes('Destroy complete! Resources: 2 destroyed.'));
  t.same((await app.inject({ url: '/api/v1/inventory?group=web' })).json().items.map((n: any) => n.name), [], 'both left the inventory');
  t.match((await app.inject({ url: '/api/v1/provisioning/decommission/web1' })).json(), { status: 'decommissioned' });
  t.notOk(existsSync(join(workdir(dataDir, 'web1'), 'capstan.tfvars.json')), 'its variables (secrets) are gone with it');
  const after = (await app.inject({ url: '/api/v1/journal?node=web1' })).json();
  t.same((after.items ?? after.entries).filter((e: any) => e.kind === 'provisioning').map((e: any) => e.data.capability), ['decommission.execute', 'provision.create']);
});

t.test('a plan without autoApprove, then approved; a stale plan is refused', async (t) => {
  const dataDir = t.testdir();
  const app = await buildTestApp(teardownOf(t), { dataDir, ...overrides() });
  const planned = await run(app, { name: 'web3', template: 'vm', variables: { name: 'web3' } });
  t.equal(planned.exec.status, 'succeeded');
  t.match(planned.result.value, { status: 'pending', plan: { add: 2, change: 0, remove: 0 } });
  const planId = planned.result.value.plan.id;
  t.notOk(lines(await output(app, planned.id), 'stdout').some((l) => /Creating/.test(l)), 'nothing applied');
  t.same((await app.inject({ url: '/api/v1/inventory' })).json().items.filter((n: any) => n.name === 'web3'), []);

  const other = await submit(app, { name: 'web3', template: 'tiny', approvePlan: planId });
  t.equal(other.statusCode, 400);
  t.match(other.json().errors, [{ pointer: '/params/template', message: /made from template 'vm'/ }]);
  const changed = await submit(app, { name: 'web3', template: 'vm', approvePlan: planId, variables: { name: 'web3', size: 9 } });
  t.equal(changed.statusCode, 400);
  t.same(changed.json().errors.map((e: any) => e.pointer), ['/params/variables']);
  const applied = await run(app, { name: 'web3', template: 'vm', approvePlan: planId });
  t.equal(applied.exec.status, 'succeeded');
  t.match(applied.result.value, { status: 'running', plan: { id: planId } });
  const again = await submit(app, { name: 'web3', template: 'vm', approvePlan: planId });
  t.equal(again.statusCode, 400, 'a plan applies once');

  // A plan made, then the state moved (another run on the working copy) before it is approved.
  const p2 = await run(app, { name: 'web3', template: 'vm', variables: { name: 'web3', size: 3 } });
  t.match(p2.result.value.plan, { change: 1 });
  const moved = await run(app, { action: 'destroy', resources: ['terraform_data.dns'] }, '/api/v1/provisioning/decommission', ['web3']);
  t.equal(moved.exec.status, 'succeeded');
  // That destroy dropped the pending plan (its state moved): approving it is refused at submit.
  t.equal((await submit(app, { name: 'web3', template: 'vm', approvePlan: p2.result.value.plan.id })).statusCode, 400);
});

t.test('a failed apply leaves a partial state, reported and destroyable', async (t) => {
  const dataDir = t.testdir();
  const app = await buildTestApp(teardownOf(t), { dataDir, ...overrides() });
  const { exec, result, id } = await run(app, { name: 'web4', template: 'vm', autoApprove: true, variables: { name: 'web4', fail: 'yes' } });
  t.equal(exec.status, 'failed');
  t.match(result, { status: 'failed', exitCode: 1, error: { code: 'CAPSTAN_ERR_EXECUTION_FAILED', detail: /apply failed: .*local-exec provisioner error.*Completed before the failure \(kept in the state\): terraform_data.vm/ } });
  t.match(result.value, { status: 'failed', name: 'web4' });
  const err = lines(await output(app, id), 'stderr');
  t.ok(err.some((l) => /^error: local-exec provisioner error \(terraform_data.dns/.test(l)), 'the diagnostic on stderr');
  const state = JSON.parse(readFileSync(join(workdir(dataDir, 'web4'), 'terraform.tfstate'), 'utf8'));
  t.same(state.resources.map((r: any) => r.name).sort(), ['dns', 'vm'], 'vm created; dns created but tainted');
  t.match((await app.inject({ url: '/api/v1/provisioning/decommission/web4' })).json(), { status: 'failed' });
  const destroy = await run(app, { action: 'destroy' }, '/api/v1/provisioning/decommission', ['web4']);
  t.equal(destroy.exec.status, 'succeeded', 'the partial state can be destroyed');
});

t.test('a node is named as its resource: a name output never makes one node stand for another resource', async (t) => {
  const dataDir = t.testdir();
  const app = await buildTestApp(teardownOf(t), { dataDir, ...overrides() });
  // alpha's module says its name is beta, beta's says gamma; delta's says beta too (s4 / s5 of the review).
  const made: Record<string, string> = { alpha: 'beta', beta: 'gamma', delta: 'beta' };
  for (const [name, said] of Object.entries(made)) {
    const r = await run(app, { name, template: 'vm', autoApprove: true, variables: { name: said } });
    t.equal(r.exec.status, 'succeeded', name);
    t.match(r.result.value, { name, node: name, attributes: { name: said } });
    t.ok((await output(app, r.id)).some((e) => e.type === 'notice' && /output 'name' is '\w+', not the resource name/.test(e.data.message)), `${name}: the mismatch is reported`);
  }
  const names = async () => (await app.inject({ url: '/api/v1/inventory' })).json().items.filter((n: any) => n.sources.some((s: any) => s.source === 'terraform')).map((n: any) => n.name).sort();
  t.same(await names(), ['alpha', 'beta', 'delta'], 'one node per resource, named as the resource');

  // Destroying node beta destroys resource beta, nothing else; each node can be decommissioned.
  const d = await run(app, { action: 'destroy' }, '/api/v1/provisioning/decommission', ['beta']);
  t.equal(d.exec.status, 'succeeded');
  t.match(d.result.value, { name: 'beta', node: 'beta', status: 'destroyed' });
  t.equal(existsSync(join(workdir(dataDir, 'alpha'), 'terraform.tfstate')) && JSON.parse(readFileSync(join(workdir(dataDir, 'alpha'), 'terraform.tfstate'), 'utf8')).resources.length, 2, 'alpha untouched');
  t.same(await names(), ['alpha', 'delta']);
  for (const node of ['alpha', 'delta']) {
    t.equal((await run(app, { action: 'destroy' }, '/api/v1/provisioning/decommission', [node])).result.value.name, node, `${node} destroyed as itself`);
  }
  t.same(await names(), []);

  // The queue locks of a create and a decommission of one resource are the same key.
  const { provisionCreate, decommissionExecute } = await import('../../../../src/capabilities/index.js');
  t.same(provisionCreate.lockKeys!({ name: 'alpha' }, ['localhost']), decommissionExecute.lockKeys!({}, ['alpha']));
});

t.test("a resource's secrets never reach what is stored or served: detail, attributes, status answers", async (t) => {
  const dataDir = t.testdir();
  const app = await buildTestApp(teardownOf(t), { dataDir, ...overrides() });
  // `fail` quotes its value in the failing local-exec command (Terraform's diagnostic detail names it);
  // `name` flows into plain (non-sensitive) outputs: name, address.
  const { exec, result } = await run(app, {
    name: 'sec1', template: 'vm', autoApprove: true, secretVariables: { fail: 'HUNTER2-secret', name: 'hidden-host-name' },
  });
  t.equal(exec.status, 'failed');
  const served = [
    JSON.stringify(result),
    (await app.inject({ url: '/api/v1/provisioning/decommission/sec1' })).body,
    (await app.inject({ url: '/api/v1/provisioning/sec1' })).body,
    readFileSync(join(dataDir, 'terraform', 'sec1', 'capstan.json'), 'utf8'),
  ];
  for (const [i, body] of served.entries()) {
    t.notOk(body.includes('HUNTER2-secret'), `#${i}: no secret variable value`);
    t.notOk(body.includes('hidden-host-name'), `#${i}: nor one an output repeats`);
  }
  t.match(JSON.parse(served[1]), { status: 'failed', detail: /apply failed/ });
  t.match(JSON.parse(served[2]).resource.attributes, { name: '***' });
  const destroy = await run(app, { action: 'destroy' }, '/api/v1/provisioning/decommission', ['sec1']);
  t.equal(destroy.exec.status, 'succeeded');
  const all = JSON.stringify(await output(app, destroy.id)) + JSON.stringify(destroy.exec) + (await app.inject({ url: '/api/v1/provisioning/decommission/sec1' })).body;
  t.notOk(all.includes('HUNTER2-secret') || all.includes('hidden-host-name'), 'nor does the destroy');
});

t.test('runs as the server account: a token without what a local run needs gets a 403 whatever the target', async (t) => {
  const dataDir = t.testdir();
  const app = await buildTestApp(teardownOf(t), {
    dataDir, ...overrides(),
    tokens: [
      { name: 'admin', token: 'admin-token-0123456789', permissions: ['*'] },
      { name: 'prov', token: 'prov-token-0123456789', permissions: ['provision.create', 'provision.status', 'decommission.execute', 'inventory.list'] },
    ],
  });
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const made = await app.inject({ method: 'POST', url: '/api/v1/provisioning', headers: as('admin-token-0123456789'), payload: { targets: ['localhost'], params: { name: 'box', template: 'tiny', autoApprove: true, variables: { name: 'box' } } } });
  t.equal(made.statusCode, 202);
  const done = await app.inject({ url: `/api/v1/executions/${made.json().id}/wait?timeout=60`, headers: as('admin-token-0123456789') });
  t.equal(done.json().status, 'succeeded');
  const box = (await app.inject({ url: '/api/v1/inventory', headers: as('admin-token-0123456789') })).json().items.find((n: any) => n.name === 'box');
  t.equal(box.transport, 'ssh', 'box is a remote (ssh) node');
  const params = { name: 'x1', template: 'vm', autoApprove: true, variables: { name: 'x1', fail: "'; id > /tmp/owned; echo '" } };
  for (const target of ['localhost', 'box']) {
    const create = await app.inject({ method: 'POST', url: '/api/v1/provisioning', headers: as('prov-token-0123456789'), payload: { targets: [target], params } });
    t.equal(create.statusCode, 403, `provision.create on ${target}`);
    t.equal(create.json().code, 'CAPSTAN_ERR_AUTH_FORBIDDEN');
  }
  const destroy = await app.inject({ method: 'POST', url: '/api/v1/provisioning/decommission', headers: as('prov-token-0123456789'), payload: { targets: ['box'], params: { action: 'destroy' } } });
  t.equal(destroy.statusCode, 403, 'decommission.execute on a remote node');
  const execs = (await app.inject({ url: '/api/v1/executions', headers: as('admin-token-0123456789') })).json().items;
  t.equal(execs.length, 1, 'nothing but the admin run was stored');
});

t.test('a canceled run lasts until the CLI had its interrupt time: the changing capabilities declare it (abortSettleMs)', async (t) => {
  const app = await buildTestApp(teardownOf(t), { dataDir: t.testdir(), ...overrides({ interruptSeconds: 120 }) });
  for (const name of ['provision.create', 'decommission.execute']) {
    const p = app.registry.providers(name).find((e) => e.plugin === 'terraform');
    t.equal(p?.capability.abortSettleMs, 121_000, name);
  }
  for (const name of ['provision.status', 'decommission.status']) {
    t.equal(app.registry.providers(name).find((e) => e.plugin === 'terraform')?.capability.abortSettleMs, undefined, `${name} needs none`);
  }
});

t.test('a targeted destroy whose target names nothing in the state fails, saying so', async (t) => {
  const dataDir = t.testdir();
  const app = await buildTestApp(teardownOf(t), { dataDir, ...overrides() });
  t.equal((await run(app, { name: 'w8', template: 'vm', autoApprove: true, variables: { name: 'w8' } })).exec.status, 'succeeded');
  const typo = await run(app, { action: 'destroy', resources: ['terraform_data.vmm'] }, '/api/v1/provisioning/decommission', ['w8']);
  t.equal(typo.exec.status, 'failed');
  t.match(typo.result, { status: 'failed', error: { detail: /matched 'terraform_data\.vmm'.*nothing was destroyed/ }, value: { status: 'running' } });
  t.match((await app.inject({ url: '/api/v1/provisioning/decommission/w8' })).json(), { status: 'active', detail: /no resource in the state matched terraform_data\.vmm/ });
  const mixed = await run(app, { action: 'destroy', resources: ['terraform_data.dns', 'terraform_data.nope'] }, '/api/v1/provisioning/decommission', ['w8']);
  t.equal(mixed.exec.status, 'failed', 'one target of two matched nothing');
  t.match(mixed.result.error.detail, /matched 'terraform_data\.nope'.*destroyed: terraform_data\.dns/);
  const state = JSON.parse(readFileSync(join(workdir(dataDir, 'w8'), 'terraform.tfstate'), 'utf8'));
  t.same(state.resources.map((r: any) => r.name), ['vm'], 'the one that matched was destroyed');
  const ok = await run(app, { action: 'destroy', resources: ['terraform_data.vm'] }, '/api/v1/provisioning/decommission', ['w8']);
  t.equal(ok.exec.status, 'succeeded');
  t.match(ok.result.value, { status: 'destroyed' });
});

t.test("a required variable the module's terraform.tfvars supplies (or TF_VAR_ through passEnv) is no 400", async (t) => {
  const dir = t.testdir({
    data: {},
    modules: {
      filed: {
        'main.tf.json': JSON.stringify({ variable: { name: { type: 'string' }, zone: { type: 'string' } }, resource: { terraform_data: { vm: { input: '${var.name}-${var.zone}' } } }, output: { name: { value: '${var.name}' }, zone: { value: '${var.zone}' } } }),
        'terraform.tfvars.json': JSON.stringify({ name: 'f1' }),
      },
    },
  });
  process.env.TF_VAR_zone = 'z9';
  t.teardown(() => { delete process.env.TF_VAR_zone; });
  const app = await buildTestApp(teardownOf(t), { dataDir: join(dir, 'data'), ...overrides({ moduleDir: join(dir, 'modules'), passEnv: ['TF_VAR_zone'] }) });
  const r = await run(app, { name: 'f1', template: 'filed', autoApprove: true });
  t.equal(r.exec.status, 'succeeded');
  t.match(r.result.value.attributes, { name: 'f1', zone: 'z9' });
  const app2 = await buildTestApp(teardownOf(t), { dataDir: join(dir, 'data2'), ...overrides({ moduleDir: join(dir, 'modules') }) });
  const bad = await submit(app2, { name: 'f2', template: 'filed' });
  t.equal(bad.statusCode, 400, 'without TF_VAR_zone passed, zone is missing');
  t.same(bad.json().errors.map((e: any) => e.pointer), ['/params/variables/zone']);
});

t.test('size, network, tags go to the module variables that take them, else a 400; so do power_off and provider', async (t) => {
  const dir = t.testdir({
    data: {},
    modules: {
      sized: {
        'main.tf.json': JSON.stringify({
          variable: { name: { type: 'string' }, cpus: { type: 'number' }, memory_mb: { type: 'number', default: 512 }, network: { type: 'string', default: 'lan' }, tags: { type: 'map(string)', default: {} } },
          resource: { terraform_data: { vm: { input: '${var.name}' } } },
          output: { name: { value: '${var.name}' }, cpus: { value: '${var.cpus}' }, memory_mb: { value: '${var.memory_mb}' }, network: { value: '${var.network}' } },
        }),
      },
      vm: { 'main.tf.json': readFileSync(join(MODULES_DIR, 'vm', 'main.tf.json'), 'utf8') },
    },
  });
  const app = await buildTestApp(teardownOf(t), { dataDir: join(dir, 'data'), ...overrides({ moduleDir: join(dir, 'modules') }) });
  const ok = await run(app, { name: 's1', template: 'sized', autoApprove: true, size: { cpus: 4, memoryMb: 2048 }, network: 'dmz', tags: { env: 'test' }, variables: { name: 's1' } });
  t.equal(ok.exec.status, 'succeeded');
  t.match(ok.result.value.attributes, { cpus: 4, memory_mb: 2048, network: 'dmz' });
  const needsCpus = await submit(app, { name: 's2', template: 'sized', variables: { name: 's2' } });
  t.same(needsCpus.json().errors.map((e: any) => e.pointer), ['/params/variables/cpus'], 'a required variable, not given either way');
  const twice = await submit(app, { name: 's2', template: 'sized', size: { cpus: 2 }, variables: { name: 's2', cpus: 2 } });
  t.same(twice.json().errors.map((e: any) => e.pointer), ['/params/size/cpus']);

  const dropped = await submit(app, { name: 'v1', template: 'vm', size: { cpus: 2, diskGb: 10 }, network: 'dmz', tags: { a: 'b' }, provider: 'vsphere', variables: { name: 'v1' } });
  t.equal(dropped.statusCode, 400, 'nothing is silently dropped');
  t.same(dropped.json().errors.map((e: any) => e.pointer).sort(), ['/params/network', '/params/provider', '/params/size/cpus', '/params/size/diskGb', '/params/tags']);
  t.match(dropped.json().errors.find((e: any) => e.pointer === '/params/network').message, /takes no such input: it declares no variable 'network'/);
  t.equal((await submit(app, { name: 'v1', template: 'vm', provider: 'terraform', variables: { name: 'v1' } })).statusCode, 202, 'provider naming this one is fine');

  const off = await submit(app, { action: 'power_off' }, '/api/v1/provisioning/decommission', ['s1']);
  t.equal(off.statusCode, 400);
  t.same(off.json().errors.map((e: any) => e.pointer), ['/params/action']);
  const dereg = await submit(app, { action: 'deregister', resources: ['terraform_data.vm'] }, '/api/v1/provisioning/decommission', ['s1']);
  t.same(dereg.json().errors.map((e: any) => e.pointer), ['/params/resources']);
});

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
