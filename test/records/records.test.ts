/**
 * Record resources over fake providers: query switches, filters, alerts' actions, single reads with fallback
 * and 404, packages. The aggregate lists are in record-aggregates.test.ts, the execution-mode record routes in
 * record-executions.test.ts.
 */
import t from 'tap';
import { get, post, setup } from './fixtures/http.js';

t.test('reports: query criteria switch to reports.query; node joins nodes', async (t) => {
  const { app, world } = await setup(t, ['puppetdb', 'chef']);
  const { status, body } = await get(app, '/api/v1/reports?status=failed&node=db1.example.com');
  t.equal(status, 200);
  t.ok(body.items.length > 0 && body.items.every((r: any) => r.status === 'failed' && r.node === 'db1.example.com'));
  t.equal(world.count('puppetdb', 'reports.query'), 1, 'reports.query asked');
  t.equal(world.count('puppetdb', 'reports.list'), 0, 'reports.list not asked');
  t.equal((await get(app, '/api/v1/reports?status=exploded')).status, 400, 'status outside the contract enum');
});

t.test('events: severities filter (events.query) and minSeverity (events.list)', async (t) => {
  const { app, world } = await setup(t, ['puppetdb', 'chef']);
  const q = await get(app, '/api/v1/events?severities=error&severities=warning');
  t.ok(q.body.items.length > 0 && q.body.items.every((e: any) => ['error', 'warning'].includes(e.severity)));
  t.equal(world.count('chef', 'events.query'), 1);
  t.equal((await get(app, '/api/v1/events?minSeverity=loud')).status, 400);
});

t.test('alerts: labels as deepObject, get with fallback, acknowledge and resolve at the owning source, subscribe', async (t) => {
  const { app, world } = await setup(t, ['alertmanager', 'zabbix']);
  const byLabel = await get(app, '/api/v1/alerts?labels[team]=db&severity=warning');
  t.equal(byLabel.status, 200);
  t.same(byLabel.body.items.map((a: any) => `${a.name}@${a.source}`), ['MysqlReplicationLag@alertmanager', 'SwapUsage@zabbix'], 'both sources filtered by label and severity');

  const one = await get(app, '/api/v1/alerts/zabbix-6f1e2d3d');
  t.match(one, { status: 200, body: { alert: { id: 'zabbix-6f1e2d3d', source: 'zabbix' } } });
  const missing = await get(app, '/api/v1/alerts/no-such-alert');
  t.match(missing, { status: 404, body: { code: 'CAPSTAN_ERR_RECORD_NOT_FOUND', category: 'not_found', capability: 'alert.get' } });

  const ack = await post(app, '/api/v1/alerts/zabbix-6f1e2d3d/acknowledge', { comment: 'swap tuned', durationSeconds: 3600 });
  t.match(ack, { status: 200, body: { alert: { state: 'acknowledged', acknowledgement: { by: 'anonymous', comment: 'swap tuned' } } } });
  t.equal(world.count('zabbix', 'alert.acknowledge'), 1, 'sent to the source that raised it');
  t.equal(world.count('alertmanager', 'alert.acknowledge'), 0);
  t.equal((await post(app, '/api/v1/alerts/zabbix-6f1e2d3d/acknowledge', { durationSeconds: 5 })).status, 400, 'durationSeconds below the contract minimum');
  t.equal((await post(app, '/api/v1/alerts/no-such-alert/acknowledge', {})).status, 404);

  const resolved = await post(app, '/api/v1/alerts/alertmanager-6f1e2d3c/resolve');
  t.match(resolved, { status: 200, body: { alert: { state: 'firing', source: 'alertmanager' } } }, 'a bare POST is an empty body; the acknowledgement taken back');

  const sub = await post(app, '/api/v1/alerts/subscriptions', { receiverUrl: 'https://chatops.example.com/hooks/alerts', filter: { severity: ['critical'] } });
  t.match(sub, { status: 201, body: { subscription: { receiverUrl: 'https://chatops.example.com/hooks/alerts', source: 'capstan', signed: false } } });
  const badSub = await post(app, '/api/v1/alerts/subscriptions', { receiverUrl: 'ftp://example.com/x' });
  t.match(badSub, { status: 400, body: { code: 'CAPSTAN_ERR_REQUEST_VALIDATION' } });
});

t.test('single reads: best provider, then the others on a miss; null everywhere -> 404 problem', async (t) => {
  const { app, world } = await setup(t);
  // Equal priority orders providers by name: chef answers first and does not know puppetdb's reports.
  t.match(await get(app, '/api/v1/reports/puppetdb-r002'), { status: 200, body: { report: { id: 'puppetdb-r002', source: 'puppetdb', logs: [{ level: 'notice' }] } } });
  t.equal(world.count('chef', 'reports.get'), 1, 'best provider asked first');
  for (const url of ['/api/v1/reports/nope', '/api/v1/deployments/nope', '/api/v1/provisioning/nope.example.com']) {
    const { status, type, body } = await get(app, url);
    t.equal(status, 404, url);
    t.match(type, /^application\/problem\+json/);
    t.match(body, { code: 'CAPSTAN_ERR_RECORD_NOT_FOUND', detail: /nope/ });
  }
  t.match(await get(app, '/api/v1/deployments/gitlab-dep-1001'), { status: 200, body: { deployment: { id: 'gitlab-dep-1001', source: 'gitlab' } } });
  t.match(await get(app, '/api/v1/provisioning/web3.example.com'), { status: 200, body: { resource: { name: 'web3.example.com', status: 'running' } } });
  t.match(await get(app, '/api/v1/provisioning/decommission/web1.example.com'), { status: 200, body: { node: 'web1.example.com', status: 'active' } });
  t.match(await get(app, '/api/v1/provisioning/decommission/ghost.example.com'), { status: 200, body: { status: 'unknown' } });

  // A source that could not be asked may hold the record: not a 404 (a script would take it as gone) but a 503
  // naming it; a record another source knows is still found.
  world.failing.add('puppetdb');
  for (const url of ['/api/v1/reports/nope', '/api/v1/reports/puppetdb-r002']) {
    t.match(await get(app, url), { status: 503, body: { code: 'CAPSTAN_ERR_CAPABILITY_NO_PROVIDER', sources: ['puppetdb'], detail: /could not be asked/ } }, url);
  }
  t.match(await get(app, '/api/v1/deployments/gitlab-dep-1001'), { status: 200 }, 'found at a source that answered');
  world.failing.delete('puppetdb');
});

t.test('packages: list and search over every source', async (t) => {
  const { app, world } = await setup(t, ['puppetdb', 'apt']);
  const list = await get(app, '/api/v1/packages?node=web1.example.com');
  t.equal(list.status, 200);
  t.equal(list.body.node, 'web1.example.com');
  t.same(list.body.items.map((p: any) => `${p.name}@${p.source}`), ['curl@apt', 'nginx@puppetdb', 'openssl@apt', 'openssl@puppetdb'], 'sorted by name, sources in priority order');
  t.equal(list.body.nextCursor, null);
  t.equal((await get(app, '/api/v1/packages')).status, 400, 'node is required');
  t.equal((await get(app, '/api/v1/packages?node=web1.example.com&status=broken')).status, 400);

  world.failing.add('puppetdb');
  const degraded = await get(app, '/api/v1/packages?node=web1.example.com');
  t.equal(degraded.status, 200);
  t.match(degraded.body.sources.find((s: any) => s.source === 'puppetdb'), { status: 'error' });

  const search = await get(app, '/api/v1/packages/search?q=nginx&limit=1');
  t.match(search, { status: 200, body: { items: [{ name: 'nginx', status: 'available', source: 'apt' }], nextCursor: null } });
  t.equal(search.body.items.length, 1, 'limit applies to the merged list');
  t.equal((await get(app, '/api/v1/packages/search')).status, 400, 'q is required');

  // The core's package provider (source `packages`, remote execution) always provides package.search, but only
  // for a node's repositories: with no other source, a search without `node` is a 400 pointing at it.
  const none = await setup(t, ['chef']);
  t.match(await get(none.app, '/api/v1/packages/search?q=x'), { status: 400, body: { code: 'CAPSTAN_ERR_REQUEST_VALIDATION', errors: [{ in: 'query', pointer: '/node' }] } });
  const unreachable = await get(none.app, '/api/v1/packages/search?q=x&node=web1.example.com');
  t.match(unreachable, { status: 404, body: { code: 'CAPSTAN_ERR_NODE_NOT_FOUND', node: 'web1.example.com' } }, 'with a node the package source is asked: no source knows it, a 404 and not an empty 200');
  t.match(await get(none.app, '/api/v1/packages?node=ghost.example.com'), { status: 404, body: { code: 'CAPSTAN_ERR_NODE_NOT_FOUND' } }, 'the same for a list');
});
