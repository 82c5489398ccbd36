/**
 * Why a run was aborted, carried as the AbortSignal's reason so providers can tell cancel from timeout.
 */
/** `store`: the run's output or state could not be written (its targets are stopped like a cancel; the run fails). */
export type AbortCause = 'cancel' | 'timeout' | 'shutdown' | 'store';

/** The per-target status for a target stopped by this signal. */
export function abortStatus(signal: AbortSignal): 'canceled' | 'timed_out' {
  const r = signal.reason as unknown;
  if (r === 'timeout' || (r instanceof DOMException && r.name === 'TimeoutError')) return 'timed_out';
  return 'canceled';
}
