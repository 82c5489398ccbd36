/**
 * Named tokens carry permissions; every capability checks its requiredPermissions against them, whether it
 * is called as a read route, through /invoke, or submitted as an execution.
 */
import { join } from 'node:path';
import t from 'tap';
import { grants } from '../../src/core/permissions.js';
import { buildTestApp, waitForExecution } from '../helper.js';

const READER = 'reader-token-0123456789';
const RUNNER = 'runner-token-0123456789';
const ADMIN = 'admin-token-0123456789';

t.test('grants: exact names, family wildcards, risk levels, *', async (t) => {
  const p = (permissions: string[]) => ({ id: 'x', permissions });
  t.ok(grants(p(['command.execute']), 'command.execute', { riskLevel: 'execute' }));
  t.ok(grants(p(['inventory.*']), 'inventory.list', { riskLevel: 'read' }));
  t.ok(grants(p(['risk:read']), 'info.facts', { riskLevel: 'read' }));
  t.notOk(grants(p(['risk:read']), 'command.execute', { riskLevel: 'execute' }));
  t.notOk(grants(p(['inventory.*']), 'info.facts', { riskLevel: 'read' }));
  t.ok(grants(p(['*']), 'anything.at', { riskLevel: 'admin' }));
});

t.test('tokens with permissions through the HTTP API', async (t) => {
  // `remote` is an ssh target nothing listens for: runs there fail at once, but a non-admin may start them.
  const dir = t.testdir({ 'inventory.yaml': 'targets:\n  - localhost\n  - { name: remote, uri: "127.0.0.1:1" }\n' });
  const app = await buildTestApp(t, {
    plugins: { ssh: { inventoryFile: join(dir, 'inventory.yaml'), connectTimeoutSeconds: 2 } },
    token: ADMIN,
    tokens: [
      { name: 'reader', token: READER, permissions: ['risk:read'] },
      { name: 'runner', token: RUNNER, permissions: ['command.execute'] },
    ],
  });
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const run = { capability: 'command.execute', targets: ['localhost'], params: { command: 'echo hi' } };

  t.equal((await app.inject({ url: '/api/v1/inventory', headers: as(READER) })).statusCode, 200, 'reader lists inventory');
  t.equal((await app.inject({ url: '/api/v1/nodes/localhost/facts', headers: as(READER) })).statusCode, 200, 'reader reads facts');
  const denied = await app.inject({ method: 'POST', url: '/api/v1/executions', headers: as(READER), payload: run });
  t.equal(denied.statusCode, 403, 'reader may not run commands');
  t.equal(denied.json().code, 'CAPSTAN_ERR_AUTH_FORBIDDEN');
  t.same(denied.json().missingPermissions, ['command.execute']);
  const viaInvoke = await app.inject({ method: 'POST', url: '/api/v1/capabilities/command.execute/invoke', headers: as(READER), payload: { targets: ['localhost'], params: { command: 'true' } } });
  t.equal(viaInvoke.statusCode, 403, 'nor through /invoke');

  const inv = await app.inject({ url: '/api/v1/inventory', headers: as(RUNNER) });
  t.equal(inv.statusCode, 403, 'runner has no inventory permission');
  const local = await app.inject({ method: 'POST', url: '/api/v1/executions', headers: as(RUNNER), payload: run });
  t.equal(local.statusCode, 403, 'runner may not run on localhost: that is the server\'s own account');
  t.same(local.json().missingPermissions, ['*']);
  const ran = await app.inject({ method: 'POST', url: '/api/v1/executions', headers: as(RUNNER), payload: { ...run, targets: ['remote'] } });
  t.equal(ran.statusCode, 202, 'runner may run elsewhere: target resolution is the server\'s own lookup');
  const done = await app.inject({ url: `/api/v1/executions/${ran.json().id}/wait?timeout=30`, headers: as(ADMIN) });
  t.equal(done.json().status, 'failed', 'nothing listens there');
  t.equal(done.json().principal, 'runner', 'the execution records who submitted it');
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/executions', headers: as(ADMIN), payload: run })).statusCode, 202, 'admin token may do everything');
  const list = (await app.inject({ url: '/api/v1/executions', headers: as(ADMIN) })).json();
  for (const e of list.items) await waitForExecution({ inject: (o: any) => app.inject({ ...o, headers: as(ADMIN) }) } as any, e.id);
});
