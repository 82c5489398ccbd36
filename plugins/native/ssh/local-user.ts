/**
 * The local transport under another OS account (`plugins.ssh.localUser`).
 *
 * Without it a local run is the server's own account and can read the server's environment, config and data;
 * the ExecutionService then allows local runs to admin tokens only. With it the server (as root) switches every
 * local run (commands, scripts, facts) to that account with setpriv, which sets the real, effective and saved
 * uid and gid and the account's groups and then execs: no PAM session and no process in between, so the run's
 * process group, signals and exit code are the command's own, and the environment it is given (with the
 * scope's cookie CAPSTAN_RUN) is kept. At start the account is checked: it must exist, must not be the
 * server's own uid or root, and a probe run as the account must fail to read the server's secrets.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { Errors } from '../../../src/core/errors.js';
import { runProcess } from '../../../src/core/process-runner.js';

export const LOCAL_USER_KEY = 'plugins.ssh.localUser';

/** The account local runs switch to, as resolved at start. */
export interface LocalAccount {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
  /** Absolute path of util-linux setpriv. */
  setpriv: string;
}

/** PATH of runs under the account: the server's own PATH may name directories only the server can use. */
export const ACCOUNT_PATH = '/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin';

/** Server variables a run under the account keeps (locale, time zone); the rest is the account's own. */
const KEPT = ['LANG', 'LC_ALL', 'LC_CTYPE', 'TZ'];

/** The environment of a run under the account, as a login would set it (the runner adds the scope's cookie). */
export function accountEnv(a: LocalAccount, server: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of KEPT) if (server[k] !== undefined) env[k] = server[k]!;
  return { ...env, HOME: a.home, USER: a.name, LOGNAME: a.name, SHELL: a.shell || '/bin/sh', PATH: ACCOUNT_PATH };
}

/** The argv running `file args` as the account. */
export function switchArgv(a: LocalAccount, file: string, args: string[]): { file: string; args: string[] } {
  return { file: a.setpriv, args: [`--reuid=${a.uid}`, `--regid=${a.gid}`, '--init-groups', '--', file, ...args] };
}

/** Where a run under the account starts (before the `cwd` param's `cd`): its home directory, else `/`. */
export function accountCwd(a: LocalAccount): string {
  try {
    if (a.home && statSync(a.home).isDirectory()) return a.home;
  } catch {
    /* no home directory */
  }
  return '/';
}

/** One `getent passwd` line (`name:x:uid:gid:gecos:home:shell`), or undefined. */
export function parsePasswd(line: string): Omit<LocalAccount, 'setpriv'> | undefined {
  const f = line.trim().split(':');
  if (f.length < 7 || !/^\d+$/.test(f[2]) || !/^\d+$/.test(f[3])) return undefined;
  return { name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5], shell: f[6] };
}

/**
 * Paths a probe run as the account tries: a readable or writable file (a writable config file takes new
 * tokens), a readable or enterable directory, or a writable socket (an agent) is reported. The last line asks
 * whether sudo would make the account root again.
 */
const PROBE = [
  'for p do',
  '  if [ -S "$p" ]; then [ -w "$p" ] && echo "$p"',
  '  elif [ -d "$p" ]; then { ls -A "$p" || cd "$p"; } >/dev/null 2>&1 && echo "$p"',
  '  else { head -c 1 "$p" >/dev/null 2>&1 || [ -w "$p" ]; } && echo "$p"',
  '  fi',
  'done',
  'if command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then echo "sudo -n (it can become root)"; fi',
  'exit 0',
].join('\n');

export interface CheckOptions {
  /** The server's uid (process.getuid()). */
  serverUid: number;
  /** What the account must not read: the server's /proc environ, config file, data dir, ssh keys, agent. */
  secrets: string[];
  /** Where setpriv is looked for; default the server's PATH, then /usr/bin and /bin. */
  searchPath?: string;
  timeoutMs?: number;
}

/**
 * Resolves and checks the account at start; throws (the plugin fails to initialize) with a message naming
 * the config key. A probe that finds a readable secret refuses the start: a warning would leave every
 * `command.execute` token able to read the admin token, which is what the key exists to prevent.
 */
export async function resolveLocalUser(name: string, o: CheckOptions): Promise<LocalAccount> {
  const fail = (why: string) => new Errors.Config(`${LOCAL_USER_KEY} = '${name}': ${why}`);
  if (o.serverUid !== 0) {
    throw fail(`switching local runs to another account needs the server to run as root (it runs as uid ${o.serverUid}); `
      + `run it as root, or remove the key (local runs then need the admin permission '*').`);
  }
  const setpriv = findExecutable('setpriv', o.searchPath);
  if (!setpriv) throw fail('setpriv (util-linux) is not installed or not on PATH.');
  const entry = await getent(name);
  if (!entry) throw fail('no such OS account (getent passwd finds none).');
  if (entry.uid === o.serverUid || entry.uid === 0) {
    throw fail(`the account has uid ${entry.uid}, the server's own (or root's): it could read everything the server can.`);
  }
  const account: LocalAccount = { ...entry, setpriv };
  const readable = await probe(account, o.secrets, o.timeoutMs ?? 10_000);
  if (readable.length) {
    throw fail(`the account can reach what only the server may: ${readable.join(', ')}. Make them private to the server's `
      + `account (e.g. chmod 700 the data dir and ~/.ssh, chmod 600 the config file), or choose another account.`);
  }
  return account;
}

/** Runs the probe as the account; returns the secrets it could reach (and the sudo finding). */
async function probe(a: LocalAccount, secrets: string[], timeoutMs: number): Promise<string[]> {
  let out = '';
  const cmd = switchArgv(a, '/bin/sh', ['-c', PROBE, 'capstan-probe', ...secrets]);
  const r = await runProcess(cmd.file, cmd.args, {
    signal: AbortSignal.timeout(timeoutMs), env: accountEnv(a), inheritEnv: false, cwd: '/',
    onStdout: (text, partial) => { out += partial ? text : `${text}\n`; },
  });
  if (r.exitCode !== 0) {
    throw new Errors.Config(`${LOCAL_USER_KEY} = '${a.name}': the check run as the account failed (exit ${r.exitCode ?? r.signal ?? 'none'}${r.aborted ? ', timed out' : ''}).`);
  }
  return out.split('\n').filter(Boolean);
}

async function getent(name: string): Promise<Omit<LocalAccount, 'setpriv'> | undefined> {
  try {
    const { stdout } = await promisify(execFile)('getent', ['passwd', '--', name], { timeout: 10_000 });
    const entry = parsePasswd(stdout.split('\n')[0] ?? '');
    return entry?.name === name ? entry : undefined;
  } catch {
    return undefined; // exit 2: no such account
  }
}

function findExecutable(file: string, searchPath = `${process.env.PATH ?? ''}${delimiter}/usr/bin${delimiter}/bin`): string | undefined {
  for (const dir of searchPath.split(delimiter).filter((d) => d.startsWith('/'))) {
    try {
      accessSync(join(dir, file), constants.X_OK);
      return join(dir, file);
    } catch {
      /* not here */
    }
  }
  return undefined;
}
