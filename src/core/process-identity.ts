/**
 * Identifies a process across a server restart (Linux /proc): the boot id plus the process start time in
 * clock ticks, so a recorded pid is only ever signalled while it is still the same process.
 */
import { readFileSync } from 'node:fs';
import { procStat } from './proc-table.js';

export function bootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return null;
  }
}

/** Start time (field 22 of /proc/<pid>/stat, clock ticks), or null when the process does not exist. */
export function startTicks(pid: number): string | null {
  return procStat(pid)?.start || null;
}

/**
 * Kills a recorded process group left by a crashed server, only when it is provably the same one: same boot,
 * and the group leader is either the recorded process (same start time) or gone (then no new group can carry
 * that id, since a group id is its leader's pid). Returns whether a signal was sent.
 */
export function killStaleGroup(pgid: number, recordedBoot: string | null, recordedStart: string | null): boolean {
  if (!recordedBoot || recordedBoot !== bootId()) return false;
  const now = startTicks(pgid);
  if (now !== null && now !== recordedStart) return false;
  try {
    process.kill(-pgid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}
