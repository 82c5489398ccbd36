/**
 * Who may use which capability. A principal's permissions are capability names (`command.execute`), family
 * wildcards (`inventory.*`), risk grants (`risk:read` = every capability whose riskLevel is read) or `*`.
 * A capability is allowed when every one of its requiredPermissions is granted. A contract that requires `*`
 * itself (query.native: a read that reaches everything a source holds) is granted by `*` only, never by a
 * risk grant or a family wildcard. A principal with a `scope` (an API token created with one) needs the
 * permission granted by its permissions and by its scope alike.
 */
import { Errors } from './errors.js';
import type { CapabilityContract, Principal } from './types.js';

/** Internal lookups the server makes on its own behalf (inventory while resolving targets, ...). */
export const SYSTEM_PRINCIPAL: Principal = { id: 'system', permissions: ['*'] };

function listGrants(p: readonly string[], permission: string, contract: Pick<CapabilityContract, 'riskLevel'>): boolean {
  if (permission === '*') return p.includes('*');
  return p.includes('*') || p.includes(permission) || p.includes(`${permission.split('.')[0]}.*`) || p.includes(`risk:${contract.riskLevel}`);
}

export function grants(principal: Principal, permission: string, contract: Pick<CapabilityContract, 'riskLevel'>): boolean {
  return listGrants(principal.permissions, permission, contract) && (!principal.scope || listGrants(principal.scope, permission, contract));
}

/** Holds the admin permission `*` (not narrowed away by a scope). */
export function isAdmin(principal: Principal): boolean {
  return principal.permissions.includes('*') && (!principal.scope || principal.scope.includes('*'));
}

/** Throws Forbidden (403, `missingPermissions: ["*"]`) unless the principal is an admin. */
export function requireAdmin(principal: Principal, what: string): void {
  if (!isAdmin(principal)) {
    throw new Errors.Forbidden(`'${principal.id}' may not ${what} (missing: *).`, { extra: { missingPermissions: ['*'] } });
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
