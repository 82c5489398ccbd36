/**
 * What Linux /proc says about processes, read for the process scopes (process-scope.ts): one process's
 * status, and a snapshot of every process with its process group, start time and run cookie. The snapshot is
 * shared for `maxAgeMs` (100 ms), so ending 300 targets at once costs one walk of /proc, not 300 (reading
 * every environment takes about 30 µs per process).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Environment variable that marks every process of a scope (its value is the scope id). */
export const COOKIE_ENV = 'CAPSTAN_RUN';

export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** One-letter state (`Z` = zombie). */
  state: string;
  /** Start time in clock ticks since boot: with the pid, it names one process for good. */
  start: string;
}

export interface ProcEntry extends ProcInfo {
  /** Value of CAPSTAN_RUN in its environment, or null. */
  cookie: string | null;
}

/** Parses /proc/<pid>/stat (the command name may hold spaces and parentheses); null when gone. */
export function procStat(pid: number): ProcInfo | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { pid, state: f[0], ppid: Number(f[1]), pgid: Number(f[2]), start: f[19] ?? '' };
  } catch {
    return null;
  }
}

/** True while `pid` is the same living (non-zombie) process that started at `start`. */
export function sameProcess(pid: number, start: string): boolean {
  const st = procStat(pid);
  return st !== null && st.state !== 'Z' && st.start === start;
}

function cookieOf(pid: number): string | null {
  try {
    const env = readFileSync(`/proc/${pid}/environ`);
    const key = Buffer.from(`${COOKIE_ENV}=`);
    let at = env.indexOf(key);
    // Only at the start of a variable: the buffer is NUL-separated.
    while (at > 0 && env[at - 1] !== 0) at = env.indexOf(key, at + 1);
    if (at < 0) return null;
    const end = env.indexOf(0, at);
    return env.subarray(at + key.length, end < 0 ? env.length : end).toString();
  } catch {
    return null;
  }
}

let snap: { at: number; entries: ProcEntry[] } | undefined;

/** Every live process but this server, with its cookie; reused while younger than `maxAgeMs`. */
export function procSnapshot(maxAgeMs = 100): ProcEntry[] {
  if (snap && Date.now() - snap.at < maxAgeMs) return snap.entries;
  const entries: ProcEntry[] = [];
  let pids: number[] = [];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  } catch {
    /* no /proc: nothing to find */
  }
  for (const pid of pids) {
    if (pid === process.pid) continue;
    const st = procStat(pid);
    if (!st || st.state === 'Z') continue;
    entries.push({ ...st, cookie: cookieOf(pid) });
  }
  snap = { at: Date.now(), entries };
  return entries;
}

/** Live processes whose CAPSTAN_RUN is `cookie` (or starts with it when `prefix`). */
export function pidsWithCookie(cookie: string, prefix = false, maxAgeMs = 100): number[] {
  return procSnapshot(maxAgeMs).filter((e) => e.cookie !== null && (prefix ? e.cookie.startsWith(cookie) : e.cookie === cookie)).map((e) => e.pid);
}

/** Where the process's fd points (`socket:[123]`, `pipe:[456]`, a path), or null. */
export function fdLink(pid: number, fd: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/fd/${fd}`);
  } catch {
    return null;
  }
}
