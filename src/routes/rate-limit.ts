/**
 * Rate limits, checked before the token is looked at: a refused request costs no token check, reads no body
 * and runs nothing. Two limits, both counted per `rateLimit.timeWindowMs` window:
 *
 * - requests (@fastify/rate-limit's counter, in the first onRequest hook): `rateLimit.max` per bearer token
 *   (keyed by its SHA-256, so no secret is held as a key), or per client IP for requests without one. A
 *   principal gets its own budget whatever address it comes from.
 * - failed authentications (AuthFailureLimiter, called by routes/auth.ts): `rateLimit.authFailuresMax` 401
 *   answers per client IP; past it, every request of that IP that needs a token is refused until the window
 *   ends, valid token or not. This is what stops brute force: each guessed token is a new token, so a
 *   per-token limit alone never trips. The check and the count happen in the same synchronous step as the
 *   token check, so a burst of concurrent guesses gets no more tries than the limit.
 *
 * The client IP is `request.ip`: the TCP peer, or the client a trusted proxy names (`trustProxy`); an IPv6
 * client counts by its /64 (one host usually owns a whole /64). /health/* is never limited. A refusal is
 * the RATE_LIMITED problem (429) with Retry-After and `limit` (`requests` or `authFailures`).
 */
import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { Config } from '../config/schema.js';
import { Errors } from '../core/errors.js';
import { bearerToken } from './auth.js';

/** Keys each counter keeps (LRU or oldest first): an attacker inventing tokens or addresses cannot grow memory past it. */
const MAX_KEYS = 10_000;

declare module 'fastify' {
  interface FastifyInstance {
    /** The failed-authentication limit routes/auth.ts applies (a no-op when off). */
    authFailures: AuthFailureLimiter;
  }
}

/** Who a per-IP limit counts: the IPv4 address, or the /64 of an IPv6 one (`2001:db8:0:1::/64`). */
export function clientKey(ip: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4) return v4[1];
  if (!isIPv6(ip)) return ip;
  const [head, tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** The key of a request's request budget: its bearer token's hash, else its client IP. */
export function requestKey(request: FastifyRequest): string {
  const token = bearerToken(request.headers.authorization);
  return token === undefined ? `ip:${clientKey(request.ip)}` : `token:${createHash('sha256').update(token).digest('base64url')}`;
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

export async function installRateLimit(app: FastifyInstance, config: Readonly<Config>): Promise<void> {
  const rl = config.rateLimit;
  app.decorate('authFailures', new AuthFailureLimiter(rl.enabled ? rl.authFailuresMax : 0, rl.timeWindowMs));
  if (!rl.enabled || rl.max === 0) return;
  // global: false: the plugin adds no per-route hook (route hooks run after the app's, i.e. after auth).
  await app.register(rateLimit, { global: false, cache: MAX_KEYS });
  const requests = app.createRateLimit({ max: rl.max, timeWindow: rl.timeWindowMs, keyGenerator: requestKey });
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.url?.startsWith('/health/')) return;
    const res = await requests(request);
    // `isAllowed` only means an allow-list let the key through; over the limit is `isExceeded`.
    if (!res.isAllowed && res.isExceeded) {
      throw new Errors.RateLimited(`More than ${res.max} requests in ${res.timeWindow / 1000} s ${res.key.startsWith('token:') ? 'with this token' : `from ${request.ip}`}; retry in ${res.ttlInSeconds} s.`, { retryAfter: res.ttlInSeconds, extra: { limit: 'requests' } });
    }
  });
}
