/** POSIX shell quoting and the wrappers that put env, cwd and run-as around a remote command line. */

/** Single-quotes a word for sh. */
export function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

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

/**
 * A command that stores stdin as a temporary executable script, runs it with the arguments and removes it:
 * the one upload step script.execute needs, the same over ssh and locally.
 */
export function scriptRunner(args: string[], interpreter?: string): string {
  const argv = args.map(quote).join(' ');
  const run = interpreter ? `${quote(interpreter)} "$f"` : '"$f"';
  return `f=$(mktemp "\${TMPDIR:-/tmp}/capstan.XXXXXX") || exit 125; trap 'rm -f "$f"' EXIT; cat > "$f" && chmod 700 "$f" && ${run}${argv ? ' ' + argv : ''}`;
}

/**
 * Ties a remote command's life to the ssh session. Without a tty, sshd does not signal the command when the
 * client goes away (cancel, killed client, dropped connection): the session process exits and the command runs
 * on, orphaned. The watchdog starts the command line in the user's login shell, in its own session when
 * `setsid` exists, and checks every second that its parent (the sshd session) is alive; when it is gone, the
 * command's process group gets SIGTERM, then SIGKILL after `graceSeconds`. Stdin is passed through on fd 3
 * (an asynchronous list would otherwise read /dev/null), and the watcher holds no output descriptor, so a
 * normal run ends exactly as before.
 */
export function withWatchdog(line: string, graceSeconds: number): string {
  const script = [
    'exec 3<&0',
    'if command -v setsid >/dev/null 2>&1; then setsid "${SHELL:-/bin/sh}" -c "$1" <&3 3<&- & else "${SHELL:-/bin/sh}" -c "$1" <&3 3<&- & fi',
    'pid=$!',
    'exec 3<&-',
    'parent=$PPID',
    '{ while kill -0 "$parent" 2>/dev/null && kill -0 "$pid" 2>/dev/null; do sleep 1; done',
    `  if kill -0 "$pid" 2>/dev/null; then kill -TERM -"$pid" 2>/dev/null || kill -TERM "$pid"; sleep ${graceSeconds}; kill -KILL -"$pid" 2>/dev/null || kill -KILL "$pid"; fi`,
    '} </dev/null >/dev/null 2>&1 &',
    'w=$!',
    'wait "$pid"; rc=$?',
    'kill "$w" 2>/dev/null',
    'exit $rc',
  ].join('\n');
  return `exec sh -c ${quote(script)} capstan-watchdog ${quote(line)}`;
}
