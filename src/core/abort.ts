/**
 * Why a run was aborted, carried as the AbortSignal's reason so providers can tell cancel from timeout.
 */
export type AbortCause = 'cancel' | 'timeout' | 'shutdown';

/** The per-target status for a target stopped by this signal. */
export function abortStatus(signal: AbortSignal): 'canceled' | 'timed_out' {
  const r = signal.reason as unknown;
  if (r === 'timeout' || (r instanceof DOMException && r.name === 'TimeoutError')) return 'timed_out';
  return 'canceled';
}
