/**
 * Which execution a child process belongs to, without plugins having to pass it along: the ExecutionService
 * runs a provider's handler inside `trackProcesses(tracker, fn)`, and runProcess reports every process it
 * starts (with its scope: cgroup and environment cookie) and ends to the tracker of the current async context,
 * and reads the run's settings from it. After a crash, the recorded scopes of runs that were running are
 * ended at start, so an interrupted run cannot keep working behind the server's back.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ScopeRecord } from './process-scope.js';

export interface ProcessTracker {
  started(pid: number, scope: ScopeRecord): void;
  exited(pid: number): void;
  /** Readable prefix of scope ids (the execution id). */
  label?: string;
  /** SIGTERM -> SIGKILL delay for processes of this run (ms; config execution.cancelGraceMs). */
  graceMs?: number;
  /** Time output holders get after the top-level process exited (ms; config execution.drainSeconds). */
  drainMs?: number;
  /** Use a cgroup scope where the server can create one (config execution.cgroups; default true). */
  cgroups?: boolean;
  /** Delay before a line still being printed is delivered as a partial piece (ms; execution.partialLineFlushMs). */
  partialFlushMs?: number;
}

const storage = new AsyncLocalStorage<ProcessTracker>();

export function trackProcesses<T>(tracker: ProcessTracker, fn: () => Promise<T>): Promise<T> {
  return storage.run(tracker, fn);
}

export function currentTracker(): ProcessTracker | undefined {
  return storage.getStore();
}
