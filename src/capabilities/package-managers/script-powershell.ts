/**
 * The PowerShell script of one package operation (Chocolatey on Windows), with the same marker protocol as
 * script-sh.ts (`<marker>:before|exit|after <text>`). Every argument is a single-quoted PowerShell string
 * (a quote inside doubled) passed as its own argument with the call operator `&`: nothing of the request is
 * parsed as code.
 */
import { namesOf } from './script-sh.js';
import type { PackageManager, PackageOp } from './types.js';

/** One argument as a PowerShell single-quoted string literal. */
export function psQuote(arg: string): string {
  return `'${arg.replace(/'/g, "''")}'`;
}

function call(argv: string[]): string {
  return `& ${argv.map(psQuote).join(' ')}`;
}

/**
 * The script of `op` for `m` (a `powershell` manager). `marker` must match `^[A-Za-z0-9_-]+$`.
 * @throws Error for a sh manager or a bad marker (a bug of the caller).
 */
export function psScript(m: PackageManager, op: PackageOp, marker: string): string {
  if (m.shell !== 'powershell') throw new Error(`${m.name} scripts are sh`);
  if (!/^[A-Za-z0-9_-]+$/.test(marker)) throw new Error('bad marker');
  const changes = op.kind === 'install' || op.kind === 'uninstall' || op.kind === 'update';
  const query = changes ? call(m.queryInstalled(namesOf(op))) : '';
  const out: string[] = [
    '# Written by Capstan for one package operation; every argument is quoted.',
    "$ErrorActionPreference = 'Continue'",
    `$M = '${marker}'`,
    'function Mark($tag) { process { Write-Output ("{0}:{1} {2}" -f $M, $tag, $_) } }',
  ];
  if (changes) out.push(`${query} 2>$null | Mark 'before'`);
  out.push('$rc = 0');
  for (const argv of m.commands(op)) {
    out.push(`if ($rc -eq 0) { ${call(argv)}; $rc = $LASTEXITCODE; if ($null -eq $rc) { $rc = 0 }; Write-Output ("{0}:exit {1}" -f $M, $rc) }`);
  }
  if (changes && !('dryRun' in op && op.dryRun)) out.push(`${query} 2>$null | Mark 'after'`);
  out.push('exit $rc', '');
  return out.join('\r\n');
}
