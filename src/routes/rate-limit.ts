/**
 * Rate limits (@fastify/rate-limit's counting store, our own hooks), checked in the first onRequest hook,
 * before the Host check and authentication: a refused request costs no token check, reads no body and runs
 * nothing. Two limits, both counted per `rateLimit.timeWindowMs` window:
 *
 * - requests: `rateLimit.max` per bearer token (its SHA-256, so no secret is held as a key), or per client
 *   IP for requests without one. A principal gets its own budget whatever address it comes from.
 * - failed authentications: `rateLimit.authFailuresMax` 401 answers per client IP. Past it, every request
 *   of that IP is refused until the window ends. This is what stops brute force: each guessed token is a
 *   new token, so a per-token limit alone never trips.
 *
 * The client IP is `request.ip`: the TCP peer, or the client a trusted proxy names (`trustProxy`).
 * /health/* is never limited (probes). A refusal is the RATE_LIMITED problem (429) with Retry-After.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { Config } from '../config/schema.js';
import { Errors } from '../core/errors.js';
import { bearerToken } from './auth.js';

/** Most IPs remembered as blocked at once; the oldest block is forgotten first (memory stays bounded). */
const MAX_BLOCKED = 10_000;
/** Keys each counting store keeps (LRU): an attacker inventing tokens cannot grow memory past it. */
const CACHE_SIZE = 10_000;

/** The key of a request's request budget: its bearer token's hash, else its client IP. */
export function requestKey(request: FastifyRequest): string {
  const token = bearerToken(request.headers.authorization);
  return token === undefined ? `ip:${request.ip}` : `token:${createHash('sha256').update(token).digest('base64url')}`;
}

export async function installRateLimit(app: FastifyInstance, config: Readonly<Config>): Promise<void> {
  const rl = config.rateLimit;
  if (!rl.enabled || (rl.max === 0 && rl.authFailuresMax === 0)) return;
  // global: false: the plugin adds no per-route hook (route hooks run after ours, i.e. after auth).
  await app.register(rateLimit, { global: false, cache: CACHE_SIZE });
  const requests = rl.max > 0 ? app.createRateLimit({ max: rl.max, timeWindow: rl.timeWindowMs, keyGenerator: requestKey }) : undefined;
  const failures = rl.authFailuresMax > 0 ? app.createRateLimit({ max: rl.authFailuresMax, timeWindow: rl.timeWindowMs, keyGenerator: (r) => `ip:${r.ip}` }) : undefined;
  /** Client IP -> when its block ends (ms since the epoch). */
  const blocked = new Map<string, number>();

  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.url?.startsWith('/health/')) return;
    const until = blocked.get(request.ip);
    if (until !== undefined) {
      const left = until - Date.now();
      if (left > 0) {
        throw new Errors.RateLimited(`Too many failed authentications from ${request.ip}; every request from it is refused for ${Math.ceil(left / 1000)} s.`, { retryAfter: Math.ceil(left / 1000), extra: { limit: 'authFailures' } });
      }
      blocked.delete(request.ip);
    }
    if (!requests) return;
    const res = await requests(request);
    // `isAllowed` only means an allow-list let the key through; over the limit is `isExceeded`.
    if (!res.isAllowed && res.isExceeded) {
      throw new Errors.RateLimited(`More than ${res.max} requests in ${res.timeWindow / 1000} s ${res.key.startsWith('token:') ? 'with this token' : `from ${request.ip}`}; retry in ${res.ttlInSeconds} s.`, { retryAfter: res.ttlInSeconds, extra: { limit: 'requests' } });
    }
  });

  if (!failures) return;
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode !== 401) return;
    const res = await failures(request);
    // Blocked once the IP has used up its failures: the next request is refused, not answered with another 401.
    if (res.isAllowed || res.remaining > 0 || blocked.has(request.ip)) return;
    if (blocked.size >= MAX_BLOCKED) blocked.delete(blocked.keys().next().value!);
    blocked.set(request.ip, Date.now() + res.ttl);
    // The audit trail of an attack: one line when an address is blocked (each refusal is logged at info).
    request.log.warn({ ip: request.ip, failures: res.max, blockedSeconds: res.ttlInSeconds, event: 'auth:rate-limited' }, 'too many failed authentications: client IP blocked');
  });
}
