/**
 * Runs as the server's own OS account need `*`: the rule (src/core/server-account.ts) and its use at submit
 * for every route that starts executions, here through a fake provider of package.install (a record route).
 */
import t from 'tap';
import { inventoryList, packageInstall } from '../../src/capabilities/index.js';
import { Errors } from '../../src/core/errors.js';
import { authorizeTargets, runsAsServer, type RunProvider } from '../../src/core/server-account.js';
import { implement, type TargetNode } from '../../src/core/types.js';
import { buildTestApp, waitForExecution } from '../helper.js';
import { fakeModule } from './fixtures/fake-plugins.js';

const node = (name: string, transport: string | undefined, ...sources: string[]): TargetNode =>
  ({ name, transport, groups: [], sources: sources.map((s) => ({ source: s, id: name })) });
const plain = (plugin: string): RunProvider => ({ plugin, capability: {} });
const confined = (plugin: string): RunProvider => ({ plugin, capability: { runsAsServer: () => false } });
const user = (...permissions: string[]) => ({ id: 'u', permissions });

t.test('runsAsServer: the providers that know the node decide; by default the local transport', async (t) => {
  t.ok(runsAsServer([plain('a')], node('box', 'local', 'a')), 'local transport, no hook');
  t.notOk(runsAsServer([plain('a')], node('web', 'ssh', 'a')), 'ssh transport');
  t.notOk(runsAsServer([plain('a')], node('web', undefined, 'a')), 'no transport');
  t.notOk(runsAsServer([confined('a')], node('box', 'local', 'a')), 'a provider that switches accounts says so');
  t.ok(runsAsServer([confined('a'), plain('b')], node('box', 'local', 'a', 'b')), 'any provider that knows the node and runs as the server counts');
  t.notOk(runsAsServer([confined('a'), plain('b')], node('box', 'local', 'a')), 'a provider that does not know the node is not asked');
  t.ok(runsAsServer([confined('a'), plain('b')], node('box', 'local', 'c')), 'nobody knows it: every provider may be the fallback');
  t.ok(runsAsServer([{ plugin: 'a', capability: { runsAsServer: (n) => n.name === 'box' } }], node('box', 'ssh', 'a')), 'the hook wins over the transport');
});

t.test('authorizeTargets: 403 naming *, the admin passes', async (t) => {
  const nodes = [node('box', 'local', 'a'), node('web', 'ssh', 'a')];
  t.doesNotThrow(() => authorizeTargets(user('*'), { name: 'command.execute' }, nodes, [plain('a')]));
  t.doesNotThrow(() => authorizeTargets(user('command.execute'), { name: 'command.execute' }, [nodes[1]], [plain('a')]));
  t.doesNotThrow(() => authorizeTargets(user('command.execute'), { name: 'command.execute' }, nodes, [confined('a')]));
  try {
    authorizeTargets(user('command.execute', 'command.*'), { name: 'command.execute' }, nodes, [plain('a')]);
    t.fail('should throw');
  } catch (err) {
    t.ok(err instanceof Errors.Forbidden);
    t.equal((err as { category: string }).category, 'forbidden');
    t.match((err as Error).message, /on box: .*server's own OS account.*admin permission '\*'/);
  }
});

t.test('every route that starts runs: a record route (package.install) on a local node', async (t) => {
  const installs: string[] = [];
  const fake = fakeModule({
    id: 'fakepkg',
    capabilities: [
      implement(inventoryList, async () => ({ nodes: [
        { id: 'box', name: 'box', transport: 'local', groups: [], sources: [{ source: 'fakepkg', id: 'box' }] },
        { id: 'web', name: 'web', transport: 'ssh', groups: [], sources: [{ source: 'fakepkg', id: 'web' }] },
      ] })),
      implement(packageInstall, async (_p, ctx) => {
        for (const n of ctx.targets ?? []) installs.push(n.name);
        return { results: (ctx.targets ?? []).map((n) => ({ target: n.name, status: 'succeeded' as const, exitCode: 0 })) };
      }),
    ],
  });
  const app = await buildTestApp(t, {
    token: 'admin-token-0123456789',
    tokens: [{ name: 'pkg', token: 'pkg-token-0123456789', permissions: ['package.install'] }],
    plugins: { ssh: { enabled: false } },
  }, { extraPlugins: [fake] });
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const body = (targets: string[]) => ({ targets, params: { packages: [{ name: 'curl' }] } });

  const denied = await app.inject({ method: 'POST', url: '/api/v1/packages/install', headers: as('pkg-token-0123456789'), payload: body(['box']) });
  t.equal(denied.statusCode, 403);
  t.same([denied.json().code, denied.json().missingPermissions, denied.json().targets], ['CAPSTAN_ERR_AUTH_FORBIDDEN', ['*'], ['box']]);
  const viaAll = await app.inject({ method: 'POST', url: '/api/v1/packages/install', headers: as('pkg-token-0123456789'), payload: body(['all']) });
  t.equal(viaAll.statusCode, 403, 'a group that holds a local node is refused as a whole');

  const remote = await app.inject({ method: 'POST', url: '/api/v1/packages/install', headers: as('pkg-token-0123456789'), payload: body(['web']) });
  t.equal(remote.statusCode, 202, 'a remote node needs only the capability\'s permission');
  const admin = await app.inject({ method: 'POST', url: '/api/v1/packages/install', headers: as('admin-token-0123456789'), payload: body(['box']) });
  t.equal(admin.statusCode, 202, 'the admin may run on the server itself');
  const waiter = { inject: (o: any) => app.inject({ ...o, headers: as('admin-token-0123456789') }) } as any;
  t.equal((await waitForExecution(waiter, remote.json().id)).status, 'succeeded');
  t.equal((await waitForExecution(waiter, admin.json().id)).status, 'succeeded');
  t.same(installs.sort(), ['box', 'web'], 'only the allowed runs reached the provider');
});
