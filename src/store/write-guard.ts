/**
 * StoreWriteGuard: the writes of running executions (output events, target results, state changes, journal,
 * process records) go through here, so a store that cannot be written (disk full, the write lock held by
 * another process, an I/O error) never throws into a child's output pipe, a timer or an event emitter, where
 * it would escape as an uncaught exception and close the server.
 *
 * A write is tried at once while the store is healthy. When one fails with an outage it is kept, in order,
 * with every later write (a later write never overtakes a held one, so each execution's events keep their
 * sequence), and a timer retries the oldest with a backoff: better-sqlite3 is synchronous, so waiting for the
 * store inside a call would stop the event loop. Held writes are written in short batches once the store
 * accepts them again. While nothing is held but the last write failed, the timer probes the store with a
 * small real write, so a store that recovers is used again without a restart.
 *
 * An owner (an execution) whose writes stay held past `graceMs`, or that holds more than `maxHeldBytes`, is
 * reported once through `onOwnerFailed`: the ExecutionService then ends that run, and may drop its held
 * output with `dropHeld`.
 */
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { Errors } from '../core/errors.js';
import { outageCause } from './faults.js';

export interface GuardedWrite {
  /** The execution the write belongs to (for grace, bounds and dropping). */
  owner?: string;
  /** Approximate size held in memory while the write waits (bytes). */
  bytes: number;
  /** Output that may be dropped when its execution fails on the store (stdout/stderr pieces). */
  droppable?: boolean;
  /** What it writes, for logs (`appendEvent`, `updateExecution`, ...). */
  label: string;
  run: () => void;
}

/** The store's current write failure. */
export interface StoreFailure {
  /** Short cause: `disk full`, `database is locked by another process`, ... */
  cause: string;
  /** When writes started failing (epoch ms). */
  since: number;
}

export interface WriteGuardOptions {
  /** First retry delay after a failed write (ms); doubles up to retryMaxMs. Default 100. */
  retryMinMs?: number;
  /** Longest retry delay (ms). Default 1000. */
  retryMaxMs?: number;
  /** How long an owner's writes may stay held before it is reported failed (ms). Default 1000. */
  graceMs?: number;
  /** Bytes an owner may hold before it is reported failed. Default 1 MiB. */
  maxHeldBytes?: number;
  /** Longest stretch of held writes written in one event-loop turn (ms). Default 20. */
  batchMs?: number;
}

/** Seconds a client should wait before submitting again while the store fails (the Retry-After header). */
export const STORE_RETRY_AFTER_SECONDS = 2;

export class StoreWriteGuard {
  private held: GuardedWrite[] = [];
  /** Per owner: writes and bytes held. */
  private readonly perOwner = new Map<string, { count: number; bytes: number }>();
  private readonly reported = new Set<string>();
  private current: StoreFailure | null = null;
  private timer: NodeJS.Timeout | undefined;
  private delayMs: number;
  private closed = false;
  private probedAt = 0;
  private readonly o: Required<WriteGuardOptions>;

  /** Told once per owner whose writes cannot be made (held past the grace, or too many bytes held). */
  onOwnerFailed?: (owner: string, cause: string) => void;

  /** `probe` makes one small real write and throws when the store cannot be written. */
  constructor(private readonly probe: () => void, private readonly logger: Logger, opts: WriteGuardOptions = {}) {
    this.o = { retryMinMs: 100, retryMaxMs: 1000, graceMs: 1000, maxHeldBytes: 1 << 20, batchMs: 20, ...opts };
    this.delayMs = this.o.retryMinMs;
  }

  /** The store's write failure, or null while writes succeed. */
  get failure(): StoreFailure | null {
    return this.current;
  }

  /** Number of writes waiting for the store. */
  get heldCount(): number {
    return this.held.length;
  }

  /** Writes now, or holds the write (in order) while the store fails. Never throws. */
  write(w: GuardedWrite): void {
    if (this.current || this.held.length) {
      this.hold(w);
      return;
    }
    try {
      w.run();
    } catch (err) {
      const cause = outageCause(err);
      if (!cause) return this.dropBroken(w, err);
      this.fail(cause, err);
      this.hold(w);
    }
  }

  /**
   * The failure, after probing the store with a small real write when none is known and the last probe is
   * older than `probeEveryMs` (for /health/ready: an idle server also learns that its disk filled up).
   */
  check(probeEveryMs = 1000): StoreFailure | null {
    if (this.current || this.closed || Date.now() - this.probedAt < probeEveryMs) return this.current;
    this.probedAt = Date.now();
    try {
      this.probe();
    } catch (err) {
      const cause = outageCause(err);
      if (!cause) throw err;
      this.fail(cause, err);
      this.schedule();
    }
    return this.current;
  }

  /** Throws StoreUnavailable (503, Retry-After) while the store cannot be written. */
  assertWritable(): void {
    if (this.current) throw this.unavailable(this.current.cause);
  }

  /**
   * For a write made outside the guard (a submit): an outage marks the store failing (the probe starts) and
   * becomes StoreUnavailable; anything else is returned unchanged.
   */
  translate(err: unknown): unknown {
    const cause = outageCause(err);
    if (!cause) return err;
    this.fail(cause, err);
    this.schedule();
    return this.unavailable(cause, err);
  }

  /** Removes the owner's held droppable writes (its output); returns how many were dropped. */
  dropHeld(owner: string): number {
    const keep: GuardedWrite[] = [];
    for (const w of this.held) {
      if (w.owner === owner && w.droppable) this.release(w);
      else keep.push(w);
    }
    const dropped = this.held.length - keep.length;
    this.held = keep;
    return dropped;
  }

  /** Stops retrying: one last attempt to write what is held, then what is still held is logged as lost. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.held.length) this.drain(Number.POSITIVE_INFINITY);
    if (this.held.length) {
      this.logger.error({ lostWrites: this.held.length, cause: this.current?.cause }, 'store still failing at shutdown: held writes are lost');
      this.held = [];
    }
  }

  private unavailable(cause: string, err?: unknown) {
    return new Errors.StoreUnavailable(`The execution store cannot be written (${cause}); retry later.`, {
      retryAfter: STORE_RETRY_AFTER_SECONDS, ...(err ? { cause: err } : {}),
    });
  }

  private hold(w: GuardedWrite): void {
    this.held.push(w);
    if (w.owner) {
      const mine = this.perOwner.get(w.owner) ?? { count: 0, bytes: 0 };
      mine.count++;
      mine.bytes += w.bytes;
      this.perOwner.set(w.owner, mine);
      if (mine.bytes > this.o.maxHeldBytes) this.report(w.owner);
    }
    this.schedule();
  }

  private release(w: GuardedWrite): void {
    const mine = w.owner === undefined ? undefined : this.perOwner.get(w.owner);
    if (!mine) return;
    mine.count--;
    mine.bytes -= w.bytes;
    if (mine.count > 0) return;
    this.perOwner.delete(w.owner!);
    this.reported.delete(w.owner!);
  }

  /** Records the failure; the caller schedules the retry (retry() itself picks the next delay). */
  private fail(cause: string, err: unknown): void {
    if (!this.current) {
      this.current = { cause, since: Date.now() };
      this.logger.error({ err, cause }, 'store write failed; writes are held and retried');
    } else {
      this.current.cause = cause;
    }
  }

  private report(owner: string): void {
    if (this.reported.has(owner)) return;
    this.reported.add(owner);
    this.onOwnerFailed?.(owner, this.current?.cause ?? 'store write failed');
  }

  private dropBroken(w: GuardedWrite, err: unknown): void {
    // Not an outage (a constraint, a bad value): retrying cannot help, and it must not stop the run.
    this.logger.error({ err, write: w.label, owner: w.owner }, 'store write failed (not retried)');
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.retry();
    }, this.delayMs);
    this.timer.unref();
  }

  private retry(): void {
    const ok = this.held.length ? this.drain(this.o.batchMs) : this.tryProbe();
    if (ok && this.held.length === 0) {
      if (this.current) this.logger.warn({ cause: this.current.cause, downMs: Date.now() - this.current.since }, 'store writable again');
      this.current = null;
      this.delayMs = this.o.retryMinMs;
      return;
    }
    if (ok) {
      // More held writes: continue on the next turn, without delay, so requests are served in between.
      this.delayMs = 0;
    } else {
      this.delayMs = Math.min(this.o.retryMaxMs, Math.max(this.o.retryMinMs, this.delayMs * 2));
      if (this.current && Date.now() - this.current.since >= this.o.graceMs) {
        for (const owner of this.perOwner.keys()) this.report(owner);
      }
    }
    this.schedule();
  }

  /** Writes held writes in order for at most `budgetMs`; false when the store failed again. */
  private drain(budgetMs: number): boolean {
    const start = performance.now();
    while (this.held.length) {
      const w = this.held[0];
      try {
        w.run();
      } catch (err) {
        const cause = outageCause(err);
        if (cause) {
          this.fail(cause, err);
          return false;
        }
        this.dropBroken(w, err);
      }
      this.held.shift();
      this.release(w);
      if (performance.now() - start >= budgetMs) break;
    }
    return true;
  }

  private tryProbe(): boolean {
    try {
      this.probe();
      return true;
    } catch (err) {
      const cause = outageCause(err);
      if (cause && this.current) this.current.cause = cause;
      return false;
    }
  }
}
