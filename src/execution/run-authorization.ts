/**
 * Whether a principal may start (or keep) a run, beyond the capability's permission (checked first, by
 * core/permissions.ts): where it runs and who still stands behind it.
 *
 * - Target reach: every node the targets expand to must be covered by a role of the principal that grants
 *   the capability and lie inside its token scope (inventory/scope.ts). A capability whose own code may reach
 *   nodes beyond its targets (a plan: Bolt's `get_targets('all')`) needs the capability on every node.
 * - Runs as the server's own OS account need the admin permission (core/server-account.ts).
 * - An Idempotency-Key replay answers only its own principal: another caller reusing the key learns nothing.
 * - A queued run starts only while the API token that submitted it is still valid and still reaches its
 *   nodes: a revoke, an expiry or a narrower role or scope while it waited (or across a restart) stops it.
 */
import { Errors } from '../core/errors.js';
import type { RoleBook } from '../core/roles.js';
import { authorizeTargets, type RunProvider } from '../core/server-account.js';
import { checkSecretRow } from '../core/tokens.js';
import type { CapabilityContract, ExecutionContext, Principal, TargetNode } from '../core/types.js';
import type { InventoryService } from '../inventory/aggregate.js';
import { needsEveryNode, reachesEverywhere } from '../core/target-reach.js';
import type { ExecutionRow, TokenRepository } from '../store/types.js';

/** Throws the 403 of the first rule above a new run breaks. */
export async function authorizeRun(inventory: InventoryService, principal: Principal, contract: CapabilityContract, nodes: TargetNode[], providers: RunProvider[], ctx: ExecutionContext): Promise<void> {
  await inventory.authorizeScope(principal, contract, nodes.map((n) => n.name), ctx);
  if (contract.reachesBeyondTargets && !reachesEverywhere(principal, contract)) {
    throw needsEveryNode(principal, contract, "its own code may reach any node of the tool's inventory, not only the targets");
  }
  authorizeTargets(principal, contract, nodes, providers);
}

/** Throws IdempotencyConflict (409, without the other run's id) when `existing` was submitted by another principal. */
export function checkReplayOwner(existing: ExecutionRow, principal: Principal): void {
  const same = existing.tokenId ? existing.tokenId === principal.tokenId : existing.principal === principal.id && !principal.tokenId;
  if (!same) {
    throw new Errors.IdempotencyConflict('This Idempotency-Key was used by another caller; use a key of your own (a fresh UUID per logical request).');
  }
}

/**
 * The principal a queued run starts as, rebuilt from the API token that submitted it (its roles and scope as
 * they are now), or the reason it may not start. Runs submitted otherwise (a configured token, auth off) have
 * no stored token and start as submitted.
 */
export function runPrincipal(row: ExecutionRow, tokens: TokenRepository, roles: RoleBook): { ok: true; principal?: Principal } | { ok: false; reason: string } {
  if (!row.tokenId) return { ok: true };
  const token = tokens.byId(row.tokenId);
  const check = token ? checkSecretRow(token) : { ok: false as const, reason: 'The bearer token was deleted.' };
  if (!check.ok) return { ok: false, reason: `not started: the API token that submitted it is no longer valid (${check.reason.replace(/^The bearer token (was |has )?/, '').replace(/\.$/, '')})` };
  return { ok: true, principal: { ...roles.principal(token!.name, token!.roles, token!.scope), tokenId: token!.id } };
}
