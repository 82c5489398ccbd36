/**
 * Runs as the server's own OS account need the admin permission.
 *
 * A command that runs as the account the server runs as can read everything the server can: its environment
 * (`/proc/<pid>/environ`, with the admin token), its config file and its data dir. A token allowed only
 * `command.execute` could read the admin token there and then do anything as admin, so such a run is worth the
 * admin permission `*` and needs it, whatever the capability itself requires. Where that happens is the
 * provider's knowledge: each execution provider may say per node (`PluginCapability.runsAsServer`); by default
 * every node on the `local` transport runs as the server (the ssh plugin's `localUser` switches to another
 * account, and says so).
 */
import { Errors } from './errors.js';
import { isAdmin } from './permissions.js';
import type { CapabilityContract, PluginCapability, Principal, TargetNode } from './types.js';

/** The permission a run as the server's own account needs. */
export const ADMIN_PERMISSION = '*';

/** A provider as the registry lists it (ProviderEntry, structurally). */
export interface RunProvider {
  plugin: string;
  capability: Pick<PluginCapability, 'runsAsServer'>;
}

/**
 * Whether a run on `node` could execute as the server's own account: asked of every provider of the capability
 * that knows the node (any of them may be picked, also as a fallback when another is down), or of every
 * provider when none knows it.
 */
export function runsAsServer(providers: RunProvider[], node: TargetNode): boolean {
  const knowing = providers.filter((p) => node.sources.some((s) => s.source === p.plugin));
  return (knowing.length ? knowing : providers)
    .some((p) => (p.capability.runsAsServer ? p.capability.runsAsServer(node) : node.transport === 'local'));
}

/** Throws Forbidden (403, naming `*`) when a non-admin principal would run on a node as the server's account. */
export function authorizeTargets(principal: Principal, contract: Pick<CapabilityContract, 'name'>, nodes: TargetNode[], providers: RunProvider[]): void {
  if (isAdmin(principal)) return;
  const local = nodes.filter((n) => runsAsServer(providers, n)).map((n) => n.name);
  if (!local.length) return;
  const shown = local.length > 5 ? `${local.slice(0, 5).join(', ')} and ${local.length - 5} more` : local.join(', ');
  throw new Errors.Forbidden(
    `'${principal.id}' may not run '${contract.name}' on ${shown}: there it runs as the server's own OS account `
    + `(local transport), which can read the server's environment, config and data, so it needs the admin permission '${ADMIN_PERMISSION}' `
    + '(or a provider that runs local commands as another account, e.g. plugins.ssh.localUser).',
    { extra: { capability: contract.name, missingPermissions: [ADMIN_PERMISSION], targets: local } },
  );
}
