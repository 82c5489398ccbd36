/**
 * Roles: named sets of permissions, optionally limited to targets, and the principal a set of roles makes.
 *
 * Built in: `viewer` (every read-only capability), `operator` (reads and every capability up to riskLevel
 * `execute`, not `admin`-level ones), `admin` (everything). The config's `roles` adds custom ones
 * (`{ permissions, targets? }`). A role's `targets` (node names, group names, globs over node names, `all`)
 * limits where its permissions apply: a run on a node needs a role that grants the capability AND covers the
 * node. A token's own `scope` (the same kind of list) narrows every role further.
 */
import type { Principal, RoleGrant } from './types.js';

export interface RoleDefinition {
  permissions: readonly string[];
  /** Target patterns the role is limited to; absent: every node. */
  targets?: readonly string[];
  description?: string;
}

/** The built-in roles (names a custom role cannot take). */
export const BUILT_IN_ROLES = {
  viewer: { permissions: ['risk:read'], description: 'Every read-only capability.' },
  operator: { permissions: ['risk:read', 'risk:write', 'risk:execute'], description: 'Reads, plus every capability up to riskLevel `execute` (not `admin`-level ones, not runs as the server\'s own account).' },
  admin: { permissions: ['*'], description: 'Everything, token management and the audit trail included.' },
} as const satisfies Record<string, RoleDefinition>;

export const BUILT_IN_ROLE_NAMES = Object.keys(BUILT_IN_ROLES);

/** Role names: the config's keys and what API tokens carry. */
export const ROLE_NAME_PATTERN = '^[a-z][a-z0-9_-]{0,63}$';

/** The roles a server knows: the built-in ones and the config's. */
export class RoleBook {
  private readonly roles: ReadonlyMap<string, RoleDefinition>;

  constructor(custom: Readonly<Record<string, RoleDefinition>> = {}) {
    this.roles = new Map<string, RoleDefinition>([...Object.entries(BUILT_IN_ROLES), ...Object.entries(custom)]);
  }

  has(name: string): boolean {
    return this.roles.has(name);
  }

  names(): string[] {
    return [...this.roles.keys()];
  }

  /** The names of `roles` this book does not know. */
  unknown(roles: readonly string[]): string[] {
    return roles.filter((r) => !this.roles.has(r));
  }

  /**
   * The principal of a caller holding `roles` (unknown names grant nothing: a role removed from the config
   * takes its permissions away from the tokens that still name it), narrowed by a token `scope`.
   */
  principal(id: string, roles: readonly string[], scope?: readonly string[] | null): Principal {
    return principalFromGrants(id, this.grants(roles), scope);
  }

  /** The grants of `roles` (unknown names: none). */
  grants(roles: readonly string[]): RoleGrant[] {
    return roles.flatMap((role) => {
      const def = this.roles.get(role);
      if (!def) return [];
      return [{ role, permissions: [...def.permissions], ...(def.targets ? { targets: [...def.targets] } : {}) }];
    });
  }
}

/** A principal from grants: `permissions` is their union (what is allowed somewhere). */
export function principalFromGrants(id: string, grants: RoleGrant[], scope?: readonly string[] | null): Principal {
  return {
    id,
    permissions: [...new Set(grants.flatMap((g) => g.permissions))],
    grants,
    ...(scope ? { scope: [...scope] } : {}),
  };
}
