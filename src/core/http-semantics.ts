/**
 * HTTP semantics every route shares, kept out of the resource files:
 * - the route table: which methods a path has, for `405 Method Not Allowed` with `Allow` (RFC 9110 §15.5.6)
 *   and for `OPTIONS`, answered `204` with `Allow` (§9.3.7);
 * - CORS, off unless `cors.origins` lists origins (through @fastify/cors);
 * - entity tags: `ETag` on a representation that no longer changes, `304` for a matching `If-None-Match`;
 * - `Accept` negotiation with q-values (§12.5.1), `406` when nothing the route offers is acceptable.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import cors, { type FastifyCorsOptions } from '@fastify/cors';
import { Errors } from './errors.js';

/** Every route's URL pattern and methods, filled by an onRoute hook; answers which methods a path has. */
export class RouteTable {
  private readonly routes = new Map<string, { segments: string[]; methods: Set<string> }>();

  add(url: string, methods: string | string[]): void {
    // `*` alone is @fastify/cors's catch-all OPTIONS route: it says nothing about which paths exist.
    if (url === '*') return;
    const entry = this.routes.get(url) ?? { segments: url.split('/'), methods: new Set<string>() };
    for (const m of [methods].flat()) entry.methods.add(m.toUpperCase());
    this.routes.set(url, entry);
  }

  /** The methods of the path (a request target, query ignored), OPTIONS included; empty when no route has it. */
  allowed(target: string): string[] {
    const path = target.split('?')[0].split('/').map(decodeSegment);
    const out = new Set<string>();
    for (const { segments, methods } of this.routes.values()) {
      if (matches(segments, path)) for (const m of methods) out.add(m);
    }
    if (out.size === 0) return [];
    if (out.has('GET')) out.add('HEAD');
    out.add('OPTIONS');
    return [...out].sort();
  }
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function matches(pattern: string[], path: string[]): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    if (p === '*') return path.length >= i;
    if (i >= path.length) return false;
    if (p.startsWith(':')) {
      if (path[i] === '') return false;
    } else if (p !== path[i]) return false;
  }
  return pattern.length === path.length;
}

/** Starts collecting routes (call before any route is registered). */
export function installRouteTable(app: FastifyInstance): RouteTable {
  const table = new RouteTable();
  app.addHook('onRoute', (route) => table.add(route.url, route.method));
  return table;
}

/**
 * What the not-found handler answers for a path that exists with other methods: OPTIONS gets 204, any other
 * method a 405 problem, both with Allow. `undefined` when the path is unknown. (A CORS preflight is answered
 * by @fastify/cors before authentication, without Allow: that header is for callers with a token.)
 */
export function methodMismatch(table: RouteTable, request: FastifyRequest, reply: FastifyReply): 'options' | InstanceType<typeof Errors.MethodNotAllowed> | undefined {
  const allow = table.allowed(request.url);
  if (allow.length === 0) return undefined;
  reply.header('allow', allow.join(', '));
  if (request.method === 'OPTIONS') return 'options';
  return new Errors.MethodNotAllowed(`${request.url.split('?')[0]} does not accept ${request.method}; it accepts ${allow.join(', ')}.`, { extra: { allow } });
}

/** Request headers a browser client may send, and response headers it may read, when CORS is on. */
const CORS_ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-None-Match', 'Last-Event-ID', 'X-Request-Id'];
const CORS_EXPOSED_HEADERS = ['Allow', 'ETag', 'Location', 'Retry-After', 'X-Next-After', 'X-Request-Id'];

/**
 * CORS through @fastify/cors, only when `origins` is not empty (`*` allows any origin). No credentials mode:
 * the API authenticates with bearer tokens, which a browser client sends itself. A plain OPTIONS (no Origin
 * or no Access-Control-Request-Method) is no preflight: it falls through to the route table's 204 + Allow.
 * Register before auth, so a preflight (which carries no token) is answered before the token is checked.
 */
export async function installCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  if (origins.length === 0) return;
  const options: FastifyCorsOptions = {
    origin: origins.includes('*') ? '*' : [...origins],
    methods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: 600,
    strictPreflight: false,
  };
  await app.register(cors, {
    delegator: (request: FastifyRequest, callback: (error: Error | null, options?: FastifyCorsOptions) => void) => {
      const preflight = request.headers.origin !== undefined && request.headers['access-control-request-method'] !== undefined;
      callback(null, request.method === 'OPTIONS' && !preflight ? { origin: false } : options);
    },
  });
}

/** A strong entity tag of a representation (its JSON text, or the text itself). */
export function entityTag(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return `"${createHash('sha256').update(text).digest('base64url').slice(0, 27)}"`;
}

/**
 * Sets ETag and answers 304 when If-None-Match names it (weak comparison, as RFC 9110 §13.1.2 asks, or `*`).
 * Returns true when the 304 was sent: the handler then returns the reply.
 */
export function replyNotModified(request: FastifyRequest, reply: FastifyReply, tag: string): boolean {
  reply.header('etag', tag);
  const header = request.headers['if-none-match'];
  if (!header) return false;
  const opaque = (t: string) => t.trim().replace(/^W\//, '');
  const match = header.trim() === '*' || header.split(',').some((t) => opaque(t) === opaque(tag));
  if (match) reply.code(304).send();
  return match;
}

/**
 * The offer the Accept header prefers (q-values, then the more specific range, then the range listed first,
 * then the route's own order), the first offer without an Accept header, or undefined when none is acceptable.
 */
export function negotiate(accept: string | undefined, offers: readonly string[]): string | undefined {
  if (accept === undefined || accept.trim() === '') return offers[0];
  const ranges = accept.split(',').map((part, index) => {
    const [range, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.map((p) => /^q=([0-9.]+)$/.exec(p)).find(Boolean);
    const [type, subtype] = range.split('/');
    return { type, subtype, q: q ? Math.min(1, Number(q[1]) || 0) : 1, index };
  }).filter((r) => r.type && r.subtype);
  let best: { offer: string; q: number; specificity: number; index: number; order: number } | undefined;
  offers.forEach((offer, order) => {
    const [type, subtype] = offer.toLowerCase().split('/');
    // The most specific range that matches the offer decides its q (RFC 9110 §12.5.1).
    let chosen: { q: number; specificity: number; index: number } | undefined;
    for (const r of ranges) {
      const specificity = r.type === type && r.subtype === subtype ? 2 : r.type === type && r.subtype === '*' ? 1 : r.type === '*' && r.subtype === '*' ? 0 : -1;
      if (specificity < 0) continue;
      if (!chosen || specificity > chosen.specificity) chosen = { q: r.q, specificity, index: r.index };
    }
    if (!chosen || chosen.q <= 0) return;
    const better = !best || chosen.q > best.q || (chosen.q === best.q && (chosen.specificity > best.specificity
      || (chosen.specificity === best.specificity && chosen.index < best.index)));
    if (better) best = { offer, ...chosen, order };
  });
  return best?.offer;
}

/** The 406 of a route that can answer with `offers` only. */
export function notAcceptable(accept: string | undefined, offers: readonly string[]) {
  return new Errors.NotAcceptable(`Accept '${accept ?? ''}' allows none of ${offers.join(', ')}.`, { extra: { available: [...offers] } });
}
