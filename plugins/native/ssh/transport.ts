/**
 * Runs one command line on one target: over the system OpenSSH client (BatchMode, ConnectTimeout, strict host
 * keys by default, argv arrays), or locally through sh for the `local` transport (as the server's account, or
 * switched to plugins.ssh.localUser). Lines stream as they come.
 */
import { runProcess, type RunResult } from '../../../src/core/process-runner.js';
import type { SshConfig } from './config.js';
import type { TargetConnection } from './inventory.js';
import { accountCwd, accountEnv, switchArgv, type LocalAccount } from './local-user.js';

export interface TargetRun {
  signal: AbortSignal;
  input?: string;
  /** Output pieces (see RunOptions.onStdout): `partial` when no newline follows yet. */
  onStdout: (text: string, partial: boolean) => void;
  onStderr: (text: string, partial: boolean) => void;
  onNotice?: (message: string) => void;
  /** Local transport: the account to switch to (plugins.ssh.localUser); absent = the server's own account. */
  account?: LocalAccount;
}

/** The OpenSSH argv for a target; the remote command is one argument after `--`. */
export function sshArgv(c: TargetConnection, cfg: SshConfig, remote: string): string[] {
  const args = [
    '-o', 'BatchMode=yes',
    '-o', `ConnectTimeout=${cfg.connectTimeoutSeconds}`,
    '-o', `StrictHostKeyChecking=${c.hostKeyCheck ?? cfg.hostKeyCheck}`,
    '-o', 'LogLevel=ERROR',
    '-o', 'ServerAliveInterval=15',
    '-o', 'ServerAliveCountMax=3',
  ];
  if (cfg.knownHostsFile) args.push('-o', `UserKnownHostsFile=${cfg.knownHostsFile}`);
  if (c.privateKey) args.push('-i', c.privateKey, '-o', 'IdentitiesOnly=yes');
  if (c.port) args.push('-p', String(c.port));
  if (c.user) args.push('-l', c.user);
  args.push('--', c.host, remote);
  return args;
}

/** Runs `line` (a sh command line) on the target; keeps the last stderr lines for error classification. */
export async function runOnTarget(c: TargetConnection, cfg: SshConfig, line: string, run: TargetRun): Promise<RunResult & { stderrTail: string[] }> {
  const stderrTail: string[] = [];
  const onStderr = (l: string, partial: boolean) => {
    stderrTail.push(l);
    if (stderrTail.length > 20) stderrTail.shift();
    run.onStderr(l, partial);
  };
  const opts = { signal: run.signal, input: run.input, onStdout: run.onStdout, onStderr, onNotice: run.onNotice };
  let result: RunResult;
  if (c.transport === 'ssh') result = await runProcess(cfg.sshBinary, sshArgv(c, cfg, line), opts);
  else if (!run.account) result = await runProcess('/bin/sh', ['-c', line], opts);
  else {
    // Only the account's own environment (plus the runner's cookie), started in its home directory.
    const sw = switchArgv(run.account, '/bin/sh', ['-c', line]);
    result = await runProcess(sw.file, sw.args, { ...opts, env: accountEnv(run.account), inheritEnv: false, cwd: accountCwd(run.account) });
  }
  return { ...result, stderrTail };
}
