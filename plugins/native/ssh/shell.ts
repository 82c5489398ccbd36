/** POSIX shell quoting and the wrappers that put env, cwd and run-as around a remote command line. */

export { shQuote as quote } from '../../../src/core/sh-quote.js';
import { shQuote as quote } from '../../../src/core/sh-quote.js';

export interface Wrap {
  env?: Record<string, string>;
  cwd?: string;
  runAs?: string;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Builds the sh command line run by the target's shell:
 * - env: `export V='value' ...;` then the command, in the same shell (no sh -c, so the login shell's syntax stays);
 * - runAs: `sudo -n -u 'user' -- env V='value' sh -c 'command'` (sudo resets the environment, so env goes inside);
 * - cwd: `cd 'dir' || exit;` first, so nothing of the command runs when the directory is missing.
 */
export function wrapCommand(command: string, w: Wrap = {}): string {
  const pairs = Object.entries(w.env ?? {});
  const bad = pairs.find(([k]) => !ENV_NAME.test(k));
  if (bad) throw new Error(`environment variable name ${JSON.stringify(bad[0])} is not a shell identifier`);
  const env = pairs.map(([k, v]) => `${k}=${quote(v)}`);
  let line = command;
  if (w.runAs) line = `sudo -n -u ${quote(w.runAs)} -- ${env.length ? `env ${env.join(' ')} ` : ''}sh -c ${quote(command)}`;
  else if (env.length) line = `export ${env.join(' ')}; ${command}`;
  if (w.cwd) line = `cd ${quote(w.cwd)} || exit; ${line}`;
  return line;
}

/** Where a script body is stored: `${TMPDIR:-/tmp}/capstan.<name>`, one directory per target run. */
export function scriptDirName(nonce: string): string {
  return `capstan.${nonce}`;
}

/** PowerShell's own executables: a `.ps1` script runs through them with `-File` (the flags Windows automation uses). */
const POWERSHELL = /(^|[/\\])(powershell|pwsh)(\.exe)?$/i;

/**
 * How the stored script `"$f"` is started: by its shebang (no interpreter), by `interpreter "$f"`, or, for a
 * `.ps1` script given to powershell / pwsh, `interpreter -NoProfile -NonInteractive -ExecutionPolicy Bypass
 * -File "$f"` (no profile, no prompt, no execution policy refusing an unsigned file; `-File` makes the script's
 * `exit N` the exit code). Flags: https://learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_pwsh
 */
function startLine(interpreter: string | undefined, extension: string | undefined): string {
  if (!interpreter) return '"$f"';
  if (extension?.toLowerCase() === '.ps1' && POWERSHELL.test(interpreter)) {
    return `${quote(interpreter)} -NoProfile -NonInteractive -ExecutionPolicy Bypass -File "$f"`;
  }
  return `${quote(interpreter)} "$f"`;
}

/**
 * A command that stores stdin as an executable script in a fresh private directory, runs it with the
 * arguments and removes the directory: the one upload step script.execute needs, the same over ssh and
 * locally. The script file is `script<extension>` (extension e.g. `.ps1`, `.py`; none by default). The
 * directory goes on exit and on SIGTERM/SIGINT/SIGHUP (cancel, timeout, shutdown); after a SIGKILL the plugin
 * (local) or the remote watchdog (ssh) removes it, since they know its name.
 * Throws Error when the extension is not `.` and 1 to 16 letters or digits (the contract's pattern).
 */
export function scriptRunner(args: string[], interpreter: string | undefined, dirName: string, extension?: string): string {
  if (extension !== undefined && !/^\.[A-Za-z0-9]{1,16}$/.test(extension)) throw new Error(`script extension ${JSON.stringify(extension)} is not . and 1 to 16 letters or digits`);
  const argv = args.map(quote).join(' ');
  const run = startLine(interpreter, extension);
  return [
    `d="\${TMPDIR:-/tmp}"/${quote(dirName)}`,
    `(umask 077 && mkdir "$d") || exit 125`,
    `f="$d/script${extension ?? ''}"`,
    `trap 'rm -rf "$d"' EXIT`,
    `trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM`,
    `cat > "$f" && chmod 700 "$f" && ${run}${argv ? ' ' + argv : ''}`,
  ].join('; ');
}
