/**
 * The PowerShell script of one package operation (Chocolatey on Windows), with the same marker protocol as
 * script-sh.ts (`<marker>:before|exit|after <text>`). Every argument is a single-quoted PowerShell string
 * (a quote inside doubled) passed as its own argument with the call operator `&`: nothing of the request is
 * parsed as code.
 */
import { namesOf } from './script-sh.js';
import type { PackageManager, PackageOp } from './types.js';

/** Marked copies of a query's lines. */
const MARK_FN = 'function Mark($tag) { process { Write-Output ("{0}:{1} {2}" -f $M, $tag, $_) } }';

/**
 * One argument as a PowerShell single-quoted string literal. PowerShell takes the typographic quotes
 * U+2018-U+201B as single quotes too (about_Quoting_Rules), so each of them is doubled like `'`: none can
 * end the literal.
 */
export function psQuote(arg: string): string {
  return `'${arg.replace(/['\u2018\u2019\u201A\u201B]/g, (q) => q + q)}'`;
}

/**
 * A native call with the call operator. Windows PowerShell 5.1 passes a native program's arguments on one
 * command line and does not escape a double quote inside one: such an argument could split into others,
 * so it is refused (the contracts' patterns never let one through).
 * @throws Error for an argument with a double quote or a NUL (a bug of the caller).
 */
function call(argv: string[]): string {
  for (const a of argv) if (/["\u201C\u201D\u201E\u0000]/.test(a)) throw new Error(`argument ${JSON.stringify(a)} cannot be passed to a native program safely`);
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
    MARK_FN,
  ];
  if (changes) out.push(`${query} 2>$null | Mark 'before'`, 'Write-Output ("{0}:queried before" -f $M)');
  // $rc: the code that stops the script (not 0 and not one of the manager's continueOn); $first: the first
  // non-zero one. $LASTEXITCODE is the global one (a script-scope assignment would shadow it) and is cleared
  // before each call: a program that could not be started leaves it unset, and counts as exit 127.
  const goOn = ['0', ...(m.continueOn ?? []).filter((c) => Number.isInteger(c) && c > 0).map(String)].join(', ');
  out.push('$rc = 0', '$first = 0', `$goOn = @(${goOn})`);
  for (const argv of m.commands(op)) {
    out.push(`if ($rc -eq 0) { $global:LASTEXITCODE = $null; ${call(argv)}; $ok = $?; $c = $global:LASTEXITCODE; if ($null -eq $c) { $c = if ($ok) { 0 } else { 127 } }; Write-Output ("{0}:exit {1}" -f $M, $c); if ($first -eq 0) { $first = $c }; if ($goOn -notcontains $c) { $rc = $c } }`);
  }
  if (changes && !('dryRun' in op && op.dryRun)) out.push(`${query} 2>$null | Mark 'after'`, 'Write-Output ("{0}:queried after" -f $M)');
  out.push('if ($rc -ne 0) { exit $rc }', 'exit $first', '');
  return out.join('\r\n');
}

/** psScript's query of installed versions alone (`after` lines, then `queried after`); see shInstalledScript. */
export function psInstalledScript(m: PackageManager, op: PackageOp, marker: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(marker)) throw new Error('bad marker');
  return [
    "$ErrorActionPreference = 'Continue'",
    `$M = '${marker}'`,
    MARK_FN,
    `${call(m.queryInstalled(namesOf(op)))} 2>$null | Mark 'after'`,
    'Write-Output ("{0}:queried after" -f $M)',
    '',
  ].join('\r\n');
}
