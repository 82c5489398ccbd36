/**
 * Every route that changes something checks the permission of what it does, for every kind of token: the
 * admin `token`, a named token with `*`, one with the capability, one with its family (`command.*`), one
 * with `risk:read` only, and one with another capability only. Denied calls are a 403 naming the missing
 * permission and change nothing; allowed ones answer as they do for an open API.
 */
import { join } from 'node:path';
import t from 'tap';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildTestApp, waitForExecution } from '../helper.js';
import { World, recordPlugins } from '../records/fixtures/providers.js';

const ADMIN = 'admin-token-mutating-0123456789';
const CAPABILITIES = [
  'command.execute', 'script.execute', 'info.refresh', 'alert.acknowledge', 'alert.resolve', 'alert.subscribe',
  'package.install', 'package.uninstall', 'package.update', 'deploy.execute', 'deploy.rollback', 'provision.create', 'decommission.execute', 'journal.note',
];
const FAMILIES = [...new Set(CAPABILITIES.map((c) => c.split('.')[0]))];
const secretOf = (name: string) => `tok-${name}-0123456789abcdef`;
const TOKENS = [
  { name: 'star', token: secretOf('star'), permissions: ['*'] },
  { name: 'reader', token: secretOf('reader'), permissions: ['risk:read'] },
  ...CAPABILITIES.map((c) => ({ name: `cap.${c}`, token: secretOf(`cap.${c}`), permissions: [c] })),
  ...FAMILIES.map((f) => ({ name: `family.${f}`, token: secretOf(`family.${f}`), permissions: [`${f}.*`] })),
];

/** The token kinds, each as (route capability) -> bearer secret; `allowed` says whether it may do it. */
const KINDS: { kind: string; token: (cap: string) => string; allowed: (risk: string) => boolean }[] = [
  { kind: 'admin token', token: () => ADMIN, allowed: () => true },
  { kind: 'named token with *', token: () => secretOf('star'), allowed: () => true },
  { kind: 'the capability', token: (cap) => secretOf(`cap.${cap}`), allowed: () => true },
  { kind: 'its family', token: (cap) => secretOf(`family.${cap.split('.')[0]}`), allowed: () => true },
  { kind: 'risk:read only', token: () => secretOf('reader'), allowed: (risk) => risk === 'read' },
  // Same family and risk for command.execute: only the exact name counts.
  { kind: 'another capability only', token: (cap) => secretOf(`cap.${cap === 'command.execute' ? 'script.execute' : 'command.execute'}`), allowed: () => false },
];

// Runs on localhost (local transport) need `*` whatever the capability (README: runs on the server itself), so
// the routes are tried on `remote`, an ssh node nothing listens for; admin's queued runs hold localhost.
const run = (command: string, target = 'remote') => ({ targets: [target], params: { command } });
const onRemote = (params: object) => ({ targets: ['remote'], params, timeoutSeconds: 60 });
const INVENTORY = 'targets:\n  - localhost\n  - { name: remote, uri: "127.0.0.1:1" }\n';

interface Route {
  label: string;
  capability: string;
  risk: string;
  status: number;
  /** The request; `queued` is a fresh queued command.execute run (for cancel). */
  request: (queued: string) => InjectOptions;
}

const ROUTES: Route[] = [
  { label: 'POST /executions', capability: 'command.execute', risk: 'execute', status: 202, request: () => ({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', ...run('true') } }) },
  { label: 'POST /executions/{id}/cancel', capability: 'command.execute', risk: 'execute', status: 202, request: (id) => ({ method: 'POST', url: `/api/v1/executions/${id}/cancel` }) },
  { label: 'POST /capabilities/command.execute/invoke', capability: 'command.execute', risk: 'execute', status: 202, request: () => ({ method: 'POST', url: '/api/v1/capabilities/command.execute/invoke', payload: run('true') }) },
  { label: 'POST /capabilities/alert.subscribe/invoke', capability: 'alert.subscribe', risk: 'write', status: 200, request: () => ({ method: 'POST', url: '/api/v1/capabilities/alert.subscribe/invoke', payload: { receiverUrl: 'https://hooks.example.com/a' } }) },
  { label: 'POST /nodes/{id}/facts', capability: 'info.refresh', risk: 'read', status: 200, request: () => ({ method: 'POST', url: '/api/v1/nodes/localhost/facts' }) },
  { label: 'POST /alerts/{id}/acknowledge', capability: 'alert.acknowledge', risk: 'write', status: 200, request: () => ({ method: 'POST', url: '/api/v1/alerts/alertmanager-6f1e2d3c/acknowledge', payload: { comment: 'on it' } }) },
  { label: 'POST /alerts/{id}/resolve', capability: 'alert.resolve', risk: 'write', status: 200, request: () => ({ method: 'POST', url: '/api/v1/alerts/zabbix-6f1e2d3c/resolve', payload: {} }) },
  { label: 'POST /alerts/subscriptions', capability: 'alert.subscribe', risk: 'write', status: 201, request: () => ({ method: 'POST', url: '/api/v1/alerts/subscriptions', payload: { receiverUrl: 'https://hooks.example.com/b' } }) },
  // The permission is checked before the lookup: allowed tokens get the 404 of an id nobody made.
  { label: 'DELETE /alerts/subscriptions/{id}', capability: 'alert.subscribe', risk: 'write', status: 404, request: () => ({ method: 'DELETE', url: '/api/v1/alerts/subscriptions/999999' }) },
  { label: 'POST /packages/install', capability: 'package.install', risk: 'write', status: 202, request: () => ({ method: 'POST', url: '/api/v1/packages/install', payload: onRemote({ packages: [{ name: 'nginx' }] }) }) },
  { label: 'POST /packages/uninstall', capability: 'package.uninstall', risk: 'write', status: 202, request: () => ({ method: 'POST', url: '/api/v1/packages/uninstall', payload: onRemote({ packages: ['telnet'] }) }) },
  { label: 'POST /packages/update', capability: 'package.update', risk: 'write', status: 202, request: () => ({ method: 'POST', url: '/api/v1/packages/update', payload: onRemote({ securityOnly: true }) }) },
  { label: 'POST /deployments', capability: 'deploy.execute', risk: 'write', status: 202, request: () => ({ method: 'POST', url: '/api/v1/deployments', payload: onRemote({ application: 'storefront', version: '2.14.2', environment: 'production' }) }) },
  { label: 'POST /deployments/{id}/rollback', capability: 'deploy.rollback', risk: 'write', status: 202, request: () => ({ method: 'POST', url: '/api/v1/deployments/jenkins-dep-1000/rollback', payload: onRemote({ application: 'storefront', environment: 'production' }) }) },
  { label: 'POST /provisioning', capability: 'provision.create', risk: 'admin', status: 202, request: () => ({ method: 'POST', url: '/api/v1/provisioning', payload: onRemote({ name: 'web3.example.com', template: 'ubuntu-22.04' }) }) },
  { label: 'POST /nodes/{id}/journal/notes', capability: 'journal.note', risk: 'write', status: 201, request: () => ({ method: 'POST', url: '/api/v1/nodes/remote/journal/notes', payload: { text: 'rebooted by hand' } }) },
  { label: 'POST /provisioning/decommission', capability: 'decommission.execute', risk: 'admin', status: 202, request: () => ({ method: 'POST', url: '/api/v1/provisioning/decommission', payload: onRemote({ action: 'deregister' }) }) },
];

/** POST routes that only read (the body carries a query): checked on their own below. */
const READ_POSTS = ['/query'];

/** Token management: admin only (`*`), checked for every role in test/api/tokens.test.ts. */
const ADMIN_ONLY = ['/tokens', '/tokens/{id}'];

/** Stream tickets change nothing: they need what reading the stream needs (any valid token), checked in test/api/stream-tickets.test.ts. */
const READ_TICKETS = ['/executions/{id}/stream-ticket', '/events/stream-ticket', '/journal/stream-ticket', '/alerts/stream-ticket'];

const as = (token: string) => ({ authorization: `Bearer ${token}` });

async function admin(app: FastifyInstance, opts: InjectOptions) {
  return app.inject({ ...opts, headers: { ...as(ADMIN), ...(opts.headers ?? {}) } });
}

t.test('the route table covers every mutating route the server has', async (t) => {
  const dir = t.testdir({ 'inventory.yaml': INVENTORY });
  const app = await buildTestApp(t, { plugins: { ssh: { inventoryFile: join(dir, 'inventory.yaml'), connectTimeoutSeconds: 2 } } }, { extraPlugins: recordPlugins(new World()) });
  const doc = (await app.inject({ url: '/openapi.json' })).json();
  const mutating = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
    .flatMap(([path, ops]) => Object.keys(ops).filter((m) => ['post', 'put', 'patch', 'delete'].includes(m)).map(() => path.replace(/^\/api\/v1/, '')));
  const covered = new Set(ROUTES.map((r) => r.label.replace(/^(POST|DELETE) /, '').replace(/\/capabilities\/[a-z.]+\/invoke$/, '/capabilities/{name}/invoke')));
  // POST /query is a read (its body carries the query): its own check is in the test below.
  t.same(mutating.filter((p) => !covered.has(p) && !READ_POSTS.includes(p) && !ADMIN_ONLY.includes(p) && !READ_TICKETS.includes(p)), [], 'no mutating route is left out');
});

t.test('every mutating route checks the permission of what it does, for every token kind', async (t) => {
  const world = new World();
  const dir = t.testdir({ 'inventory.yaml': INVENTORY });
  const app = await buildTestApp(t, { token: ADMIN, tokens: TOKENS, plugins: { ssh: { inventoryFile: join(dir, 'inventory.yaml'), connectTimeoutSeconds: 2 } } }, { extraPlugins: recordPlugins(world) });
  const executionCount = async () => (await admin(app, { url: '/api/v1/executions?limit=500' })).json().items.length;
  const worldCalls = () => [...world.calls.values()].reduce((a, b) => a + b, 0);
  // Holds localhost (one mutating run per node), so every run submitted below stays queued and cancelable.
  const blocker = (await admin(app, { method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', ...run('sleep 120', 'localhost') } })).json();
  const queued = async () => {
    const res = await admin(app, { method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', ...run('echo never', 'localhost') } });
    if (res.json().status !== 'queued') throw new Error(`expected a queued run: ${res.body}`);
    return res.json().id as string;
  };

  for (const r of ROUTES) {
    await t.test(r.label, async (t) => {
      for (const k of KINDS) {
        const id = await queued();
        const before = { executions: await executionCount(), calls: worldCalls() };
        const res = await app.inject({ ...r.request(id), headers: as(k.token(r.capability)) });
        if (k.allowed(r.risk)) {
          t.equal(res.statusCode, r.status, `${k.kind}: allowed (${res.body.slice(0, 200)})`);
        } else {
          t.equal(res.statusCode, 403, `${k.kind}: 403`);
          t.match(res.json(), { code: 'CAPSTAN_ERR_AUTH_FORBIDDEN', missingPermissions: [r.capability] }, `${k.kind}: names ${r.capability}`);
          t.same({ executions: await executionCount(), calls: worldCalls() }, before, `${k.kind}: nothing was submitted or called`);
        }
        const state = (await admin(app, { url: `/api/v1/executions/${id}` })).json();
        if (r.label.endsWith('/cancel')) t.equal(state.status, k.allowed(r.risk) ? 'canceled' : 'queued', `${k.kind}: the run's state`);
        if (state.status === 'queued') await admin(app, { method: 'POST', url: `/api/v1/executions/${id}/cancel` });
      }
    });
  }

  await t.test('POST /query (query.native, a read) needs * itself: no risk grant, family or other capability gives it', async (t) => {
    const query = (token: string) => app.inject({ method: 'POST', url: '/api/v1/query', headers: as(token), payload: { query: 'nodes[certname] {}' } });
    for (const token of [secretOf('reader'), secretOf('cap.command.execute'), secretOf('family.command')]) {
      const res = await query(token);
      t.equal(res.statusCode, 403);
      t.match(res.json(), { code: 'CAPSTAN_ERR_AUTH_FORBIDDEN', missingPermissions: ['*'] });
    }
    // Allowed, it reaches the registry: no plugin of this app provides query.native (501).
    for (const token of [ADMIN, secretOf('star')]) t.equal((await query(token)).statusCode, 501);
  });

  await t.test('cancel follows the run\'s capability, not the route', async (t) => {
    // Submitted by admin on localhost, behind the blocker: it stays queued until canceled.
    const pkg = (await admin(app, { method: 'POST', url: '/api/v1/packages/install', payload: { ...onRemote({ packages: [{ name: 'nginx' }] }), targets: ['localhost'] } })).json();
    const cancel = (token: string) => app.inject({ method: 'POST', url: `/api/v1/executions/${pkg.id}/cancel`, headers: as(token) });
    t.match((await cancel(secretOf('cap.command.execute'))).json(), { status: 403, missingPermissions: ['package.install'] });
    t.equal((await cancel(secretOf('family.package'))).statusCode, 202);
    const done = (await admin(app, { url: `/api/v1/executions/${pkg.id}` })).json();
    t.equal(done.status, 'canceled');
    t.match(done.reason, /canceled by family\.package \(request /, 'the reason names who canceled');
    t.equal((await cancel(secretOf('reader'))).statusCode, 403, 'the permission is checked before the state (403 before 409)');
  });

  // Nothing left behind: cancel what is still queued or running, the blocker last.
  const open = (await admin(app, { url: '/api/v1/executions?status=queued&status=running&limit=500' })).json().items;
  for (const e of [...open.filter((x: any) => x.id !== blocker.id), blocker]) await admin(app, { method: 'POST', url: `/api/v1/executions/${e.id}/cancel` });
  for (const e of open) await waitForExecution({ inject: (o: InjectOptions) => admin(app, o) } as unknown as FastifyInstance, e.id);
});
