/**
 * StreamingExecutionManager: the store is the source of truth and a stream is a view of it. Writers append
 * to the store and `notify`; each SSE client reads the store from its own cursor (Last-Event-ID / ?after=),
 * so replay and live tail are one code path, a reconnect loses nothing, and a slow client only delays its own
 * reads (backpressure: the next page is read only when the socket drained), never buffers more than a page.
 */
import type { FastifyReply } from 'fastify';
import { stringifyWellFormed } from '../core/json-text.js';
import type { Store, StoredEvent } from '../store/types.js';
import type { EventMessage } from 'fastify-sse-v2';
import { startSsePages } from './sse-pages.js';
import { isTerminal } from './states.js';

const PAGE = 500;

export class StreamHub {
  private readonly waiters = new Map<string, Set<() => void>>();
  private subscribers = 0;

  constructor(private readonly store: Store, private readonly heartbeatMs: number) {}

  /** Wakes every reader of this execution (call after appending). */
  notify(executionId: string): void {
    const set = this.waiters.get(executionId);
    if (!set) return;
    this.waiters.delete(executionId);
    for (const w of set) w();
  }

  /** Number of open SSE readers (for leak checks and metrics). */
  get activeSubscribers(): number {
    return this.subscribers;
  }

  /** Resolves on the next notify for this execution, or after `ms`, or when `closed` fires. */
  wait(executionId: string, ms: number, closed: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiters.get(executionId) ?? new Set();
      this.waiters.set(executionId, set);
      const done = () => {
        clearTimeout(timer);
        closed.removeEventListener('abort', done);
        set.delete(done);
        if (set.size === 0 && this.waiters.get(executionId) === set) this.waiters.delete(executionId);
        resolve();
      };
      const timer = setTimeout(done, ms);
      closed.addEventListener('abort', done, { once: true });
      set.add(done);
    });
  }

  /**
   * Every stored event after `after`, a page at a time, then live ones as they are stored, until the `complete`
   * event or `closed`; `heartbeat` when nothing was stored for heartbeatMs.
   */
  async *pages(executionId: string, after: number, closed: AbortSignal): AsyncGenerator<StoredEvent[] | 'heartbeat'> {
    this.subscribers++;
    try {
      let cursor = after;
      while (!closed.aborted) {
        const page = this.store.readEvents(executionId, cursor, PAGE);
        const end = page.findIndex((e) => e.type === 'complete');
        const sent = end >= 0 ? page.slice(0, end + 1) : page;
        if (sent.length) {
          cursor = sent[sent.length - 1].seq;
          yield sent;
        }
        if (end >= 0) return;
        if (page.length === PAGE) continue;
        const exec = this.store.getExecution(executionId);
        // Terminal and fully read (complete may sit before the cursor when resuming past it).
        if (!exec || (isTerminal(exec.status) && this.store.lastSeq(executionId) <= cursor)) return;
        const before = cursor;
        await this.wait(executionId, this.heartbeatMs, closed);
        if (!closed.aborted && this.store.lastSeq(executionId) === before) yield 'heartbeat';
      }
    } finally {
      this.subscribers--;
    }
  }

  /** Writes the SSE response for one execution, a page of frames per socket write (see sse-pages.ts). */
  sendSse(reply: FastifyReply, executionId: string, after: number): void {
    const closed = new AbortController();
    reply.raw.on('close', () => closed.abort());
    const source = this.pages(executionId, after, closed.signal);
    async function* frames(): AsyncGenerator<EventMessage[]> {
      for await (const page of source) {
        if (page === 'heartbeat') yield [{ comment: ' heartbeat' }];
        else yield page.map((e) => ({ id: String(e.seq), event: e.type, data: stringifyWellFormed(e.data) }));
      }
    }
    startSsePages(reply, frames());
  }
}
