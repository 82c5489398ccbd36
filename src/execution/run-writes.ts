/**
 * RunWrites: every store write of a run (events, target results, state changes, journal, process records)
 * goes through the StoreWriteGuard. None of them throws: a failing store holds them in order and writes them
 * once it accepts writes again, and the owner (the execution id) lets the guard report the run it affects.
 * SSE readers are woken only after their event was really written.
 */
import type { StreamEventType } from './states.js';
import type { StreamHub } from './streaming.js';
import type { StoreWriteGuard } from '../store/write-guard.js';
import type { JournalRow, ProcessRow, Store, TargetResultRow } from '../store/types.js';

/** Rough memory of one held write besides its text (bytes). */
const OVERHEAD = 128;

export type ExecutionPatch = Parameters<Store['updateExecution']>[1];

export class RunWrites {
  constructor(private readonly store: Store, private readonly hub: StreamHub, readonly guard: StoreWriteGuard) {}

  /** Appends a stream event; output pieces (stdout/stderr) may be dropped if the run fails on the store. */
  append(id: string, type: StreamEventType, data: Record<string, unknown>): void {
    const droppable = type === 'stdout' || type === 'stderr';
    const text = typeof data.line === 'string' ? data.line.length * 2 : 0;
    this.guard.write({
      owner: id, bytes: OVERHEAD + text, droppable, label: `appendEvent ${type}`,
      run: () => {
        this.store.appendEvent(id, type, data);
        this.hub.notify(id);
      },
    });
  }

  update(id: string, patch: ExecutionPatch): void {
    this.guard.write({ owner: id, bytes: OVERHEAD, label: 'updateExecution', run: () => this.store.updateExecution(id, patch) });
  }

  /** Replaces a finished run's params by their redacted form and wipes the old copy from the files (Store.wipeFreed). */
  forgetSecrets(id: string, redacted: Record<string, unknown>): void {
    this.guard.write({ owner: id, bytes: OVERHEAD, label: 'forgetSecrets', run: () => {
      this.store.updateExecution(id, { params: redacted });
      this.store.wipeFreed();
    } });
  }

  result(r: TargetResultRow): void {
    this.guard.write({ owner: r.executionId, bytes: OVERHEAD * 4, label: 'upsertTargetResult', run: () => this.store.upsertTargetResult(r) });
  }

  journal(e: Omit<JournalRow, 'id'>): void {
    this.guard.write({ owner: e.executionId ?? undefined, bytes: OVERHEAD * 2, label: 'appendJournal', run: () => this.store.journal.append(e) });
  }

  addProcess(p: ProcessRow): void {
    this.guard.write({ owner: p.executionId, bytes: OVERHEAD, label: 'addProcess', run: () => this.store.addProcess(p) });
  }

  removeProcess(executionId: string, pgid: number): void {
    this.guard.write({ owner: executionId, bytes: OVERHEAD, label: 'removeProcess', run: () => this.store.removeProcess(executionId, pgid) });
  }
}
