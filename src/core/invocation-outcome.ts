/**
 * The outcome label of one capability invocation (the `outcome` of
 * capstan_capability_invocation_duration_seconds). A query is `ok` when its provider answered. An execution
 * handler that returns normally has not necessarily succeeded: its outcome is read from the per-target
 * results and from why the run was stopped, so failed, timed-out and canceled runs are never counted `ok`.
 */
import { CapstanError } from './errors.js';
import type { AbortCause } from './abort.js';
import type { ExecutionContext, TargetOutcome } from './types.js';

/**
 * `ok` answered (queries) or every target succeeded or was skipped (executions); `error` the provider threw;
 * `timeout` it did not answer within the registry's time limit. Executions only: `failed` no target
 * succeeded, `partial` some did, `timed_out` / `canceled` / `interrupted` the run's timeout, a cancel or the
 * server's shutdown stopped it.
 */
export type InvocationOutcome = 'ok' | 'error' | 'timeout' | 'failed' | 'partial' | 'timed_out' | 'canceled' | 'interrupted';

/** The outcome of a run stopped by its caller's signal (cancel, execution timeout, shutdown), if it was. */
function stopped(ctx: ExecutionContext): InvocationOutcome | undefined {
  if (!ctx.signal.aborted) return undefined;
  const reason = ctx.signal.reason as AbortCause;
  return reason === 'timeout' ? 'timed_out' : reason === 'shutdown' ? 'interrupted' : 'canceled';
}

/** Outcome of an execution handler that returned `results`; a target it did not report counts as failed. */
export function executionOutcome(ctx: ExecutionContext, value: unknown): InvocationOutcome {
  const abort = stopped(ctx);
  if (abort) return abort;
  const results = ((value as { results?: TargetOutcome[] } | undefined)?.results ?? []);
  const byTarget = new Map(results.map((r) => [r.target, r.status]));
  const names = ctx.targets ? ctx.targets.map((n) => n.name) : [...byTarget.keys()];
  const statuses = names.map((n) => byTarget.get(n) ?? 'failed');
  const ok = statuses.filter((s) => s === 'succeeded' || s === 'skipped').length;
  if (ok === statuses.length) return 'ok';
  if (ok > 0) return 'partial';
  if (statuses.every((s) => s === 'timed_out')) return 'timed_out';
  if (statuses.every((s) => s === 'canceled')) return 'canceled';
  return 'failed';
}

/** Outcome of a call that threw: a stopped run keeps its reason; else `timeout` or `error`. */
export function failedOutcome(ctx: ExecutionContext, execution: boolean, err: unknown): InvocationOutcome {
  const abort = execution ? stopped(ctx) : undefined;
  if (abort) return abort;
  return err instanceof CapstanError && err.category === 'timeout' ? 'timeout' : 'error';
}
