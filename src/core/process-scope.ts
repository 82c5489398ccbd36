/**
 * Everything one started child may leave behind, found and ended as a whole (Linux /proc).
 *
 * Each child gets a scope. Where the server may create cgroups (cgroup v2, e.g. as root), the scope is a cgroup
 * of its own (`<server's cgroup>/capstan/<scope id>`): the child enters it before it runs (a `sh` prelude
 * writes its pid to `cgroup.procs`, then execs the command), so every descendant is in it, including those
 * that left the process group (`setsid`, double fork), and `cgroup.kill` ends them all at once. Elsewhere the
 * scope is the child's process group plus every process whose environment carries the scope's cookie
 * (`CAPSTAN_RUN=<scope id>`), which survives setsid and double forks but not a cleared environment (sudo,
 * `env -i`): that is the documented limit of the fallback.
 *
 * The scope also knows which of its processes still hold the run's output: those whose stdout or stderr is
 * still a socket (Node's stdio channels are socket pairs; a shell pipeline inside the run uses pipes and a
 * properly detached daemon has redirected both to files).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmdirSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** Environment variable that marks every process of a scope. */
export const COOKIE_ENV = 'CAPSTAN_RUN';

/** What a crash recovery needs to end a scope's leftovers. */
export interface ScopeRecord {
  /** The cgroup directory, or null in the process-group fallback. */
  cgroup: string | null;
  /** Value of CAPSTAN_RUN in the environment of the scope's processes. */
  cookie: string;
}

interface CgroupSupport {
  /** Where scopes are created: `<mount><server's cgroup>/capstan`. */
  base: string;
  /** cgroup.procs of the server's own cgroup: where detached survivors are moved at a normal end. */
  home: string;
}

let support: CgroupSupport | null | undefined;

/** The cgroup v2 support of this server, probed once: null when it cannot create and kill cgroups. */
export function cgroupSupport(): CgroupSupport | null {
  if (support !== undefined) return support;
  support = null;
  try {
    const mount = readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
      .map((l) => l.split(' ')).find((f) => f[f.indexOf('-') + 1] === 'cgroup2')?.[4];
    const self = readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => l.startsWith('0::'))?.slice(3);
    if (!mount || self === undefined) return null;
    const own = join(mount, self);
    const base = join(own, 'capstan');
    mkdirSync(base, { recursive: true });
    // cgroup.kill exists since Linux 5.14; without it a cgroup cannot end its members at once.
    const probe = join(base, `probe-${process.pid}-${randomUUID().slice(0, 8)}`);
    mkdirSync(probe);
    const ok = existsSync(join(probe, 'cgroup.kill'));
    rmdirSync(probe);
    if (ok) support = { base, home: join(own, 'cgroup.procs') };
  } catch {
    support = null;
  }
  return support;
}

export interface ProcStat {
  pid: number;
  ppid: number;
  pgid: number;
  state: string;
}

/** Parses /proc/<pid>/stat (the command name may hold spaces and parentheses). */
export function procStat(pid: number): ProcStat | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { pid, state: f[0], ppid: Number(f[1]), pgid: Number(f[2]) };
  } catch {
    return null;
  }
}

function allPids(): number[] {
  try {
    return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  } catch {
    return [];
  }
}

function hasCookie(pid: number, needle: Buffer): boolean {
  try {
    const env = readFileSync(`/proc/${pid}/environ`);
    return env.indexOf(needle) >= 0;
  } catch {
    return false;
  }
}

/** Pids of live (non-zombie) processes whose environment holds `CAPSTAN_RUN=<cookie>` (a prefix match when `prefix`). */
export function pidsWithCookie(cookie: string, prefix = false): number[] {
  const needle = Buffer.from(`${COOKIE_ENV}=${cookie}${prefix ? '' : '\0'}`);
  return allPids().filter((p) => p !== process.pid && hasCookie(p, needle) && procStat(p)?.state !== 'Z');
}

function cgroupPids(dir: string): number[] {
  try {
    return readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number)
      .filter((p) => procStat(p)?.state !== 'Z');
  } catch {
    return [];
  }
}

/** True when the process's stdout or stderr is a socket, i.e. (inside a scope) still the run's output channel. */
export function holdsOutput(pid: number): boolean {
  for (const fd of [1, 2]) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) return true;
    } catch {
      /* gone, or not ours to read */
    }
  }
  return false;
}

function signalAll(pids: number[], sig: NodeJS.Signals): void {
  for (const p of pids) {
    try {
      process.kill(p, sig);
    } catch {
      /* already gone */
    }
  }
}

let counter = 0;

export class ProcessScope {
  readonly id: string;
  readonly cgroup: string | null;
  private pgid: number | null = null;

  /**
   * `label` makes the id readable (an execution id); the id is unique either way. `cgroups: false` uses the
   * fallback even where cgroups work (config execution.cgroups).
   */
  constructor(label?: string, opts: { cgroups?: boolean } = {}) {
    this.id = `${label ?? `p${process.pid}`}.${++counter}.${randomUUID().slice(0, 8)}`;
    const cg = opts.cgroups === false ? null : cgroupSupport();
    let dir: string | null = null;
    if (cg) {
      try {
        dir = join(cg.base, this.id);
        mkdirSync(dir);
      } catch {
        dir = null;
      }
    }
    this.cgroup = dir;
  }

  record(): ScopeRecord {
    return { cgroup: this.cgroup, cookie: this.id };
  }

  /** The argv to spawn: in cgroup mode a sh prelude that enters the cgroup, then execs the command. */
  wrap(file: string, args: string[]): { file: string; args: string[] } {
    if (!this.cgroup) return { file, args };
    // $0 is the cgroup.procs path, "$@" the command; a failed write leaves the fallback (group + cookie).
    return { file: '/bin/sh', args: ['-c', 'echo $$ 2>/dev/null >"$0"; exec "$@"', join(this.cgroup, 'cgroup.procs'), file, ...args] };
  }

  /** The environment marker of this scope's processes. */
  env(): Record<string, string> {
    return { [COOKIE_ENV]: this.id };
  }

  /** Called once the child started: its pid leads its own process group (spawned detached). */
  attach(pid: number): void {
    this.pgid = pid;
  }

  /** Live processes of the scope. */
  members(): number[] {
    // The cgroup holds every descendant; the /proc scan is for the fallback (and a failed cgroup entry).
    if (this.cgroup) {
      const inside = cgroupPids(this.cgroup);
      if (inside.length || this.pgid === null || procStat(this.pgid) === null) return inside;
    }
    const found = new Set<number>(this.cgroup ? cgroupPids(this.cgroup) : []);
    if (this.pgid !== null) {
      for (const p of allPids()) {
        const st = procStat(p);
        if (st && st.pgid === this.pgid && st.state !== 'Z') found.add(p);
      }
    }
    for (const p of pidsWithCookie(this.id)) found.add(p);
    found.delete(process.pid);
    return [...found];
  }

  /** Processes of the scope that still hold the run's output (stdout or stderr). */
  holders(): number[] {
    return this.members().filter(holdsOutput);
  }

  /**
   * Ends the given processes (default: all of the scope): SIGTERM, then SIGKILL after `graceMs` for what is
   * left (`cgroup.kill` when ending the whole cgroup scope). Returns the pids still alive afterwards.
   */
  async terminate(graceMs: number, only?: number[]): Promise<number[]> {
    const live = () => (only ? only.filter((p) => { const s = procStat(p); return s !== null && s.state !== 'Z'; }) : this.members());
    signalAll(live(), 'SIGTERM');
    if (!only && this.pgid !== null) signalAll([-this.pgid], 'SIGTERM');
    await until(() => live().length === 0, graceMs);
    for (let round = 0; round < 3 && live().length; round++) {
      // Repeated: a process forking while it is killed can add a member after the first pass.
      if (!only && this.cgroup) killCgroup(this.cgroup);
      signalAll(live(), 'SIGKILL');
      await until(() => live().length === 0, 500);
    }
    return live();
  }

  /**
   * At a normal end: what is left is detached on purpose (a daemon with its output redirected). It is moved
   * back to the server's own cgroup so it outlives the scope, which is then removed.
   */
  release(): number[] {
    if (!this.cgroup) return [];
    const home = cgroupSupport()?.home;
    const moved = new Set<number>();
    // Again while members remain: one forking while it is moved leaves its child behind in the scope.
    for (let round = 0; round < 3 && home; round++) {
      const left = cgroupPids(this.cgroup);
      if (!left.length) break;
      for (const p of left) {
        try {
          writeFileSync(home, String(p));
          moved.add(p);
        } catch {
          /* it exited meanwhile */
        }
      }
    }
    removeCgroup(this.cgroup);
    return [...moved];
  }
}

function killCgroup(dir: string): void {
  try {
    writeFileSync(join(dir, 'cgroup.kill'), '1');
  } catch {
    /* removed already */
  }
}

function removeCgroup(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    /* still populated (a member could not be moved) or already gone: left for the next recovery */
  }
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() >= deadline) return false;
    await delay(Math.min(25, Math.max(1, deadline - Date.now())));
  }
  return true;
}

/**
 * After a crash: ends every process of a recorded scope (cgroup.kill, then the cookie), and removes the
 * cgroup. Returns how many processes were found alive.
 */
export async function killRecordedScope(rec: { cgroup: string | null; cookie: string | null }): Promise<number> {
  const byCookie = () => (rec.cookie ? pidsWithCookie(rec.cookie) : []);
  const pids = new Set([...(rec.cgroup ? cgroupPids(rec.cgroup) : []), ...byCookie()]);
  if (rec.cgroup && existsSync(rec.cgroup)) killCgroup(rec.cgroup);
  signalAll(byCookie(), 'SIGKILL');
  if (rec.cgroup) {
    await until(() => cgroupPids(rec.cgroup!).length === 0, 1000);
    removeCgroup(rec.cgroup);
  }
  return pids.size;
}
