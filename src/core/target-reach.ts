/**
 * What can be told of a principal's reach without the inventory: whether it is limited to targets at all,
 * whether it may use a capability on every node, and the 403 problems of a reach exceeded. Where the limits
 * lie node by node is inventory/scope.ts.
 */
import { CapstanError, Errors } from './errors.js';
import { listGrants } from './permissions.js';
import type { CapabilityContract, Principal } from './types.js';

/**
 * Whether the principal may use `contract` on every node: no token scope, and a role that grants the
 * capability without a target limit (or no roles at all: a configured token's raw permissions). What cannot be
 * checked node by node (a plan's own code, a write that names no node) needs this.
 */
export function reachesEverywhere(principal: Principal, contract: Pick<CapabilityContract, 'riskLevel' | 'requiredPermissions'>): boolean {
  if (principal.scope) return false;
  if (!principal.grants) return true;
  return principal.grants.some((g) => !g.targets && contract.requiredPermissions.every((perm) => listGrants(g.permissions, perm, contract)));
}

/** Whether the principal is limited to targets at all (the check can be skipped otherwise). */
export function isTargetLimited(principal: Principal): boolean {
  return principal.scope !== undefined || (principal.grants?.some((g) => g.targets !== undefined) ?? false);
}

/** The 403 of nodes out of a principal's reach, naming them (the first five in the detail, all in `targets`). */
export function outsideError(principal: Principal, contract: Pick<CapabilityContract, 'name'>, outside: string[]): CapstanError {
  const shown = outside.length > 5 ? `${outside.slice(0, 5).join(', ')} and ${outside.length - 5} more` : outside.join(', ');
  return new Errors.TargetOutsideScope(`'${principal.id}' may not use '${contract.name}' on ${shown}: outside the targets its roles and token scope allow.`, {
    extra: { capability: contract.name, targets: outside },
  });
}

/**
 * The 403 of a capability whose reach cannot be checked node by node (a plan's own code, a write naming no
 * node), for a principal limited to targets.
 */
export function needsEveryNode(principal: Principal, contract: Pick<CapabilityContract, 'name'>, why: string): CapstanError {
  return new Errors.TargetOutsideScope(`'${principal.id}' may use '${contract.name}' only on some nodes, and ${why}: it needs the capability on every node (a role without targets, a token without scope).`, {
    extra: { capability: contract.name, targets: [] },
  });
}
