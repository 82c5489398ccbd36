/**
 * Which execution a child process belongs to, without plugins having to pass it along: the ExecutionService
 * runs a provider's handler inside `trackProcesses(tracker, fn)`, and runProcess reports every process group it
 * starts and ends to the tracker of the current async context. After a crash, the recorded groups of runs
 * that were running are killed at start, so an interrupted run cannot keep working behind the server's back.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface ProcessTracker {
  started(pid: number): void;
  exited(pid: number): void;
  /** SIGTERM -> SIGKILL delay for processes of this run (config execution.cancelGraceMs). */
  graceMs?: number;
}

const storage = new AsyncLocalStorage<ProcessTracker>();

export function trackProcesses<T>(tracker: ProcessTracker, fn: () => Promise<T>): Promise<T> {
  return storage.run(tracker, fn);
}

export function currentTracker(): ProcessTracker | undefined {
  return storage.getStore();
}
