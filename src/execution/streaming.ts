/**
 * StreamingExecutionManager: the store is the source of truth and a stream is a view of it. Writers append
 * to the store and `notify`; each SSE client reads the store from its own cursor (Last-Event-ID / ?after=),
 * so replay and live tail are one code path, a reconnect loses nothing, and a slow client only delays its own
 * reads (backpressure: the next page is read only when the socket drained), never buffers more than a page.
 */
import type { FastifyReply } from 'fastify';
import { stringifyWellFormed } from '../core/json-text.js';
import type { Store } from '../store/types.js';
import { serializeFrame, startSsePages } from './sse-pages.js';
import { isTerminal } from './states.js';

const PAGE = 500;
/** Frames kept per execution while it has readers (up to twice this before a trim): clients reading the same run share them. */
const CACHE_FRAMES = 2000;
const HEARTBEAT = serializeFrame({ comment: ' heartbeat' });

/** One stored event as SSE text. */
interface Frame {
  seq: number;
  complete: boolean;
  text: string;
}

export class StreamHub {
  private readonly waiters = new Map<string, Set<() => void>>();
  /** Recent frames per execution being read, shared by its readers; dropped with the last reader. */
  private readonly cache = new Map<string, { frames: Frame[]; readers: number }>();
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
   * The SSE text of the events after `cursor` (at most a page), from the execution's frame cache when it holds
   * them, else from the store (then kept in the cache). Event sequence numbers are contiguous and stored events
   * never change, so a cached frame is always right.
   */
  private framesAfter(executionId: string, cursor: number): Frame[] {
    const cache = this.cache.get(executionId)!;
    const f = cache.frames;
    if (f.length && cursor >= f[0].seq - 1 && cursor < f[f.length - 1].seq) {
      const start = cursor - f[0].seq + 1;
      return f.slice(start, start + PAGE);
    }
    const read = this.store.readEvents(executionId, cursor, PAGE).map((e) => ({
      seq: e.seq, complete: e.type === 'complete',
      text: serializeFrame({ id: String(e.seq), event: e.type, data: stringifyWellFormed(e.data) }),
    }));
    if (read.length) {
      // Appended in place (a live run adds a few frames per read); trimmed only past twice the bound.
      if (f.length && read[0].seq === f[f.length - 1].seq + 1) f.push(...read);
      else cache.frames = read;
      if (cache.frames.length > 2 * CACHE_FRAMES) cache.frames = cache.frames.slice(-CACHE_FRAMES);
    }
    return read;
  }

  /**
   * The SSE text of every stored event after `after`, a page per chunk, then of live ones as they are stored,
   * until the `complete` event or `closed`; a heartbeat comment when nothing was stored for heartbeatMs.
   */
  async *pages(executionId: string, after: number, closed: AbortSignal): AsyncGenerator<string> {
    this.subscribers++;
    const cache = this.cache.get(executionId) ?? { frames: [], readers: 0 };
    this.cache.set(executionId, cache);
    cache.readers++;
    try {
      let cursor = after;
      while (!closed.aborted) {
        const page = this.framesAfter(executionId, cursor);
        const end = page.findIndex((f) => f.complete);
        const sent = end >= 0 ? page.slice(0, end + 1) : page;
        if (sent.length) {
          cursor = sent[sent.length - 1].seq;
          let text = '';
          for (const f of sent) text += f.text;
          yield text;
        }
        if (end >= 0) return;
        if (page.length === PAGE) continue;
        // Stored while this reader waited for its socket (the notify found no waiter): read on at once.
        const last = this.store.lastSeq(executionId);
        if (last > cursor) continue;
        const exec = this.store.getExecution(executionId);
        // Terminal and fully read (complete may sit before the cursor when resuming past it).
        if (!exec || isTerminal(exec.status)) return;
        const before = cursor;
        await this.wait(executionId, this.heartbeatMs, closed);
        if (!closed.aborted && this.store.lastSeq(executionId) === before) yield HEARTBEAT;
      }
    } finally {
      this.subscribers--;
      if (--cache.readers === 0 && this.cache.get(executionId) === cache) this.cache.delete(executionId);
    }
  }

  /** Writes the SSE response for one execution, a page of frames per socket write (see sse-pages.ts). */
  sendSse(reply: FastifyReply, executionId: string, after: number): void {
    const closed = new AbortController();
    reply.raw.on('close', () => closed.abort());
    startSsePages(reply, this.pages(executionId, after, closed.signal));
  }
}
