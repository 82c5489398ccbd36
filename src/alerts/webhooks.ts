/**
 * Delivers alert changes to webhook subscriptions (alert.subscribe): the deliveries the follower queued in the
 * store are POSTed in order per subscription (the next one waits until the previous is accepted), retried
 * with waits of 1 s doubling up to 10 min, and given up after `maxAttempts` (the subscription's `delivery`
 * shows it). A restart resumes them: they live in the store, not in memory.
 *
 * Request: `POST <receiverUrl>`, `Content-Type: application/json`, body
 * `{ "subscription": "<id>", "changes": AlertChange[] }`, headers `X-Capstan-Delivery: <delivery id>` and, for
 * a subscription with a secret, `X-Capstan-Signature: sha256=<hex HMAC-SHA256 of the body>`. Any 2xx accepts
 * it; anything else (3xx included: redirects are not followed) is a failure.
 */
import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import { IntervalLoop } from '../core/interval-loop.js';
import type { AlertDeliveryRow, AlertSubscriptionRepository } from '../store/types.js';

export interface WebhookOptions {
  /** Time a receiver has to answer (ms). */
  timeoutMs: number;
  /** Attempts before a delivery is given up. */
  maxAttempts: number;
  /** How often due deliveries are looked for (ms; default 500). */
  tickMs?: number;
}

/** The wait before attempt n+1 after n failed attempts (ms): 1 s doubling, at most 10 min. */
export function retryDelayMs(failedAttempts: number): number {
  return Math.min(600_000, 1000 * 2 ** Math.max(0, failedAttempts - 1));
}

/**
 * What a failed attempt is called in the subscription's `lastStatus` and the log: the error code (ECONNREFUSED,
 * ENOTFOUND, ...) or kind, never the error's message, which may quote the receiver URL and a token in it.
 */
export function failureText(err: unknown, timeoutMs: number): string {
  const e = err as Error & { cause?: { code?: string; name?: string } };
  if (e?.name === 'TimeoutError') return `timeout after ${timeoutMs} ms`;
  return e?.cause?.code ?? (e?.cause?.name && e.cause.name !== 'Error' ? e.cause.name : undefined) ?? `request failed (${e?.name ?? 'Error'})`;
}

/** The X-Capstan-Signature value of a body. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export class WebhookDeliverer {
  private readonly loop: IntervalLoop;

  constructor(private readonly repo: AlertSubscriptionRepository, private readonly logger: Logger, private readonly options: WebhookOptions) {
    // A store that cannot be read or written (locked, disk full) fails the pass, not the server: the next pass retries.
    this.loop = new IntervalLoop(() => this.tick(), options.tickMs ?? 500, (err) => this.logger.warn({ err }, 'alert webhook pass failed; retrying at the next one'));
  }

  /** Looks for due deliveries now, then every `tickMs`. */
  start(): void {
    this.loop.start();
  }

  /** Stops looking for deliveries and waits for the attempts under way. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Looks for due deliveries now (after the follower queued some). */
  poke(): void {
    this.loop.poke();
  }

  private get stopped(): boolean {
    return this.loop.stopped;
  }

  /** One pass: every subscription's oldest due delivery, in parallel across subscriptions; again while any was accepted. */
  private async tick(): Promise<void> {
    for (let progress = true; progress && !this.stopped;) {
      const due = this.repo.due(new Date().toISOString(), 50);
      const results = await Promise.all(due.map((d) => this.attempt(d)));
      progress = results.some(Boolean);
    }
  }

  private async attempt(d: AlertDeliveryRow): Promise<boolean> {
    const sub = this.repo.get(d.subscriptionId);
    if (!sub || sub.deletedAt) return false;
    const headers: Record<string, string> = {
      'content-type': 'application/json', 'user-agent': 'Capstan-Alert-Webhook/1', 'x-capstan-delivery': String(d.id),
    };
    if (sub.secret) headers['x-capstan-signature'] = signature(sub.secret, d.body);
    let status: string;
    try {
      const res = await fetch(sub.receiverUrl, { method: 'POST', headers, body: d.body, redirect: 'manual', signal: AbortSignal.timeout(this.options.timeoutMs) });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) {
        this.repo.delivered(d, new Date().toISOString());
        return true;
      }
      status = `HTTP ${res.status}`;
    } catch (err) {
      status = failureText(err, this.options.timeoutMs);
    }
    const attempts = d.attempts + 1;
    const giveUp = attempts >= this.options.maxAttempts;
    const now = Date.now();
    this.repo.failed(d, giveUp ? `${status}; delivery ${d.id} given up after ${attempts} attempts` : status, new Date(now).toISOString(),
      giveUp ? null : new Date(now + retryDelayMs(attempts)).toISOString());
    this.logger.warn({ subscription: sub.id, delivery: d.id, attempts, status, gaveUp: giveUp }, 'alert webhook delivery failed');
    return false;
  }
}
