/**
 * Inventory from `bolt inventory show --detail --format json --targets all`: targets with uri, alias,
 * transport (config.transport), vars, facts and the groups each belongs to (Bolt lists `all` last).
 */
import type { Static } from '@sinclair/typebox';
import type { Group, Node } from '../../../src/capabilities/index.js';
import { Errors } from '../../../src/core/errors.js';

export type NodeT = Static<typeof Node>;
export type GroupT = Static<typeof Group>;

interface DetailTarget {
  name: string;
  uri?: string;
  /** Bolt prints an alias as the inventory gave it: one string or a list. */
  alias?: string[] | string | null;
  config?: { transport?: string };
  vars?: Record<string, unknown>;
  facts?: Record<string, unknown>;
  groups?: string[];
}

export interface BoltInventory {
  nodes: NodeT[];
  groups: GroupT[];
}

export function parseInventoryShow(doc: unknown, source: string): BoltInventory {
  const targets = (doc as { targets?: unknown })?.targets;
  if (!Array.isArray(targets)) throw new Errors.Upstream('bolt inventory show did not return a `targets` list.');
  const nodes: NodeT[] = [];
  const members = new Map<string, string[]>();
  for (const raw of targets as (DetailTarget | string)[]) {
    const t: DetailTarget = typeof raw === 'string' ? { name: raw } : raw;
    const groups = (t.groups ?? []).filter((g) => g !== 'all');
    for (const g of groups) {
      const list = members.get(g);
      if (list) list.push(t.name);
      else members.set(g, [t.name]);
    }
    const alias = typeof t.alias === 'string' ? [t.alias] : Array.isArray(t.alias) ? t.alias : [];
    const os = (t.facts as { os?: { family?: string; name?: string; release?: { full?: string } } } | undefined)?.os;
    nodes.push({
      id: t.name, name: t.name, uri: t.uri ?? t.name, transport: t.config?.transport ?? 'ssh', groups: [...groups, 'all'],
      sources: [{ source, id: t.name }],
      ...(alias.length ? { alias } : {}),
      ...(t.vars && Object.keys(t.vars).length ? { vars: t.vars } : {}),
      ...(os ? { facts: { osFamily: os.family, osName: os.name, osRelease: os.release?.full } } : {}),
    });
  }
  const groups = [...members].map(([name, ts]) => ({ name, targets: ts, sources: [source] })).sort((a, b) => a.name.localeCompare(b.name));
  return { nodes: nodes.sort((a, b) => a.name.localeCompare(b.name)), groups };
}
