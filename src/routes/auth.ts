/**
 * Bearer-token authentication (RFC 6750): when `token` or `tokens` are configured, every /api route needs
 * `Authorization: Bearer <token>` (the scheme name is case-insensitive, RFC 9110 §11.1), and the matching
 * token's permissions become the request's principal (capabilities check them). Health, metrics and docs
 * stay open for probes and humans. With no token configured, the API is open and every caller may do
 * everything (a loopback-only default).
 *
 * A 401 carries `WWW-Authenticate: Bearer realm="capstan"`, with `error="invalid_token"` when a bearer token
 * was sent but matches none (RFC 6750 §3: no error code when the request carried no bearer credentials).
 * A 403 for a missing permission carries `error="insufficient_scope"` (RFC 6750 §3.1; the problem's
 * `missingPermissions` names what is missing).
 *
 * The OpenAPI side: every /api operation gets `security` (the `bearer` scheme, or none: the server may run
 * without tokens) and documented 401/403 problem responses, so Swagger UI's Authorize button applies the
 * token and generated clients type those errors. Probes, metrics and docs get no `security`.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { Config } from '../config/schema.js';
import { Errors } from '../core/errors.js';
import type { Principal } from '../core/types.js';
import { problems } from './common.js';

/** The realm of every bearer challenge. */
export const AUTH_REALM = 'capstan';

/** `WWW-Authenticate` of a 401: a bare challenge, or one naming the error of a token that was sent. */
export function bearerChallenge(error?: 'invalid_token' | 'invalid_request' | 'insufficient_scope', description?: string): string {
  const params = [`realm="${AUTH_REALM}"`];
  if (error) params.push(`error="${error}"`);
  if (description) params.push(`error_description="${description.replace(/["\\]/g, '')}"`);
  return `Bearer ${params.join(', ')}`;
}

interface Credential {
  expected: Buffer;
  principal: Principal;
}

/**
 * The token of an Authorization header using the Bearer scheme (any case, RFC 9110 §11.1; one or more spaces
 * before the token, RFC 9110's `1*SP`), or undefined when the header is absent or uses another scheme.
 */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^bearer +(\S+) *$/i.exec(header ?? '');
  return m?.[1];
}

/**
 * Adds `security` and the 401/403 problem responses to the schema of every /api route (the document's truth);
 * the other documented routes (probes, metrics, the document) get an explicit `security: []`: open.
 */
export function documentBearerAuth(route: RouteOptions): void {
  const api = route.url.startsWith('/api/');
  // Routes without a schema outside /api (Swagger UI's) are not in the document: leave them so.
  if (!api && !route.schema) return;
  const schema = (route.schema ??= {}) as Record<string, unknown>;
  if (schema.hide) return;
  if (!api) {
    schema.security ??= [];
    return;
  }
  // `{}` as an alternative: a server without configured tokens answers without one (README, Tokens).
  schema.security ??= [{ bearer: [] }, {}];
  const response = (schema.response ??= {}) as Record<string, unknown>;
  const documented = problems(401, 403) as unknown as Record<number, { description: string }>;
  response[401] ??= { ...documented[401], description: 'No valid bearer token (only when the server has tokens configured); `WWW-Authenticate: Bearer` tells how to authenticate.' };
  response[403] ??= { ...documented[403], description: 'The token lacks a permission this operation needs; `missingPermissions` names it.' };
}

export function installAuth(app: FastifyInstance, config: Readonly<Config>): void {
  // Documented whatever the config, so the committed document is the same for every server.
  app.addHook('onRoute', documentBearerAuth);
  const credentials: Credential[] = [
    ...(config.token ? [{ name: 'admin', token: config.token, permissions: ['*'] }] : []),
    ...config.tokens,
  ].map((t) => ({ expected: Buffer.from(t.token), principal: { id: t.name, permissions: [...t.permissions] } }));
  if (credentials.length === 0) return;
  app.addHook('onRequest', async (request, reply) => {
    // The matched route, not the raw URL: the router decodes `/%61pi/...` to `/api/...`. Unmatched requests
    // (404s) are checked too, so probing for routes needs the token as well.
    const route = request.routeOptions.url;
    // `*` is @fastify/cors's catch-all OPTIONS route (its preflights are answered before this hook): like a
    // 404, a plain OPTIONS tells which methods a path has, so it needs the token too.
    if (route !== undefined && route !== '*' && !route.startsWith('/api/')) return;
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) {
      reply.header('www-authenticate', bearerChallenge());
      throw new Errors.Unauthorized('Send Authorization: Bearer <token>.');
    }
    const given = Buffer.from(token);
    // Compare with every credential, so the time taken does not tell which one nearly matched.
    let match: Principal | undefined;
    for (const c of credentials) {
      if (given.length === c.expected.length && timingSafeEqual(given, c.expected)) match ??= c.principal;
    }
    if (!match) {
      reply.header('www-authenticate', bearerChallenge('invalid_token', 'The bearer token is not valid.'));
      throw new Errors.Unauthorized('The bearer token is not valid.');
    }
    request.principal = match;
  });
  // 403 is only ever a missing permission (a target refusing Capstan is a 502), wherever it was found.
  app.addHook('onSend', async (request, reply) => {
    if (reply.statusCode === 403 && request.principal) reply.header('www-authenticate', bearerChallenge('insufficient_scope'));
  });
}
