/** Probes: /health/live (the process answers) and /health/ready (store up, required plugins healthy). */
import type { FastifyInstance } from 'fastify';
import { ref } from '../capabilities/common.js';
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
    const store = app.store.ping() ? 'ok' as const : 'down' as const;
    const requiredPluginsDown = app.integrations.requiredDown();
    const ok = store === 'ok' && requiredPluginsDown.length === 0;
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks: { store, requiredPluginsDown } });
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(app.metrics.registry.contentType);
    return app.metrics.registry.metrics();
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
