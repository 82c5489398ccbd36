/**
 * The execution status set: one constant read by the SQL CHECK, the OpenAPI enum and the service.
 */
export const EXECUTION_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'partial', 'canceled', 'timed_out', 'interrupted'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

export const TERMINAL_STATUSES: readonly ExecutionStatus[] = ['succeeded', 'failed', 'partial', 'canceled', 'timed_out', 'interrupted'];

export function isTerminal(s: ExecutionStatus): boolean {
  return TERMINAL_STATUSES.includes(s);
}

/** Allowed transitions; anything else is a bug and is refused by the service. */
export const TRANSITIONS: Record<ExecutionStatus, readonly ExecutionStatus[]> = {
  queued: ['running', 'canceled', 'interrupted'],
  running: ['succeeded', 'failed', 'partial', 'canceled', 'timed_out', 'interrupted'],
  succeeded: [], failed: [], partial: [], canceled: [], timed_out: [], interrupted: [],
};

export function canTransition(from: ExecutionStatus, to: ExecutionStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** SSE / stored event types, in the order a run produces them. */
export const STREAM_EVENT_TYPES = ['start', 'stdout', 'stderr', 'notice', 'target_result', 'status', 'truncated', 'complete'] as const;
export type StreamEventType = (typeof STREAM_EVENT_TYPES)[number];
