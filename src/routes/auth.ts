/**
 * Optional bearer-token authentication: when `token` is configured, every /api route needs
 * `Authorization: Bearer <token>`. Health, metrics and docs stay open for probes and humans.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/schema.js';
import { Errors } from '../core/errors.js';

export function installAuth(app: FastifyInstance, config: Readonly<Config>): void {
  const token = config.token;
  if (!token) return;
  const expected = Buffer.from(`Bearer ${token}`);
  app.addHook('onRequest', async (request) => {
    // The matched route, not the raw URL: the router decodes `/%61pi/...` to `/api/...`. Unmatched requests
    // (404s) are checked too, so probing for routes needs the token as well.
    const route = request.routeOptions.url;
    if (route !== undefined && !route.startsWith('/api/')) return;
    const given = Buffer.from(request.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new Errors.Unauthorized('Send Authorization: Bearer <token>.');
    }
    request.principal = { id: 'token', permissions: ['*'] };
  });
}
