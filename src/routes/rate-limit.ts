/**
 * Rate limits. A refused request reads no body and runs nothing. Three limits, each counted per
 * `rateLimit.timeWindowMs` window:
 *
 * - requests per client IP (`rateLimit.ipMax`, first onRequest hook, before the Host check and before any
 *   token is looked at): every request but /health/* counts, with a token or without, valid or not. Keyed by
 *   the IP only: whatever the client puts in its Authorization header, it gets no fresh budget and creates no
 *   counter, so inventing bearer strings neither escapes the limit nor evicts other clients' counters.
 * - requests per principal (`rateLimit.max`, an onRequest hook installed after authentication): keyed by the
 *   authenticated API token (its id) or config token (its name), so only a token the auth step accepted ever
 *   gets a counter. A token has its own budget whatever address it comes from; an IP has its own, whatever
 *   tokens it uses.
 * - failed authentications (AuthFailureLimiter, called by routes/auth.ts): `rateLimit.authFailuresMax` 401
 *   answers per client IP; past it, every request of that IP that needs a token is refused until the window
 *   ends, valid token or not. This is what stops brute force: each guessed token is a new token, so a
 *   per-token limit never sees it. The check and the count happen in the same synchronous step as the token
 *   check, so a burst of concurrent guesses gets no more tries than the limit.
 *
 * The client IP is `request.ip`: the TCP peer, or the client a trusted proxy names (`trustProxy`), counted by
 * core/client-key.ts (an IPv6 client by its /64). /health/* is never limited. A refusal is the RATE_LIMITED
 * problem (429) with Retry-After and `limit` (`ipRequests`, `requests` or `authFailures`).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit, { type RateLimitOptions } from '@fastify/rate-limit';
import type { Config } from '../config/schema.js';
import { clientKey } from '../core/client-key.js';
import { Errors } from '../core/errors.js';

/** Keys each counter keeps (LRU or oldest first): an attacker rotating addresses cannot grow memory past it. */
const MAX_KEYS = 10_000;

declare module 'fastify' {
  interface FastifyInstance {
    /** The failed-authentication limit routes/auth.ts applies (a no-op when off). */
    authFailures: AuthFailureLimiter;
  }
}

/** The key of a request's per-IP budget. */
export function ipKey(request: FastifyRequest): string {
  return `ip:${clientKey(request.ip)}`;
}

/**
 * The key of an authenticated request's per-principal budget: its API token's id, else its principal's id (a
 * config token's name); undefined without a principal (open routes, auth off), which only the IP limit counts.
 */
export function principalKey(request: FastifyRequest): string | undefined {
  const p = request.principal;
  if (!p) return undefined;
  return p.tokenId ? `token:${p.tokenId}` : `principal:${p.id}`;
}

/** Failed authentications per client in fixed windows; synchronous, so checking and counting cannot interleave. */
export class AuthFailureLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  /** `max` 0: no limit. */
  constructor(private readonly max: number, private readonly windowMs: number) {}

  /** Throws RATE_LIMITED when the request's client has used up its failures in this window. */
  check(request: FastifyRequest): void {
    if (this.max === 0) return;
    const now = Date.now();
    const w = this.current(clientKey(request.ip), now);
    if (!w || w.count < this.max) return;
    const left = Math.max(1, Math.ceil((w.resetAt - now) / 1000));
    throw new Errors.RateLimited(`Too many failed authentications from ${request.ip}; requests from it are refused for ${left} s.`, { retryAfter: left, extra: { limit: 'authFailures' } });
  }

  /** Counts a failed authentication (a 401) of the request's client; the one that uses up the budget is logged. */
  failed(request: FastifyRequest): void {
    if (this.max === 0) return;
    const now = Date.now();
    const key = clientKey(request.ip);
    let w = this.current(key, now);
    if (!w) {
      if (this.windows.size >= MAX_KEYS) this.windows.delete(this.windows.keys().next().value!);
      w = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, w);
    }
    w.count++;
    // The audit trail of an attack: one line when a client is blocked (each refusal is logged at info).
    if (w.count === this.max) {
      request.log.warn({ ip: request.ip, client: key, failures: this.max, blockedSeconds: Math.ceil((w.resetAt - now) / 1000), event: 'auth:rate-limited' }, 'too many failed authentications: client IP blocked');
    }
  }

  private current(key: string, now: number): { count: number; resetAt: number } | undefined {
    const w = this.windows.get(key);
    if (w && w.resetAt <= now) {
      this.windows.delete(key);
      return undefined;
    }
    return w;
  }
}

/** A counter of its own (createRateLimit gives each one its own store of MAX_KEYS keys). */
function limiter(max: number, timeWindow: number, keyGenerator: (r: FastifyRequest) => string): RateLimitOptions {
  return { max, timeWindow, keyGenerator, cache: MAX_KEYS };
}

const exempt = (request: FastifyRequest) => request.routeOptions.url?.startsWith('/health/') === true;

/**
 * The per-IP request limit and the failed-authentication limiter: install before auth (app.ts), so the IP
 * limit is the first thing a request meets.
 */
export async function installRateLimit(app: FastifyInstance, config: Readonly<Config>): Promise<void> {
  const rl = config.rateLimit;
  app.decorate('authFailures', new AuthFailureLimiter(rl.enabled ? rl.authFailuresMax : 0, rl.timeWindowMs));
  if (!rl.enabled || (rl.max === 0 && rl.ipMax === 0)) return;
  // global: false: the plugin adds no per-route hook (route hooks run after the app's, i.e. after auth).
  await app.register(rateLimit, { global: false, cache: MAX_KEYS });
  if (rl.ipMax === 0) return;
  // Each createRateLimit gets its own store: the per-IP and per-principal counters never evict each other.
  const perIp = app.createRateLimit(limiter(rl.ipMax, rl.timeWindowMs, ipKey));
  app.addHook('onRequest', async (request) => {
    if (exempt(request)) return;
    const res = await perIp(request);
    // `isAllowed` only means an allow-list let the key through; over the limit is `isExceeded`.
    if (!res.isAllowed && res.isExceeded) {
      throw new Errors.RateLimited(`More than ${res.max} requests in ${res.timeWindow / 1000} s from ${request.ip}; retry in ${res.ttlInSeconds} s.`, { retryAfter: res.ttlInSeconds, extra: { limit: 'ipRequests' } });
    }
  });
}

/** The per-principal request limit: install after auth (app.ts), so it only ever counts accepted tokens. */
export function installPrincipalRateLimit(app: FastifyInstance, config: Readonly<Config>): void {
  const rl = config.rateLimit;
  if (!rl.enabled || rl.max === 0) return;
  const perPrincipal = app.createRateLimit(limiter(rl.max, rl.timeWindowMs, (r) => principalKey(r) ?? ''));
  app.addHook('onRequest', async (request) => {
    if (exempt(request) || principalKey(request) === undefined) return;
    const res = await perPrincipal(request);
    if (!res.isAllowed && res.isExceeded) {
      throw new Errors.RateLimited(`More than ${res.max} requests in ${res.timeWindow / 1000} s with this token; retry in ${res.ttlInSeconds} s.`, { retryAfter: res.ttlInSeconds, extra: { limit: 'requests' } });
    }
  });
}
