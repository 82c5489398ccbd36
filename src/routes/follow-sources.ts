/**
 * Following records of every source over SSE (events, journal entries): each source is polled through its
 * `*.stream` capability from its own cursor; new items go out oldest first across sources, each with the
 * composite cursor as `id:` (Last-Event-ID resumes), source failures and recoveries as `source_status`,
 * `: heartbeat` comments while nothing else is written.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { EventMessage } from 'fastify-sse-v2';
import { stringifyWellFormed } from '../core/json-text.js';
import { notProvided } from '../core/registry.js';
import type { ExecutionContext } from '../core/types.js';
import { startSse } from '../execution/sse.js';
import { requestContext } from './common.js';
import { decodeState, encodeState, fanOut, type CursorState, type FanOut, type SourcePos } from './record-common.js';

/** The Last-Event-ID header of a followed stream (its `id:`, the composite cursor). */
export function lastEventIdHeader(item: string) {
  return Type.Object({
    'last-event-id': Type.Optional(Type.String({ minLength: 1, maxLength: 8192, pattern: '^[A-Za-z0-9_-]+$', description: `The \`id:\` of the last ${item} received; wins over ?after=.` })),
  });
}

/** How often a stream asks every source for new items (at once again after a full batch). */
export const STREAM_POLL_MS = 1000;

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const done = () => { clearTimeout(timer); signal.removeEventListener('abort', done); resolve(); };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** What a followed record family looks like: its stream capability and how to read its answers. */
export interface FollowedRecords<T> {
  /** The `*.stream` capability every source provides (`after`, `limit` params; answers items + `cursor`). */
  capability: string;
  /** The items of an answer (oldest first) and the cursor after them. */
  read: (value: unknown) => { items: T[]; cursor: string };
  /** The time items are ordered by across sources. */
  time: (item: T) => string;
  /** The SSE event name of one item (`event`, `entry`). */
  eventName: string;
  /** The member of the `caught_up` frame that counts the items sent (`events`, `entries`). */
  countName: string;
}

export interface Follow<T> {
  records: FollowedRecords<T>;
  app: FastifyInstance;
  ctx: ExecutionContext;
  base: Record<string, unknown>;
  start: CursorState;
  closed: AbortSignal;
  heartbeatMs: number;
  /** false: end with `caught_up` as soon as no source has more to give. */
  follow: boolean;
}

/**
 * The frames of one stream: poll every source from its own cursor, push new items oldest first with the
 * composite cursor as `id:`, report a source starting or stopping to fail, and send `: heartbeat` whenever
 * nothing was written for heartbeatMs (also while a slow source is being polled). Ends when `closed` fires.
 */
export async function* followSources<T>({ records, app, ctx, base, start, closed, heartbeatMs, follow: keepFollowing }: Follow<T>): AsyncGenerator<EventMessage> {
  const state: Record<string, SourcePos> = {};
  for (const [source, pos] of Object.entries(start)) if (pos) state[source] = pos;
  const limit = Number(base.limit ?? 100);
  const lastStatus = new Map<string, string>();
  let lastWrite = Date.now();
  let sent = 0;
  const heartbeatDue = () => Date.now() - lastWrite >= heartbeatMs;
  while (!closed.aborted) {
    let perSource: Map<string, Record<string, unknown>> | undefined;
    if (Object.keys(state).length) {
      perSource = new Map();
      for (const p of app.registry.providers(records.capability)) {
        const pos = state[p.plugin];
        perSource.set(p.plugin, { ...base, limit: Math.min(1000, limit + (pos?.n ?? 0)), ...(pos?.c ? { after: pos.c } : {}) });
      }
    }
    let answer: FanOut | undefined;
    let failed = false;
    const pending = fanOut(app, records.capability, ctx, base, perSource).then((a) => { answer = a; }, (err) => {
      failed = true;
      ctx.logger.warn({ err, capability: records.capability }, 'stream poll failed; closing the stream');
    });
    while (!answer && !failed && !closed.aborted) {
      await Promise.race([pending, pause(lastWrite + heartbeatMs - Date.now(), closed)]);
      if (!answer && !failed && !closed.aborted && heartbeatDue()) { lastWrite = Date.now(); yield { comment: ' heartbeat' }; }
    }
    if (!answer || closed.aborted) return;
    const got: FanOut = answer;

    for (const s of got.sources) {
      const prev = lastStatus.get(s.source);
      lastStatus.set(s.source, s.status);
      if (prev !== s.status && (prev !== undefined || s.status !== 'ok')) { lastWrite = Date.now(); yield { event: 'source_status', data: stringifyWellFormed(s) }; }
    }
    // Per source: the new items (past the ones already sent from this cursor) and the position after each.
    let full = false;
    const queues = got.results.map((r) => {
      const { items, cursor } = records.read(r.value);
      const pos = state[r.source] ?? { n: 0 };
      const fresh = items.slice(pos.n);
      full ||= items.length >= Math.min(1000, limit + pos.n);
      if (!fresh.length) state[r.source] = { c: cursor, n: 0 };
      return fresh.map((e, i) => ({
        source: r.source, e,
        after: i === fresh.length - 1 ? { c: cursor, n: 0 } : { ...(pos.c === undefined ? {} : { c: pos.c }), n: pos.n + i + 1 },
      }));
    });
    // Oldest first across sources, each source's own order kept.
    for (;;) {
      let q: (typeof queues)[number] | undefined;
      for (const x of queues) if (x.length && (!q || Date.parse(records.time(x[0].e)) < Date.parse(records.time(q[0].e)))) q = x;
      if (!q || closed.aborted) break;
      const next = q.shift()!;
      state[next.source] = next.after;
      lastWrite = Date.now();
      sent++;
      yield { id: encodeState(state), event: records.eventName, data: stringifyWellFormed(next.e) };
    }
    if (full) continue;
    if (!keepFollowing) {
      if (!closed.aborted) yield { id: encodeState(state), event: 'caught_up', data: stringifyWellFormed({ [records.countName]: sent }) };
      return;
    }
    const wakeAt = Date.now() + STREAM_POLL_MS;
    while (!closed.aborted && Date.now() < wakeAt) {
      await pause(Math.min(wakeAt, lastWrite + heartbeatMs) - Date.now(), closed);
      if (!closed.aborted && heartbeatDue()) { lastWrite = Date.now(); yield { comment: ' heartbeat' }; }
    }
  }
}

/**
 * Starts the SSE answer of a stream route: the start position (Last-Event-ID wins over ?after=), the params
 * checked against the stream capability (400) and its providers (501 when none), then followSources until
 * the client goes away (a GET has no body, so the request closes only on disconnect) or the answer ends.
 */
export function startFollowing<T>(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, records: FollowedRecords<T>,
  opts: { base: Record<string, unknown>; after?: string; follow: boolean }): FastifyReply {
  const header = request.headers['last-event-id'];
  const start = (typeof header === 'string' ? decodeState(header, 'header', '/last-event-id') : decodeState(opts.after, 'query', '/after')) ?? {};
  app.registry.validateParams(records.capability, structuredClone(opts.base), { in: 'query', base: '' });
  if (app.registry.providers(records.capability).length === 0) throw notProvided(records.capability);
  const closed = new AbortController();
  const stop = () => closed.abort();
  request.raw.once('close', stop);
  reply.raw.once('close', stop);
  const heartbeatMs = Math.min(15, app.config.execution.heartbeatSeconds) * 1000;
  startSse(reply, followSources({ records, app, ctx: requestContext(request, reply), base: opts.base, start, closed: closed.signal, heartbeatMs, follow: opts.follow }));
  return reply;
}
