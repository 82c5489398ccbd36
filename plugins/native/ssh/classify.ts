/**
 * Maps how a run ended on a target to a TargetOutcome with a standard error category: ssh's own failures
 * (exit 255 with its messages on stderr) become connect / auth / host-key errors; a non-zero exit of the
 * command is execution_failed; an abort is canceled or timed_out.
 */
import { Errors, type CapstanError } from '../../../src/core/errors.js';
import type { TargetOutcome } from '../../../src/core/types.js';
import { abortStatus } from '../../../src/core/abort.js';
import type { Transport } from './inventory.js';

const HOST_KEY = /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No \S+ host key is known/i;
const AUTH = /Permission denied|Too many authentication failures|no matching (host key type|key exchange)/i;
const CONNECT = /Connection refused|Connection timed out|timed out during banner exchange|No route to host|Network is unreachable|Could not resolve hostname|Name or service not known|Connection closed by|Connection reset by|kex_exchange_identification/i;

/** The ssh client's own failure, or undefined when exit 255 came from the remote command. */
export function sshFailure(stderr: string[]): CapstanError | undefined {
  const text = stderr.join('\n');
  if (HOST_KEY.test(text)) return new Errors.HostKey(lastMatching(stderr, HOST_KEY));
  if (AUTH.test(text)) return new Errors.Auth(lastMatching(stderr, AUTH));
  if (CONNECT.test(text)) return new Errors.Connect(lastMatching(stderr, CONNECT));
  return undefined;
}

function lastMatching(lines: string[], re: RegExp): string {
  return [...lines].reverse().find((l) => re.test(l)) ?? lines[lines.length - 1] ?? 'ssh failed';
}

export interface Ended {
  exitCode: number | null;
  /** The signal that killed the top-level process (local transport; exitCode is then 128 + n). */
  signal?: string | null;
  aborted: boolean;
  durationMs: number;
  stderrTail: string[];
}

export function classify(target: string, transport: Transport, r: Ended, signal: AbortSignal): TargetOutcome {
  const durationMs = Math.round(r.durationMs);
  const summary = (e: CapstanError) => ({ category: e.category, code: e.code, title: e.title, detail: e.message });
  if (r.aborted) {
    const status = abortStatus(signal);
    const e = status === 'timed_out' ? new Errors.ExecutionTimeout('the execution timed out; the process tree was killed')
      : new Errors.PluginUnavailable('the execution was canceled; the process tree was killed');
    return { target, status, exitCode: null, durationMs, error: summary(e) };
  }
  if (r.exitCode === 0) return { target, status: 'succeeded', exitCode: 0, durationMs };
  const sshError = transport === 'ssh' && r.exitCode === 255 ? sshFailure(r.stderrTail) : undefined;
  if (sshError) return { target, status: 'failed', exitCode: null, durationMs, error: summary(sshError) };
  if (r.signal) {
    const e = new Errors.ExecutionFailed(`killed by signal ${r.signal} (exit code ${r.exitCode})`);
    return { target, status: 'failed', exitCode: r.exitCode, signal: r.signal, durationMs, error: summary(e) };
  }
  const e = new Errors.ExecutionFailed(`exited with code ${r.exitCode}`);
  return { target, status: 'failed', exitCode: r.exitCode, durationMs, error: summary(e) };
}
