/**
 * ExecutionLogger: structured log lines for a run (one `execution:start`, one per target result, one
 * `execution:end` with counts and duration), bound to the execution and correlation ids.
 */
import type { Logger } from 'pino';
import type { TargetOutcome } from '../core/types.js';

export class ExecutionLogger {
  private readonly started = performance.now();
  private readonly counts: Record<string, number> = {};

  constructor(private readonly logger: Logger, private readonly fields: { executionId?: string; capability: string; targets: number }) {
    this.logger = logger.child(fields);
    this.logger.info({ event: 'execution:start' }, 'execution started');
  }

  target(o: TargetOutcome): void {
    this.counts[o.status] = (this.counts[o.status] ?? 0) + 1;
    const level = o.status === 'succeeded' ? 'debug' : 'warn';
    this.logger[level]({ event: 'execution:target', target: o.target, status: o.status, exitCode: o.exitCode, error: o.error?.code }, `target ${o.status}`);
  }

  end(): { counts: Record<string, number>; durationMs: number } {
    const durationMs = Math.round(performance.now() - this.started);
    this.logger.info({ event: 'execution:end', counts: this.counts, durationMs }, 'execution ended');
    return { counts: { ...this.counts }, durationMs };
  }
}
