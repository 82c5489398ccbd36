/**
 * The one emitter of a run: what its providers report (output pieces, notices, target results) becomes stored
 * events, within the run's output budget (execution.maxOutputBytes: past it one `truncated` event, then output
 * is dropped); events reported after the run ended, or while the store cannot take the run's writes, are
 * dropped (the latter counted for the run's reason).
 */
import type { Logger } from 'pino';
import type { ExecutionEmit, ExitCodeRule, TargetOutcome } from '../core/types.js';
import { applyExitCodes } from './exit-codes.js';
import type { StreamEventType } from './states.js';
import type { TargetResultRow } from '../store/types.js';

export interface EmitterDeps {
  id: string;
  outcomes: Map<string, TargetOutcome>;
  /** Output kept per run (bytes, a newline counted for each whole line). */
  maxBytes: number;
  logger: Logger;
  /** True once the run ended: a provider that outlived the abort grace must not change it. */
  ended: () => boolean;
  /** Set while the run's writes cannot be made: output is counted in `dropped` instead. */
  storeFailure: () => { dropped: number } | undefined;
  writeResult: (r: TargetResultRow) => void;
  /** The capability's exit-code rule, applied to every target result. */
  exitCodes?: ExitCodeRule;
  append: (type: StreamEventType, data: Record<string, unknown>) => void;
  /** Replaces the run's secret values in what it reports (observability/secret-scrubber.ts secretMask). */
  mask?: <T>(value: T) => T;
}

export function createEmitter(d: EmitterDeps): (e: ExecutionEmit) => void {
  let bytes = 0;
  let truncated = false;
  return (reported) => {
    // Secrets a tool prints (an `echo $DB_PASSWORD`, a task echoing its parameters) are masked before anything
    // is stored or streamed: output, notices and target results alike.
    const e = d.mask ? d.mask(reported) : reported;
    if (d.ended()) {
      d.logger.warn({ executionId: d.id, event: e.type }, 'dropped an event reported after the execution ended');
      return;
    }
    if (e.type === 'target_result') {
      const { type: _t, ...reported } = e;
      const outcome = applyExitCodes(reported, d.exitCodes);
      d.outcomes.set(outcome.target, outcome);
      // journalNodes is for the run's journal entries (written at its end from `outcomes`), not a result field.
      const { journalNodes: _j, ...result } = outcome;
      d.writeResult({ executionId: d.id, ...result });
      d.append('target_result', result as unknown as Record<string, unknown>);
      return;
    }
    if (e.type === 'notice') {
      d.append('notice', { target: e.target, message: e.message });
      return;
    }
    if (truncated) return;
    const failing = d.storeFailure();
    if (failing) {
      failing.dropped++;
      return;
    }
    bytes += Buffer.byteLength(e.line) + (e.partial ? 0 : 1);
    if (bytes > d.maxBytes) {
      truncated = true;
      d.append('truncated', { limitBytes: d.maxBytes, message: `output exceeded ${d.maxBytes} bytes; further lines were dropped` });
      return;
    }
    // `partial` only when true: a whole line keeps the shape clients already read.
    d.append(e.type, e.partial ? { target: e.target, line: e.line, partial: true } : { target: e.target, line: e.line });
  };
}
