/**
 * Stream tickets (core/stream-tickets.ts): `POST .../stream-ticket` next to each SSE route answers a
 * single-use ticket, valid 30 s, that opens that stream once as `?ticket=` instead of the Authorization
 * header (a browser's EventSource cannot send headers). Asking for one needs what reading the stream needs:
 * a valid token (and, for an execution, that it exists: 404 otherwise, as GET /executions/{id}).
 */
import type { FastifyInstance } from 'fastify';
import { Type, type TSchema } from '@sinclair/typebox';
import { dateTime, ref } from '../capabilities/common.js';
import type { TicketTarget } from '../core/stream-tickets.js';
import type { Principal } from '../core/types.js';
import { principalOf, problems } from './common.js';
import { optionalEmptyBody } from './schemas.js';

export const EXECUTION_STREAM_ROUTE = '/api/v1/executions/:id/stream';
export const EVENTS_STREAM_ROUTE = '/api/v1/events/stream';

/** The only routes where `?ticket=` stands in for the Authorization header (routes/auth.ts). */
export const JOURNAL_STREAM_ROUTE = '/api/v1/journal/stream';
export const ALERTS_STREAM_ROUTE = '/api/v1/alerts/stream';
export const TICKET_ROUTES: ReadonlySet<string> = new Set([EXECUTION_STREAM_ROUTE, EVENTS_STREAM_ROUTE, JOURNAL_STREAM_ROUTE, ALERTS_STREAM_ROUTE]);

/** The `ticket` query parameter of a stream route (its schema and document). */
export function ticketParam() {
  return Type.Optional(Type.String({
    minLength: 1, maxLength: 128,
    description: 'A stream ticket instead of the Authorization header (for EventSource, which cannot send headers): single-use, valid 30 s, '
      + 'from the stream-ticket operation of this stream (createExecutionStreamTicket, createEventsStreamTicket, createJournalStreamTicket, createAlertsStreamTicket). Ignored with auth off.',
  }));
}

/** The documented 401 of a stream route: the bearer token's reasons, and the ticket's. */
export function streamUnauthorized() {
  return {
    401: {
      ...problems(401)[401],
      description: 'No valid bearer token and no valid `ticket` (a ticket unknown, already used, expired or issued for another stream; not with auth off); '
        + '`WWW-Authenticate: Bearer` tells how to authenticate, the detail says what was wrong.',
    },
  };
}

export const StreamTicket = Type.Object({
  ticket: Type.String({ pattern: '^capt_[A-Za-z0-9_-]{43}$', description: 'The ticket (`capt_...`): opens the stream once, within 30 s, for the principal that asked for it.' }),
  expiresAt: dateTime({ description: 'When the ticket stops working if unused.' }),
  url: Type.String({ description: 'The stream\'s path with `?ticket=` appended (relative to the server): pass it to `new EventSource(url)`.' }),
}, {
  $id: 'StreamTicket', additionalProperties: false,
  description: 'A single-use, short-lived credential for one SSE stream. Tickets live in the server\'s memory: a restart invalidates them.',
  examples: [{ ticket: 'capt_Q2Fwc3RhbiBzdHJlYW0gdGlja2V0IGV4YW1wbGUgMDA', expiresAt: '2026-11-29T21:30:30.000Z', url: '/api/v1/events/stream?ticket=capt_Q2Fwc3RhbiBzdHJlYW0gdGlja2V0IGV4YW1wbGUgMDA' }],
});

export const STREAM_TICKET_SCHEMAS: TSchema[] = [StreamTicket];

const description = (stream: string) => `A single-use ticket, valid 30 s, that opens \`GET ${stream}\` once as \`?ticket=<ticket>\` `
  + 'instead of the Authorization header (a browser\'s EventSource cannot send headers); the stream then runs as the principal that asked '
  + 'for the ticket. Needs what reading the stream needs (a valid token). Tickets are kept in memory: a restart invalidates them.';

export default async function streamTicketRoutes(app: FastifyInstance): Promise<void> {
  // A ticket is a credential for 30 s: no cache may keep the answer (RFC 9111 §5.2.2.5).
  app.addHook('onSend', async (request, reply) => {
    if (request.routeOptions.url?.endsWith('/stream-ticket')) reply.header('cache-control', 'no-store');
  });
  const issue = (principal: Principal, target: TicketTarget, path: string) => {
    const { ticket, expiresAt } = app.streamTickets.issue(principal, target);
    return { ticket, expiresAt: expiresAt.toISOString(), url: `${path}?ticket=${ticket}` };
  };

  app.post('/api/v1/executions/:id/stream-ticket', {
    schema: {
      operationId: 'createExecutionStreamTicket', tags: ['executions'], summary: 'A single-use ticket to open this execution\'s SSE stream without a header',
      description: description('/api/v1/executions/{id}/stream'),
      body: optionalEmptyBody(),
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
      response: { 201: ref(StreamTicket), ...problems(404) },
    },
  }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const row = app.executions.get(id);
    const path = `/api/v1/executions/${encodeURIComponent(row.id)}/stream`;
    return reply.code(201).send(issue(principalOf(request), { route: EXECUTION_STREAM_ROUTE, params: { id: row.id } }, path));
  });

  // The streams without path parameters: one ticket route each, the same but for the words.
  const STREAMS = [
    { route: EVENTS_STREAM_ROUTE, operationId: 'createEventsStreamTicket', tag: 'records', what: 'the events SSE stream', query: '`after`, `follow`, ...' },
    { route: JOURNAL_STREAM_ROUTE, operationId: 'createJournalStreamTicket', tag: 'nodes', what: 'the journal SSE stream', query: '`node`, `group`, `after`, ...' },
    { route: ALERTS_STREAM_ROUTE, operationId: 'createAlertsStreamTicket', tag: 'records', what: 'the alert changes SSE stream', query: '`severity`, `after`, ...' },
  ];
  for (const s of STREAMS) {
    app.post(s.route.replace(/\/stream$/, '/stream-ticket'), {
      schema: {
        operationId: s.operationId, tags: [s.tag], summary: `A single-use ticket to open ${s.what} without a header`,
        description: `${description(s.route)} The stream's own query parameters (${s.query}) go alongside \`ticket\`.`,
        body: optionalEmptyBody(),
        response: { 201: ref(StreamTicket), ...problems() },
      },
    }, async (request, reply) => reply.code(201).send(issue(principalOf(request), { route: s.route, params: {} }, s.route)));
  }
}
