/**
 * Fact changes as journal entries: whenever facts of a node are gathered (info.facts / info.refresh answers,
 * from any provider), the normalized facts are compared with the ones last kept for that node; what changed
 * becomes one `facts` entry (`changes`: dot path, from, to), written by the core. The first gathering only
 * keeps the facts. Values under keys named like secrets (SECRET_KEY_NAMES) are `***` in the entry.
 *
 * Only the normalized facts are compared (os, kernel, hostname, processors, memory, networking), not `raw`:
 * raw facts hold counters that change at every gathering (uptime, free memory) and would bury real changes.
 */
import type { Logger } from 'pino';
import { REDACTED, SECRET_KEY_NAMES } from '../capabilities/sensitive.js';
import type { CapabilityRegistry } from '../core/registry.js';
import type { JournalRow, Store } from '../store/types.js';

/** The members of Facts that are compared; everything else (raw, gatheredAt, source) is not. */
const COMPARED = ['os', 'kernel', 'kernelRelease', 'hostname', 'processors', 'memory', 'networking'] as const;
const SECRET_KEY = new RegExp(SECRET_KEY_NAMES, 'i');
/** At most this many changes are listed in one entry (the count says how many there were). */
const MAX_CHANGES = 100;

export interface FactChange {
  path: string;
  from: unknown;
  to: unknown;
}

/** Leaves of a JSON value by dot path (arrays are leaves: compared whole). */
function leaves(value: unknown, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out.set(prefix, value);
  return out;
}

/** The compared part of a facts answer. */
export function comparedFacts(facts: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(COMPARED.filter((k) => facts[k] !== undefined).map((k) => [k, facts[k]]));
}

/** What changed between two sets of compared facts, in path order; secret-named values shown as `***`. */
export function factChanges(before: Record<string, unknown>, after: Record<string, unknown>): FactChange[] {
  const a = leaves(before, '', new Map());
  const b = leaves(after, '', new Map());
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  const shown = (path: string, v: unknown) => (v !== undefined && path.split('.').some((k) => SECRET_KEY.test(k)) ? REDACTED : v ?? null);
  return paths
    .filter((p) => JSON.stringify(a.get(p)) !== JSON.stringify(b.get(p)))
    .map((p) => ({ path: p, from: shown(p, a.get(p)), to: shown(p, b.get(p)) }));
}

/** The journal entry of a change set. */
export function factsEntry(node: string, at: string, source: string, changes: FactChange[]): Omit<JournalRow, 'id'> {
  const named = changes.slice(0, 3).map((c) => c.path).join(', ');
  return {
    node, at, kind: 'facts', executionId: null, principal: null,
    summary: `facts changed (${changes.length}): ${named}${changes.length > 3 ? ', ...' : ''}`,
    data: { source, count: changes.length, changes: changes.slice(0, MAX_CHANGES) },
    links: { facts: `/api/v1/nodes/${encodeURIComponent(node)}/facts` },
  };
}

/** Watches facts answers and journals what changed (a store fault is logged, never fails the answer). */
export function watchFactChanges(registry: CapabilityRegistry, store: Store, logger: Logger): void {
  registry.onAnswer((capability, provider, _params, value) => {
    if (capability !== 'info.facts' && capability !== 'info.refresh') return;
    const facts = value as Record<string, unknown> & { node: string; gatheredAt?: string };
    if (!facts || typeof facts.node !== 'string') return;
    try {
      const now = comparedFacts(facts);
      const before = store.journal.lastFacts(facts.node);
      const changes = before ? factChanges(before, now) : [];
      if (before && !changes.length) return;
      const at = facts.gatheredAt ?? new Date().toISOString();
      store.transaction(() => {
        store.journal.keepFacts(facts.node, at, now);
        if (changes.length) store.journal.append(factsEntry(facts.node, at, provider, changes));
      });
    } catch (err) {
      logger.warn({ err, node: facts.node }, 'could not journal a change of facts');
    }
  });
}
