/**
 * Runs one child process for a plugin: argv array (never a shell string), allow-listed environment, its own
 * process group so cancel/timeout kills the whole tree (SIGTERM, then SIGKILL after a grace period), and
 * every stdout/stderr line delivered as it arrives.
 */
import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import { Errors } from './errors.js';
import { currentTracker } from './process-tracking.js';

/** Variables a child may inherit from the server; everything else must be passed explicitly. */
export const INHERITED_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR', 'USER', 'LOGNAME', 'SSH_AUTH_SOCK'];

export interface RunOptions {
  signal: AbortSignal;
  /** Extra environment on top of the allow-listed inherited variables. */
  env?: Record<string, string>;
  cwd?: string;
  /** Written to stdin, which is then closed; stdin is /dev/null when absent. */
  input?: string;
  /** Time between SIGTERM and SIGKILL of the group when aborted (ms); default: the execution's grace, else 5 s. */
  graceMs?: number;
  onStdout?: (line: string) => void;
  onStderr?: (line: string) => void;
}

export interface RunResult {
  exitCode: number | null;
  signal: string | null;
  /** True when the signal aborted the run (cancel, timeout, shutdown). */
  aborted: boolean;
  durationMs: number;
}

export function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of INHERITED_ENV) if (process.env[k] !== undefined) env[k] = process.env[k]!;
  return { ...env, ...extra };
}

/** Kills a process group, ignoring a group that is already gone. */
export function killGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    /* already exited */
  }
}

export async function runProcess(file: string, args: string[], opts: RunOptions): Promise<RunResult> {
  const started = performance.now();
  if (opts.signal.aborted) return { exitCode: null, signal: null, aborted: true, durationMs: 0 };
  const child = execa(file, args, {
    env: childEnv(opts.env), extendEnv: false, cwd: opts.cwd, detached: true, reject: false, buffer: false,
    stdin: opts.input === undefined ? 'ignore' : 'pipe', stdout: 'pipe', stderr: 'pipe', cleanup: true,
  });
  const tracker = currentTracker();
  if (child.pid) tracker?.started(child.pid);
  let aborted = false;
  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    aborted = true;
    if (child.pid) {
      killGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child.pid!, 'SIGKILL'), opts.graceMs ?? tracker?.graceMs ?? 5000);
      killTimer.unref();
    }
  };
  opts.signal.addEventListener('abort', onAbort, { once: true });
  if (opts.input !== undefined) {
    child.stdin?.on('error', () => { /* child closed stdin early; its exit code tells the story */ });
    child.stdin?.end(opts.input);
  }
  const lines = Promise.all([pump(child.stdout, opts.onStdout), pump(child.stderr, opts.onStderr)]);
  try {
    const result = await child;
    if ((result as { failed?: boolean }).failed && result.exitCode === undefined && !result.signal && !aborted) {
      const cause = (result as { cause?: unknown }).cause;
      const code = (cause as NodeJS.ErrnoException | undefined)?.code;
      if (code === 'ENOENT' && opts.cwd && !existsSync(opts.cwd)) throw new Errors.Upstream(`working directory '${opts.cwd}' does not exist.`, { cause });
      if (code === 'ENOENT') throw new Errors.ToolMissing(`'${file}' is not installed or not on PATH.`, { cause });
      throw new Errors.Internal(`could not start '${file}': ${(cause as Error | undefined)?.message ?? 'unknown error'}`, { cause });
    }
    // Leftovers of the group (background jobs holding the pipes) must not outlive the run; what they
    // already wrote stays in the pipe and is still read below.
    if (child.pid) killGroup(child.pid, 'SIGKILL');
    await lines;
    return { exitCode: result.exitCode ?? null, signal: result.signal ?? null, aborted, durationMs: performance.now() - started };
  } finally {
    clearTimeout(killTimer);
    opts.signal.removeEventListener('abort', onAbort);
    if (child.pid) tracker?.exited(child.pid);
  }
}

/** Longest line kept whole; a longer one is delivered in pieces of this size (memory stays bounded). */
export const MAX_LINE_CHARS = 64 * 1024;

/**
 * Splits a stream into lines (LF or CRLF) as chunks arrive. Unlike readline it never holds more than
 * MAX_LINE_CHARS of one line: a 700 MB line without a newline must not exhaust the heap.
 */
async function pump(stream: Readable | null | undefined, onLine?: (line: string) => void): Promise<void> {
  if (!stream) return;
  stream.setEncoding('utf8');
  // A complete line: pieces of at most MAX_LINE_CHARS, CR of a CRLF dropped.
  const emit = (line: string) => {
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    for (let i = 0; i < text.length || i === 0; i += MAX_LINE_CHARS) onLine?.(text.slice(i, i + MAX_LINE_CHARS));
  };
  let buf = '';
  for await (const chunk of stream as AsyncIterable<string>) {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      emit(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
    // An unfinished line never grows past the limit in memory.
    while (buf.length > MAX_LINE_CHARS) {
      onLine?.(buf.slice(0, MAX_LINE_CHARS));
      buf = buf.slice(MAX_LINE_CHARS);
    }
  }
  if (buf.length) emit(buf);
}
