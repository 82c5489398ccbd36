/**
 * Authentication (RFC 6750 bearer tokens), on by default: every /api route needs `Authorization: Bearer
 * <token>` (the scheme name is case-insensitive, RFC 9110 §11.1), and the matching token's permissions become
 * the request's principal (capabilities check them). A token is an API token (`cap_...`, stored as a hash,
 * managed through /api/v1/tokens), the config's `token` (admin) or one of its `tokens`. Health, docs and the
 * document stay open, /metrics too unless `openMetrics` is false. `auth: off` (loopback listeners only, see
 * config/load.ts) makes every caller an admin. The SSE routes also take a single-use stream ticket as `?ticket=`
 * instead of the header (routes/stream-tickets.ts), for browsers' EventSource.
 *
 * Before any of that, the Host header must name this server (core/host-check.ts, DNS rebinding): a 421
 * problem otherwise, auth on or off. Probes (/health/*) are exempt: orchestrators send the pod's address.
 *
 * A 401 carries `WWW-Authenticate: Bearer realm="capstan"`, with `error="invalid_token"` when a bearer token
 * was sent but matches none (RFC 6750 §3: no error code when the request carried no bearer credentials).
 * A 403 for a missing permission carries `error="insufficient_scope"` (RFC 6750 §3.1; the problem's
 * `missingPermissions` names what is missing).
 *
 * The OpenAPI side: every /api operation gets `security` (the `bearer` scheme, or none: a server with auth
 * off) and documented 401/403 problem responses, so Swagger UI's Authorize button applies the token and
 * generated clients type those errors. Probes, metrics and docs get no `security`.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { Config } from '../config/schema.js';
import { bearerToken } from '../core/bearer.js';
import { Errors } from '../core/errors.js';
import { hostAllowed } from '../core/host-check.js';
import { bootstrapAdminToken, checkSecret, tokenPrincipal } from '../core/tokens.js';
import { principalFromGrants, type RoleBook } from '../core/roles.js';
import type { Principal } from '../core/types.js';
import { problems } from './common.js';
import { TICKET_ROUTES } from './stream-tickets.js';

/** last_used_at is rewritten at most this often per token (ms): a write per request is not worth it. */
const TOUCH_INTERVAL_MS = 60_000;

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
  // `{}` as an alternative: a server with auth off (loopback only) answers without one (README, Tokens).
  schema.security ??= [{ bearer: [] }, {}];
  const response = (schema.response ??= {}) as Record<string, unknown>;
  const documented = problems(401, 403, 429) as unknown as Record<number, { description: string }>;
  response[401] ??= { ...documented[401], description: 'No valid bearer token (none, unknown, revoked or expired; not with auth off); `WWW-Authenticate: Bearer` tells how to authenticate.' };
  response[403] ??= { ...documented[403], description: 'The token lacks a permission this operation needs; `missingPermissions` names it.' };
  // Rate limits (routes/rate-limit.ts) apply to every /api route: per IP before auth, per token after it.
  response[429] ??= { ...documented[429], description: 'Rate limited (too many requests with this token or from this IP, or too many failed authentications from this IP); nothing was run. `Retry-After` says when to retry.' };
}

/** Refuses (421) a request whose Host header does not name this server; probes are exempt. */
function installHostCheck(app: FastifyInstance, config: Readonly<Config>): void {
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.url?.startsWith('/health/')) return;
    if (!hostAllowed(request.headers.host, config.allowedHosts, config.host)) {
      throw new Errors.HostNotAllowed(`The Host header ${JSON.stringify(request.headers.host ?? '')} does not name this server; add the name clients use to allowedHosts (CAPSTAN_ALLOWED_HOSTS).`);
    }
  });
}

/** A token of the config: its roles, plus its raw permissions on every node, within its scope. */
function configTokenPrincipal(t: Config['tokens'][number], roles: RoleBook): Principal {
  const raw = t.permissions ?? [];
  const grants = [...roles.grants(t.roles ?? []), ...(raw.length ? [{ role: 'permissions', permissions: [...raw] }] : [])];
  return principalFromGrants(t.name, grants, t.scope);
}

export function installAuth(app: FastifyInstance, config: Readonly<Config>): void {
  // Documented whatever the config, so the committed document is the same for every server.
  app.addHook('onRoute', documentBearerAuth);
  installHostCheck(app, config);
  if (config.auth === 'off') {
    app.log.warn({ host: config.host }, 'authentication is off (auth: off): every caller that reaches this loopback listener is admin');
    return;
  }
  const store = app.store;
  const roles = app.roles;
  const credentials: Credential[] = [
    ...(config.token ? [{ expected: Buffer.from(config.token), principal: roles.principal('admin', ['admin']) }] : []),
    ...config.tokens.map((t) => ({ expected: Buffer.from(t.token), principal: configTokenPrincipal(t, roles) })),
  ];
  if (credentials.length === 0) {
    const created = bootstrapAdminToken(store.tokens, config.dataDir);
    if (created) {
      // The one place the secret is ever shown by the server: this line and the file.
      app.log.warn({ file: created.file }, `created the first admin token (also written to ${created.file}, mode 0600): ${created.secret}`);
    }
  }
  app.addHook('onRequest', async (request, reply) => {
    // The matched route, not the raw URL: the router decodes `/%61pi/...` to `/api/...`. Unmatched requests
    // (404s) are checked too, so probing for routes needs the token as well.
    const route = request.routeOptions.url;
    // `*` is @fastify/cors's catch-all OPTIONS route (its preflights are answered before this hook): like a
    // 404, a plain OPTIONS tells which methods a path has, so it needs the token too.
    const guarded = route === undefined || route === '*' || route.startsWith('/api/') || (route === '/metrics' && !config.openMetrics);
    if (!guarded) return;
    // A client past its failed-authentication budget is refused before its token is looked at; each 401
    // counts, in this same step (routes/rate-limit.ts).
    app.authFailures.check(request);
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) {
      // EventSource cannot send headers: on the SSE routes only, `?ticket=` (a single-use stream ticket,
      // core/stream-tickets.ts) stands in for the header; spent here, bound to the route and its params.
      // On any other route a ticket counts for nothing: the bare 401 below.
      const ticket = route !== undefined && TICKET_ROUTES.has(route) ? (request.query as { ticket?: unknown }).ticket : undefined;
      if (typeof ticket === 'string') {
        const check = app.streamTickets.redeem(ticket, { route: route!, params: request.params as Record<string, string> });
        if (!check.ok) {
          app.authFailures.failed(request);
          reply.header('www-authenticate', bearerChallenge('invalid_token', check.reason));
          throw new Errors.Unauthorized(check.reason);
        }
        request.principal = check.principal;
        return;
      }
      app.authFailures.failed(request);
      reply.header('www-authenticate', bearerChallenge());
      throw new Errors.Unauthorized('Send Authorization: Bearer <token>.');
    }
    const given = Buffer.from(token);
    // Compare with every configured credential, so the time taken does not tell which one nearly matched.
    let match: Principal | undefined;
    for (const c of credentials) {
      if (given.length === c.expected.length && timingSafeEqual(given, c.expected)) match ??= c.principal;
    }
    let invalid = 'The bearer token is not valid.';
    if (!match) {
      const stored = checkSecret(store.tokens, token);
      if (stored?.ok) {
        match = tokenPrincipal(stored.row, roles);
        touch(stored.row.id, stored.row.lastUsedAt);
      } else if (stored) invalid = stored.reason;
    }
    if (!match) {
      app.authFailures.failed(request);
      reply.header('www-authenticate', bearerChallenge('invalid_token', invalid));
      throw new Errors.Unauthorized(invalid);
    }
    request.principal = match;
  });
  function touch(id: string, lastUsedAt: string | null): void {
    const now = Date.now();
    if (lastUsedAt && now - Date.parse(lastUsedAt) < TOUCH_INTERVAL_MS) return;
    try {
      store.tokens.touch(id, new Date(now).toISOString());
    } catch (err) {
      // A store that cannot be written (disk full, lock held) must not lock every token holder out.
      app.log.warn({ err }, 'could not record when an API token was last used');
    }
  }
  // 403 is only ever a missing permission (a target refusing Capstan is a 502), wherever it was found.
  app.addHook('onSend', async (request, reply) => {
    if (reply.statusCode === 403 && request.principal) reply.header('www-authenticate', bearerChallenge('insufficient_scope'));
  });
}
