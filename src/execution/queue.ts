/**
 * ExecutionQueue: p-queue enforces the global concurrency; in front of it a waiting list admits an
 * execution only when every node it touches has a free slot (default: one mutating run per node), so a
 * busy node never blocks work on other nodes. The list is bounded and each waiting run can say why it waits.
 */
import PQueue from 'p-queue';
import { Errors } from '../core/errors.js';

export interface QueueItem {
  id: string;
  nodes: string[];
  /** Read-only runs do not take node slots. */
  mutating: boolean;
  run: () => Promise<void>;
}

export type WaitReason = 'global_cap' | 'node_busy';

export interface QueuePosition {
  position: number;
  reason: WaitReason;
  /** Nodes that are busy, when reason is node_busy. */
  waitingFor?: string[];
}

export interface QueueOptions {
  concurrency: number;
  perNodeConcurrency: number;
  maxQueued: number;
}

export class ExecutionQueue {
  private readonly pq: PQueue;
  private readonly waiting: QueueItem[] = [];
  private readonly running = new Map<string, QueueItem>();
  private readonly nodeLoad = new Map<string, number>();
  private idleWaiters: (() => void)[] = [];
  private paused = false;

  /** Told of a run that threw past its own error handling. */
  onError?: (id: string, err: unknown) => void;

  constructor(readonly opts: QueueOptions) {
    this.pq = new PQueue({ concurrency: opts.concurrency });
  }

  /** Adds a run; throws QueueFull (429) when the waiting list is full. `force` is for restart re-queueing. */
  enqueue(item: QueueItem, force = false): void {
    if (!force) this.assertRoom();
    this.waiting.push(item);
    this.pump();
  }

  /** Throws QueueFull when a new run would not fit (checked before anything is persisted). */
  assertRoom(): void {
    if (this.waiting.length >= this.opts.maxQueued) {
      throw new Errors.QueueFull(`The execution queue holds ${this.waiting.length} runs (limit ${this.opts.maxQueued}).`, {
        retryAfter: 5, extra: { queued: this.waiting.length, maxQueued: this.opts.maxQueued },
      });
    }
  }

  /** Removes a waiting run; false when it is not waiting (already running or unknown). */
  remove(id: string): boolean {
    const i = this.waiting.findIndex((w) => w.id === id);
    if (i < 0) return false;
    this.waiting.splice(i, 1);
    this.pump();
    return true;
  }

  position(id: string): QueuePosition | undefined {
    const i = this.waiting.findIndex((w) => w.id === id);
    if (i < 0) return undefined;
    const busy = this.busyNodes(this.waiting[i]);
    if (this.running.size >= this.opts.concurrency || busy.length === 0) return { position: i + 1, reason: 'global_cap' };
    return { position: i + 1, reason: 'node_busy', waitingFor: busy };
  }

  snapshot() {
    return {
      concurrency: this.opts.concurrency,
      perNodeConcurrency: this.opts.perNodeConcurrency,
      maxQueued: this.opts.maxQueued,
      running: [...this.running.values()].map((r) => ({ id: r.id, nodes: r.nodes })),
      queued: this.waiting.map((w) => ({ id: w.id, nodes: w.nodes, ...this.position(w.id)! })),
    };
  }

  get size(): { running: number; queued: number } {
    return { running: this.running.size, queued: this.waiting.length };
  }

  /** Stops admitting waiting runs (shutdown): they stay queued in the store and are re-queued at the next start. */
  pause(): void {
    this.paused = true;
  }

  /** Resolves when nothing runs and nothing waits. */
  onIdle(): Promise<void> {
    if (this.running.size === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private busyNodes(item: QueueItem): string[] {
    if (!item.mutating) return [];
    return item.nodes.filter((n) => (this.nodeLoad.get(n) ?? 0) >= this.opts.perNodeConcurrency);
  }

  /** Admits, in order, every waiting run that fits; a run blocked on a node lets later runs pass. */
  private pump(): void {
    for (let i = 0; !this.paused && i < this.waiting.length && this.running.size < this.opts.concurrency;) {
      const item = this.waiting[i];
      if (this.busyNodes(item).length) {
        i++;
        continue;
      }
      this.waiting.splice(i, 1);
      this.start(item);
    }
    if (this.running.size === 0 && this.waiting.length === 0) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const r of w) r();
    }
  }

  private start(item: QueueItem): void {
    this.running.set(item.id, item);
    if (item.mutating) for (const n of item.nodes) this.nodeLoad.set(n, (this.nodeLoad.get(n) ?? 0) + 1);
    void this.pq.add(async () => {
      try {
        await item.run();
      } catch (err) {
        // run() records its own failures; anything reaching here must not become an unhandled rejection.
        this.onError?.(item.id, err);
      } finally {
        this.running.delete(item.id);
        if (item.mutating) for (const n of item.nodes) this.nodeLoad.set(n, (this.nodeLoad.get(n) ?? 1) - 1);
        this.pump();
      }
    });
  }
}
