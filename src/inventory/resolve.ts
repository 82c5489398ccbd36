/**
 * Target expansion with Bolt's --targets semantics, against the indexed views (no scan of the inventory):
 * `all` is every node, a node name or alias is that node, a group name is its members and its child groups'
 * members (cycles tolerated), duplicates once. Unknown names are a 400 naming each.
 */
import { Errors } from '../core/errors.js';
import type { GroupView } from './group-view.js';
import type { NodeIndex } from './node-index.js';
import type { NodeT } from './types.js';

/** Target names: no option injection (`-x`), no `@file` (read as a target list by Bolt), no whitespace or control characters. */
export const TARGET_NAME = /^[^-@\s][^\s\x00-\x1f\x7f]{0,254}$/;

/** Throws TargetInvalid when a name could be taken for an option, a file or several targets. */
export function checkTargetNames(targets: string[]): void {
  const bad = targets.filter((t) => !TARGET_NAME.test(t));
  if (bad.length) throw new Errors.TargetInvalid(`Invalid target names: ${bad.map((b) => JSON.stringify(b)).join(', ')}.`, { extra: { targets: bad } });
}

/** Adds the members of group `name` and of its child groups (cycles tolerated) to `out`; nothing for an unknown group. */
export function addGroupMembers(name: string, nodes: NodeIndex, groups: GroupView, out: Map<string, NodeT>, seen = new Set<string>()): void {
  const g = groups.get(name);
  if (!g || seen.has(name)) return;
  seen.add(name);
  for (const t of g.targets) { const n = nodes.get(t); if (n) out.set(n.name, n); }
  for (const child of g.groups ?? []) addGroupMembers(child, nodes, groups, out, seen);
}

export function expandTargets(targets: string[], nodes: NodeIndex, groups: GroupView): NodeT[] {
  const out = new Map<string, NodeT>();
  const unknown: string[] = [];
  for (const t of targets) {
    if (t === 'all') { for (const n of nodes.all) out.set(n.name, n); continue; }
    const n = nodes.get(t);
    if (n) { out.set(n.name, n); continue; }
    if (groups.get(t)) { addGroupMembers(t, nodes, groups, out); continue; }
    unknown.push(t);
  }
  if (unknown.length) {
    throw new Errors.TargetUnresolved(`Targets name no node or group of the inventory: ${unknown.join(', ')}.`, { extra: { targets: unknown } });
  }
  return [...out.values()];
}
