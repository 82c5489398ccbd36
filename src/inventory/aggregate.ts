/**
 * Inventory across sources: asks every inventory provider for its snapshot (unchanged ones answer
 * "not modified"), links nodes seen by several sources into one node by name (keeping each source's own id)
 * and keeps the result indexed until a source's version changes; expands targets (node names, group names,
 * `all`) into nodes with Bolt's --targets semantics against the same index.
 */
import type { SourceStatus } from '../core/registry.js';
import type { CapabilityRegistry } from '../core/registry.js';
import { Errors } from '../core/errors.js';
import { markWellFormed, wellFormed } from '../core/json-text.js';
import { SYSTEM_PRINCIPAL } from '../core/permissions.js';
import type { CapabilityContract, ExecutionContext, Principal } from '../core/types.js';
import { GroupView } from './group-view.js';
import { linkNodes } from './merge.js';
import { NodeIndex } from './node-index.js';
import { checkTargetNames, expandTargets } from './resolve.js';
import { isTargetLimited, outsideError } from '../core/target-reach.js';
import { outsideScope } from './scope.js';
import { SourceSnapshots } from './source-snapshots.js';
import type { Aggregate, GroupT, NodeT } from './types.js';
import { ViewCache } from './view-cache.js';

export type { Aggregate, GroupT, NodeT } from './types.js';
export { mergeNodes } from './merge.js';
export { TARGET_NAME } from './resolve.js';

/** Made well-formed (no lone surrogates) once per view, so answers skip that walk for every page (see json-text). */
const checked = <T extends object>(x: T): T => markWellFormed(wellFormed(x));

const NO_NODES = new NodeIndex([]);
const NO_GROUPS = new GroupView([]);

export class InventoryService {
  private readonly nodeSources: SourceSnapshots<NodeT>;
  private readonly groupSources: SourceSnapshots<GroupT>;
  /** Exposed for tests: how many merged views were built. */
  readonly nodeViews = new ViewCache<NodeT, NodeIndex>((lists) => new NodeIndex(linkNodes(lists).map(checked)));
  readonly groupViews = new ViewCache<GroupT, GroupView>((lists) => new GroupView(lists, checked));

  constructor(registry: CapabilityRegistry, timeoutMs: number) {
    this.nodeSources = new SourceSnapshots<NodeT>(registry, 'inventory.list', 'nodes', timeoutMs);
    this.groupSources = new SourceSnapshots<GroupT>(registry, 'inventory.groups', 'groups', timeoutMs);
  }

  /** The indexed nodes of every source that answered, and each source's status. */
  async nodeIndex(ctx: ExecutionContext): Promise<{ index: NodeIndex; sources: SourceStatus[] }> {
    const read = await this.nodeSources.read(ctx);
    if (!read) return { index: NO_NODES, sources: [] };
    return { index: this.nodeViews.get(read.snapshots), sources: read.sources };
  }

  /** The merged groups of every source that answered, and each source's status. */
  async groupView(ctx: ExecutionContext): Promise<{ view: GroupView; sources: SourceStatus[] }> {
    const read = await this.groupSources.read(ctx);
    if (!read) return { view: NO_GROUPS, sources: [] };
    return { view: this.groupViews.get(read.snapshots), sources: read.sources };
  }

  /** Every node, in code-unit order of the name (the array is shared: do not mutate). */
  async nodes(ctx: ExecutionContext): Promise<Aggregate<NodeT>> {
    const { index, sources } = await this.nodeIndex(ctx);
    return { items: index.all as NodeT[], sources };
  }

  /** Every group, in code-unit order of the name (the array is shared: do not mutate). */
  async groups(ctx: ExecutionContext): Promise<Aggregate<GroupT>> {
    const { view, sources } = await this.groupView(ctx);
    return { items: view.all as GroupT[], sources };
  }

  /** One node by name, else by alias (a map lookup); NodeNotFound (404) naming the sources asked. */
  async node(name: string, ctx: ExecutionContext): Promise<{ node: NodeT; sources: SourceStatus[] }> {
    const { index, sources } = await this.nodeIndex(ctx);
    const node = index.get(name);
    if (!node) throw new Errors.NodeNotFound(`No inventory source knows a node named '${name}'.`, { extra: { node: name, sources } });
    return { node, sources };
  }

  /**
   * Throws TargetOutsideScope (403) naming the nodes (names or aliases) on which `principal` may not use
   * `contract` (its roles' targets, its token scope: inventory/scope.ts). The inventory is read as the server
   * (the caller's own right to read it is not what is checked here).
   */
  async authorizeScope(principal: Principal, contract: CapabilityContract, names: readonly string[], ctx: ExecutionContext): Promise<void> {
    if (!isTargetLimited(principal) || names.length === 0) return;
    const system = { ...ctx, principal: SYSTEM_PRINCIPAL };
    const [{ index }, { view }] = await Promise.all([this.nodeIndex(system), this.groupView(system)]);
    const outside = outsideScope(principal, contract, names, index, view);
    if (!outside.length) return;
    throw outsideError(principal, contract, outside);
  }

  /** Expands targets to nodes; throws TargetInvalid / TargetUnresolved (400) naming the bad ones. */
  async resolveTargets(targets: string[], ctx: ExecutionContext): Promise<NodeT[]> {
    checkTargetNames(targets);
    const [{ index }, { view }] = await Promise.all([this.nodeIndex(ctx), this.groupView(ctx)]);
    return expandTargets(targets, index, view);
  }
}
