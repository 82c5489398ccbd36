/**
 * Per-node resources: facts (read, refresh) from the provider that knows the node, the resources
 * configuration management manages on it (resources.list, every source), and the node journal.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Static } from '@sinclair/typebox';
import { Facts, ref } from '../capabilities/common.js';
import type { ManagedResource } from '../capabilities/resources.js';
import { ResourcesListParams } from '../capabilities/resources.js';
import { authorize, SYSTEM_PRINCIPAL } from '../core/permissions.js';
import { principalOf, problems, requestContext } from './common.js';
import { aggregatePage } from './record-common.js';
import { ResourcePage } from './record-schemas.js';
import { optionalEmptyBody } from './schemas.js';

const { node: _node, ...resourceFilters } = ResourcesListParams.properties;
const ResourcesQuerystring = Type.Object(resourceFilters, { additionalProperties: false, description: 'resources.list params but the node (the path names it).' });

const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 255 }) });

export default async function nodeRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  /**
   * Facts from the best provider that knows the node (falls back to any provider). The caller needs the
   * permission of `capability` only: finding the node is the server's own lookup, as target resolution is.
   */
  async function facts(request: FastifyRequest, reply: FastifyReply, id: string, capability: 'info.facts' | 'info.refresh') {
    authorize(principalOf(request), app.registry.contract(capability));
    const ctx = requestContext(request, reply);
    const { node } = await app.inventory.node(id, { ...ctx, principal: SYSTEM_PRINCIPAL });
    const providers = app.registry.available(capability);
    const own = providers.find((p) => node.sources.some((s) => s.source === p.plugin));
    const { value } = await app.registry.invoke(capability, { node: node.name }, ctx, { provider: own?.plugin, timeoutMs: app.config.capabilityTimeoutMs });
    return value as Static<typeof Facts>;
  }

  app.get('/api/v1/nodes/:id/facts', {
    schema: {
      operationId: 'getNodeFacts', tags: ['nodes'], summary: 'Facts of a node (cached by the provider)',
      params: IdParam, response: { 200: ref(Facts), ...problems(404, 503, 504) },
    },
  }, async (request, reply) => facts(request, reply, request.params.id, 'info.facts'));

  app.post('/api/v1/nodes/:id/facts', {
    schema: {
      operationId: 'refreshNodeFacts', tags: ['nodes'], summary: 'Gather the facts of a node again',
      // Optional body: a bare `curl -X POST` must work, and `{}` is accepted (see optionalEmptyBody).
      body: optionalEmptyBody(),
      params: IdParam,
      response: { 200: ref(Facts), ...problems(400, 404, 503, 504) },
    },
  }, async (request, reply) => facts(request, reply, request.params.id, 'info.refresh'));

  app.get('/api/v1/nodes/:id/resources', {
    schema: {
      operationId: 'listNodeResources', tags: ['nodes'],
      summary: 'Resources configuration management manages on a node: packages, services, files, ... (resources.list)',
      description: 'Asks every resources.list provider (PuppetDB: the resources of the node\'s last catalog); `sources` tells how each answered, '
        + '`cursor` is the opaque `nextCursor` of the previous page. 404 for a node no inventory source knows.',
      params: IdParam,
      querystring: ResourcesQuerystring,
      response: { 200: ref(ResourcePage), ...problems(400, 404, 503) },
    },
  }, async (request, reply) => {
    authorize(principalOf(request), app.registry.contract('resources.list'));
    const ctx = requestContext(request, reply);
    const { node } = await app.inventory.node(request.params.id, { ...ctx, principal: SYSTEM_PRINCIPAL });
    const { cursor, ...filters } = request.query;
    const page = await aggregatePage<Static<typeof ManagedResource>>(app, ctx, {
      capability: 'resources.list',
      params: { ...filters, node: node.name },
      cursor,
      read: (v) => { const r = v as { resources: Static<typeof ManagedResource>[]; nextCursor: string | null; total?: number }; return { items: r.resources, next: r.nextCursor, total: r.total }; },
      // No time order: each source's page in turn, in priority order.
      time: () => '1970-01-01T00:00:00Z',
    });
    return { node: node.name, ...page };
  });
}
