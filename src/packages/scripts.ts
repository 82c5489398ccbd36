/**
 * The script of an operation for a manager: POSIX sh (run by its shebang), or PowerShell for Chocolatey:
 * `interpreter: 'powershell'` and `extension: '.ps1'` (Windows, Bolt and Ansible run a file by its extension:
 * only a `.ps1` runs as a PowerShell script; see script.execute's `extension`).
 */
import { psInstalledScript, psScript } from '../capabilities/package-managers/script-powershell.js';
import { shInstalledScript, shScript } from '../capabilities/package-managers/script-sh.js';
import type { PackageManager, PackageOp } from '../capabilities/package-managers/types.js';

/** What script.execute gets besides the script: how a PowerShell script must be run. */
type ScriptShape = { script: string; interpreter?: string; extension?: string };

const shaped = (m: PackageManager, sh: () => string, ps: () => string): ScriptShape =>
  (m.shell === 'sh' ? { script: sh() } : { script: ps(), interpreter: 'powershell', extension: '.ps1' });

export function scriptFor(m: PackageManager, op: PackageOp, marker: string): ScriptShape {
  return shaped(m, () => shScript(m, op, marker), () => psScript(m, op, marker));
}

/** The script reading the installed versions of what `op` names (see shInstalledScript), for `m`'s shell. */
export function installedScript(m: PackageManager, op: PackageOp, marker: string): ScriptShape {
  return shaped(m, () => shInstalledScript(m, op, marker), () => psInstalledScript(m, op, marker));
}
