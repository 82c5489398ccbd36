/**
 * The script of an operation for a manager: POSIX sh (run by its shebang), or PowerShell for Chocolatey:
 * `interpreter: 'powershell'` and `extension: '.ps1'` (Windows, Bolt and Ansible run a file by its extension:
 * only a `.ps1` runs as a PowerShell script; see script.execute's `extension`).
 */
import { psInstalledScript, psScript } from '../capabilities/package-managers/script-powershell.js';
import { shInstalledScript, shScript } from '../capabilities/package-managers/script-sh.js';
import type { PackageManager, PackageOp } from '../capabilities/package-managers/types.js';

export function scriptFor(m: PackageManager, op: PackageOp, marker: string): { script: string; interpreter?: string; extension?: string } {
  return m.shell === 'sh' ? { script: shScript(m, op, marker) } : { script: psScript(m, op, marker), interpreter: 'powershell', extension: '.ps1' };
}

/** The script reading the installed versions of what `op` names (see shInstalledScript), for `m`'s shell. */
export function installedScript(m: PackageManager, op: PackageOp, marker: string): { script: string; interpreter?: string } {
  return m.shell === 'sh' ? { script: shInstalledScript(m, op, marker) } : { script: psInstalledScript(m, op, marker), interpreter: 'powershell' };
}
