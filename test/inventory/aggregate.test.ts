/**
 * Nodes seen by several inventory sources are one node (linked by name) with every source and its own id;
 * groups merge by name; targets expand like Bolt's --targets; one failing source never fails the read.
 */
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { inventoryGroups, inventoryList } from '../../src/capabilities/index.js';
import { Errors } from '../../src/core/errors.js';
import type { NativePluginOptions, PluginModule } from '../../src/core/loader.js';
import { BasePlugin, implement, type PluginCapability } from '../../src/core/types.js';
import { mergeNodes } from '../../src/inventory/aggregate.js';
import { buildTestApp } from '../helper.js';

type NodeIn = { name: string; groups: string[]; transport?: string; uri?: string; id?: string };

function source(id: string, nodes: NodeIn[] | 'fail', groups: { name: string; targets: string[]; groups?: string[] }[] = [], priority = 50): PluginModule {
  class P extends BasePlugin {
    readonly metadata = { name: id, version: '1.0.0', description: id, integrationTypes: ['inventory' as const] };
    capabilities(): PluginCapability<any, any>[] {
      return [
        implement(inventoryList, async () => {
          if (nodes === 'fail') throw new Errors.Connect(`${id} is down`);
          return { nodes: nodes.map((n) => ({ id: n.name, name: n.name, groups: n.groups, transport: n.transport, uri: n.uri, sources: [{ source: id, id: n.id ?? n.name }] })) };
        }, { priority }),
        implement(inventoryGroups, async () => ({ groups: groups.map((g) => ({ ...g, sources: [id] })) }), { priority }),
      ];
    }
  }
  return {
    manifest: { id, version: '1.0.0', description: id, provides: ['inventory.list', 'inventory.groups'], configSchema: Type.Object({}), enabledByDefault: true },
    default: async (_app: FastifyInstance, opts: NativePluginOptions) => opts.host.add(new P()),
  };
}

t.test('mergeNodes links by name: sources and groups united, first source wins scalars', async (t) => {
  const merged = mergeNodes([
    [{ id: 'web1', name: 'web1', groups: ['web'], transport: 'ssh', sources: [{ source: 'bolt', id: 'web1' }] }],
    [{ id: 'web1', name: 'web1', groups: ['prod'], transport: 'winrm', uri: 'pcp://web1', sources: [{ source: 'puppetdb', id: 'web1.example.com' }] },
      { id: 'db1', name: 'db1', groups: [], sources: [{ source: 'puppetdb', id: 'db1' }] }],
  ]);
  t.same(merged.map((n) => n.name), ['db1', 'web1']);
  const web1 = merged[1];
  t.same(web1.sources, [{ source: 'bolt', id: 'web1' }, { source: 'puppetdb', id: 'web1.example.com' }]);
  t.same(web1.groups, ['web', 'prod']);
  t.equal(web1.transport, 'ssh', 'higher-priority source wins');
  t.equal(web1.uri, 'pcp://web1', 'missing scalars filled from the other source');
});

t.test('GET /api/v1/inventory merges sources, reports each, survives a failing one', async (t) => {
  const app = await buildTestApp(t, {}, {
    plugins: [
      source('alpha', [{ name: 'web1', groups: ['web'] }, { name: 'web2', groups: ['web'] }], [{ name: 'web', targets: ['web1', 'web2'] }], 60),
      source('beta', [{ name: 'web1', groups: ['prod'], id: 'web1.example.com' }, { name: 'db1', groups: ['prod'] }], [{ name: 'prod', targets: ['web1', 'db1'], groups: ['web'] }]),
      source('gamma', 'fail'),
    ],
  });
  const res = await app.inject({ url: '/api/v1/inventory' });
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.same(body.items.map((n: any) => n.name), ['db1', 'web1', 'web2']);
  t.same(body.items[1].sources, [{ source: 'alpha', id: 'web1' }, { source: 'beta', id: 'web1.example.com' }]);
  const status = Object.fromEntries(body.sources.map((s: any) => [s.source, s.status]));
  t.same(status, { alpha: 'ok', beta: 'ok', gamma: 'error' });
  t.equal(body.sources.find((s: any) => s.source === 'gamma').error.category, 'unavailable');
  const one = (await app.inject({ url: '/api/v1/inventory/nodes/web1' })).json();
  t.equal(one.sources.length, 2);
  t.same((await app.inject({ url: '/api/v1/inventory?source=beta' })).json().items.map((n: any) => n.name), ['db1', 'web1']);
  t.same((await app.inject({ url: '/api/v1/inventory?name=web*&group=web' })).json().items.map((n: any) => n.name), ['web1', 'web2']);
  const p1 = (await app.inject({ url: '/api/v1/inventory?limit=2' })).json();
  const p2 = (await app.inject({ url: `/api/v1/inventory?limit=2&cursor=${p1.nextCursor}` })).json();
  t.same([...p1.items, ...p2.items].map((n: any) => n.name), ['db1', 'web1', 'web2']);
  t.equal(p2.nextCursor, null);
  const groups = (await app.inject({ url: '/api/v1/inventory/groups' })).json();
  t.same(groups.items.map((g: any) => g.name), ['prod', 'web']);
  // Targets: a group expands to its members and its child groups' members, without duplicates.
  const nodes = await app.inventory.resolveTargets(['prod', 'web1'], { correlationId: 'x', principal: { id: 't', permissions: ['*'] }, debug: false, signal: new AbortController().signal, logger: app.log as never, emit: () => {} });
  t.same(nodes.map((n) => n.name).sort(), ['db1', 'web1', 'web2']);
});
