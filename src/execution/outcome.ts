/**
 * Pure rules of how an execution ends: the final status from per-target outcomes and the abort reason.
 */
import type { CapstanError } from '../core/errors.js';
import type { TargetOutcome } from '../core/types.js';
import type { ExecutionStatus } from './states.js';

import type { AbortCause } from '../core/abort.js';

export type AbortReason = AbortCause;

export function finalStatus(outcomes: TargetOutcome[], abort?: AbortReason): ExecutionStatus {
  if (abort === 'cancel') return 'canceled';
  if (abort === 'timeout') return 'timed_out';
  if (abort === 'shutdown') return 'interrupted';
  // What the run did after its store writes failed is unknown to its readers: never a success.
  if (abort === 'store') return 'failed';
  const ok = outcomes.filter((o) => o.status === 'succeeded' || o.status === 'skipped').length;
  if (ok === outcomes.length) return 'succeeded';
  return ok === 0 ? 'failed' : 'partial';
}

/** Status given to targets that never reported, by why the run stopped. */
export function missingTargetStatus(abort?: AbortReason): TargetOutcome['status'] {
  if (abort === 'cancel' || abort === 'shutdown') return 'canceled';
  if (abort === 'timeout') return 'timed_out';
  return 'failed';
}

/** A target's failed outcome for an error raised before or around its run (nothing exited). */
export function failure(target: string, e: CapstanError): TargetOutcome {
  return {
    target, status: 'failed', exitCode: null,
    error: { category: e.category, code: e.code, title: e.title, detail: e.message },
  };
}
