/**
 * Native queries: a query in a source's own language (PuppetDB PQL or AST) through query.native. It reads
 * everything the source holds, so its contract requires the admin permission `*` (checked before anything
 * else: a token without it learns nothing of the providers).
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ref } from '../capabilities/common.js';
import { QueryNativeParams, QueryNativeResult } from '../capabilities/query.js';
import { authorize } from '../core/permissions.js';
import { principalOf, problems, requestContext } from './common.js';

export default async function queryRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/api/v1/query', {
    schema: {
      operationId: 'runNativeQuery', tags: ['query'],
      summary: "Run a query in a source's native language (PuppetDB PQL or AST); admin permission `*` only",
      description: 'The body is query.native\'s params: `query` is PQL (`nodes[certname] { latest_report_status = \'failed\' }`) or an AST as JSON text '
        + 'starting with `from`. The best provider answers (or `?provider=`). Rows come as the source answers them; `truncated` tells when `limit` cut them.',
      querystring: Type.Object({
        provider: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Ask this plugin only.' })),
      }, { additionalProperties: false }),
      body: ref(QueryNativeParams),
      response: { 200: ref(QueryNativeResult), ...problems(400, 404, 502, 503, 504) },
    },
  }, async (request, reply) => {
    authorize(principalOf(request), app.registry.contract('query.native'));
    const { value } = await app.registry.invoke('query.native', request.body, requestContext(request, reply), {
      provider: request.query.provider, timeoutMs: app.config.capabilityTimeoutMs, paramsAt: { in: 'body', base: '' },
    });
    return value as never;
  });
}
