/**
 * Issue 18 item 4: which plugin runs an execution when several provide its capability. Named with
 * `"provider"` (POST /executions, `?provider=` of the invoke route) it must exist, be up and know every target;
 * otherwise the highest-priority provider that knows every target runs them all, and only when none does are
 * the targets split by who knows them. The execution's `provider` shows the choice.
 */
import t from 'tap';
import { commandExecute, inventoryList } from '../../src/capabilities/index.js';
import { implement, type ExecutionContext } from '../../src/core/types.js';
import { fakeModule, nodes } from '../core/fixtures/fake-plugins.js';
import { buildTestApp, waitForExecution } from '../helper.js';

/** What each runner was handed, by plugin. */
const ran: Record<string, string[][]> = {};
function runner(id: string, priority: number, known: string[]) {
  return fakeModule({
    id, integrationTypes: ['inventory', 'remote_execution'],
    capabilities: [
      implement(inventoryList, async () => nodes(id, ...known)),
      { ...implement(commandExecute, async (_p: unknown, ctx: ExecutionContext) => {
        (ran[id] ??= []).push((ctx.targets ?? []).map((n) => n.name));
        return { results: (ctx.targets ?? []).map((n) => ({ target: n.name, status: 'succeeded' as const, exitCode: 0 })) };
      }), priority },
    ],
  });
}

const app = await buildTestApp(t, {}, { plugins: [runner('alpha', 60, ['web1', 'web2']), runner('beta', 50, ['web1', 'db1'])] });

async function run(targets: string[], provider?: string) {
  const res = await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets, params: { command: 'true' }, ...(provider ? { provider } : {}) } });
  return res;
}

t.test('without a provider: the highest-priority one that knows every target runs them all', async (t) => {
  const both = await run(['web1', 'web2']);
  t.equal(both.statusCode, 202);
  t.equal((await waitForExecution(app, both.json().id)).provider, 'alpha', 'alpha (60) knows web1 and web2');
  const mixed = await run(['web1', 'db1']);
  t.equal((await waitForExecution(app, mixed.json().id)).provider, 'beta', 'alpha does not know db1; beta knows both: one provider, not a split');
  t.same(ran.beta.at(-1), ['web1', 'db1']);
  const split = await run(['web2', 'db1']);
  const done = await waitForExecution(app, split.json().id);
  t.equal(done.provider, 'alpha,beta', 'nobody knows both: each node goes to the provider that knows it');
  t.same([ran.alpha.at(-1), ran.beta.at(-1)], [['web2'], ['db1']]);
  t.equal(done.status, 'succeeded');
});

t.test('a named provider runs every target, and the execution shows it from the start', async (t) => {
  const res = await run(['web1'], 'beta');
  t.equal(res.statusCode, 202);
  t.equal(res.json().provider, 'beta', 'shown while queued');
  const done = await waitForExecution(app, res.json().id);
  t.equal(done.provider, 'beta', 'beta ran web1 although alpha has the higher priority');
  t.same(ran.beta.at(-1), ['web1']);
  const invoked = await app.inject({ method: 'POST', url: '/api/v1/capabilities/command.execute/invoke?provider=beta', payload: { targets: ['web1'], params: { command: 'true' } } });
  t.equal(invoked.statusCode, 202, 'the invoke route takes ?provider= for runs too');
  t.equal((await waitForExecution(app, invoked.json().id)).provider, 'beta');
});

t.test('a provider that cannot run it is refused before anything is stored', async (t) => {
  const count = async () => (await app.inject({ url: '/api/v1/executions?limit=500' })).json().items.length;
  const before = await count();
  const unknownPlugin = await run(['web1'], 'gamma');
  t.equal(unknownPlugin.statusCode, 404);
  t.equal(unknownPlugin.json().code, 'CAPSTAN_ERR_PROVIDER_NOT_FOUND');
  const unknownNode = await run(['web1', 'db1'], 'alpha');
  t.equal(unknownNode.statusCode, 400);
  t.match(unknownNode.json(), { targets: ['db1'], errors: [{ in: 'body', pointer: '/provider' }] });
  t.match(unknownNode.json().detail, /alpha.*does not know db1/);
  const badName = await run(['web1'], 'Not A Plugin');
  t.equal(badName.statusCode, 400, 'the name is validated by the schema');
  t.equal(await count(), before, 'no execution was created');
  const key = { 'idempotency-key': 'provider-key-1' };
  const first = await app.inject({ method: 'POST', url: '/api/v1/executions', headers: key, payload: { capability: 'command.execute', targets: ['web1'], params: { command: 'true' }, provider: 'alpha' } });
  await waitForExecution(app, first.json().id);
  const other = await app.inject({ method: 'POST', url: '/api/v1/executions', headers: key, payload: { capability: 'command.execute', targets: ['web1'], params: { command: 'true' }, provider: 'beta' } });
  t.equal(other.statusCode, 409, 'the provider is part of the request an Idempotency-Key stands for');
});
