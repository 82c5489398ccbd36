/** Inventory across sources: nodes (filters, keyset pages, per-source status), one node, groups. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ref } from '../capabilities/common.js';
import { compileGlob } from '../core/glob.js';
import { pageByKey, problems, requestContext, defaulted } from './common.js';
import { GroupPage, NodeDetail, NodePage } from './schemas.js';

const Page = {
  limit: defaulted(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 1024 })),
};

export default async function inventoryRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/api/v1/inventory', {
    schema: {
      operationId: 'listNodes', tags: ['inventory'], summary: 'Nodes of every inventory source, linked by name',
      querystring: Type.Object({
        ...Page,
        name: Type.Optional(Type.String({ maxLength: 255, description: 'Glob on the node name (* and ?).' })),
        group: Type.Optional(Type.String({ maxLength: 255, description: 'Only members of this group.' })),
        transport: Type.Optional(Type.String({ maxLength: 32 })),
        source: Type.Optional(Type.String({ maxLength: 64, description: 'Only nodes known to this source.' })),
      }, { additionalProperties: false }),
      response: { 200: ref(NodePage), ...problems(400) },
    },
  }, async (request, reply) => {
    const q = request.query;
    const { items, sources } = await app.inventory.nodes(requestContext(request, reply));
    const re = q.name ? compileGlob(q.name, { caseInsensitive: true }) : undefined;
    const filtered = items.filter((n) => (!re || re.test(n.name))
      && (!q.group || n.groups.includes(q.group))
      && (!q.transport || n.transport === q.transport)
      && (!q.source || n.sources.some((s) => s.source === q.source)));
    return { ...pageByKey(filtered, (n) => n.name, q.limit, q.cursor), sources };
  });

  app.get('/api/v1/inventory/nodes/:id', {
    schema: {
      operationId: 'getNode', tags: ['inventory'], summary: 'One node by name (or alias)',
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 255 }) }),
      response: { 200: ref(NodeDetail), ...problems(404) },
    },
  }, async (request, reply) => {
    const { node, sources } = await app.inventory.node(request.params.id, requestContext(request, reply));
    return { ...node, sourceStatus: sources };
  });

  app.get('/api/v1/inventory/groups', {
    schema: {
      operationId: 'listGroups', tags: ['inventory'], summary: 'Groups of every inventory source, merged by name',
      querystring: Type.Object(Page, { additionalProperties: false }),
      response: { 200: ref(GroupPage), ...problems(400) },
    },
  }, async (request, reply) => {
    const { items, sources } = await app.inventory.groups(requestContext(request, reply));
    return { ...pageByKey(items, (g) => g.name, request.query.limit, request.query.cursor), sources };
  });
}
