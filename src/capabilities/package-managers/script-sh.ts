/**
 * The POSIX sh script of one package operation on one target. Every argument is single-quoted (argv-safe:
 * nothing of the request is ever parsed by the shell). What the script prints for the provider starts with
 * the run's marker (`<marker>:<tag> <text>`) and is taken out of the stream:
 *   before <line>  the installed packages among those named, before the operation (queryInstalled)
 *   queried before the query of `before` ran to its end: from here on the manager may have changed something
 *   exit <code>    after each command, its exit code; the script stops at the first that fails (a code
 *                  in the manager's `continueOn` does not stop it)
 *   rerun <code>   a command exited with a code in the manager's `rerunOn` and is run again (real runs,
 *                  at most RERUNS times); its `exit` marker follows the last run
 *   after <line>   the installed packages after (not for dry runs, list or search)
 *   queried after  the query of `after` ran to its end (without it, the installed versions after are unknown)
 * Everything else is the manager's own output, streamed as it prints it. The script exits with the code
 * that stopped it, else the first non-zero code a command gave (0 when all succeeded).
 */
import { type PackageManager, type PackageOp, RERUNS } from './types.js';

/** Marked copies of a query's lines (a not-installed package's error line is dropped with its stderr). */
const MARK_FN = 'mark() { while IFS= read -r l || [ -n "$l" ]; do printf \'%s:%s %s\\n\' "$M" "$1" "$l"; done; }';

/** One argument as a sh word: single-quoted, a quote inside written as '\''. */
export function shQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

function line(argv: string[]): string {
  return argv.map(shQuote).join(' ');
}

/** The names a query of installed versions covers: the packages an operation names (empty: all). */
export function namesOf(op: PackageOp): string[] {
  switch (op.kind) {
    case 'install': return op.packages.map((p) => p.name);
    case 'uninstall': return op.names;
    case 'update': return (op.packages ?? []).map((p) => p.name);
    default: return [];
  }
}

/**
 * The script of `op` for `m` (a `sh` manager). `marker` must match `^[A-Za-z0-9_-]+$`: it is printed as is.
 * @throws Error for a PowerShell manager or a marker with other characters (a bug of the caller).
 */
export function shScript(m: PackageManager, op: PackageOp, marker: string): string {
  if (m.shell !== 'sh') throw new Error(`${m.name} scripts are PowerShell`);
  if (!/^[A-Za-z0-9_-]+$/.test(marker)) throw new Error('bad marker');
  const changes = op.kind === 'install' || op.kind === 'uninstall' || op.kind === 'update';
  const query = changes ? line(m.queryInstalled(namesOf(op))) : '';
  const out: string[] = [
    '#!/bin/sh',
    '# Written by Capstan for one package operation; every argument is quoted.',
    'export LC_ALL=C LANG=C',
    `M=${marker}`,
    MARK_FN,
  ];
  if (changes) out.push(`${query} 2>/dev/null | mark before`, `printf '%s:queried before\\n' "$M"`);
  // rc: the code that stops the script (not 0 and not one of the manager's continueOn); first: the first non-zero one.
  const goOn = ['0', ...(m.continueOn ?? []).filter((c) => Number.isInteger(c) && c > 0).map(String)].join('|');
  out.push('rc=0', 'first=0');
  const again = changes && !('dryRun' in op && op.dryRun) ? (m.rerunOn ?? []).filter((c) => Number.isInteger(c) && c > 0).map(String).join('|') : '';
  for (const argv of m.commands(op)) {
    // With rerun codes: the command runs again (at most RERUNS times) while it exits with one of them.
    const run = again
      ? `n=0; while :; do ${line(argv)}; c=$?; case "$c" in ${again}) if [ "$n" -lt ${RERUNS} ]; then n=$((n+1)); printf '%s:rerun %s\\n' "$M" "$c"; continue; fi ;; esac; break; done`
      : `${line(argv)}; c=$?`;
    out.push(`if [ "$rc" -eq 0 ]; then ${run}; printf '%s:exit %s\\n' "$M" "$c"; [ "$first" -eq 0 ] && first=$c; case "$c" in ${goOn}) ;; *) rc=$c ;; esac; fi`);
  }
  // `queried` after the query says it ran to its end: a run cut during it has no `after` to trust.
  if (changes && !('dryRun' in op && op.dryRun)) out.push(`${query} 2>/dev/null | mark after`, `printf '%s:queried after\\n' "$M"`);
  out.push('if [ "$rc" -ne 0 ]; then exit "$rc"; fi', 'exit "$first"', '');
  return out.join('\n');
}

/**
 * A script that only reads the installed versions of the packages `op` names, printed as `after` lines and
 * ended by `queried after` (the same protocol as shScript's): for a run that could not read them itself.
 */
export function shInstalledScript(m: PackageManager, op: PackageOp, marker: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(marker)) throw new Error('bad marker');
  return [
    '#!/bin/sh',
    'export LC_ALL=C LANG=C',
    `M=${marker}`,
    MARK_FN,
    `${line(m.queryInstalled(namesOf(op)))} 2>/dev/null | mark after`,
    `printf '%s:queried after\\n' "$M"`,
    '',
  ].join('\n');
}
