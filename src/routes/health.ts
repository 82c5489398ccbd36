/** Probes: /health/live (the process answers) and /health/ready (store readable and writable, required plugins healthy). */
import type { FastifyInstance } from 'fastify';
import { ref } from '../capabilities/common.js';
import { entityTag, replyNotModified } from '../core/http-semantics.js';
import { Health } from './schemas.js';

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

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(app.metrics.registry.contentType);
    return app.metrics.registry.metrics();
  });

  // The document changes only with the code: an ETag lets clients and Swagger tooling revalidate with a 304.
  let openapiTag: string | undefined;
  app.get('/openapi.json', { schema: { hide: true } }, async (request, reply) => {
    const doc = app.swagger();
    openapiTag ??= entityTag(doc);
    if (replyNotModified(request, reply, openapiTag)) return reply;
    return doc;
  });
}
