/**
 * Which deployment source runs a deploy or a rollback when several are enabled: `?source=` for a deploy (400
 * without it), the id's own prefix (`<plugin id>.`) for a rollback (404 when no enabled source owns it). Two
 * fake CI/CD plugins that act from the server for any node (runsAsServer), as the real ones do.
 */
import { Type } from '@sinclair/typebox';
import t from 'tap';
import * as C from '../../src/capabilities/index.js';
import type { NativePluginOptions, PluginModule } from '../../src/core/loader.js';
import { BasePlugin, implement, type ExecutionContext } from '../../src/core/types.js';
import { buildTestApp, waitForExecution } from '../helper.js';
import { get, post } from './fixtures/http.js';

/** A CI/CD plugin that deploys once per execution from the server and says who it is. */
function ciPlugin(id: string, calls: string[]): PluginModule {
  const run = (what: string) => async (_p: unknown, ctx: ExecutionContext) => {
    calls.push(`${id} ${what}`);
    const first = ctx.targets![0].name;
    ctx.emit({ type: 'stdout', target: first, line: `${what} by ${id}` });
    return { results: ctx.targets!.map((n) => ({ target: n.name, status: 'succeeded' as const, exitCode: 0 })) };
  };
  class Ci extends BasePlugin {
    readonly metadata = { name: id, version: '1.0.0', description: `fake ${id}`, integrationTypes: ['deployment' as const] };
    capabilities() {
      return [
        implement(C.deployExecute, run('deployed'), { runsAsServer: () => true }),
        implement(C.deployRollback, run('rolled back'), { runsAsServer: () => true }),
      ];
    }
  }
  return {
    manifest: { id, version: '1.0.0', description: `fake ${id}`, provides: ['deploy.execute', 'deploy.rollback'], configSchema: Type.Object({}), enabledByDefault: true },
    default: async (_app: unknown, opts: NativePluginOptions) => opts.host.add(new Ci()),
  };
}

const params = { application: 'storefront', version: '2.14.2', environment: 'production' };

t.test('several deployment sources: a deploy names its source, a rollback goes to the source of its id', async (t) => {
  const calls: string[] = [];
  const app = await buildTestApp(t, {}, { extraPlugins: [ciPlugin('ci-one', calls), ciPlugin('ci-two', calls)] });

  const ambiguous = await post(app, '/api/v1/deployments', { targets: ['localhost'], params });
  t.equal(ambiguous.status, 400);
  t.match(ambiguous.body, { code: 'CAPSTAN_ERR_REQUEST_VALIDATION', errors: [{ in: 'query', pointer: '/source', message: /ci-one, ci-two/ }] });
  t.equal((await get(app, '/api/v1/executions')).body.items.length, 0, 'nothing was queued');

  const named = await post(app, '/api/v1/deployments?source=ci-two', { targets: ['localhost'], params });
  t.equal(named.status, 202, 'a source that drives from the server need not know the targets');
  t.match(await waitForExecution(app, named.body.id), { status: 'succeeded', provider: 'ci-two' });
  t.match(JSON.stringify((await get(app, `/api/v1/executions/${named.body.id}/output`)).body), /deployed by ci-two/);

  t.equal((await post(app, '/api/v1/deployments?source=nope', { targets: ['localhost'], params })).status, 404, 'an unknown source');
  t.equal((await post(app, '/api/v1/deployments?sauce=ci-one', { targets: ['localhost'], params })).status, 400, 'an unknown query parameter');

  for (const [id, owner] of [['ci-one.3', 'ci-one'], ['ci-two.gitlab~x.7', 'ci-two']]) {
    const rb = await post(app, `/api/v1/deployments/${id}/rollback`, { targets: ['localhost'], params: { application: 'storefront', environment: 'production' } });
    t.equal(rb.status, 202, id);
    t.match(await waitForExecution(app, rb.body.id), { status: 'succeeded', provider: owner }, `${id} rolled back by ${owner}`);
  }
  const foreign = await post(app, '/api/v1/deployments/jenkins.deploy.42/rollback', { targets: ['localhost'], params: { application: 'storefront', environment: 'production' } });
  t.equal(foreign.status, 404, 'no enabled source owns the id');
  t.match(foreign.body, { code: 'CAPSTAN_ERR_RECORD_NOT_FOUND' });
  // Every route that submits runs keeps the rule: the generic executions route too.
  const generic = await post(app, '/api/v1/executions', { capability: 'deploy.execute', targets: ['localhost'], params });
  t.equal(generic.status, 400);
  t.match(generic.body, { errors: [{ in: 'body', pointer: '/provider', message: /ci-one, ci-two/ }] });
  const chosen = await post(app, '/api/v1/executions', { capability: 'deploy.rollback', targets: ['localhost'], params: { application: 'storefront', environment: 'production' }, provider: 'ci-one' });
  t.equal(chosen.status, 202);
  t.match(await waitForExecution(app, chosen.body.id), { status: 'succeeded', provider: 'ci-one' });
  t.same(calls, ['ci-two deployed', 'ci-one rolled back', 'ci-two rolled back', 'ci-one rolled back']);
});
