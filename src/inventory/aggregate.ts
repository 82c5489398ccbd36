/**
 * Inventory across sources: asks every inventory provider (invokeAll), links nodes seen by several sources
 * into one node by name (keeping each source's own id), and expands targets (node names, group names,
 * `all`) into nodes with Bolt's --targets semantics.
 */
import type { Static } from '@sinclair/typebox';
import type { Group, Node } from '../capabilities/common.js';
import { Errors } from '../core/errors.js';
import type { SourceStatus } from '../core/registry.js';
import type { CapabilityRegistry } from '../core/registry.js';
import type { ExecutionContext } from '../core/types.js';

export type NodeT = Static<typeof Node>;
export type GroupT = Static<typeof Group>;

export interface Aggregate<T> {
  items: T[];
  sources: SourceStatus[];
}

/** Target names: no option injection (`-x`), no `@file` (read as a target list by Bolt), no whitespace or control characters. */
export const TARGET_NAME = /^[^-@\s][^\s\x00-\x1f\x7f]{0,254}$/;

export class InventoryService {
  constructor(private readonly registry: CapabilityRegistry, private readonly timeoutMs: number) {}

  async nodes(ctx: ExecutionContext, params: Record<string, unknown> = {}, capability = 'inventory.list'): Promise<Aggregate<NodeT>> {
    const answer = await this.fanOut(capability, params, ctx);
    if (!answer) return { items: [], sources: [] };
    return { items: mergeNodes(answer.results.map((r) => (r.value as { nodes: NodeT[] }).nodes)), sources: answer.sources };
  }

  async groups(ctx: ExecutionContext): Promise<Aggregate<GroupT>> {
    const answer = await this.fanOut('inventory.groups', {}, ctx);
    if (!answer) return { items: [], sources: [] };
    const byName = new Map<string, GroupT>();
    for (const r of answer.results) {
      for (const g of (r.value as { groups: GroupT[] }).groups) {
        const cur = byName.get(g.name);
        if (!cur) byName.set(g.name, { ...g, targets: [...g.targets], groups: [...(g.groups ?? [])], sources: [...g.sources] });
        else {
          cur.targets = union(cur.targets, g.targets);
          cur.groups = union(cur.groups ?? [], g.groups ?? []);
          cur.sources = union(cur.sources, g.sources);
        }
      }
    }
    return { items: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)), sources: answer.sources };
  }

  async node(name: string, ctx: ExecutionContext): Promise<{ node: NodeT; sources: SourceStatus[] }> {
    const { items, sources } = await this.nodes(ctx);
    const node = items.find((n) => n.name === name || (n.alias ?? []).includes(name));
    if (!node) throw new Errors.NodeNotFound(`No inventory source knows a node named '${name}'.`, { extra: { node: name, sources } });
    return { node, sources };
  }

  /** Expands targets to nodes; throws TargetInvalid / TargetUnresolved (400) naming the bad ones. */
  async resolveTargets(targets: string[], ctx: ExecutionContext): Promise<NodeT[]> {
    const bad = targets.filter((t) => !TARGET_NAME.test(t));
    if (bad.length) throw new Errors.TargetInvalid(`Invalid target names: ${bad.map((b) => JSON.stringify(b)).join(', ')}.`, { extra: { targets: bad } });
    const [{ items: nodes }, { items: groups }] = await Promise.all([this.nodes(ctx), this.groups(ctx)]);
    const byName = new Map(nodes.map((n) => [n.name, n]));
    for (const n of nodes) for (const a of n.alias ?? []) if (!byName.has(a)) byName.set(a, n);
    const groupByName = new Map(groups.map((g) => [g.name, g]));
    const out = new Map<string, NodeT>();
    const unknown: string[] = [];
    const addGroup = (g: GroupT, seen: Set<string>) => {
      if (seen.has(g.name)) return;
      seen.add(g.name);
      for (const t of g.targets) { const n = byName.get(t); if (n) out.set(n.name, n); }
      for (const child of g.groups ?? []) { const c = groupByName.get(child); if (c) addGroup(c, seen); }
    };
    for (const t of targets) {
      if (t === 'all') { for (const n of nodes) out.set(n.name, n); continue; }
      const n = byName.get(t);
      if (n) { out.set(n.name, n); continue; }
      const g = groupByName.get(t) ?? [...groupByName.values()].find((x) => x.name === t);
      if (g) { addGroup(g, new Set()); continue; }
      unknown.push(t);
    }
    if (unknown.length) {
      throw new Errors.TargetUnresolved(`Targets name no node or group of the inventory: ${unknown.join(', ')}.`, { extra: { targets: unknown } });
    }
    return [...out.values()];
  }

  /** invokeAll, with "no provider at all" answered as an empty aggregate instead of an error. */
  private async fanOut(name: string, params: unknown, ctx: ExecutionContext) {
    try {
      return await this.registry.invokeAll(name, params, ctx, { timeoutMs: this.timeoutMs });
    } catch (err) {
      if (err instanceof Errors.CapabilityNoProvider || err instanceof Errors.CapabilityNotProvided) return undefined;
      throw err;
    }
  }
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}

/** Links nodes by name; the first source (highest priority) wins scalar fields, lists are unions. */
export function mergeNodes(lists: NodeT[][]): NodeT[] {
  const byName = new Map<string, NodeT>();
  for (const list of lists) {
    for (const n of list) {
      const cur = byName.get(n.name);
      if (!cur) {
        byName.set(n.name, { ...n, groups: [...n.groups], sources: [...n.sources] });
        continue;
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
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
