/**
 * Events on nodes: one merged, paginated list over every events source (events.list, or events.query as
 * soon as a query criterion is given), and an SSE stream that follows every source with events.stream.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ref } from '../capabilities/common.js';
import { EventsListParams, EventsQueryParams, EventsStreamParams, type EventsStreamResult } from '../capabilities/events.js';
import type { Event } from '../capabilities/records.js';
import { sseResponse } from '../execution/sse.js';
import { problems, requestContext } from './common.js';
import { aggregatePage } from './record-common.js';
import { lastEventIdHeader, startFollowing, STREAM_POLL_MS, type FollowedRecords } from './follow-sources.js';
import { EventPage, EventStreamFrame } from './record-schemas.js';
import { streamUnauthorized, ticketParam } from './stream-tickets.js';

type EventT = Static<typeof Event>;

/** The events family as a stream follows it. */
const EVENTS: FollowedRecords<EventT> = {
  capability: 'events.stream', eventName: 'event', countName: 'events', time: (e) => e.timestamp,
  read: (v) => { const r = v as Static<typeof EventsStreamResult>; return { items: r.events, cursor: r.cursor }; },
};

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

const LastEventId = lastEventIdHeader('event');

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
      description: `Polls every events.stream provider from its own cursor (every ${STREAM_POLL_MS} ms) and pushes each new event, oldest first, as \`event: event\` whose \`id:\` is the stream cursor; reconnect with Last-Event-ID (or ?after=) to get only newer events. Without a cursor the stream starts from now. With ?follow=false it ends, after an \`event: caught_up\` frame carrying the cursor, once every source is read to its end. \`event: source_status\` reports a source failing or recovering; \`: heartbeat\` comments keep the connection alive. Polling stops when the client disconnects.`,
      querystring: EventsStreamQuerystring,
      headers: LastEventId,
      response: {
        200: sseResponse(ref(EventStreamFrame)),
        ...problems(400, 503), ...streamUnauthorized(),
      },
    },
  }, async (request, reply) => {
    // `ticket` is the route's credential (routes/auth.ts), not a param of events.stream.
    const { after, follow = true, ticket: _credential, ...base } = request.query;
    return startFollowing(app, request, reply, EVENTS, { base, after, follow });
  });
}
