/**
 * ErrorHandler: category-based retry with exponential backoff and full jitter, and a circuit breaker.
 * Only retryable categories (unavailable, timeout, rate_limited) are retried; everything else fails at once.
 */
import { CapstanError, Errors, toCapstanError } from '../core/errors.js';

export interface RetryOptions {
  /** Attempts in all (1 = no retry). Default 3. */
  attempts?: number;
  /** First backoff (ms), doubled each retry. Default 200. */
  baseMs?: number;
  /** Backoff cap (ms). Default 5000. */
  maxMs?: number;
  signal?: AbortSignal;
  /** Random source in [0,1), for tests. */
  random?: () => number;
  onRetry?: (err: CapstanError, attempt: number, delayMs: number) => void;
}

/** Delay before retry `attempt` (1-based): full jitter over min(max, base * 2^(attempt-1)). */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(maxMs, baseMs * 2 ** (attempt - 1)));
}

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const e = toCapstanError(err);
      if (!e.retryable || attempt >= attempts || opts.signal?.aborted) throw e;
      const delay = backoffDelay(attempt, opts.baseMs ?? 200, opts.maxMs ?? 5000, opts.random);
      opts.onRetry?.(e, attempt, delay);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        opts.signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
      });
    }
  }
}

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  /** Consecutive retryable failures that open the circuit. Default 5. */
  failureThreshold?: number;
  /** How long it stays open before one trial call (ms). Default 30000. */
  resetMs?: number;
  now?: () => number;
}

/** Fails fast (unavailable) while a dependency keeps failing; lets one trial call through after resetMs. */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private state_: BreakerState = 'closed';
  private trial = false;
  private readonly now: () => number;

  constructor(readonly name: string, private readonly opts: BreakerOptions = {}) {
    this.now = opts.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.state_ === 'open' && this.now() - this.openedAt >= (this.opts.resetMs ?? 30_000)) this.state_ = 'half_open';
    return this.state_;
  }

  async call<T>(fn: () => Promise<T>): Promise<T> {
    const s = this.state;
    if (s === 'open' || (s === 'half_open' && this.trial)) {
      throw new Errors.Upstream(`circuit '${this.name}' is open after ${this.failures} consecutive failures; not calling it for now.`, { retryAfter: Math.ceil((this.opts.resetMs ?? 30_000) / 1000) });
    }
    if (s === 'half_open') this.trial = true;
    try {
      const v = await fn();
      this.failures = 0;
      this.state_ = 'closed';
      return v;
    } catch (err) {
      const e = toCapstanError(err);
      // Only failures of the dependency count (not bad input).
      if (e.retryable) {
        this.failures++;
        if (s === 'half_open' || this.failures >= (this.opts.failureThreshold ?? 5)) {
          this.state_ = 'open';
          this.openedAt = this.now();
        }
      }
      throw e;
    } finally {
      if (s === 'half_open') this.trial = false;
    }
  }
}
