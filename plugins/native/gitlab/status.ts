/**
 * GitLab statuses (cicd-apis.md §2.4, pipelines and jobs share them; §2.8 for deployments) as Capstan sees them:
 * the phase the follower acts on, and the Deployment.status. Unknown values (GitLab adds some) are treated as
 * still active, never as an end.
 */

export type Phase = 'active' | 'blocked' | 'succeeded' | 'failed' | 'canceled';
export type DeploymentStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'canceled' | 'rolled_back';

const PHASES: Record<string, Phase> = {
  created: 'active',
  waiting_for_resource: 'active',
  preparing: 'active',
  pending: 'active',
  running: 'active',
  waiting_for_callback: 'active',
  canceling: 'active',
  success: 'succeeded',
  failed: 'failed',
  // Every job skipped: nothing was deployed.
  skipped: 'failed',
  canceled: 'canceled',
  // BLOCKED_STATUS: waits for someone to play the job, or for its scheduled time.
  manual: 'blocked',
  scheduled: 'blocked',
  // Deployments only: a deployment waiting for approval.
  blocked: 'blocked',
};

const STATUSES: Record<string, DeploymentStatus> = {
  created: 'pending',
  waiting_for_resource: 'pending',
  preparing: 'pending',
  pending: 'pending',
  manual: 'pending',
  scheduled: 'pending',
  blocked: 'pending',
  running: 'running',
  waiting_for_callback: 'running',
  canceling: 'running',
  success: 'succeeded',
  failed: 'failed',
  skipped: 'failed',
  canceled: 'canceled',
};

/** Whether the status is one GitLab documents (has_status.rb and the newer canceling / waiting_for_callback). */
export function knownStatus(status: string): boolean {
  return Object.hasOwn(PHASES, status);
}

export function phaseOf(status: string): Phase {
  return Object.hasOwn(PHASES, status) ? PHASES[status] : 'active';
}

export function deploymentStatusOf(status: string): DeploymentStatus {
  return Object.hasOwn(STATUSES, status) ? STATUSES[status] : 'running';
}

/** Statuses after which a job's log no longer grows. */
export function jobFinished(status: string): boolean {
  return status === 'success' || status === 'failed' || status === 'canceled' || status === 'skipped';
}

/** Whether a job has started (its log may hold lines). */
export function jobStarted(status: string, startedAt?: string | null): boolean {
  return Boolean(startedAt) || status === 'running' || status === 'canceling' || status === 'waiting_for_callback' || status === 'success' || status === 'failed';
}
