/**
 * RetentionPruner (issue 17): the one background job that deletes what is older than its retention, without
 * blocking requests.
 *
 * - Journal entries older than `journal.retentionDays` are deleted.
 * - Terminal runs that finished more than `execution.retentionDays` ago lose their output events, target
 *   results and process records; the execution row stays, marked `prunedAt` (its output route answers 410),
 *   and so does its journal line (until the journal's own retention takes it). Queued and running runs are
 *   never touched.
 *
 * It runs shortly after start and then every `journal.pruneIntervalMs` on an unref'd timer. better-sqlite3 is
 * synchronous, so each pass is cut into small transactions (`batch` rows, default 500) with a turn of the event
 * loop between them (setImmediate): requests are served between batches. A pass that meets a store fault
 * (disk full, the lock held by another process) logs a warning and stops; the next interval tries again. While
 * the write guard already knows the store fails, a pass is skipped. `stop()` ends the timer and waits for a
 * running pass to leave at its next batch, so nothing is written after the store closes.
 */
import type { Logger } from 'pino';
import { outageCause } from './faults.js';
import type { Store } from './types.js';

const DAY_MS = 86_400_000;

export interface RetentionOptions {
  /** Days journal entries are kept; 0 = forever (config journal.retentionDays, default 365). */
  journalDays: number;
  /** Days a finished run's output and results are kept; 0 = forever (config execution.retentionDays, default 90). */
  executionDays: number;
  /** Between passes (ms; config journal.pruneIntervalMs, default 1 h). */
  intervalMs: number;
  /** Delay of the first pass after start (ms). Default 5000: after the start-up work (recovery, plugin init). */
  firstDelayMs?: number;
  /** Rows per transaction. Default 500. */
  batch?: number;
  /** The clock (epoch ms); tests move it. Default Date.now. */
  now?: () => number;
}

/** What one pass did. */
export interface PruneReport {
  /** Journal entries deleted. */
  journal: number;
  /** Output events, results and process records deleted, plus runs marked. */
  executionRows: number;
  /** Runs whose output pruning finished (marked `prunedAt`). */
  executions: number;
  /** Why the pass stopped early or did not run (a store fault); absent when it completed. */
  failed?: string;
}

/** The write guard's view of the store (only whether it fails now). */
interface FailureSource {
  readonly failure: { cause: string } | null;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class RetentionPruner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<PruneReport> | undefined;
  private stopped = false;
  private readonly o: Required<RetentionOptions>;

  constructor(private readonly store: Store, private readonly guard: FailureSource | undefined, private readonly logger: Logger, opts: RetentionOptions) {
    this.o = { firstDelayMs: 5_000, batch: 500, now: Date.now, ...opts };
  }

  /** Whether anything is ever pruned (a retention of 0 days keeps forever). */
  get enabled(): boolean {
    return this.o.journalDays > 0 || this.o.executionDays > 0;
  }

  /** Schedules the first pass (then one every interval); nothing when both retentions keep forever. */
  start(): void {
    if (!this.enabled || this.stopped || this.timer) return;
    this.schedule(this.o.firstDelayMs);
  }

  /** One pass now (or the one already running). Never rejects: faults are logged and reported. */
  runOnce(): Promise<PruneReport> {
    this.running ??= this.pass().finally(() => { this.running = undefined; });
    return this.running;
  }

  /** Stops the timer and waits for a running pass to end at its next batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runOnce().then(() => { if (!this.stopped) this.schedule(this.o.intervalMs); });
    }, ms);
    this.timer.unref();
  }

  private async pass(): Promise<PruneReport> {
    const report: PruneReport = { journal: 0, executionRows: 0, executions: 0 };
    const failing = this.guard?.failure;
    if (failing) {
      this.logger.warn({ cause: failing.cause }, 'retention: the store cannot be written now; pruning waits for the next interval');
      return { ...report, failed: failing.cause };
    }
    const now = this.o.now();
    const { batch } = this.o;
    try {
      if (this.o.journalDays > 0) {
        const before = new Date(now - this.o.journalDays * DAY_MS).toISOString();
        report.journal = await this.batches(() => this.store.journal.prune(before, batch));
      }
      if (this.o.executionDays > 0) {
        const before = new Date(now - this.o.executionDays * DAY_MS).toISOString();
        const at = new Date(now).toISOString();
        report.executionRows = await this.batches(() => {
          const r = this.store.pruneExecutions(before, batch, at);
          report.executions += r.executions;
          return r.rows;
        });
      }
    } catch (err) {
      // Never thrown on: a timer has no caller, and the next interval is the retry.
      const cause = outageCause(err);
      report.failed = cause ?? (err instanceof Error ? err.message : String(err));
      this.logger.warn({ err, cause, ...report }, 'retention: pruning failed; retried at the next interval');
      return report;
    }
    if (report.journal || report.executionRows) this.logger.info(report, 'retention: pruned old journal entries and execution output');
    return report;
  }

  /** Runs `step` (one transaction, returns rows changed) until it changes fewer than a batch, yielding between. */
  private async batches(step: () => number): Promise<number> {
    let total = 0;
    while (!this.stopped) {
      const n = step();
      total += n;
      if (n < this.o.batch) break;
      await nextTurn();
    }
    return total;
  }
}
