/**
 * Applies a contract's exit-code rule (CapabilityContract.exitCodes) to a target's outcome: a provider reports
 * every non-zero exit as failed; for a command with detailed exit codes some of those are successes, and some
 * (succeeded or not) mean the target was changed.
 */
import type { ExitCodeRule, TargetOutcome } from '../core/types.js';

/** The outcome as the contract reads it; unchanged when no rule applies or nothing exited. */
export function applyExitCodes(o: TargetOutcome, rule: ExitCodeRule | undefined): TargetOutcome {
  if (!rule || o.exitCode === null || o.signal) return o;
  const changed = rule.changed.includes(o.exitCode);
  // Only a failure that is the command's own exit becomes a success: not a connection error or a cancel.
  if (o.status === 'failed' && rule.succeeded.includes(o.exitCode) && (!o.error || o.error.category === 'execution_failed')) {
    const { error: _e, ...rest } = o;
    return { ...rest, status: 'succeeded', changed };
  }
  if (o.status === 'succeeded' || o.status === 'failed') return { ...o, changed };
  return o;
}
