/**
 * Runs one child process for a plugin: argv array (never a shell string), allow-listed environment, its own
 * process group and scope (src/core/process-scope.ts), output delivered as it arrives.
 *
 * The one rule for what a run leaves behind, the same for every plugin:
 * - the run ends when its top-level process exits. Processes of the run that still hold its output (a
 *   `sleep 20 &` that kept stdout) get `drainMs` to finish; then they are ended (SIGTERM, SIGKILL after
 *   the grace) and a notice says so. The exit code is the top-level process's.
 * - a properly detached process (its stdout and stderr redirected, e.g. `nohup app >app.log 2>&1 &`)
 *   outlives a run that ends normally.
 * - an abort (cancel, timeout, shutdown) ends every process of the scope, including those that left the
 *   process group; what could not be ended is reported (`survivors`).
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import { Errors } from './errors.js';
import { DEFAULT_PARTIAL_FLUSH_MS, LivePieces, WholeLines, type LineReader, type PieceSink } from './line-splitter.js';
import { ProcessScope } from './process-scope.js';
import { currentTracker } from './process-tracking.js';

export { MAX_PIECE_CHARS } from './line-splitter.js';

/** Variables a child may inherit from the server; everything else must be passed explicitly. */
export const INHERITED_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR', 'USER', 'LOGNAME', 'SSH_AUTH_SOCK'];

/** Default time output holders get after the top-level process exited (ms); config execution.drainSeconds. */
export const DEFAULT_DRAIN_MS = 2000;

export interface RunOptions {
  signal: AbortSignal;
  /** Extra environment on top of the allow-listed inherited variables. */
  env?: Record<string, string>;
  /**
   * False: the child gets only `env` (and the scope's cookie), none of the server's variables; for a child
   * that switches to another OS account (HOME, USER or SSH_AUTH_SOCK of the server would be wrong there).
   * Default true.
   */
  inheritEnv?: boolean;
  cwd?: string;
  /** Written to stdin, which is then closed; stdin is /dev/null when absent. */
  input?: string;
  /** Time between SIGTERM and SIGKILL when aborted or ending holders (ms); default: the execution's grace, else 5 s. */
  graceMs?: number;
  /**
   * Output pieces as they arrive: complete lines (`partial` false) and, at most the run's partial-flush delay
   * after it began, a line still being printed (`partial` true; the next piece continues it).
   */
  onStdout?: PieceSink;
  onStderr?: PieceSink;
  /**
   * Structured stdout: deliver each line whole (never cut, never flushed early) up to this many bytes; longer
   * lines are skipped and reported in `oversizedLines`. Default: live pieces like stderr.
   */
  stdoutWholeLineBytes?: number;
  /** What the runner did on its own (ended output holders, left survivors), as one sentence each. */
  onNotice?: (message: string) => void;
  /**
   * How an abort (cancel, timeout, shutdown) reaches a tool that stops cleanly on an interrupt (Terraform:
   * SIGINT makes it stop starting work, end what runs, write its state and release its lock): first `signal`
   * to the top-level process only, then, when it has not exited after `waitMs`, the usual end of every process
   * of the run (SIGTERM, SIGKILL after the grace). Default: that usual end at once.
   */
  gracefulSignal?: { signal: NodeJS.Signals; waitMs: number };
}

export interface RunResult {
  /** Exit code; 128 + n when the process was killed by signal n (as a shell reports it). */
  exitCode: number | null;
  /** Name of the signal that killed the top-level process, if one did. */
  signal: string | null;
  /** True when the signal aborted the run (cancel, timeout, shutdown). */
  aborted: boolean;
  durationMs: number;
  /** Sizes (bytes) of stdout lines dropped for exceeding stdoutWholeLineBytes. */
  oversizedLines: number[];
  /** Pids of the run's processes that could not be ended. */
  survivors: number[];
  /** Notices given through onNotice. */
  notices: string[];
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

/** 128 + signal number, as POSIX shells report a death by signal. */
export function signalExitCode(signal: string): number | null {
  const n = (osConstants.signals as Record<string, number>)[signal];
  return n === undefined ? null : 128 + n;
}

/** Whether `file` can be executed (a path, relative to `cwd` as the child sees it, or a name found on PATH). */
function executable(file: string, env: Record<string, string>, cwd?: string): boolean {
  const candidates = file.includes('/') ? [resolve(cwd ?? '.', file)] : (env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, file));
  return candidates.some((c) => {
    try {
      accessSync(c, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export async function runProcess(file: string, args: string[], opts: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const notices: string[] = [];
  const none = { oversizedLines: [], survivors: [], notices };
  if (opts.signal.aborted) return { exitCode: null, signal: null, aborted: true, durationMs: 0, ...none };
  const tracker = currentTracker();
  const graceMs = opts.graceMs ?? tracker?.graceMs ?? 5000;
  const env = opts.inheritEnv === false ? { ...opts.env } : childEnv(opts.env);
  const scope = new ProcessScope(tracker?.label, { cgroups: tracker?.cgroups });
  // The cgroup prelude execs the command: a missing binary would show as the shell's exit 127.
  if (scope.cgroup && !executable(file, env, opts.cwd)) {
    scope.release();
    throw new Errors.ToolMissing(`'${file}' is not installed or not on PATH.`);
  }
  const spawn = scope.wrap(file, args);
  const child = execa(spawn.file, spawn.args, {
    env: { ...env, ...scope.env() }, extendEnv: false, cwd: opts.cwd, detached: true, reject: false, buffer: false,
    stdin: opts.input === undefined ? 'ignore' : 'pipe', stdout: 'pipe', stderr: 'pipe', cleanup: true,
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  const notice = (message: string) => {
    notices.push(message);
    opts.onNotice?.(message);
  };
  if (child.pid) {
    scope.attach(child.pid);
    tracker?.started(child.pid, scope.record());
  }
  let aborted = false;
  let ending: Promise<number[]> | undefined;
  const onAbort = () => {
    aborted = true;
    if (!child.pid) return;
    const gentle = opts.gracefulSignal;
    if (!gentle) {
      ending ??= scope.terminate(graceMs);
      return;
    }
    const pid = child.pid;
    ending ??= (async () => {
      try {
        process.kill(pid, gentle.signal);
      } catch {
        /* already exited */
      }
      let timer: NodeJS.Timeout | undefined;
      const stopped = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => { timer = setTimeout(() => r(false), gentle.waitMs); })]);
      clearTimeout(timer);
      if (!stopped) notice(`'${file}' did not stop within ${gentle.waitMs / 1000} s of ${gentle.signal}; its processes are being ended`);
      // What it left running (or itself, when it did not stop) ends the usual way.
      return scope.terminate(graceMs);
    })();
  };
  opts.signal.addEventListener('abort', onAbort, { once: true });
  if (opts.input !== undefined) {
    child.stdin?.on('error', () => { /* child closed stdin early; its exit code tells the story */ });
    child.stdin?.end(opts.input);
  }
  const flushMs = tracker?.partialFlushMs ?? DEFAULT_PARTIAL_FLUSH_MS;
  const deliver = (sink?: PieceSink) => sink ?? (() => {});
  const whole = opts.stdoutWholeLineBytes !== undefined
    ? new WholeLines((line) => opts.onStdout?.(line, false), opts.stdoutWholeLineBytes) : undefined;
  const outReader: LineReader = whole ?? new LivePieces(deliver(opts.onStdout), flushMs);
  const pumps = Promise.all([pump(child.stdout, outReader), pump(child.stderr, new LivePieces(deliver(opts.onStderr), flushMs))]);
  let survivors: number[] = [];
  try {
    if (!child.pid) {
      // The spawn itself failed (missing binary or working directory): execa settles with the cause.
      const result = await child;
      const cause = (result as { cause?: unknown }).cause;
      const code = (cause as NodeJS.ErrnoException | undefined)?.code;
      if (code === 'ENOENT' && opts.cwd && !existsSync(opts.cwd)) throw new Errors.Upstream(`working directory '${opts.cwd}' does not exist.`, { cause });
      if (code === 'ENOENT') throw new Errors.ToolMissing(`'${file}' is not installed or not on PATH.`, { cause });
      throw new Errors.Internal(`could not start '${file}': ${(cause as Error | undefined)?.message ?? 'unknown error'}`, { cause });
    }
    const exit = await exited;
    if (!aborted) await drainAfterExit(scope, pumps, tracker?.drainMs ?? DEFAULT_DRAIN_MS, graceMs, notice);
    if (ending) survivors = await ending;
    // What no signal could end (another user's process, uninterruptible sleep) must not hold the run open.
    if (!(await settles(pumps, 1000))) {
      child.stdout?.destroy();
      child.stderr?.destroy();
      notice('stopped reading output still held by a process the run could not end');
    }
    await pumps;
    if (survivors.length) notice(`${survivors.length} process(es) of the run could not be ended (pids ${survivors.join(', ')})`);
    const final = await child;
    const signal = exit.signal ?? final.signal ?? null;
    const code = exit.code ?? final.exitCode ?? null;
    return {
      exitCode: code ?? (signal ? signalExitCode(signal) : null), signal, aborted, durationMs: performance.now() - started,
      oversizedLines: whole?.oversized.map((o) => o.bytes) ?? [], survivors, notices,
    };
  } finally {
    opts.signal.removeEventListener('abort', onAbort);
    if (ending) await ending;
    // A normal end: detached survivors move out of the scope; the scope goes.
    scope.release();
    if (child.pid) tracker?.exited(child.pid);
  }
}

/** Waits for the output to end after the top-level exit; ends processes still holding it after `drainMs`. */
async function drainAfterExit(scope: ProcessScope, pumps: Promise<unknown>, drainMs: number, graceMs: number, notice: (m: string) => void): Promise<void> {
  if (await settles(pumps, drainMs)) return;
  const holders = scope.holders();
  if (!holders.length) return;
  const left = await scope.terminate(graceMs, holders);
  const ended = holders.length - left.length;
  notice(`the command exited but ${holders.length} process(es) still held its output after ${drainMs / 1000} s; `
    + `${ended} ended (SIGTERM, then SIGKILL after ${graceMs / 1000} s)${left.length ? `, ${left.length} could not be ended (pids ${left.join(', ')})` : ''}`);
}

async function settles(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const done = await Promise.race([p.then(() => true, () => true), new Promise<boolean>((r) => { timer = setTimeout(() => r(false), ms); })]);
  clearTimeout(timer);
  return done;
}

/** Feeds a stream's decoded text to a reader (UTF-8 sequences split across chunks are kept whole). */
async function pump(stream: Readable | null | undefined, reader: LineReader): Promise<void> {
  if (!stream) return;
  stream.setEncoding('utf8');
  try {
    for await (const chunk of stream as AsyncIterable<string>) reader.push(chunk);
  } catch {
    /* destroyed: what was read is delivered */
  }
  reader.end();
}
