/**
 * The execution body every route answers with: the stored row, per-target results, queue place, links.
 * Secret params are redacted here, for every caller: the store keeps them (a re-queued run needs them),
 * answers never show them.
 */
import type { FastifyInstance } from 'fastify';
import { redactParams } from '../capabilities/index.js';
import { Errors } from '../core/errors.js';
import type { ExecutionRow } from '../store/types.js';

export function executionLinks(id: string) {
  const self = `/api/v1/executions/${id}`;
  return { self, stream: `${self}/stream`, output: `${self}/output`, wait: `${self}/wait`, cancel: `${self}/cancel` };
}

/**
 * The reports a started run sent (contracts with producesReports): its nodes' reports that started within the
 * run. Node clocks are trusted to agree with the server's (as PuppetDB's report times are the agents').
 */
function reportsLink(app: FastifyInstance, row: ExecutionRow): { reports?: string } {
  if (!row.startedAt || !app.registry.contract(row.capability).producesReports) return {};
  const q = new URLSearchParams();
  // Past 100 nodes the URL would outgrow what proxies accept: the time window alone, every node's reports.
  if (row.nodes.length <= 100) for (const n of row.nodes) q.append('nodes', n);
  q.set('since', row.startedAt);
  if (row.finishedAt) q.set('until', row.finishedAt);
  return { reports: `/api/v1/reports?${q}` };
}

/**
 * A run whose output retention deleted: its output and stream answer 410 Gone (a problem naming when), never an
 * empty page that would read as "it printed nothing".
 */
export function assertOutputKept(row: ExecutionRow): void {
  if (!row.prunedAt) return;
  throw new Errors.ExecutionOutputPruned(`The output and results of execution ${row.id} were pruned at ${row.prunedAt} (execution.retentionDays); the execution itself is kept.`, {
    extra: { executionId: row.id, prunedAt: row.prunedAt },
  });
}

export function executionView(app: FastifyInstance, row: ExecutionRow) {
  const queue = row.status === 'queued' ? app.queue.position(row.id) : undefined;
  return {
    id: row.id, capability: row.capability, status: row.status, targets: row.targets, nodes: row.nodes,
    params: redactParams(row.capability, row.params as Record<string, unknown>), provider: row.provider, timeoutSeconds: row.timeoutSeconds,
    createdAt: row.createdAt, startedAt: row.startedAt, finishedAt: row.finishedAt, reason: row.reason, principal: row.principal,
    results: app.store.targetResults(row.id).map(({ executionId: _e, ...r }) => r),
    ...(row.prunedAt ? { outputPrunedAt: row.prunedAt } : {}),
    ...(queue ? { queue } : {}),
    links: { ...executionLinks(row.id), ...reportsLink(app, row) },
  };
}
