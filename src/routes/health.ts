/** Probes: /health/live (the process answers) and /health/ready (store readable and writable, required plugins healthy). */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { ref } from '../capabilities/common.js';
import { entityTag, replyNotModified } from '../core/http-semantics.js';
import { Health } from './schemas.js';
import { ETAG_HEADER, problems } from './common.js';

export default async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/health/live', {
    schema: { operationId: 'getLiveness', tags: ['health'], summary: 'Liveness probe', response: { 200: ref(Health) } },
  }, async () => ({ status: 'ok' as const }));

  app.get('/health/ready', {
    schema: {
      operationId: 'getReadiness', tags: ['health'], summary: 'Readiness probe: 503 while the store or a required plugin is down',
      response: { 200: ref(Health), 503: ref(Health) },
    },
  }, async (_request, reply) => {
    // `down`: not even a read works; `failing`: reads work but writes fail (disk full, lock held elsewhere).
    const failure = app.storeGuard.check();
    const store = !app.store.ping() ? 'down' as const : failure ? 'failing' as const : 'ok' as const;
    const storeError = failure ? { storeError: failure.cause, storeFailingSince: new Date(failure.since).toISOString() } : {};
    const requiredPluginsDown = app.integrations.requiredDown();
    const ok = store === 'ok' && requiredPluginsDown.length === 0;
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks: { store, ...storeError, requiredPluginsDown } });
  });

  // Part of the contract (documented, never behind a token); /docs/ (Swagger UI) is not: see openapi-info.ts.
  app.get('/metrics', {
    schema: {
      operationId: 'getMetrics', tags: ['meta'], summary: 'Prometheus metrics (text exposition format 0.0.4)',
      response: {
        200: {
          description: 'Prometheus text format (`text/plain; version=0.0.4`): the metrics the README lists.',
          content: { 'text/plain': { schema: { type: 'string' } } },
        },
        ...problems(),
      },
    },
  }, async (_request, reply) => {
    reply.type(app.metrics.registry.contentType);
    return app.metrics.registry.metrics();
  });

  // The document changes only with the code: an ETag lets clients and Swagger tooling revalidate with a 304.
  let openapiTag: string | undefined;
  app.get('/openapi.json', {
    schema: {
      operationId: 'getOpenApiDocument', tags: ['meta'], summary: 'This OpenAPI 3.1 document (the committed openapi/openapi.json)',
      headers: Type.Object({ 'if-none-match': Type.Optional(Type.String({ maxLength: 1024, description: 'The ETag of the document: 304 when it still matches.' })) }),
      response: {
        200: {
          description: 'The OpenAPI document.', headers: ETAG_HEADER,
          content: { 'application/json': { schema: { type: 'object', additionalProperties: true, required: ['openapi', 'info', 'paths'] } } },
        },
        304: { type: 'null', description: 'Not modified: the document still has the ETag given in If-None-Match.', headers: ETAG_HEADER },
        ...problems(),
      },
    },
  }, async (request, reply) => {
    const doc = app.swagger();
    openapiTag ??= entityTag(doc);
    if (replyNotModified(request, reply, openapiTag)) return reply;
    return doc;
  });
}
