/**
 * The helper API plugins receive as `opts.helpers` (implemented in src/helpers): plugins import only this
 * contract from src/core, never the implementations.
 */
import type { Logger } from 'pino';
import type { TargetOutcome } from './types.js';

export interface Cache<V> {
  get(key: string, load: () => Promise<V>): Promise<V>;
  invalidate(key?: string): void;
  set(key: string, value: V): void;
  peek(key: string): V | undefined;
  readonly stats: { hits: number; staleHits: number; misses: number; coalesced: number; refreshErrors: number };
}

export interface Breaker {
  readonly state: 'closed' | 'open' | 'half_open';
  call<T>(fn: () => Promise<T>): Promise<T>;
}

export interface RunLogger {
  target(o: TargetOutcome): void;
  end(): { counts: Record<string, number>; durationMs: number };
}

export interface PluginHelpers {
  /** TTL + stale-while-revalidate + in-flight coalescing (defaults 60 s / 300 s). */
  createInventoryCache<V>(opts?: { ttlMs?: number; staleMs?: number }): Cache<V>;
  /** Per-node TTL cache (default 300 s, 10,000 nodes). */
  createFactsCache<V>(opts?: { ttlMs?: number; staleMs?: number; maxEntries?: number }): Cache<V>;
  /** Retries retryable categories with exponential backoff and full jitter. */
  withRetry<T>(fn: (attempt: number) => Promise<T>, opts?: { attempts?: number; baseMs?: number; maxMs?: number; signal?: AbortSignal }): Promise<T>;
  /** Opens after consecutive retryable failures; one trial call after resetMs. */
  createCircuitBreaker(name: string, opts?: { failureThreshold?: number; resetMs?: number }): Breaker;
  /** Structured start / per-target / end log lines of a run. */
  createExecutionLogger(logger: Logger, fields: { executionId?: string; capability: string; targets: number }): RunLogger;
}
