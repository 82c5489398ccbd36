/**
 * Execution-mode record routes (packages, deployments, provisioning) over fake providers: 202 with Location and
 * the queued execution, output of the provider, validation (400), unresolved targets, and 501 naming the
 * capability when no plugin provides it.
 */
import t from 'tap';
import { waitForExecution } from '../helper.js';
import { get, post, setup } from './fixtures/http.js';

const EXECUTIONS = [
  { url: '/api/v1/packages/install', capability: 'package.install', params: { packages: [{ name: 'nginx' }] }, bad: { packages: [{ name: '-rf' }] }, line: /Setting up nginx/, plugin: 'apt' },
  { url: '/api/v1/packages/uninstall', capability: 'package.uninstall', params: { packages: ['telnet'], purge: true }, bad: { packages: [] }, line: /Removing telnet/, plugin: 'apt' },
  { url: '/api/v1/packages/update', capability: 'package.update', params: { securityOnly: true }, bad: { securityOnly: 'yes' }, line: /Unpacking openssl/, plugin: 'apt' },
  { url: '/api/v1/deployments', capability: 'deploy.execute', params: { application: 'storefront', version: '2.14.2', environment: 'production' }, bad: { application: 'storefront' }, line: /deployed to localhost/, plugin: 'jenkins' },
  { url: '/api/v1/deployments/jenkins-dep-1000/rollback', capability: 'deploy.rollback', params: { application: 'storefront', environment: 'production' }, bad: { application: 'storefront', environment: 'production', deploymentId: 'x' }, line: /rolled back/, plugin: 'jenkins' },
  { url: '/api/v1/provisioning', capability: 'provision.create', params: { name: 'web3.example.com', template: 'ubuntu-22.04', size: { cpus: 2, memoryMb: 4096 } }, bad: { name: 'bad_name!', template: 'ubuntu-22.04' }, line: /Creation complete/, plugin: 'terraform' },
  { url: '/api/v1/provisioning/decommission', capability: 'decommission.execute', params: { action: 'deregister', reason: 'replaced by web3' }, bad: { action: 'vaporize' }, line: /deregistered localhost/, plugin: 'terraform' },
];

for (const e of EXECUTIONS) {
  t.test(`POST ${e.url}: ${e.capability} -> 202 with Location and the queued execution`, async (t) => {
    const { app, world } = await setup(t, [e.plugin]);
    const res = await post(app, e.url, { targets: ['localhost'], params: e.params, timeoutSeconds: 60 });
    t.equal(res.status, 202);
    t.match(res.body, { capability: e.capability, status: 'queued', targets: ['localhost'], nodes: ['localhost'], timeoutSeconds: 60 });
    t.equal(res.location, `/api/v1/executions/${res.body.id}`);
    t.equal(res.body.links.stream, `/api/v1/executions/${res.body.id}/stream`);
    if (e.capability === 'deploy.rollback') t.equal(res.body.params.deploymentId, 'jenkins-dep-1000', 'the path id becomes deploymentId');
    const done = await waitForExecution(app, res.body.id);
    t.match(done, { status: 'succeeded', provider: e.plugin, results: [{ target: 'localhost', status: 'succeeded', exitCode: 0 }] });
    const out = await get(app, `/api/v1/executions/${res.body.id}/output`);
    t.match(JSON.stringify(out.body), e.line);
    t.equal(world.count(e.plugin, e.capability), 1);

    for (const body of [{ targets: ['localhost'], params: e.bad }, { targets: [], params: e.params }, { targets: ['localhost'], params: e.params, extra: 1 }]) {
      const bad = await post(app, e.url, body);
      t.equal(bad.status, 400, `rejected: ${JSON.stringify(body)}`);
      t.ok(Array.isArray(bad.body.errors) && bad.body.errors.length > 0, 'errors listed');
    }
    t.match(await post(app, e.url, { targets: ['no-such-node'], params: e.params }), { status: 400, body: { code: 'CAPSTAN_ERR_TARGET_UNRESOLVED' } });
  });
}

t.test('execution-mode routes without a provider -> 501 naming the capability', async (t) => {
  const { app } = await setup(t, ['chef']);
  // The package routes always have the core's package provider (source `packages`, through script.execute):
  // no 501 for them. Not submitted here: it would run apt-get on this machine's `localhost` node.
  for (const e of EXECUTIONS.filter((x) => !x.capability.startsWith('package.'))) {
    const res = await post(app, e.url, { targets: ['localhost'], params: e.params });
    t.equal(res.status, 501, e.url);
    t.match(res.body, { code: 'CAPSTAN_ERR_CAPABILITY_NOT_PROVIDED', capability: e.capability });
  }
  for (const name of ['package.install', 'package.uninstall', 'package.update']) {
    const res = await get(app, `/api/v1/capabilities/${name}`);
    t.match(res.body, { providers: [{ plugin: 'packages' }] }, `${name}: the core's package provider`);
  }
});
