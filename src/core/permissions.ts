/**
 * Who may use which capability. A principal's permissions are capability names (`command.execute`), family
 * wildcards (`inventory.*`), risk grants (`risk:read` = every capability whose riskLevel is read) or `*`.
 * A capability is allowed when every one of its requiredPermissions is granted. A contract that requires `*`
 * itself (query.native: a read that reaches everything a source holds) is granted by `*` only, never by a
 * risk grant or a family wildcard. Where a permission applies (roles' `targets`, a token's `scope`) is
 * checked against the expanded targets of each run (inventory/scope.ts).
 */
import { Errors } from './errors.js';
import type { CapabilityContract, Principal } from './types.js';

/** A permission string: `*`, a capability name, `family.*` or `risk:<level>`. */
export const PERMISSION_PATTERN = '^(\\*|[a-z]+\\.(\\*|[a-z]+)|risk:(read|write|execute|admin))$';

/** Internal lookups the server makes on its own behalf (inventory while resolving targets, ...). */
export const SYSTEM_PRINCIPAL: Principal = { id: 'system', permissions: ['*'] };

/** Whether a list of permission strings grants `permission` of a capability with this riskLevel. */
export function listGrants(p: readonly string[], permission: string, contract: Pick<CapabilityContract, 'riskLevel'>): boolean {
  if (permission === '*') return p.includes('*');
  return p.includes('*') || p.includes(permission) || p.includes(`${permission.split('.')[0]}.*`) || p.includes(`risk:${contract.riskLevel}`);
}

export function grants(principal: Principal, permission: string, contract: Pick<CapabilityContract, 'riskLevel'>): boolean {
  // `*` as a requirement reaches everything a source holds: only an admin on every node has it.
  if (permission === '*') return isAdmin(principal);
  return listGrants(principal.permissions, permission, contract);
}

/** Whether the principal may do everything everywhere: `*` on every node (no target limit on it). */
export function isAdmin(principal: Principal): boolean {
  if (principal.scope) return false;
  if (!principal.grants) return principal.permissions.includes('*');
  return principal.grants.some((g) => !g.targets && g.permissions.includes('*'));
}

/** Throws Forbidden (403, `missingPermissions: ["*"]`) unless the principal is an admin. */
export function requireAdmin(principal: Principal, what: string): void {
  if (!isAdmin(principal)) {
    const limited = principal.permissions.includes('*') ? ' on every node: its admin role is limited to targets' : '';
    throw new Errors.Forbidden(`'${principal.id}' may not ${what} (missing: *${limited}).`, { extra: { missingPermissions: ['*'] } });
  }
}

/** Throws Forbidden (403) naming what is missing. */
export function authorize(principal: Principal, contract: CapabilityContract): void {
  const missing = contract.requiredPermissions.filter((perm) => !grants(principal, perm, contract));
  if (missing.length) {
    throw new Errors.Forbidden(`'${principal.id}' may not use '${contract.name}' (missing: ${missing.join(', ')}).`, {
      extra: { capability: contract.name, missingPermissions: missing },
    });
  }
}
