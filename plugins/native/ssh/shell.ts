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

/** Builds the sh command line: `cd dir && VAR=v ... sh -c 'command'`, under `sudo -n -u user` when run-as. */
export function wrapCommand(command: string, w: Wrap = {}): string {
  const env = Object.entries(w.env ?? {}).map(([k, v]) => `${k}=${quote(v)}`);
  let line = command;
  if (env.length || w.runAs) line = `${env.length ? `env ${env.join(' ')} ` : ''}sh -c ${quote(command)}`;
  if (w.runAs) line = `sudo -n -u ${quote(w.runAs)} -- ${line}`;
  if (w.cwd) line = `cd ${quote(w.cwd)} && ${line}`;
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
