/**
 * The terraform plugin through the HTTP API with the fake CLI (test/fixtures/bin/terraform): bad requests
 * refused before anything runs, two resources created and in the inventory and journal, status, a plan shown
 * then approved, a failed apply leaving a partial state, destroy and deregister. No network.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { buildTestApp } from '../../../../test/helper.js';
import { HAVE_FAKE, lines, output, workdir, overrides, run, submit, teardownOf } from './fixtures/helpers.js';

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

