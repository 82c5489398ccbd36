/** One Bolt result item -> the lines it carries and a TargetOutcome with a standard error category. */
import { Errors } from '../../../src/core/errors.js';
import type { TargetOutcome } from '../../../src/core/types.js';
import { targetError } from './errors.js';
import type { BoltResult } from './json-stream.js';

/** An output piece as the execution stores it: a whole line, or (`partial`) text no newline follows. */
export interface Piece {
  line: string;
  partial?: true;
}

/**
 * A target's output text as pieces: one per line (split on `\n`), and a last piece without a newline after
 * it marked `partial`, so that joining the pieces gives the text back exactly.
 */
export function pieces(v: unknown): Piece[] {
  if (typeof v !== 'string' || !v.length) return [];
  const parts = v.split('\n');
  const last = parts.pop()!;
  const out: Piece[] = parts.map((line) => ({ line }));
  if (last) out.push({ line: last, partial: true });
  return out;
}

/** Output keys of command and script results: streamed as lines, so not repeated in `value`. */
const OUTPUT_KEYS = new Set(['stdout', 'stderr', 'merged_output']);

export function itemLines(item: BoltResult): { stdout: Piece[]; stderr: Piece[] } {
  const v = item.value ?? {};
  return { stdout: pieces(v.stdout ?? v._output), stderr: pieces(v.stderr) };
}

/**
 * The value kept with a target's result. A command's or script's output is already stored line by line
 * under the execution's output cap; copying it (twice: stdout and merged_output) into the result would
 * bypass that cap and triple the stored bytes. Task values are the task's own result and stay whole.
 */
function keptValue(item: BoltResult, keepOutput: boolean): Record<string, unknown> {
  const v = item.value ?? {};
  if (keepOutput || (item.action !== 'command' && item.action !== 'script')) return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => !OUTPUT_KEYS.has(k)));
}

/** `keepOutput`: keep stdout/stderr in `value` (plan results, whose per-target lines are not streamed). */
export function itemOutcome(item: BoltResult, keepOutput = false): TargetOutcome {
  const v = item.value ?? {};
  const value = keptValue(item, keepOutput);
  const exit = typeof v.exit_code === 'number' ? v.exit_code : undefined;
  if (item.status === 'success') return { target: item.target, status: 'succeeded', exitCode: exit ?? 0, value };
  if (item.status === 'skipped') return { target: item.target, status: 'skipped', exitCode: null, value };
  // Bolt marks a result failed exactly when it has an `_error`; a failure without one is still a failure.
  const err = v._error ? targetError(v._error) : new Errors.ExecutionFailed(`Bolt reported the ${item.action ?? 'action'} failed on ${item.target}`);
  const detailExit = (v._error?.details as { exit_code?: unknown } | undefined)?.exit_code;
  return {
    target: item.target, status: 'failed',
    exitCode: typeof detailExit === 'number' ? detailExit : exit ?? null,
    value,
    error: { category: err.category, code: err.code, title: err.title, detail: err.message },
  };
}
