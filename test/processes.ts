/**
 * Process checks for tests, by a unique marker in a command line (never a shell: a shell's own command line
 * would match itself) and by process group, so a surviving child of a killed shell is still seen.
 */
import { execFileSync } from 'node:child_process';
import { execa } from 'execa';
import type { WatchdogOptions } from '../src/core/target-watchdog.js';

export const marker = (prefix = 'capstan-test') => `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

function pgrep(args: string[]): number[] {
  try {
    return execFileSync('pgrep', args, { stdio: 'pipe', encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Process group ids of processes whose command line holds the marker. */
export function groupsOf(m: string): number[] {
  const pids = pgrep(['-f', m]);
  const groups = new Set<number>();
  for (const pid of pids) {
    try {
      groups.add(Number(execFileSync('ps', ['-o', 'pgid=', '-p', String(pid)], { encoding: 'utf8' }).trim()));
    } catch { /* exited meanwhile */ }
  }
  return [...groups].filter((g) => g > 0);
}

/** True while any process of these groups lives (zombies excluded). */
export function groupsAlive(groups: number[]): boolean {
  return groups.some((g) => {
    try {
      const states = execFileSync('ps', ['-o', 'stat=', '-g', String(g)], { encoding: 'utf8' }).split('\n').filter(Boolean);
      return states.some((s) => !s.startsWith('Z'));
    } catch {
      return false;
    }
  });
}

/** Kills what is left of these groups (test cleanup). */
export function killGroups(groups: number[]): void {
  for (const g of groups) try { process.kill(-g, 'SIGKILL'); } catch { /* gone */ }
}

/** Waits (bounded) until no process's command line holds `mark` (pgrep -f); true when none is left. */
export async function noProcessMatching(mark: string, ms = 10_000): Promise<boolean> {
  const alive = () => execa('pgrep', ['-f', mark], { reject: false }).then((r) => r.exitCode === 0);
  const deadline = Date.now() + ms;
  while ((await alive()) && Date.now() < deadline) await execa('sleep', ['0.1']);
  return !(await alive());
}

/** Target-side watchdog options for tests: 1 s grace and drain, a unique cookie, a fixed notice prefix. */
export function testWatchdogOptions(o: Partial<WatchdogOptions> = {}): WatchdogOptions {
  return { graceSeconds: 1, drainSeconds: 1, cookie: `unit${process.pid}c${Math.random().toString(36).slice(2)}`, noticePrefix: 'capstan-notice:unit', ...o };
}

