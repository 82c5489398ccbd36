/**
 * Bearer-token authentication: when `token` or `tokens` are configured, every /api route needs
 * `Authorization: Bearer <token>`, and the matching token's permissions become the request's principal
 * (capabilities check them). Health, metrics and docs stay open for probes and humans. With no token
 * configured, the API is open and every caller may do everything (a loopback-only default).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/schema.js';
import { Errors } from '../core/errors.js';
import type { Principal } from '../core/types.js';

interface Credential {
  expected: Buffer;
  principal: Principal;
}

export function installAuth(app: FastifyInstance, config: Readonly<Config>): void {
  const credentials: Credential[] = [
    ...(config.token ? [{ name: 'admin', token: config.token, permissions: ['*'] }] : []),
    ...config.tokens,
  ].map((t) => ({ expected: Buffer.from(`Bearer ${t.token}`), principal: { id: t.name, permissions: [...t.permissions] } }));
  if (credentials.length === 0) return;
  app.addHook('onRequest', async (request) => {
    // The matched route, not the raw URL: the router decodes `/%61pi/...` to `/api/...`. Unmatched requests
    // (404s) are checked too, so probing for routes needs the token as well.
    const route = request.routeOptions.url;
    // `*` is @fastify/cors's catch-all OPTIONS route (its preflights are answered before this hook): like a
    // 404, a plain OPTIONS tells which methods a path has, so it needs the token too.
    if (route !== undefined && route !== '*' && !route.startsWith('/api/')) return;
    const given = Buffer.from(request.headers.authorization ?? '');
    // Compare with every credential, so the time taken does not tell which one nearly matched.
    let match: Principal | undefined;
    for (const c of credentials) {
      if (given.length === c.expected.length && timingSafeEqual(given, c.expected)) match ??= c.principal;
    }
    if (!match) throw new Errors.Unauthorized('Send Authorization: Bearer <token>.');
    request.principal = match;
  });
}
