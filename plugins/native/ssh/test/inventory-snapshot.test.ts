/**
 * The ssh plugin's inventory snapshots: the file is parsed again only when it changed (mtime, size, inode),
 * each parse is a new version, an unchanged one answers "not modified"; a broken edit makes the source
 * unhealthy (reported per source, as before) until the file is mended. No connection is made.
 */
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { buildTestApp } from '../../../../test/helper.js';

const yaml = (names: string[]) => `version: 2\ngroups:\n  - name: web\n    targets:\n${names.map((n) => `      - ${n}\n`).join('')}`;

t.test('inventory file: versions follow the file, unchanged reads are "not modified", a broken edit is reported until mended', async (t) => {
  const file = join(t.testdir(), 'inventory.yaml');
  writeFileSync(file, yaml(['web1.example.com', 'web2.example.com']));
  const app = await buildTestApp(t, { plugins: { ssh: { inventoryFile: file } } } as never);
  const list = async (params: Record<string, unknown> = {}) => (await app.inject({ method: 'POST', url: '/api/v1/capabilities/inventory.list/invoke', payload: params })).json().result;
  const names = async () => (await app.inject({ url: '/api/v1/inventory' })).json().items.map((n: any) => n.name);

  const first = await list();
  t.match(first.version, /^[\w-]+\.1$/, 'a version with a per-instance part and a generation');
  t.same(await list({ ifNoneMatch: first.version }), { nodes: [], version: first.version, notModified: true });
  t.equal((await list({ ifNoneMatch: 'other' })).nodes.length, 2, 'another version gets the whole list');
  t.same((await list({ groups: ['web'] })).nodes.length, 2, 'filters still apply');
  t.same(await names(), ['web1.example.com', 'web2.example.com']);
  const builds = app.inventory.nodeViews.builds;

  await app.integrations.checkAll();
  t.equal((await list()).version, first.version, 'health check of an unchanged file: no new snapshot');
  await names();
  t.equal(app.inventory.nodeViews.builds, builds, 'and no new view');

  writeFileSync(file, yaml(['web1.example.com', 'web3.example.com']));
  const later = new Date(Date.now() + 5000);
  utimesSync(file, later, later);
  await app.integrations.checkAll();
  const second = await list();
  t.not(second.version, first.version, 'an edited file is a new version');
  t.same(await names(), ['web1.example.com', 'web3.example.com']);
  t.equal(app.inventory.nodeViews.builds, builds + 1);
  t.equal((await app.inject({ url: '/api/v1/inventory/nodes/web2.example.com' })).statusCode, 404);

  writeFileSync(file, 'version: 2\ngroups: [ {name: BAD NAME} ]\n');
  const later2 = new Date(Date.now() + 10_000);
  utimesSync(file, later2, later2);
  await app.integrations.checkAll();
  const plugin = (await app.inject({ url: '/api/v1/plugins/ssh' })).json();
  t.match(JSON.stringify(plugin), /unhealthy/, 'the health check reports the broken file');
  const down = (await app.inject({ url: '/api/v1/inventory' })).json();
  t.same(down.items, [], 'an unhealthy source contributes nothing (unchanged behaviour)');
  t.equal(down.sources[0].status, 'error');

  writeFileSync(file, yaml(['web1.example.com', 'web3.example.com']));
  const later3 = new Date(Date.now() + 15_000);
  utimesSync(file, later3, later3);
  await app.integrations.checkAll();
  t.same(await names(), ['web1.example.com', 'web3.example.com'], 'a mended file is served again');
  t.not((await list()).version, second.version, 'as a new snapshot');
});
