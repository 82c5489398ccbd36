/**
 * Target scopes: where a principal's permissions apply (roles' `targets`, an API token's `scope`).
 *
 * A scope is a list of patterns; a node is inside when any pattern matches it:
 * - `all` or `*`: every node;
 * - a pattern with `*` or `?`: a glob over the node's name (case-sensitive, as node names are);
 * - a group name: the group's members and its child groups' members (as in a run's targets);
 * - anything else: the node of that name or alias.
 * Patterns naming no node or group match nothing (a scope is not validated against an inventory that changes).
 */
import { compileGlob, type Glob } from '../core/glob.js';
import { listGrants } from '../core/permissions.js';
import type { CapabilityContract, Principal } from '../core/types.js';
import type { GroupView } from './group-view.js';
import type { NodeIndex } from './node-index.js';
import { addGroupMembers } from './resolve.js';
import type { NodeT } from './types.js';

const hasGlob = (p: string) => p.includes('*') || p.includes('?');

/** The compiled patterns of one scope. */
class ScopeMatcher {
  private readonly everything: boolean;
  private readonly globs: Glob[];
  private readonly members = new Map<string, NodeT>();

  constructor(patterns: readonly string[], index: NodeIndex, view: GroupView) {
    this.everything = patterns.some((p) => p === 'all' || p === '*');
    this.globs = patterns.filter((p) => p !== '*' && hasGlob(p)).map((p) => compileGlob(p));
    for (const p of patterns) {
      if (hasGlob(p) || p === 'all') continue;
      const node = index.get(p);
      if (node) this.members.set(node.name, node);
      addGroupMembers(p, index, view, this.members);
    }
  }

  covers(name: string): boolean {
    return this.everything || this.members.has(name) || this.globs.some((g) => g.test(name));
  }
}

/**
 * The names of `nodes` on which `principal` may not use `contract`: outside its token scope, or covered by no
 * role that grants every permission the contract requires. Empty: allowed everywhere asked. Nodes are names
 * (a query's `node` parameter may name a node the inventory does not know: then only a glob or `all` covers it).
 */
export function outsideScope(principal: Principal, contract: Pick<CapabilityContract, 'riskLevel' | 'requiredPermissions'>, names: readonly string[], index: NodeIndex, view: GroupView): string[] {
  const scope = principal.scope ? new ScopeMatcher(principal.scope, index, view) : undefined;
  // Only roles that grant the capability count; an unlimited one among them covers every node.
  const roles = principal.grants?.filter((g) => contract.requiredPermissions.every((perm) => listGrants(g.permissions, perm, contract)));
  const unlimited = !roles || roles.some((g) => !g.targets);
  const limits = unlimited ? [] : roles.map((g) => new ScopeMatcher(g.targets ?? [], index, view));
  const canonical = (n: string) => index.get(n)?.name ?? n;
  return names.filter((raw) => {
    const name = canonical(raw);
    if (scope && !scope.covers(name)) return true;
    return !unlimited && !limits.some((m) => m.covers(name));
  });
}
