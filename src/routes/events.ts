/**
 * Events on nodes: one merged, paginated list over every events source (events.list, or events.query as
 * soon as a query criterion is given), and an SSE stream that follows every source with events.stream.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { EventMessage } from 'fastify-sse-v2';
import { ref } from '../capabilities/common.js';
import { EventsListParams, EventsQueryParams, EventsStreamParams, type EventsStreamResult } from '../capabilities/events.js';
import type { Event } from '../capabilities/records.js';
import { stringifyWellFormed } from '../core/json-text.js';
import { notProvided } from '../core/registry.js';
import type { ExecutionContext } from '../core/types.js';
import { sseResponse, startSse } from '../execution/sse.js';
import { problems, requestContext } from './common.js';
import { aggregatePage, decodeState, encodeState, fanOut, type CursorState, type FanOut, type SourcePos } from './record-common.js';
import { EventPage, EventStreamFrame } from './record-schemas.js';
import { streamUnauthorized, ticketParam } from './stream-tickets.js';

type EventT = Static<typeof Event>;

/** How often the stream asks every source for new events (at once again after a full batch). */
export const EVENTS_POLL_MS = 1000;

const SEVERITIES = ['debug', 'info', 'notice', 'warning', 'error', 'critical'] as const;
const QUERY_KEYS = Object.keys(EventsQueryParams.properties).filter((k) => !(k in EventsListParams.properties));

const EventsQuerystring = Type.Object({ ...EventsListParams.properties, ...EventsQueryParams.properties }, {
  additionalProperties: false,
  description: `The params of events.list; with any of ${QUERY_KEYS.join(', ')}, those of events.query (node is added to nodes, minSeverity narrows severities).`,
});

/** The route's query: events.stream's params, and whether to keep following once every source is read. */
const EventsStreamQuerystring = Type.Object({
  ...EventsStreamParams.properties,
  follow: Type.Optional(Type.Boolean({
    default: true,
    description: 'true: keep the stream open and push new events as they happen. false: send what every source has after the cursor, '
      + 'then an `event: caught_up` frame whose id is the cursor to resume from, and end (for CI scripts and buffering proxies).',
  })),
  ticket: ticketParam(),
}, { additionalProperties: false, description: EventsStreamParams.description });

const LastEventId = Type.Object({
  'last-event-id': Type.Optional(Type.String({ minLength: 1, maxLength: 8192, pattern: '^[A-Za-z0-9_-]+$', description: 'The `id:` of the last event received; wins over ?after=.' })),
});

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const done = () => { clearTimeout(timer); signal.removeEventListener('abort', done); resolve(); };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

interface Follow {
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
 * The frames of one stream: poll every source from its own cursor, push new events oldest first with the
 * composite cursor as `id:`, report a source starting or stopping to fail, and send `: heartbeat` whenever
 * nothing was written for heartbeatMs (also while a slow source is being polled). Ends when `closed` fires.
 */
async function* follow({ app, ctx, base, start, closed, heartbeatMs, follow: keepFollowing }: Follow): AsyncGenerator<EventMessage> {
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
      for (const p of app.registry.providers('events.stream')) {
        const pos = state[p.plugin];
        perSource.set(p.plugin, { ...base, limit: Math.min(1000, limit + (pos?.n ?? 0)), ...(pos?.c ? { after: pos.c } : {}) });
      }
    }
    let answer: FanOut | undefined;
    let failed = false;
    const pending = fanOut(app, 'events.stream', ctx, base, perSource).then((a) => { answer = a; }, (err) => {
      failed = true;
      ctx.logger.warn({ err }, 'events stream poll failed; closing the stream');
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
    // Per source: the new events (past the ones already sent from this cursor) and the position after each.
    let full = false;
    const queues = got.results.map((r) => {
      const { events, cursor } = r.value as Static<typeof EventsStreamResult>;
      const pos = state[r.source] ?? { n: 0 };
      const fresh = events.slice(pos.n);
      full ||= events.length >= Math.min(1000, limit + pos.n);
      if (!fresh.length) state[r.source] = { c: cursor, n: 0 };
      return fresh.map((e, i) => ({
        source: r.source, e,
        after: i === fresh.length - 1 ? { c: cursor, n: 0 } : { ...(pos.c === undefined ? {} : { c: pos.c }), n: pos.n + i + 1 },
      }));
    });
    // Oldest first across sources, each source's own order kept.
    for (;;) {
      let q: (typeof queues)[number] | undefined;
      for (const x of queues) if (x.length && (!q || Date.parse(x[0].e.timestamp) < Date.parse(q[0].e.timestamp))) q = x;
      if (!q || closed.aborted) break;
      const next = q.shift()!;
      state[next.source] = next.after;
      lastWrite = Date.now();
      sent++;
      yield { id: encodeState(state), event: 'event', data: stringifyWellFormed(next.e) };
    }
    if (full) continue;
    if (!keepFollowing) {
      if (!closed.aborted) yield { id: encodeState(state), event: 'caught_up', data: stringifyWellFormed({ events: sent }) };
      return;
    }
    const wakeAt = Date.now() + EVENTS_POLL_MS;
    while (!closed.aborted && Date.now() < wakeAt) {
      await pause(Math.min(wakeAt, lastWrite + heartbeatMs) - Date.now(), closed);
      if (!closed.aborted && heartbeatDue()) { lastWrite = Date.now(); yield { comment: ' heartbeat' }; }
    }
  }
}

export default async function eventRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/api/v1/events', {
    schema: {
      operationId: 'listEvents', tags: ['records'],
      summary: 'Events of every events source, newest first (events.list, or events.query with query criteria)',
      description: 'Aggregates every provider: `sources` tells how each answered; one failing source never fails the call. `cursor` is the opaque `nextCursor` of the previous page.',
      querystring: EventsQuerystring,
      response: { 200: ref(EventPage), ...problems(400, 503) },
    },
  }, async (request, reply) => {
    const { cursor, node, nodes, minSeverity, severities, ...rest } = request.query;
    const query = QUERY_KEYS.some((k) => (request.query as Record<string, unknown>)[k] !== undefined);
    let params: Record<string, unknown>;
    if (query) {
      const min = minSeverity ? SEVERITIES.indexOf(minSeverity) : 0;
      const wanted = (severities ?? [...SEVERITIES]).filter((s) => SEVERITIES.indexOf(s) >= min);
      params = {
        ...rest,
        ...(node || nodes ? { nodes: [...new Set([...(nodes ?? []), ...(node ? [node] : [])])] } : {}),
        ...(severities || minSeverity ? { severities: wanted } : {}),
      };
    } else {
      params = { ...rest, ...(node ? { node } : {}), ...(minSeverity ? { minSeverity } : {}) };
    }
    return aggregatePage<EventT>(app, requestContext(request, reply), {
      capability: query ? 'events.query' : 'events.list',
      params,
      cursor,
      read: (v) => { const r = v as { events: EventT[]; nextCursor: string | null; total?: number }; return { items: r.events, next: r.nextCursor, total: r.total }; },
      time: (e) => e.timestamp,
    });
  });

  app.get('/api/v1/events/stream', {
    schema: {
      operationId: 'streamEvents', tags: ['records'],
      summary: 'Server-sent events: new events of every source as they happen (events.stream), resumable with Last-Event-ID',
      description: `Polls every events.stream provider from its own cursor (every ${EVENTS_POLL_MS} ms) and pushes each new event, oldest first, as \`event: event\` whose \`id:\` is the stream cursor; reconnect with Last-Event-ID (or ?after=) to get only newer events. Without a cursor the stream starts from now. With ?follow=false it ends, after an \`event: caught_up\` frame carrying the cursor, once every source is read to its end. \`event: source_status\` reports a source failing or recovering; \`: heartbeat\` comments keep the connection alive. Polling stops when the client disconnects.`,
      querystring: EventsStreamQuerystring,
      headers: LastEventId,
      response: {
        200: sseResponse(ref(EventStreamFrame)),
        ...problems(400, 503), ...streamUnauthorized(),
      },
    },
  }, async (request, reply) => {
    const header = request.headers['last-event-id'];
    // `ticket` is the route's credential (routes/auth.ts), not a param of events.stream.
    const { after, follow: keepFollowing = true, ticket: _credential, ...base } = request.query;
    const start = (header ? decodeState(header, 'header', '/last-event-id') : decodeState(after, 'query', '/after')) ?? {};
    app.registry.validateParams('events.stream', structuredClone(base), { in: 'query', base: '' });
    if (app.registry.providers('events.stream').length === 0) {
      throw notProvided('events.stream');
    }
    // The client went away (a GET has no body, so the request closes only on disconnect), or the response ended.
    const closed = new AbortController();
    const stop = () => closed.abort();
    request.raw.once('close', stop);
    reply.raw.once('close', stop);
    const heartbeatMs = Math.min(15, app.config.execution.heartbeatSeconds) * 1000;
    startSse(reply, follow({ app, ctx: requestContext(request, reply), base, start, closed: closed.signal, heartbeatMs, follow: keepFollowing }));
    return reply;
  });
}
