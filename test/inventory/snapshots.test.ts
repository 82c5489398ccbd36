/**
 * Per-source snapshots: an unchanged source answers "not modified" and the merged view is reused; a new
 * version (or a source joining or dropping out) rebuilds it; a source without versions is read in full each
 * time; a failing source is still reported and contributes nothing; new data is validated in full; keyset
 * pages stay exact when a source changes between pages.
 */
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { inventoryGroups, inventoryList } from '../../src/capabilities/index.js';
import { Errors } from '../../src/core/errors.js';
import type { NativePluginOptions, PluginModule } from '../../src/core/loader.js';
import { BasePlugin, implement, type PluginCapability } from '../../src/core/types.js';
import { buildTestApp } from '../helper.js';

interface Source {
  names: string[];
  /** undefined: the source gives no versions. */
  version?: string;
  fail?: boolean;
  /** Answers notModified whatever it is asked (a broken source). */
  liar?: boolean;
  /** Puts an invalid node in its full answers. */
  invalid?: boolean;
  full: number;
  notModified: number;
}

function source(id: string, s: Source, priority = 50): PluginModule {
  class P extends BasePlugin {
    readonly metadata = { name: id, version: '1.0.0', description: id, integrationTypes: ['inventory' as const] };
    capabilities(): PluginCapability<any, any>[] {
      return [
        implement(inventoryList, async (p) => {
          if (s.fail) throw new Errors.Connect(`${id} is down`);
          if (s.liar || (s.version !== undefined && p.ifNoneMatch === s.version)) {
            s.notModified++;
            return { nodes: [], version: s.liar ? 'v-unknown' : s.version, notModified: true };
          }
          s.full++;
          const nodes = s.names.map((n) => ({ id: n, name: n, groups: ['all', `grp-${id}`], transport: 'ssh', sources: [{ source: id, id: n }] }));
          if (s.invalid) (nodes[0] as any).groups = 'not-a-list';
          return { nodes, ...(s.version !== undefined ? { version: s.version } : {}) };
        }, { priority }),
        implement(inventoryGroups, async (p) => {
          if (s.fail) throw new Errors.Connect(`${id} is down`);
          if (s.version !== undefined && p.ifNoneMatch === s.version) return { groups: [], version: s.version, notModified: true };
          return { groups: [{ name: `grp-${id}`, targets: s.names, sources: [id] }], ...(s.version !== undefined ? { version: s.version } : {}) };
        }, { priority }),
      ];
    }
  }
  return {
    manifest: { id, version: '1.0.0', description: id, provides: ['inventory.list', 'inventory.groups'], configSchema: Type.Object({}), enabledByDefault: true },
    default: async (_app: FastifyInstance, opts: NativePluginOptions) => opts.host.add(new P()),
  };
}

const src = (names: string[], version?: string): Source => ({ names, version, full: 0, notModified: 0 });
const ctx = (app: FastifyInstance) => ({ correlationId: 'x', principal: { id: 't', permissions: ['*'] }, debug: false, signal: new AbortController().signal, logger: app.log as never, emit: () => {} });
const names = (body: any) => body.items.map((n: any) => n.name);

t.test('an unchanged source answers notModified; the merged view is built once per set of versions', async (t) => {
  const a = src(['web1', 'web2'], 'a1');
  const b = src(['web2', 'db1'], 'b1');
  const app = await buildTestApp(t, {}, { plugins: [source('alpha', a, 60), source('beta', b)] });
  for (let i = 0; i < 5; i++) {
    const body = (await app.inject({ url: '/api/v1/inventory' })).json();
    t.same(names(body), ['db1', 'web1', 'web2']);
    t.same(body.items[2].sources.map((s: any) => s.source), ['alpha', 'beta'], 'linked by name, priority order');
  }
  t.equal(a.full, 1, 'one full answer from alpha');
  t.equal(a.notModified, 4, 'then "not modified"');
  t.equal(app.inventory.nodeViews.builds, 1, 'one merged view for five reads');
  t.equal((await app.inject({ url: '/api/v1/inventory/nodes/db1' })).json().name, 'db1');
  t.equal(app.inventory.nodeViews.builds, 1, 'one node is a lookup in the same view');

  b.names = ['web2', 'db1', 'db2'];
  b.version = 'b2';
  t.same(names((await app.inject({ url: '/api/v1/inventory' })).json()), ['db1', 'db2', 'web1', 'web2'], 'a new version is read');
  t.equal(app.inventory.nodeViews.builds, 2);
  t.equal(b.full, 2);

  // Target resolution uses the same views (nodes and groups).
  const resolved = await app.inventory.resolveTargets(['grp-beta', 'web1'], ctx(app));
  t.same(resolved.map((n) => n.name).sort(), ['db1', 'db2', 'web1', 'web2']);
  await app.inventory.resolveTargets(['grp-alpha'], ctx(app));
  t.equal(app.inventory.groupViews.builds, 1, 'groups view reused by the next resolution');
  t.equal(app.inventory.nodeViews.builds, 2);
});

t.test('a source without versions is read in full each time and stays correct', async (t) => {
  const a = src(['n1', 'n2']);
  const app = await buildTestApp(t, {}, { plugins: [source('alpha', a)] });
  t.same(names((await app.inject({ url: '/api/v1/inventory' })).json()), ['n1', 'n2']);
  a.names = ['n1', 'n3'];
  t.same(names((await app.inject({ url: '/api/v1/inventory' })).json()), ['n1', 'n3']);
  t.equal(a.full, 2);
  t.equal(a.notModified, 0);
  t.equal(app.inventory.nodeViews.builds, 2);
});

t.test('a failing source is reported and contributes nothing; its return rebuilds the view', async (t) => {
  const a = src(['web1'], 'a1');
  const b = src(['db1'], 'b1');
  const app = await buildTestApp(t, {}, { plugins: [source('alpha', a), source('beta', b)] });
  t.same(names((await app.inject({ url: '/api/v1/inventory' })).json()), ['db1', 'web1']);
  b.fail = true;
  const down = (await app.inject({ url: '/api/v1/inventory' })).json();
  t.same(names(down), ['web1'], 'a failing source contributes no nodes (as before snapshots)');
  const status = Object.fromEntries(down.sources.map((s: any) => [s.source, s]));
  t.equal(status.alpha.status, 'ok');
  t.equal(status.beta.status, 'error');
  t.equal(status.beta.error.category, 'unavailable');
  t.equal((await app.inject({ url: '/api/v1/inventory/nodes/db1' })).statusCode, 404);
  b.fail = false;
  t.same(names((await app.inject({ url: '/api/v1/inventory' })).json()), ['db1', 'web1'], 'back with its held snapshot');
  t.equal(b.full, 1, 'its unchanged snapshot was not sent again');
  t.equal(app.inventory.nodeViews.builds, 3);
});

t.test('new data is validated in full; notModified for a version the server does not hold is an error', async (t) => {
  const a = src(['web1'], 'a1');
  const b = src(['db1'], 'b1');
  const app = await buildTestApp(t, {}, { plugins: [source('alpha', a), source('beta', b)] });
  await app.inject({ url: '/api/v1/inventory' });
  b.invalid = true;
  b.version = 'b2';
  const bad = (await app.inject({ url: '/api/v1/inventory' })).json();
  t.same(names(bad), ['web1']);
  t.equal(bad.sources.find((s: any) => s.source === 'beta').error.code, 'CAPSTAN_ERR_CAPABILITY_RESULT_INVALID');
  b.invalid = false;
  b.liar = true;
  const lied = (await app.inject({ url: '/api/v1/inventory' })).json();
  t.same(names(lied), ['web1']);
  t.match(lied.sources.find((s: any) => s.source === 'beta').error.detail, /notModified for version "v-unknown"/);
});

t.test('keyset pages stay exact when a source changes between pages', async (t) => {
  const a = src(['a', 'b', 'c', 'd', 'e', 'f', 'g'], 'v1');
  const app = await buildTestApp(t, {}, { plugins: [source('alpha', a)] });
  const p1 = (await app.inject({ url: '/api/v1/inventory?limit=3' })).json();
  t.same(names(p1), ['a', 'b', 'c']);
  a.names = ['a', 'bb', 'c', 'd', 'ee', 'f', 'g'];
  a.version = 'v2';
  const seen = names(p1);
  let cursor = p1.nextCursor;
  while (cursor) {
    const p = (await app.inject({ url: `/api/v1/inventory?limit=3&cursor=${cursor}` })).json();
    seen.push(...names(p));
    cursor = p.nextCursor;
  }
  t.same(seen, ['a', 'b', 'c', 'd', 'ee', 'f', 'g'], 'no duplicate, nothing present in both snapshots missed');
  const g1 = (await app.inject({ url: '/api/v1/inventory/groups?limit=1' })).json();
  t.same(g1.items.map((g: any) => g.name), ['grp-alpha']);
  t.equal(g1.nextCursor, null);
  t.equal((await app.inject({ url: '/api/v1/inventory?cursor=bogus' })).statusCode, 400);
});
