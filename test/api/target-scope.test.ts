/**
 * Issue 16 item 2: roles (built-in and custom from the config) limited to targets, and API token scopes.
 * A run whose expanded targets leave what the principal may touch is a 403 naming them, nothing is run; the
 * same holds for queries that name a node, for cancel, and for what needs the admin on every node.
 */
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { planExecute } from '../../src/capabilities/index.js';
import { loadConfig } from '../../src/config/load.js';
import { implement, type ExecutionContext } from '../../src/core/types.js';
import { fakeModule } from '../core/fixtures/fake-plugins.js';
import { buildTestApp, tempDir } from '../helper.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const ADMIN = 'admin-token-for-scope-tests';
const WEB_OPS = 'config-token-of-web-ops-1';

// Nothing listens on 127.0.0.1:1: a run that is let through fails at once (what matters is 202 vs 403).
const INVENTORY = `version: 2
groups:
  - name: web
    targets:
      - { name: web1, uri: "127.0.0.1:1" }
      - { name: web2, uri: "127.0.0.1:1" }
    groups:
      - name: web-eu
        targets:
          - { name: eu1, uri: "127.0.0.1:1" }
  - name: db
    targets:
      - { name: db1, uri: "127.0.0.1:1" }
`;

/** A plan runner that succeeds on every target at once; `plans` counts the runs that reached it. */
let plans = 0;
const planRunner = fakeModule({
  id: 'planner', integrationTypes: ['remote_execution'],
  capabilities: [implement(planExecute, async (_p: unknown, ctx: ExecutionContext) => {
    plans++;
    return { results: (ctx.targets ?? []).map((n) => ({ target: n.name, status: 'succeeded' as const, exitCode: 0 })) };
  })],
});

async function scopeApp(t: Test) {
  const dir = t.testdir({ 'inventory.yaml': INVENTORY });
  const app = await buildTestApp(t, {
    auth: 'on', token: ADMIN, dataDir: tempDir(),
    roles: {
      webops: { permissions: ['command.execute', 'risk:read'], targets: ['web'] },
      dbread: { permissions: ['risk:read'], targets: ['db*'] },
    },
    tokens: [{ name: 'web-ops', token: WEB_OPS, roles: ['webops'] }],
    plugins: { ssh: { inventoryFile: join(dir, 'inventory.yaml'), connectTimeoutSeconds: 2 } },
  }, { extraPlugins: [planRunner] });
  const make = async (name: string, roles: string[], scope?: string[]) => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: bearer(ADMIN), payload: { name, roles, ...(scope ? { scope } : {}) } });
    t.equal(res.statusCode, 201, 'token created');
    return res.json() as { id: string; token: string };
  };
  const run = (token: string, targets: string[]) => app.inject({
    method: 'POST', url: '/api/v1/executions', headers: bearer(token),
    payload: { capability: 'command.execute', targets, params: { command: 'true' } },
  });
  const count = async () => (await app.inject({ url: '/api/v1/executions?limit=500', headers: bearer(ADMIN) })).json().items.length as number;
  const settle = async (id: string) => app.inject({ url: `/api/v1/executions/${id}/wait?timeout=30`, headers: bearer(ADMIN) });
  return { app, make, run, count, settle };
}

t.test('a custom role limited to a group: its members and child groups, nothing else, nothing run', async (t) => {
  const { run, count, settle } = await scopeApp(t);
  for (const targets of [['web'], ['web1'], ['eu1'], ['web-eu']]) {
    const ok = await run(WEB_OPS, targets);
    t.equal(ok.statusCode, 202, `${targets} is inside the role's targets`);
    await settle(ok.json().id);
  }
  const before = await count();
  const out = await run(WEB_OPS, ['web1', 'db1']);
  t.equal(out.statusCode, 403);
  t.match(out.headers['content-type'], /application\/problem\+json/);
  t.match(out.json(), { status: 403, code: 'CAPSTAN_ERR_AUTH_TARGET_OUTSIDE_SCOPE', capability: 'command.execute', targets: ['db1'] });
  t.match(out.json().detail, /db1/, 'the detail names the node');
  t.match(out.headers['www-authenticate'], /insufficient_scope/);
  const all = await run(WEB_OPS, ['all']);
  t.equal(all.statusCode, 403, '`all` expands beyond the role');
  t.same(all.json().targets, ['db1']);
  t.equal(await count(), before, 'no execution was created for a refused run');
});

t.test('token scope: globs and names narrow the roles; refused nodes are named', async (t) => {
  const { run, make, settle } = await scopeApp(t);
  const globbed = await make('web-glob', ['operator'], ['web*']);
  const mixed = await run(globbed.token, ['web1', 'eu1', 'db']);
  t.equal(mixed.statusCode, 403);
  t.same(mixed.json().targets.sort(), ['db1', 'eu1'], 'eu1 is in web-eu but its name does not match web*; db1 is out');
  const ok = await run(globbed.token, ['web1', 'web2']);
  t.equal(ok.statusCode, 202);
  await settle(ok.json().id);

  const narrower = await make('only-web2', ['webops'], ['web2']);
  t.equal((await run(narrower.token, ['web1'])).statusCode, 403, 'the scope narrows a limited role further');
  const inside = await run(narrower.token, ['web2']);
  t.equal(inside.statusCode, 202);
  await settle(inside.json().id);

  const groupScope = await make('eu-only', ['operator'], ['web-eu']);
  const eu = await run(groupScope.token, ['eu1']);
  t.equal(eu.statusCode, 202, 'a group in the scope covers its members');
  await settle(eu.json().id);
  t.equal((await run(groupScope.token, ['web1'])).statusCode, 403, 'but not its parent group\'s');
});

t.test('several roles: each role\'s permissions apply only on its own targets', async (t) => {
  const { app, run, make } = await scopeApp(t);
  const both = await make('web-and-view', ['viewer', 'webops']);
  const out = await run(both.token, ['db1']);
  t.equal(out.statusCode, 403, 'viewer reads db1 but only webops runs commands, and not there');
  t.same(out.json().targets, ['db1']);
  const facts = await app.inject({ url: '/api/v1/nodes/db1/facts', headers: bearer(both.token) });
  t.not(facts.statusCode, 403, 'viewer (every node) may read db1\'s facts');

  const db = await make('db-reader', ['dbread']);
  const refused = await app.inject({ url: '/api/v1/nodes/web1/facts', headers: bearer(db.token) });
  t.equal(refused.statusCode, 403, 'a query naming a node outside the role\'s targets');
  t.match(refused.json(), { code: 'CAPSTAN_ERR_AUTH_TARGET_OUTSIDE_SCOPE', capability: 'info.facts', targets: ['web1'] });
  const invoked = await app.inject({
    method: 'POST', url: '/api/v1/capabilities/info.facts/invoke', headers: bearer(db.token), payload: { node: 'web2' },
  });
  t.equal(invoked.statusCode, 403, 'the generic invoke is checked the same way');
  t.not((await app.inject({ url: '/api/v1/nodes/db1/facts', headers: bearer(db.token) })).statusCode, 403, 'inside: allowed');
});

t.test('plans reach beyond their targets: only a principal with the capability on every node runs them', async (t) => {
  const { app, make, settle } = await scopeApp(t);
  const plan = (token: string, targets: string[]) => app.inject({
    method: 'POST', url: '/api/v1/executions', headers: bearer(token),
    payload: { capability: 'plan.execute', targets, params: { plan: 'deploy::rolling', parameters: { db_targets: 'db*' } } },
  });
  const before = plans;
  const scoped = await make('web-planner', ['operator'], ['web']);
  const refused = await plan(scoped.token, ['web1']);
  t.equal(refused.statusCode, 403, 'a scoped token, even with targets inside its scope: the plan\'s code could reach db1');
  t.match(refused.json(), { code: 'CAPSTAN_ERR_AUTH_TARGET_OUTSIDE_SCOPE', capability: 'plan.execute' });
  t.match(refused.json().detail, /every node/);
  const limitedRole = await make('webops-planner', ['webops', 'viewer']);
  t.equal((await plan(limitedRole.token, ['web1'])).statusCode, 403, 'a role limited to targets (webops grants no plan.execute anyway)');
  t.equal(plans, before, 'no refused plan reached the runner');
  const unlimited = await make('plain-operator', ['operator']);
  const free = await plan(unlimited.token, ['web1']);
  t.equal(free.statusCode, 202, 'an operator on every node runs plans');
  await settle(free.json().id);
  t.equal(plans, before + 1);
});

t.test('cancel needs the run\'s nodes in scope; the admin of a few nodes is no admin', async (t) => {
  const { app, run, make, settle } = await scopeApp(t);
  const started = await run(ADMIN, ['db1']);
  t.equal(started.statusCode, 202);
  await settle(started.json().id);
  const web = await make('web-operator', ['operator'], ['web']);
  const cancel = await app.inject({ method: 'POST', url: `/api/v1/executions/${started.json().id}/cancel`, headers: bearer(web.token) });
  t.equal(cancel.statusCode, 403, 'a run on db1 is not the web operator\'s to cancel (403 before the 409 of an ended run)');
  t.same(cancel.json().targets, ['db1']);

  const webAdmin = await make('web-admin', ['admin'], ['web*']);
  const tokens = await app.inject({ url: '/api/v1/tokens', headers: bearer(webAdmin.token) });
  t.equal(tokens.statusCode, 403, 'token management needs * on every node');
  t.match(tokens.json().detail, /limited to targets/);
  t.equal((await run(webAdmin.token, ['web1'])).statusCode, 202, 'runs inside its scope');
});

t.test('PATCH /api/v1/tokens/{id}: roles, scope and expiry change at once; bad changes are 400s', async (t) => {
  const { app, run, make, settle } = await scopeApp(t);
  const tok = await make('movable', ['operator'], ['web1']);
  const patch = (id: string, payload: unknown, token = ADMIN) =>
    app.inject({ method: 'PATCH', url: `/api/v1/tokens/${id}`, headers: bearer(token), payload: payload as object });
  const moved = await patch(tok.id, { scope: ['db1'] });
  t.equal(moved.statusCode, 200);
  t.match(moved.json(), { id: tok.id, roles: ['operator'], scope: ['db1'] });
  t.notOk('token' in moved.json(), 'the secret is never answered again');
  t.equal((await run(tok.token, ['web1'])).statusCode, 403, 'the new scope applies to the next request');
  const db = await run(tok.token, ['db1']);
  t.equal(db.statusCode, 202);
  await settle(db.json().id);

  const viewer = await patch(tok.id, { roles: ['viewer'], scope: null });
  t.match(viewer.json(), { roles: ['viewer'], scope: null });
  t.same((await run(tok.token, ['db1'])).json().missingPermissions, ['command.execute'], 'the role change applies');

  const unknownRole = await patch(tok.id, { roles: ['root'] });
  t.equal(unknownRole.statusCode, 400);
  t.same(unknownRole.json().errors.map((e: { pointer: string }) => e.pointer), ['/roles/0']);
  t.equal((await patch(tok.id, {})).statusCode, 400, 'an empty change');
  t.equal((await patch(tok.id, { expiresAt: '2001-01-01T00:00:00Z' })).statusCode, 400, 'an expiry in the past');
  t.equal((await patch(tok.id, { secret: 'x' })).statusCode, 400, 'unknown fields');
  t.equal((await patch('no-such-token', { roles: ['viewer'] })).statusCode, 404);
  t.equal((await patch(tok.id, { roles: ['admin'] }, WEB_OPS)).statusCode, 403, 'only admins change tokens');
  const custom = await patch(tok.id, { roles: ['webops'] });
  t.equal(custom.statusCode, 200, 'custom roles of the config are accepted');

  const audit = await app.inject({ url: '/api/v1/audit?action=token.updated', headers: bearer(ADMIN) });
  t.equal(audit.statusCode, 200);
  const rows = audit.json().items as { tokenId: string; principal: string; detail: string }[];
  t.equal(rows.length, 3, 'each accepted change is audited (the refused ones are not changes)');
  t.ok(rows.every((r) => r.tokenId === tok.id && r.principal === 'admin'));
  t.match(JSON.parse(rows[rows.length - 1].detail), { changed: { scope: { from: ['web1'], to: ['db1'] } } }, 'the oldest row: the scope change, before and after');
  t.notMatch(audit.body, tok.token, 'never the secret');
});

t.test('config: custom roles cannot take built-in names; tokens must name known roles', async (t) => {
  const base = { env: {}, overrides: { dataDir: tempDir() } };
  t.throws(() => loadConfig({ ...base, overrides: { ...base.overrides, roles: { admin: { permissions: ['risk:read'] } } } }), /roles\/admin: 'admin' is a built-in role/);
  t.throws(() => loadConfig({ ...base, overrides: { ...base.overrides, tokens: [{ name: 'x', token: 'a-long-enough-token', roles: ['ghost'] }] } }), /tokens\/0\/roles: no role named 'ghost'/);
  t.throws(() => loadConfig({ ...base, overrides: { ...base.overrides, roles: { bad: { permissions: ['rm -rf'] } } } }), /roles/);
  const ok = loadConfig({ ...base, overrides: { ...base.overrides, roles: { webops: { permissions: ['command.*'], targets: ['web*'] } } } });
  t.same(ok.roles.webops.targets, ['web*']);
});
