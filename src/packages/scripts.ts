/**
 * The script of an operation for a manager: POSIX sh (run by its shebang), or PowerShell for Chocolatey:
 * `interpreter: 'powershell'` and `extension: '.ps1'` (Windows, Bolt and Ansible run a file by its extension:
 * only a `.ps1` runs as a PowerShell script; see script.execute's `extension`).
 */
import { psScript } from '../capabilities/package-managers/script-powershell.js';
import { shScript } from '../capabilities/package-managers/script-sh.js';
import type { PackageManager, PackageOp } from '../capabilities/package-managers/types.js';

export function scriptFor(m: PackageManager, op: PackageOp, marker: string): { script: string; interpreter?: string; extension?: string } {
  return m.shell === 'sh' ? { script: shScript(m, op, marker) } : { script: psScript(m, op, marker), interpreter: 'powershell', extension: '.ps1' };
}
