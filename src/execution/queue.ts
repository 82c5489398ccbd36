/**
 * ExecutionQueue: p-queue enforces the global concurrency; in front of it a waiting list admits an
 * execution only when every node it touches has a free slot (default: one mutating run per node), so a
 * busy node never blocks work on other nodes. The list is bounded and each waiting run can say why it waits.
 *
 * Admission order is FIFO with skipping: the earliest waiting run whose nodes all have a free slot starts
 * first (a run blocked on a node lets later runs pass). Every operation costs the same whatever the queue
 * length (issue 14):
 *  - runs never looked at yet wait in `fresh` (FIFO);
 *  - a run found blocked is parked on one busy node (`parked`, a heap by admission order per node) and is
 *    looked at again only once that node has a free slot;
 *  - `frontier` (a heap by admission order) holds the heads of `fresh` and of the parked heaps of free nodes,
 *    so the next runnable run is found in O(log n) instead of walking the whole waiting list;
 *  - `ranks` (a Fenwick tree over admission order) gives a waiting run's queue position in O(log n).
 * Frontier entries are checked when taken out (stale ones are dropped), so none has to be removed early.
 */
import PQueue from 'p-queue';
import { Errors } from '../core/errors.js';

export interface QueueItem {
  id: string;
  nodes: string[];
  /** Read-only runs do not take node slots. */
  mutating: boolean;
  /**
   * Exclusive locks the run holds while it runs, whatever its nodes and whether it mutates (a contract's
   * `lockKeys`, e.g. `provision:web3` for the state of one provisioned resource): one run per key at a time,
   * even when execution.perNodeConcurrency allows several runs per node.
   */
  locks?: string[];
  run: () => Promise<void>;
}

/** Lock keys share the slot map with node names: this prefix (never in a node name) keeps them apart. */
const LOCK = '\u0000lock:';

/** The slot keys of a run: its nodes when it mutates, plus its lock keys. */
function slotKeys(item: QueueItem): string[] {
  const nodes = item.mutating ? item.nodes : [];
  return item.locks?.length ? [...nodes, ...item.locks.map((k) => LOCK + k)] : nodes;
}

/** A slot key as a client reads it in `waitingFor`: a node name, or a lock key. */
const shown = (key: string) => (key.startsWith(LOCK) ? key.slice(LOCK.length) : key);

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

/** A waiting run: its admission order and where it waits (`null`: in `fresh`; a node name: parked on it). */
interface Entry {
  item: QueueItem;
  order: number;
  where: string | null;
  gone: boolean;
}

export class ExecutionQueue {
  private readonly pq: PQueue;
  /** Every waiting run by id, in admission order (Map keeps insertion order). */
  private readonly waiting = new Map<string, Entry>();
  private fresh: Entry[] = [];
  private freshHead = 0;
  private readonly parked = new Map<string, EntryHeap>();
  private frontier = new EntryHeap();
  private ranks = new Fenwick(1024);
  private nextOrder = 0;
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
    if (this.nextOrder >= this.ranks.size) this.compact();
    const e: Entry = { item, order: this.nextOrder++, where: null, gone: false };
    this.waiting.set(item.id, e);
    this.ranks.add(e.order, 1);
    this.fresh.push(e);
    if (this.freshPeek() === e) this.frontier.push(e);
    this.pump();
  }

  /** Throws QueueFull when a new run would not fit (checked before anything is persisted). */
  assertRoom(): void {
    if (this.waiting.size >= this.opts.maxQueued) {
      throw new Errors.QueueFull(`The execution queue holds ${this.waiting.size} runs (limit ${this.opts.maxQueued}).`, {
        retryAfter: 5, extra: { queued: this.waiting.size, maxQueued: this.opts.maxQueued },
      });
    }
  }

  /** Removes a waiting run; false when it is not waiting (already running or unknown). */
  remove(id: string): boolean {
    const e = this.waiting.get(id);
    if (!e) return false;
    const wasHead = e.where === null ? this.freshPeek() === e : this.parked.get(e.where)?.peek() === e;
    this.forget(e);
    // The next run of its list is a candidate now.
    if (wasHead) this.pushHead(e.where);
    this.pump();
    return true;
  }

  position(id: string): QueuePosition | undefined {
    const e = this.waiting.get(id);
    if (!e) return undefined;
    const position = this.ranks.prefix(e.order);
    const busy = this.busyNodes(e.item);
    if (this.running.size >= this.opts.concurrency || busy.length === 0) return { position, reason: 'global_cap' };
    return { position, reason: 'node_busy', waitingFor: busy };
  }

  snapshot() {
    return {
      concurrency: this.opts.concurrency,
      perNodeConcurrency: this.opts.perNodeConcurrency,
      maxQueued: this.opts.maxQueued,
      running: [...this.running.values()].map((r) => ({ id: r.id, nodes: r.nodes })),
      queued: [...this.waiting.values()].map((w) => ({ id: w.item.id, nodes: w.item.nodes, ...this.position(w.item.id)! })),
    };
  }

  get size(): { running: number; queued: number } {
    return { running: this.running.size, queued: this.waiting.size };
  }

  /** Stops admitting waiting runs (shutdown): they stay queued in the store and are re-queued at the next start. */
  pause(): void {
    this.paused = true;
  }

  /** Resolves when nothing runs and nothing waits. */
  onIdle(): Promise<void> {
    if (this.running.size === 0 && this.waiting.size === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private busyNodes(item: QueueItem): string[] {
    return slotKeys(item).filter((n) => this.isBusy(n)).map(shown);
  }

  /** Runs a slot key admits at once: the per-node concurrency for a node, 1 for a lock. */
  private capacity(key: string): number {
    return key.startsWith(LOCK) ? 1 : this.opts.perNodeConcurrency;
  }

  private isBusy(key: string): boolean {
    return (this.nodeLoad.get(key) ?? 0) >= this.capacity(key);
  }

  /**
   * Admits, in admission order, every waiting run that fits; a run blocked on a node lets later runs pass.
   * Same outcome as walking the whole list from its start: the earliest run whose nodes are all free is
   * taken first, again and again, until the global cap is reached or no waiting run fits.
   */
  private pump(): void {
    while (!this.paused && this.running.size < this.opts.concurrency) {
      const e = this.frontier.pop();
      if (!e) break;
      // Stale: gone, no longer the head of where it waits, or parked on a node that is busy again.
      if (e.gone || (e.where === null ? this.freshPeek() !== e : this.isBusy(e.where) || this.parked.get(e.where)?.peek() !== e)) continue;
      const from = e.where;
      this.takeOut(e);
      const blocker = slotKeys(e.item).find((n) => this.isBusy(n));
      if (blocker !== undefined) {
        e.where = blocker;
        let heap = this.parked.get(blocker);
        if (!heap) this.parked.set(blocker, (heap = new EntryHeap()));
        heap.push(e);
      } else {
        this.forget(e);
        this.start(e.item);
      }
      this.pushHead(from);
    }
    if (this.running.size === 0 && this.waiting.size === 0) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const r of w) r();
    }
  }

  private start(item: QueueItem): void {
    this.running.set(item.id, item);
    const keys = slotKeys(item);
    for (const n of keys) this.nodeLoad.set(n, (this.nodeLoad.get(n) ?? 0) + 1);
    void this.pq.add(async () => {
      try {
        await item.run();
      } catch (err) {
        // run() records its own failures; anything reaching here must not become an unhandled rejection.
        this.onError?.(item.id, err);
      } finally {
        this.running.delete(item.id);
        for (const n of keys) {
          const load = (this.nodeLoad.get(n) ?? 1) - 1;
          if (load > 0) this.nodeLoad.set(n, load);
          else this.nodeLoad.delete(n);
          // The node (or lock) has a free slot again: the earliest run parked on it is a candidate.
          if (load === this.capacity(n) - 1) this.pushHead(n);
        }
        this.pump();
      }
    });
  }

  /** Marks a waiting run gone (canceled, or started) and drops it from the ranks; its list entry is skipped later. */
  private forget(e: Entry): void {
    e.gone = true;
    this.waiting.delete(e.item.id);
    this.ranks.add(e.order, -1);
  }

  /** Takes the head `e` out of where it waits. */
  private takeOut(e: Entry): void {
    if (e.where === null) this.freshHead++;
    else {
      const heap = this.parked.get(e.where)!;
      heap.pop();
      if (heap.length === 0) this.parked.delete(e.where);
    }
  }

  /** Puts the current head of `fresh` (where = null) or of a free node's parked runs into the frontier. */
  private pushHead(where: string | null): void {
    if (where === null) {
      const h = this.freshPeek();
      if (h) this.frontier.push(h);
      return;
    }
    if (this.isBusy(where)) return;
    const h = this.parked.get(where)?.peek();
    if (h) this.frontier.push(h);
  }

  /** The first live entry of `fresh` (canceled ones skipped and dropped). */
  private freshPeek(): Entry | undefined {
    while (this.freshHead < this.fresh.length && this.fresh[this.freshHead].gone) this.freshHead++;
    if (this.freshHead > 1024 && this.freshHead * 2 > this.fresh.length) {
      this.fresh = this.fresh.slice(this.freshHead);
      this.freshHead = 0;
    }
    return this.fresh[this.freshHead];
  }

  /**
   * Renumbers the waiting runs 0..n-1 (admission order kept) when the order numbers reach the Fenwick tree's
   * size, and drops canceled entries from every list; amortized O(1) per enqueue.
   */
  private compact(): void {
    let i = 0;
    for (const e of this.waiting.values()) e.order = i++;
    this.nextOrder = i;
    this.ranks = new Fenwick(Math.max(1024, 2 * i), i);
    this.fresh = this.fresh.slice(this.freshHead).filter((e) => !e.gone);
    this.freshHead = 0;
    for (const [node, heap] of this.parked) {
      heap.reset(heap.items.filter((e) => !e.gone));
      if (heap.length === 0) this.parked.delete(node);
    }
    this.frontier = new EntryHeap();
    this.pushHead(null);
    for (const node of this.parked.keys()) this.pushHead(node);
  }
}

/** Binary min-heap of entries by admission order; canceled entries at the top are dropped by peek/pop. */
class EntryHeap {
  items: Entry[] = [];

  get length(): number {
    return this.items.length;
  }

  /** A sorted array is a valid heap. */
  reset(items: Entry[]): void {
    this.items = items.sort((a, b) => a.order - b.order);
  }

  peek(): Entry | undefined {
    while (this.items.length && this.items[0].gone) this.removeTop();
    return this.items[0];
  }

  pop(): Entry | undefined {
    const top = this.peek();
    if (top) this.removeTop();
    return top;
  }

  push(e: Entry): void {
    const a = this.items;
    let i = a.push(e) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p].order <= e.order) break;
      a[i] = a[p];
      i = p;
    }
    a[i] = e;
  }

  private removeTop(): void {
    const a = this.items;
    const last = a.pop()!;
    if (!a.length) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= a.length) break;
      const c = l + 1 < a.length && a[l + 1].order < a[l].order ? l + 1 : l;
      if (a[c].order >= last.order) break;
      a[i] = a[c];
      i = c;
    }
    a[i] = last;
  }
}

/** Fenwick (binary indexed) tree of counts over admission order: O(log n) add and prefix count. */
class Fenwick {
  private readonly t: Int32Array;

  /** `ones`: positions 0..ones-1 start at 1. */
  constructor(readonly size: number, ones = 0) {
    this.t = new Int32Array(size + 1);
    for (let i = 1; i <= size; i++) {
      if (i <= ones) this.t[i] += 1;
      const j = i + (i & -i);
      if (j <= size) this.t[j] += this.t[i];
    }
  }

  add(pos: number, delta: number): void {
    for (let i = pos + 1; i <= this.size; i += i & -i) this.t[i] += delta;
  }

  /** Count of positions 0..pos. */
  prefix(pos: number): number {
    let s = 0;
    for (let i = pos + 1; i > 0; i -= i & -i) s += this.t[i];
    return s;
  }
}
