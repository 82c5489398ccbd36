/**
 * The changes between what the follower last handed on for a source (alert_known) and a whole look at that
 * source now: after a restart, or after the source could not be followed for a while, a resolution or a state
 * change that happened meanwhile still becomes a change.
 */
import type { AlertChangeT, AlertT } from '../capabilities/alert-source.js';

/**
 * `known`: the alerts last handed on (none resolved); `current`: every alert the source lists now. Changes are
 * numbered `reconciled.<n>` and stamped `at`.
 */
export function reconcile(known: AlertT[], current: AlertT[], at: string): AlertChangeT[] {
  const before = new Map(known.map((a) => [a.id, a]));
  const now = new Map(current.map((a) => [a.id, a]));
  const out: Omit<AlertChangeT, 'id'>[] = [];
  for (const a of current) {
    const b = before.get(a.id);
    if (b ? b.state !== a.state : a.state !== 'resolved') out.push({ at, from: b?.state ?? null, to: a.state, alert: a });
  }
  for (const [id, b] of before) {
    if (!now.has(id)) out.push({ at, from: b.state, to: 'resolved', alert: { ...b, state: 'resolved', endsAt: at } });
  }
  return out.map((c, i) => ({ id: `reconciled.${i + 1}`, ...c }));
}
