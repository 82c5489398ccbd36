/**
 * ExecutionObserver: what operators see of runs without reading the store. The ExecutionService calls it
 * once per transition (queued, running, terminal); it writes one info log line per transition and counts
 * terminal runs (capstan_executions_total) and their targets (capstan_execution_targets_total).
 * Kept apart from the service so the run pipeline itself stays about running.
 */
import type { Logger } from 'pino';
import type { TargetNode, TargetOutcome } from '../core/types.js';
import type { Metrics } from '../observability/metrics.js';
import type { ExecutionRow } from '../store/types.js';
import type { ExecutionStatus } from './states.js';

/** Provider label of targets no provider was assigned to (canceled while queued, failed before assignment). */
export const NO_PROVIDER = 'none';

export class ExecutionObserver {
  /** Which provider runs each target of a running execution; forgotten when the run ends. */
  private readonly providers = new Map<string, Map<string, string>>();

  constructor(private readonly metrics: Metrics, private readonly logger: Logger) {}

  /** Admitted to the queue (`requeued`: again, after a restart). */
  queued(row: ExecutionRow, requeued: boolean): void {
    this.logger.info({
      executionId: row.id, correlationId: row.correlationId, capability: row.capability, status: 'queued', nodeCount: row.nodes.length,
      ...(requeued ? { requeued: true } : {}),
    }, requeued ? 'execution re-queued after restart' : 'execution queued');
  }

  /** Left the queue and started; `queuedMs` is how long it waited. */
  running(row: ExecutionRow, startedAt: string): void {
    this.logger.info({
      executionId: row.id, correlationId: row.correlationId, capability: row.capability, status: 'running', queuedMs: since(row.createdAt, startedAt),
    }, 'execution running');
  }

  /** The providers chosen for the run's targets (labels of its target counts). */
  assigned(executionId: string, byProvider: Map<string, TargetNode[]>): void {
    const map = new Map<string, string>();
    for (const [provider, nodes] of byProvider) for (const n of nodes) map.set(n.name, provider);
    this.providers.set(executionId, map);
  }

  /** Reached a terminal status: one log line, one count, and one count per target that has a result. */
  finished(row: ExecutionRow, status: ExecutionStatus, reason: string | null, outcomes: TargetOutcome[], finishedAt: string): void {
    const assigned = this.providers.get(row.id);
    this.providers.delete(row.id);
    const targets: Record<string, number> = {};
    for (const o of outcomes) {
      targets[o.status] = (targets[o.status] ?? 0) + 1;
      const provider = assigned?.get(o.target) ?? fallbackProvider(row.provider);
      this.metrics.executionTargets.inc({ capability: row.capability, provider, status: o.status });
    }
    this.metrics.executions.inc({ capability: row.capability, status });
    const startedAt = row.startedAt ?? undefined;
    this.logger.info({
      executionId: row.id, correlationId: row.correlationId, capability: row.capability, status, ...(reason ? { reason } : {}), targets,
      ...(startedAt ? { queuedMs: since(row.createdAt, startedAt), runMs: since(startedAt, finishedAt) } : {}),
      durationMs: since(row.createdAt, finishedAt),
    }, `execution ${status}`);
  }
}

/**
 * A run recovered after a restart has no assignment in memory: its stored provider is exact when it ran on
 * one provider, else unknown.
 */
function fallbackProvider(stored: string | null): string {
  if (!stored) return NO_PROVIDER;
  return stored.includes(',') ? 'unknown' : stored;
}

function since(from: string, to: string): number {
  return Math.max(0, Date.parse(to) - Date.parse(from));
}
