/**
 * Small helpers every resource file uses: documented problem responses, the query context of a request,
 * and opaque cursors.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type, type TSchema } from '@sinclair/typebox';
import { Problem, ref } from '../capabilities/common.js';
import { Errors, fieldError } from '../core/errors.js';
import type { ExecutionContext, Principal } from '../core/types.js';

const problemSchema = ref(Problem);

/**
 * The `Retry-After` response header, as a route schema's `headers` entry (@fastify/swagger turns it into a
 * response header). Sent with a 429 (queue full) and with the 503s that know when to come back (providers
 * down, store unavailable, an open circuit, shutting down): generated clients and `curl --retry` read it.
 */
export const RETRY_AFTER_HEADER = {
  'Retry-After': {
    type: 'string', pattern: '^[0-9]+$',
    description: 'Seconds to wait before trying again (RFC 9110 §10.2.3); present when the server knows how long.',
  },
} as const;

/**
 * The `ETag` response header of a representation that no longer changes (core/http-semantics.ts sets it on
 * the 200 and repeats it on the 304, as RFC 9110 §15.4.5 asks).
 */
export const ETAG_HEADER = {
  ETag: {
    type: 'string',
    description: 'Strong entity tag of this representation: send it back as `If-None-Match` to get a 304 while it still matches.',
  },
} as const;

/** Statuses whose problem may carry Retry-After. */
const RETRY_STATUSES = new Set([429, 503]);

/**
 * Documented application/problem+json responses for the given statuses (every route also gets 500). A route
 * that may answer 503 because a capability's providers are down may also answer 501 when no enabled plugin
 * provides it at all, so 503 brings 501 along. 429 and 503 document Retry-After.
 */
export function problems(...statuses: number[]): Record<number, typeof problemSchema> {
  const out: Record<number, typeof problemSchema> = {};
  for (const s of [...statuses, ...(statuses.includes(503) ? [501] : []), 500]) {
    out[s] = {
      description: `Problem (${s})`, ...(RETRY_STATUSES.has(s) ? { headers: RETRY_AFTER_HEADER } : {}),
      content: { 'application/problem+json': { schema: problemSchema } },
    } as unknown as typeof problemSchema;
  }
  return out;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** The caller of a server with auth off (loopback only): admin. */
const ANONYMOUS: Principal = { id: 'anonymous', permissions: ['*'] };

/**
 * Who makes the request: the principal the auth hook found. Deny by default: with auth on, a request the hook
 * did not authenticate (a route outside its guard) is a 401 here, never a silent admin.
 */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal) return request.principal;
  if (request.server.config.auth === 'off') return ANONYMOUS;
  throw new Errors.Unauthorized('Send Authorization: Bearer <token>.');
}

/**
 * Context of a query made by a request: aborted when the client goes away, i.e. the response closes before
 * it was sent (the request stream closes as soon as a body is read, so it cannot tell).
 */
export function requestContext(request: FastifyRequest, reply: FastifyReply): ExecutionContext {
  const controller = new AbortController();
  reply.raw.once('close', () => { if (!reply.raw.writableFinished) controller.abort(); });
  return {
    correlationId: String(request.id), principal: principalOf(request), debug: false, signal: controller.signal,
    logger: request.log as never, emit: () => {},
  };
}

/** Opaque cursor = base64url JSON of the position. */
export function encodeCursor(v: string | number): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

export function decodeCursor<T extends string | number>(c: string | undefined, kind: 'string' | 'number'): T | undefined {
  if (c === undefined) return undefined;
  try {
    const v = JSON.parse(Buffer.from(c, 'base64url').toString('utf8'));
    if (typeof v === kind) return v as T;
  } catch {
    /* fall through */
  }
  throw new Errors.Validation(`cursor '${c}' is not a cursor this endpoint issued.`, { extra: { errors: [fieldError('query', '/cursor', 'invalid cursor')] } });
}

/** Keyset page over a list sorted by `key`: items after the cursor key, limited. */
export function pageByKey<T>(items: T[], key: (t: T) => string, limit: number, cursor?: string): { items: T[]; nextCursor: string | null } {
  const after = decodeCursor<string>(cursor, 'string');
  // Code-unit order, the same order `>` uses below (localeCompare would disagree for case and punctuation).
  const sorted = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const rest = after === undefined ? sorted : sorted.filter((i) => key(i) > after);
  const page = rest.slice(0, limit);
  return { items: page, nextCursor: rest.length > limit ? encodeCursor(key(page[page.length - 1])) : null };
}

/**
 * A query parameter with a default: optional in the document (clients may leave it out) while handlers see
 * it as always present, which it is at run time because validation fills the default in.
 */
export function defaulted<T extends TSchema>(schema: T): T {
  return Type.Optional(schema) as unknown as T;
}
