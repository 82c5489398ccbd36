/**
 * GitHub's words mapped to Capstan's (reference §3.6–3.8, 3.11): a workflow run's `status` + `conclusion`, a
 * deployment status `state`, and whether a run waits for a person.
 */
export type DeployStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'canceled' | 'rolled_back';

/** Run statuses before it ran (`waiting`: environment approval). */
const PENDING = new Set(['requested', 'queued', 'pending', 'waiting', 'action_required']);

/** Capstan's status of a workflow run. Unknown words: running while not completed, failed once completed. */
export function runStatus(status: string | null | undefined, conclusion: string | null | undefined): DeployStatus {
  if (status !== 'completed') return PENDING.has(status ?? 'queued') ? 'pending' : 'running';
  switch (conclusion) {
    case 'success':
    case 'neutral':
      return 'succeeded';
    case 'cancelled':
      return 'canceled';
    case 'action_required':
      return 'pending';
    default:
      // failure, timed_out, startup_failure, stale, skipped (nothing was deployed), null/unknown.
      return 'failed';
  }
}

/** The run stopped on a person: an environment review (`waiting`) or an approval (`action_required`). */
export function runBlocked(status: string | null | undefined, conclusion: string | null | undefined): boolean {
  return status === 'waiting' || status === 'action_required' || (status === 'completed' && conclusion === 'action_required');
}

/** The run is over (and will not move by itself). */
export function runDone(status: string | null | undefined, conclusion: string | null | undefined): boolean {
  return status === 'completed' && conclusion !== 'action_required';
}

/** The tool's words, verbatim: `status/conclusion` once completed, else `status`. */
export function toolStatus(status: string | null | undefined, conclusion: string | null | undefined): string {
  return status === 'completed' ? `completed/${conclusion ?? 'null'}` : status ?? 'unknown';
}

/** Terminal deployment-status states. */
export const FINAL_STATES = new Set(['success', 'failure', 'error', 'inactive']);

/**
 * Capstan's status of a GitHub deployment from its statuses (newest first): the latest state; `inactive`
 * (superseded by a later deployment) is `succeeded` when it had succeeded, else `canceled`.
 */
export function deploymentStatus(states: string[]): DeployStatus {
  const latest = states[0];
  switch (latest) {
    case 'success':
      return 'succeeded';
    case 'failure':
    case 'error':
      return 'failed';
    case 'inactive':
      return states.includes('success') ? 'succeeded' : 'canceled';
    case 'in_progress':
      return 'running';
    default:
      return 'pending'; // queued, pending, none yet
  }
}
