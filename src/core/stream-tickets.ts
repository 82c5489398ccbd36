/**
 * Stream tickets: short-lived, single-use credentials for the SSE routes, for clients that cannot send an
 * Authorization header (a browser's EventSource). A caller with a bearer token asks for a ticket for one
 * stream (POST .../stream-ticket) and opens that stream with `?ticket=<ticket>`; the ticket stands for the
 * caller (a copy of its principal taken when the ticket was issued).
 *
 * A ticket is `capt_` + 32 random bytes (256 bits) in base64url (`cap_` is an API token; a ticket is never
 * accepted as a bearer token, nor a token as a ticket). Only its SHA-256 is kept, as the key of an in-memory
 * map: a lookup by hash, so neither the map nor its timing holds anything a caller could replay. Tickets live
 * in this process only: a restart (or another instance behind a load balancer) does not know them, which is
 * fine for a credential that lives 30 s; the client asks for a new one.
 *
 * A ticket is bound to one route and its path params (`/api/v1/executions/:id/stream` of one execution), and
 * is spent by the first request that presents it to a stream route, whether that request is accepted or not
 * (a ticket tried on the wrong stream is burned too: it has leaked or been misused).
 */
import { randomBytes } from 'node:crypto';
import { sha256Hex as hash } from './hash.js';
import type { Principal } from './types.js';

export const TICKET_PREFIX = 'capt_';

/** Options of the ticket store. */
export interface StreamTicketOptions {
  /** How long a ticket is valid (ms). Default 30000. */
  ttlMs?: number;
  /** Most tickets held at once; past it the oldest is dropped. Default 10000. */
  maxTickets?: number;
  /** The clock (ms since the epoch); tests move it. Default Date.now. */
  now?: () => number;
}

/** What a ticket opens: a route (as Fastify names it) and the values of its path params. */
export interface TicketTarget {
  route: string;
  params: Record<string, string>;
}

interface Held extends TicketTarget {
  principal: Principal;
  expiresAt: number;
}

export type TicketCheck = { ok: true; principal: Principal } | { ok: false; reason: string };

const REASONS = {
  used: 'The stream ticket was already used; ask for a new one.',
  expired: 'The stream ticket has expired; ask for a new one.',
  unknown: 'The stream ticket is not valid (unknown, or issued before a restart).',
} as const;

/** Spent tickets are remembered (by hash) for this long, so a replay is told apart from an unknown ticket. */
const SPENT_MEMORY_FACTOR = 2;

export class StreamTickets {
  readonly ttlMs: number;
  private readonly max: number;
  private readonly now: () => number;
  /** Hash -> ticket, in issue order (so expired ones are at the front). */
  private readonly live = new Map<string, Held>();
  /**
   * Hash -> why it no longer works and when that may be forgotten: used and expired tickets, so that a replay
   * or a late client is told which (an unknown ticket would be a worse answer).
   */
  private readonly spent = new Map<string, { why: 'used' | 'expired'; until: number }>();

  constructor(opts: StreamTicketOptions = {}) {
    this.ttlMs = opts.ttlMs ?? 30_000;
    this.max = opts.maxTickets ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  /** Issues a ticket for `target`, standing for a copy of `principal`. */
  issue(principal: Principal, target: TicketTarget): { ticket: string; expiresAt: Date } {
    this.sweep();
    while (this.live.size >= this.max) this.live.delete(this.live.keys().next().value as string);
    const ticket = TICKET_PREFIX + randomBytes(32).toString('base64url');
    const expiresAt = this.now() + this.ttlMs;
    this.live.set(hash(ticket), { route: target.route, params: { ...target.params }, principal: structuredClone(principal), expiresAt });
    return { ticket, expiresAt: new Date(expiresAt) };
  }

  /** Spends a ticket presented to `target`: the principal it stands for, or why it is refused. */
  redeem(ticket: string, target: TicketTarget): TicketCheck {
    this.sweep();
    const key = hash(ticket);
    const held = this.live.get(key);
    if (!held) return { ok: false, reason: REASONS[this.spent.get(key)?.why ?? 'unknown'] };
    // Spent now, whatever follows: a ticket presented to the wrong stream has leaked or is misused.
    this.live.delete(key);
    this.spent.set(key, { why: 'used', until: held.expiresAt + this.ttlMs * SPENT_MEMORY_FACTOR });
    const same = held.route === target.route
      && Object.keys(held.params).length === Object.keys(target.params).length
      && Object.entries(held.params).every(([k, v]) => target.params[k] === v);
    if (!same) return { ok: false, reason: 'The stream ticket was issued for another stream.' };
    return { ok: true, principal: structuredClone(held.principal) };
  }

  /** Tickets held now (issued, not used, not swept). */
  get size(): number {
    return this.live.size;
  }

  /**
   * Drops what has expired. Issue order is expiry order (one TTL), so only the front of the live map is looked
   * at; an expired ticket is remembered a while longer, so presenting it still says "expired". The spent map is
   * roughly in expiry order (a ticket used early goes in before an older one that expires later): it is
   * trimmed from the front too, so an entry may outstay its time a little. Past twice `maxTickets` entries the
   * oldest memories go first (such a ticket then reads as unknown: still a 401).
   */
  private sweep(): void {
    const now = this.now();
    for (const [key, held] of this.live) {
      if (held.expiresAt > now) break;
      this.live.delete(key);
      this.spent.set(key, { why: 'expired', until: held.expiresAt + this.ttlMs * SPENT_MEMORY_FACTOR });
    }
    for (const [key, { until }] of this.spent) {
      if (until > now) break;
      this.spent.delete(key);
    }
    while (this.spent.size > this.max * 2) this.spent.delete(this.spent.keys().next().value as string);
  }
}
