/**
 * The bolt plugin's inventory snapshots follow its cache: every `bolt inventory show` the cache keeps is one
 * version, so within the TTL reads are "not modified" and the server's merged view is reused; with a TTL of
 * 0 each read is a new snapshot (a new bolt call, a new view), still correct.
 */
import t from 'tap';
import { buildTestApp } from '../../../../test/helper.js';
import { boltOverrides, calls, teardownOf, writeProject } from './fixtures/helpers.js';

t.test('within the TTL one snapshot serves every read; TTL 0 makes each read a new snapshot', async (t) => {
  const project = writeProject(t.testdir());
  const app = await buildTestApp(teardownOf(t), boltOverrides(project));
  const list = async (params: Record<string, unknown> = {}) => (await app.inject({ method: 'POST', url: '/api/v1/capabilities/inventory.list/invoke?provider=bolt', payload: params })).json().result;
  const v = (await list()).version;
  t.type(v, 'string');
  t.same(await list({ ifNoneMatch: v }), { nodes: [], version: v, notModified: true });
  const builds = app.inventory.nodeViews.builds;
  for (let i = 0; i < 3; i++) t.equal((await app.inject({ url: '/api/v1/inventory' })).json().items.length, 6);
  t.ok(app.inventory.nodeViews.builds <= builds + 1, 'one view for the reads within the TTL');
  t.equal(calls(project, /^inventory show/).length, 1, 'one bolt call');

  const uncached = writeProject(t.testdir());
  const app2 = await buildTestApp(teardownOf(t), boltOverrides(uncached, { inventoryTtlSeconds: 0, inventoryStaleSeconds: 0 }));
  const before = app2.inventory.nodeViews.builds;
  for (let i = 0; i < 3; i++) t.equal((await app2.inject({ url: '/api/v1/inventory?group=web' })).statusCode, 200);
  t.equal(calls(uncached, /^inventory show/).length, 3, 'ttl 0: one bolt call per read');
  t.equal(app2.inventory.nodeViews.builds, before + 3, 'and a new view each time');
});
