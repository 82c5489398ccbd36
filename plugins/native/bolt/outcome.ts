/** One Bolt result item -> the lines it carries and a TargetOutcome with a standard error category. */
import type { TargetOutcome } from '../../../src/core/types.js';
import { boltError } from './errors.js';
import type { BoltResult } from './json-stream.js';

const lines = (v: unknown) => (typeof v === 'string' && v.length ? v.replace(/\n$/, '').split('\n') : []);

export function itemLines(item: BoltResult): { stdout: string[]; stderr: string[] } {
  const v = item.value ?? {};
  return { stdout: lines(v.stdout ?? v._output), stderr: lines(v.stderr) };
}

export function itemOutcome(item: BoltResult): TargetOutcome {
  const v = item.value ?? {};
  const exit = typeof v.exit_code === 'number' ? v.exit_code : undefined;
  if (item.status === 'success') return { target: item.target, status: 'succeeded', exitCode: exit ?? 0, value: v };
  if (item.status === 'skipped') return { target: item.target, status: 'skipped', exitCode: null, value: v };
  const err = v._error ? boltError(v._error) : undefined;
  const detailExit = (v._error?.details as { exit_code?: unknown } | undefined)?.exit_code;
  return {
    target: item.target, status: 'failed',
    exitCode: typeof detailExit === 'number' ? detailExit : exit ?? null,
    value: v,
    ...(err ? { error: { category: err.category, code: err.code, title: err.title, detail: err.message } } : {}),
  };
}
