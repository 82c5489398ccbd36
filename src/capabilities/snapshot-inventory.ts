/**
 * The inventory and facts capabilities of a plugin that reads its whole inventory as one versioned snapshot
 * and caches gathered facts (Bolt's `inventory show`, Ansible's `ansible-inventory --list`): one
 * implementation of inventory.list / get / groups / filter (snapshot semantics: `ifNoneMatch` naming the
 * current version answers "not modified") and of info.facts / refresh over the plugin's facts cache.
 */
import type { Static } from '@sinclair/typebox';
import { compileGlob } from '../core/glob.js';
import type { Cache } from '../core/helpers-api.js';
import { implement, type ExecutionContext, type PluginCapability } from '../core/types.js';
import type { Facts, Group, Node } from './common.js';
import { infoFacts, infoRefresh } from './info.js';
import { inventoryFilter, inventoryGet, inventoryGroups, inventoryList } from './inventory.js';

type NodeT = Static<typeof Node>;
type FactsT = Static<typeof Facts>;

/** One snapshot of a source's inventory; `version` names it (see inventory.ts, snapshots). */
export interface InventorySnapshot {
  nodes: NodeT[];
  groups: Static<typeof Group>[];
  version: string;
}

function matches(n: NodeT, p: { groups?: string[]; transport?: string }): boolean {
  return (!p.groups?.length || p.groups.some((g) => n.groups.includes(g))) && (!p.transport || n.transport === p.transport);
}

/** inventory.list / get (by name or alias) / groups / filter over `load`, which returns the current snapshot. */
export function snapshotInventoryCapabilities(load: (ctx: ExecutionContext) => Promise<InventorySnapshot>): PluginCapability<any, any>[] {
  const byName = (inv: InventorySnapshot, name: string) => inv.nodes.find((n) => n.name === name || (n.alias ?? []).includes(name)) ?? null;
  return [
    implement(inventoryList, async (p, ctx) => {
      const inv = await load(ctx);
      if (p.ifNoneMatch === inv.version) return { nodes: [], version: inv.version, notModified: true };
      return { nodes: !p.groups?.length && !p.transport ? inv.nodes : inv.nodes.filter((n) => matches(n, p)), version: inv.version };
    }),
    implement(inventoryGet, async (p, ctx) => ({ node: byName(await load(ctx), p.name) })),
    implement(inventoryGroups, async (p, ctx) => {
      const inv = await load(ctx);
      return p.ifNoneMatch === inv.version ? { groups: [], version: inv.version, notModified: true } : { groups: inv.groups, version: inv.version };
    }),
    implement(inventoryFilter, async (p, ctx) => {
      const re = p.name ? compileGlob(p.name) : undefined;
      return { nodes: (await load(ctx)).nodes.filter((n) => (!re || re.test(n.name)) && matches(n, p)) };
    }),
  ];
}

/** info.facts (from `cache`, gathered on a miss) and info.refresh (gathered now, then cached). */
export function cachedFactsCapabilities(cache: Cache<FactsT>, gather: (node: string, ctx: ExecutionContext) => Promise<FactsT>): PluginCapability<any, any>[] {
  return [
    implement(infoFacts, async (p, ctx) => cache.get(p.node, () => gather(p.node, ctx))),
    implement(infoRefresh, async (p, ctx) => {
      const f = await gather(p.node, ctx);
      cache.set(p.node, f);
      return f;
    }),
  ];
}
