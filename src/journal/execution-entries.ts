/**
 * The journal entries of an ended run: one per node it was to run on, written by the ExecutionService (never
 * by a plugin). The kind follows the capability's family: provisioning, package and deployment runs are
 * entries of their own kind; every other run is an `execution`.
 */
import type { TargetOutcome } from '../core/types.js';
import type { ExecutionRow, JournalRow } from '../store/types.js';

const FAMILY_KINDS: Record<string, string> = {
  provision: 'provisioning', decommission: 'provisioning', package: 'package', deploy: 'deployment',
};

/** The journal kind of a capability's runs. */
export function runKind(capability: string): string {
  return FAMILY_KINDS[capability.split('.')[0]] ?? 'execution';
}

/**
 * One entry per node of the run: capability, outcome, exit code, who, and the link to the execution. Nodes a
 * target's run created or removed (its `journalNodes`, e.g. the machine a provision.create on `localhost`
 * made) get the same entry, naming the target it ran on (`via`).
 */
export function runEntries(row: ExecutionRow, status: string, outcomes: TargetOutcome[], finishedAt: string): Omit<JournalRow, 'id'>[] {
  const byTarget = new Map(outcomes.map((o) => [o.target, o]));
  const own = new Set(row.nodes);
  const extra = new Map<string, TargetOutcome>();
  for (const o of outcomes) for (const n of o.journalNodes ?? []) if (!own.has(n) && !extra.has(n)) extra.set(n, o);
  return [
    ...row.nodes.map((node) => entryFor(row, status, finishedAt, node, byTarget.get(node))),
    ...[...extra].map(([node, o]) => entryFor(row, status, finishedAt, node, o, o.target)),
  ];
}

/** One node's entry; `via`: the target the run ran on, for a node it created or removed. */
function entryFor(row: ExecutionRow, status: string, finishedAt: string, node: string, o: TargetOutcome | undefined, via?: string): Omit<JournalRow, 'id'> {
  const detail = o ? ` (${o.status}${o.exitCode !== null && o.exitCode !== undefined ? `, exit ${o.exitCode}` : ''})` : '';
  return {
    node, at: finishedAt, kind: runKind(row.capability), executionId: row.id, principal: row.principal,
    summary: `${row.capability} ${status}${detail} by ${row.principal}${via ? `, run on ${via}` : ''}`,
    data: {
      capability: row.capability, status, targetStatus: o?.status ?? null, exitCode: o?.exitCode ?? null,
      ...(o?.changed !== undefined ? { changed: o.changed } : {}), ...(via ? { via } : {}), ...(o?.error ? { error: o.error } : {}),
    },
    links: { execution: `/api/v1/executions/${row.id}` },
  };
}
