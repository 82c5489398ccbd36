/**
 * Process checks for tests, by a unique marker in a command line (never a shell: a shell's own command line
 * would match itself) and by process group, so a surviving child of a killed shell is still seen.
 */
import { execFileSync } from 'node:child_process';

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
