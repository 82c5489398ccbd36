/**
 * Linking across sources: nodes of the same name are one node (the first source, highest priority, wins
 * scalar fields; lists are unions; each source keeps its own id), groups of the same name are one group.
 */
import { byCodeUnit, type GroupT, type NodeT } from './types.js';

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}

function linkByName(lists: NodeT[][]): NodeT[] {
  const byName = new Map<string, NodeT>();
  // A node one source alone knows is kept as that source gave it (no copy: at fleet scale most are); the
  // first time a second source knows it, it is copied and the copy merged into. Inputs are never mutated.
  const copied = new Set<NodeT>();
  for (const list of lists) {
    for (const n of list) {
      let cur = byName.get(n.name);
      if (!cur) {
        byName.set(n.name, n);
        continue;
      }
      if (!copied.has(cur)) {
        cur = { ...cur, groups: [...cur.groups], sources: [...cur.sources], ...(cur.alias ? { alias: [...cur.alias] } : {}) };
        copied.add(cur);
        byName.set(n.name, cur);
      }
      cur.groups = union(cur.groups, n.groups);
      for (const s of n.sources) if (!cur.sources.some((x) => x.source === s.source)) cur.sources.push(s);
      cur.uri ??= n.uri;
      cur.transport ??= n.transport;
      if (n.alias) cur.alias = union(cur.alias ?? [], n.alias);
      if (n.facts) cur.facts = { ...n.facts, ...(cur.facts ?? {}) };
      if (n.vars) cur.vars = { ...(n.vars as object), ...((cur.vars as object) ?? {}) };
    }
  }
  return [...byName.values()];
}

/** Links nodes by name, sorted with localeCompare (the order of the whole-list reads before snapshots). */
export function mergeNodes(lists: NodeT[][]): NodeT[] {
  return linkByName(lists).sort((a, b) => a.name.localeCompare(b.name));
}

/** Links nodes by name, in code-unit order of the name (the keyset order of pages). */
export function linkNodes(lists: NodeT[][]): NodeT[] {
  return linkByName(lists).sort((a, b) => byCodeUnit(a.name, b.name));
}

/** Merges groups by name (members, child groups and sources united), in code-unit order of the name. */
export function mergeGroups(lists: GroupT[][]): GroupT[] {
  const byName = new Map<string, GroupT>();
  for (const list of lists) {
    for (const g of list) {
      const cur = byName.get(g.name);
      if (!cur) byName.set(g.name, { ...g, targets: [...g.targets], groups: [...(g.groups ?? [])], sources: [...g.sources] });
      else {
        cur.targets = union(cur.targets, g.targets);
        cur.groups = union(cur.groups ?? [], g.groups ?? []);
        cur.sources = union(cur.sources, g.sources);
      }
    }
  }
  return [...byName.values()].sort((a, b) => byCodeUnit(a.name, b.name));
}
