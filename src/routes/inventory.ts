/**
 * Inventory across sources: nodes (filters, keyset pages, per-source status), one node, groups. Reads go to
 * the indexed view (InventoryService): a page costs what it returns, one node is a map lookup.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ref } from '../capabilities/common.js';
import { decodeCursor, encodeCursor, problems, requestContext, defaulted } from './common.js';
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
    const after = decodeCursor<string>(q.cursor, 'string');
    const { index, sources } = await app.inventory.nodeIndex(requestContext(request, reply));
    // An empty criterion (`?group=`) filters nothing, as it always did.
    const { items, more } = index.page({ name: q.name || undefined, group: q.group || undefined, transport: q.transport || undefined, source: q.source || undefined }, q.limit, after);
    return { items, nextCursor: more ? encodeCursor(items[items.length - 1].name) : null, sources };
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
    const after = decodeCursor<string>(request.query.cursor, 'string');
    const { view, sources } = await app.inventory.groupView(requestContext(request, reply));
    const { items, more } = view.page(request.query.limit, after);
    return { items, nextCursor: more ? encodeCursor(items[items.length - 1].name) : null, sources };
  });
}
