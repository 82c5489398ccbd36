/**
 * The terraform plugin's request handling through the HTTP API with the fake CLI: runs as the server account,
 * the abort window its changing capabilities declare, targeted destroys, variables the module supplies itself,
 * generic machine inputs mapped to module variables. No network. (api.test.ts has the main life cycle.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { buildTestApp } from '../../../../test/helper.js';
import { HAVE_FAKE, MODULES as MODULES_DIR, workdir, overrides, run, submit, teardownOf } from './fixtures/helpers.js';

if (!HAVE_FAKE) t.plan(0, 'the fake terraform CLI (test/fixtures/bin/terraform) is not here');

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

