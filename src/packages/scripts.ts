/**
 * The script of an operation for a manager: POSIX sh, or PowerShell for Chocolatey (run with `powershell`
 * as the interpreter).
 */
import { psInstalledScript, psScript } from '../capabilities/package-managers/script-powershell.js';
import { shInstalledScript, shScript } from '../capabilities/package-managers/script-sh.js';
import type { PackageManager, PackageOp } from '../capabilities/package-managers/types.js';

export function scriptFor(m: PackageManager, op: PackageOp, marker: string): { script: string; interpreter?: string } {
  return m.shell === 'sh' ? { script: shScript(m, op, marker) } : { script: psScript(m, op, marker), interpreter: 'powershell' };
}

/** The script reading the installed versions of what `op` names (see shInstalledScript), for `m`'s shell. */
export function installedScript(m: PackageManager, op: PackageOp, marker: string): { script: string; interpreter?: string } {
  return m.shell === 'sh' ? { script: shInstalledScript(m, op, marker) } : { script: psInstalledScript(m, op, marker), interpreter: 'powershell' };
}
