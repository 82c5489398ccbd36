/**
 * /api/v1/tokens: create (the secret is answered once), list (never a secret) and revoke API tokens. Admin
 * only (`*`): a token that could mint tokens could mint an admin one. Creating and revoking are audited
 * (src/audit), in the transaction of the change.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { cursorParam, ref } from '../capabilities/common.js';
import { Errors, fieldError } from '../core/errors.js';
import { auditTokenUpdated, tokenEntry } from '../audit/record.js';
import { requireAdmin } from '../core/permissions.js';
import type { RoleBook } from '../core/roles.js';
import { createToken } from '../core/tokens.js';
import type { ApiTokenRow } from '../store/types.js';
import { decodeCursor, defaulted, encodeCursor, principalOf, problems } from './common.js';
import { ApiToken, ApiTokenList, CreatedApiToken, TokenCreate, TokenUpdate } from './token-schemas.js';

function view(row: ApiTokenRow): Static<typeof ApiToken> {
  return {
    id: row.id, name: row.name, owner: row.owner, roles: row.roles, scope: row.scope,
    createdAt: row.createdAt, lastUsedAt: row.lastUsedAt, expiresAt: row.expiresAt, revokedAt: row.revokedAt,
  };
}

const TokenId = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** Roles the server knows and an expiry in the future, else a 400 naming each bad field. */
function checkFields(roles: RoleBook, body: { roles?: string[]; expiresAt?: string | null }): void {
  const errors = [
    ...(body.roles ?? []).flatMap((r, i) => (roles.has(r) ? [] : [fieldError('body', `/roles/${i}`, `no role named '${r}' (known: ${roles.names().join(', ')})`)])),
    ...(body.expiresAt && Date.parse(body.expiresAt) <= Date.now() ? [fieldError('body', '/expiresAt', 'must be in the future')] : []),
  ];
  if (errors.length) throw new Errors.Validation(`The token is invalid: ${errors.map((e) => `${e.pointer} ${e.message}`).join('; ')}.`, { extra: { errors } });
}

export default async function tokenRoutes(app: FastifyInstance): Promise<void> {
  app.post('/api/v1/tokens', {
    schema: {
      operationId: 'createToken', tags: ['tokens'], summary: 'Create an API token (admin); the answer holds its secret, once',
      body: ref(TokenCreate),
      response: { 201: ref(CreatedApiToken), ...problems(400, 415) },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    requireAdmin(principal, 'manage API tokens');
    const body = request.body as Static<typeof TokenCreate>;
    checkFields(app.roles, body);
    // The token and its audit record are written together or not at all.
    const { row, secret } = app.store.transaction(() => {
      const made = createToken(app.store.tokens, { ...body, owner: principal.id });
      app.store.audit.append(tokenEntry(request, 'token.created', made.row, 201));
      return made;
    });
    request.log.info({ tokenId: row.id, name: row.name, roles: row.roles }, 'API token created');
    // A secret in the answer: no cache (browser, proxy) may keep it (RFC 9111 §5.2.2.5).
    return reply.code(201).header('location', `/api/v1/tokens/${row.id}`).header('cache-control', 'no-store').send({ ...view(row), token: secret });
  });

  app.patch('/api/v1/tokens/:id', {
    schema: {
      operationId: 'updateToken', tags: ['tokens'], summary: 'Change an API token\'s roles, scope or expiry (admin); its secret stays the same',
      params: TokenId,
      body: ref(TokenUpdate),
      response: { 200: ref(ApiToken), ...problems(400, 404, 415) },
    },
  }, async (request) => {
    const principal = principalOf(request);
    requireAdmin(principal, 'manage API tokens');
    const { id } = request.params as { id: string };
    const body = request.body as Static<typeof TokenUpdate>;
    checkFields(app.roles, body);
    const before = app.store.tokens.byId(id);
    if (!before) throw new Errors.TokenNotFound(`No API token has the id '${id}'.`);
    const patch = { ...body, ...(body.expiresAt ? { expiresAt: new Date(body.expiresAt).toISOString() } : {}) };
    // The change and its audit record are written together or not at all.
    const row = app.store.transaction(() => {
      const after = app.store.tokens.update(id, patch) as ApiTokenRow;
      auditTokenUpdated(app.store, request, before, after);
      return after;
    });
    request.log.info({ tokenId: id, by: principal.id, roles: row.roles, scope: row.scope, expiresAt: row.expiresAt }, 'API token changed');
    return view(row);
  });

  app.get('/api/v1/tokens', {
    schema: {
      operationId: 'listTokens', tags: ['tokens'], summary: 'List API tokens (admin), oldest first, revoked ones included; never a secret',
      querystring: Type.Object({ limit: defaulted(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })), cursor: cursorParam() }, { additionalProperties: false }),
      response: { 200: ref(ApiTokenList), ...problems(400) },
    },
  }, async (request) => {
    requireAdmin(principalOf(request), 'manage API tokens');
    const { limit, cursor } = request.query as { limit: number; cursor?: string };
    const rows = app.store.tokens.list(limit + 1, decodeCursor<number>(cursor, 'number'));
    const page = rows.slice(0, limit);
    return { items: page.map(view), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].seq) : null };
  });

  app.delete('/api/v1/tokens/:id', {
    schema: {
      operationId: 'revokeToken', tags: ['tokens'], summary: 'Revoke an API token (admin); it answers 401 from now on. Revoking a revoked token is a no-op',
      params: TokenId,
      response: { 204: { type: 'null', description: 'Revoked.' }, ...problems(400, 404) },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    requireAdmin(principal, 'manage API tokens');
    const { id } = request.params as { id: string };
    app.store.transaction(() => {
      if (!app.store.tokens.revoke(id, new Date().toISOString())) throw new Errors.TokenNotFound(`No API token has the id '${id}'.`);
      app.store.audit.append(tokenEntry(request, 'token.revoked', app.store.tokens.byId(id)!, 204));
    });
    request.log.info({ tokenId: id, by: principal.id }, 'API token revoked');
    return reply.code(204).send();
  });
}
