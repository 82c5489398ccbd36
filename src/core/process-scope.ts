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
 * still the channel the child got (its fd 1/2 links, read at start), or, when the child was gone before they
 * could be read, a socket (Node's stdio channels are socket pairs; a shell pipeline inside the run uses
 * pipes and a properly detached daemon has redirected both to files).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { COOKIE_ENV, fdLink, pidsWithCookie, procSnapshot, procStat, sameProcess } from './proc-table.js';

export { COOKIE_ENV } from './proc-table.js';

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

function cgroupPids(dir: string): number[] {
  try {
    return readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number)
      .filter((p) => procStat(p)?.state !== 'Z');
  } catch {
    return [];
  }
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
  /** Start time of the group leader: a pgid whose leader pid was reused is no longer ours. */
  private leaderStart: string | null = null;
  /** fd 1/2 links of the child at start (empty when it was gone before they could be read). */
  private channels = new Set<string>();

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
    const st = procStat(pid);
    this.leaderStart = st?.start ?? null;
    if (st && st.state !== 'Z') for (const fd of [1, 2]) {
      const link = fdLink(pid, fd);
      if (link?.startsWith('socket:') || link?.startsWith('pipe:')) this.channels.add(link);
    }
  }

  /** Live processes of the scope. */
  members(): number[] {
    // The cgroup holds every descendant; the /proc snapshot is for the fallback (and a failed cgroup entry).
    if (this.cgroup) {
      const inside = cgroupPids(this.cgroup);
      if (inside.length || this.pgid === null || procStat(this.pgid) === null) return inside;
    }
    // Once the leader's pid belongs to another process, its group id can no longer be this group's.
    const leader = this.pgid === null ? null : procStat(this.pgid);
    const groupOk = this.pgid !== null && (leader === null || leader.start === this.leaderStart);
    return procSnapshot().filter((e) => e.cookie === this.id || (groupOk && e.pgid === this.pgid)).map((e) => e.pid);
  }

  /** Processes of the scope that still hold the run's output (stdout or stderr). */
  holders(): number[] {
    return this.members().filter((pid) => [1, 2].some((fd) => {
      const link = fdLink(pid, fd);
      return link !== null && (this.channels.size ? this.channels.has(link) : link.startsWith('socket:'));
    }));
  }

  /**
   * Ends the given processes (default: all of the scope): SIGTERM, then SIGKILL after `graceMs` for what is
   * left (`cgroup.kill` when ending the whole cgroup scope). Returns the pids still alive afterwards.
   */
  async terminate(graceMs: number, only?: number[]): Promise<number[]> {
    // Each pid with its start time: a signal only ever reaches the very process that was a member.
    const known = new Map<number, string>();
    const live = () => {
      const members = new Set(this.members());
      const pids = only ? only.filter((p) => members.has(p)) : [...members];
      for (const p of pids) if (!known.has(p)) known.set(p, procStat(p)?.start ?? '');
      return pids.filter((p) => sameProcess(p, known.get(p)!));
    };
    signalAll(live(), 'SIGTERM');
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
    await delay(Math.min(50, Math.max(1, deadline - Date.now())));
  }
  return true;
}

/**
 * After a crash: ends every process of a recorded scope (cgroup.kill, then the cookie), and removes the
 * cgroup. Returns how many processes were found alive.
 */
export async function killRecordedScope(rec: { cgroup: string | null; cookie: string | null }): Promise<number> {
  const byCookie = () => (rec.cookie ? pidsWithCookie(rec.cookie, false, 0) : []);
  const pids = new Set([...(rec.cgroup ? cgroupPids(rec.cgroup) : []), ...byCookie()]);
  if (rec.cgroup && existsSync(rec.cgroup)) killCgroup(rec.cgroup);
  signalAll(byCookie(), 'SIGKILL');
  if (rec.cgroup) {
    await until(() => cgroupPids(rec.cgroup!).length === 0, 1000);
    removeCgroup(rec.cgroup);
  }
  return pids.size;
}

/**
 * Removes empty scope cgroups left by a crash or by a member that could not be moved out. Only empty ones: a
 * populated cgroup cannot be removed, so another server's live scopes are never touched.
 */
export function sweepEmptyCgroups(): number {
  const base = cgroupSupport()?.base;
  if (!base) return 0;
  let removed = 0;
  try {
    for (const d of readdirSync(base, { withFileTypes: true })) {
      if (!d.isDirectory()) continue;
      try {
        rmdirSync(join(base, d.name));
        removed++;
      } catch {
        /* populated: in use */
      }
    }
  } catch {
    /* base gone */
  }
  return removed;
}
