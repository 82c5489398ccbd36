/**
 * Executions: submit, list, read, follow (SSE), read output, long-poll to a terminal state, cancel; and the
 * queue's state.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ref, stringEnum } from '../capabilities/common.js';
import { EXECUTION_STATUSES, isTerminal, type ExecutionStatus as Status } from '../execution/states.js';
import { ETAG_HEADER, decodeCursor, encodeCursor, problems, defaulted, principalOf } from './common.js';
import { ACCEPTED_RESPONSES, EXECUTION_LINKS, IdempotencyHeader, sendAccepted, submitFromRequest } from './execution-submit.js';
import { assertOutputKept, executionView } from './execution-view.js';
import { requestOrigin } from '../audit/record.js';
import { outputText } from './output-text.js';
import { sseResponse } from '../execution/sse.js';
import { entityTag, negotiate, notAcceptable, replyNotModified } from '../core/http-semantics.js';
import { streamUnauthorized, ticketParam } from './stream-tickets.js';
import { Execution, ExecutionCreate, ExecutionList, OutputPage, QueueState, StreamEventDoc, optionalEmptyBody } from './schemas.js';

const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const IfNoneMatchHeader = Type.Object({ 'if-none-match': Type.Optional(Type.String({ maxLength: 1024, description: 'An ETag of this execution: 304 when it still matches.' })) });
const NOT_MODIFIED = { type: 'null', description: 'Not modified: the terminal execution still has the ETag given in If-None-Match.', headers: ETAG_HEADER } as const;
/** The 200 of getExecution: the Execution, with an ETag once it is terminal. */
const EXECUTION_WITH_ETAG = {
  description: 'One run of an execution-mode capability on targets; a terminal one carries an ETag.',
  headers: { ETag: { ...ETAG_HEADER.ETag, description: `Terminal executions only. ${ETAG_HEADER.ETag.description}` } },
  content: { 'application/json': { schema: ref(Execution) } },
};
const OUTPUT_MEDIA_TYPES = ['application/json', 'text/plain'];
const OUTPUT_FORMATS: Record<string, 'json' | 'text'> = { 'application/json': 'json', 'text/plain': 'text' };

export default async function executionRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/api/v1/executions', {
    schema: {
      operationId: 'createExecution', tags: ['executions'], summary: 'Run a command, script, task or plan on targets',
      headers: IdempotencyHeader, body: ref(ExecutionCreate),
      response: { ...ACCEPTED_RESPONSES, ...problems(400, 404, 409, 413, 415, 429, 503) },
    },
    links: { 202: EXECUTION_LINKS, 200: EXECUTION_LINKS },
  }, async (request, reply) => sendAccepted(app, reply, await submitFromRequest(app, request, request.body)));

  app.get('/api/v1/executions', {
    schema: {
      operationId: 'listExecutions', tags: ['executions'], summary: 'List executions, newest first',
      querystring: Type.Object({
        limit: defaulted(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
        cursor: Type.Optional(Type.String({ maxLength: 200 })),
        status: Type.Optional(Type.Array(Type.Unsafe<Status>({ type: 'string', enum: [...EXECUTION_STATUSES] }), { description: 'Repeat or comma-free list of statuses.' })),
        capability: Type.Optional(Type.String({ maxLength: 100 })),
        type: Type.Optional(Type.String({ pattern: '^[a-z]+$', description: 'Capability family, e.g. command, task.' })),
        node: Type.Optional(Type.String({ maxLength: 255 })),
        since: Type.Optional(Type.String({ format: 'date-time' })),
        until: Type.Optional(Type.String({ format: 'date-time' })),
      }, { additionalProperties: false }),
      response: { 200: ref(ExecutionList), ...problems(400) },
    },
  }, async (request) => {
    const q = request.query;
    const before = decodeCursor<number>(q.cursor, 'number');
    const rows = app.store.listExecutions({ status: q.status, capability: q.capability, type: q.type, node: q.node, since: q.since, until: q.until }, q.limit + 1, before);
    const page = rows.slice(0, q.limit);
    return { items: page.map((r) => executionView(app, r)), nextCursor: rows.length > q.limit ? encodeCursor(page[page.length - 1].seq) : null };
  });

  app.get('/api/v1/executions/:id', {
    schema: {
      operationId: 'getExecution', tags: ['executions'], summary: 'One execution with per-target results',
      description: 'A terminal execution no longer changes: it carries an `ETag`, and `If-None-Match` with it answers 304.',
      params: IdParam, headers: IfNoneMatchHeader, response: { 200: EXECUTION_WITH_ETAG, 304: NOT_MODIFIED, ...problems(404) },
    },
  }, async (request, reply) => {
    const view = executionView(app, app.executions.get(request.params.id));
    if (isTerminal(view.status) && replyNotModified(request, reply, entityTag(view))) return reply;
    return view;
  });

  app.get('/api/v1/executions/:id/wait', {
    schema: {
      operationId: 'waitExecution', tags: ['executions'], summary: 'Long-poll until the execution is terminal (or the timeout passes)',
      description: 'Answers 200 with the execution once terminal; when `timeout` seconds pass first it answers 200 with the still-running execution (check `status`).',
      params: IdParam,
      querystring: Type.Object({ timeout: defaulted(Type.Integer({ minimum: 0, maximum: 300, default: 30 })) }, { additionalProperties: false }),
      response: { 200: ref(Execution), ...problems(400, 404) },
    },
  }, async (request) => {
    const closed = new AbortController();
    request.raw.once('close', () => closed.abort());
    const row = await app.executions.waitTerminal(request.params.id, request.query.timeout * 1000, closed.signal);
    return executionView(app, row);
  });

  app.post('/api/v1/executions/:id/cancel', {
    schema: {
      operationId: 'cancelExecution', tags: ['executions'], summary: 'Cancel: a queued run ends at once, a running one has its process trees killed',
      description: 'Needs the permissions of the run\'s capability (e.g. `command.execute`, `command.*`, or `*`), as submitting it does; else 403.',
      // Optional body: a bare `curl -X POST` must work, and `{}` is accepted (see optionalEmptyBody).
      body: optionalEmptyBody(),
      params: IdParam,
      response: { 202: ref(Execution), ...problems(404, 409) },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const row = await app.executions.cancel(request.params.id, principal, `${principal.id} (request ${request.id})`, requestOrigin(request));
    return reply.code(202).send(executionView(app, row));
  });

  app.get('/api/v1/executions/:id/output', {
    schema: {
      operationId: 'getExecutionOutput', tags: ['executions'], summary: 'Stored output and events, by sequence range (JSON or text/plain)',
      description: 'JSON pages of events after `after`; with `Accept: text/plain` (or format=text), the stdout/stderr output as text: '
        + 'each piece once, a newline after every piece that ended a line and none after a `partial` one (so a prompt or a `\\r` progress bar '
        + 'reads as printed), lines prefixed by `[target] ` when there are several targets. `X-Next-After` gives the cursor of the next page. '
        + 'A finished run whose output retention deleted (`execution.retentionDays`) answers 410 (CAPSTAN_ERR_EXECUTION_OUTPUT_PRUNED).',
      params: IdParam,
      querystring: Type.Object({
        after: defaulted(Type.Integer({ minimum: 0, default: 0, description: 'Return events with seq > after.' })),
        limit: defaulted(Type.Integer({ minimum: 1, maximum: 10000, default: 1000 })),
        format: Type.Optional(stringEnum(['json', 'text'])),
      }, { additionalProperties: false }),
      response: {
        200: {
          description: 'A page of stored events (application/json), or the stdout/stderr output as text (text/plain, with `X-Next-After`).',
          headers: {
            'X-Next-After': {
              type: 'string', pattern: '^[0-9]+$',
              description: 'text/plain answers only: the sequence number to pass as `after` for the next page (the last event read, or `after` when none).',
            },
          },
          content: {
            'application/json': { schema: ref(OutputPage) },
            'text/plain': { schema: Type.String({ description: 'The output as printed; lines prefixed by `[target] ` when there are several targets.' }) },
          },
        },
        ...problems(400, 404, 406, 410),
      },
    },
  }, async (request, reply) => {
    const row = app.executions.get(request.params.id);
    assertOutputKept(row);
    const { after, limit } = request.query;
    // `format` wins; else Accept with its q-values (406 when it allows neither form).
    const chosen = request.query.format ?? OUTPUT_FORMATS[negotiate(request.headers.accept, OUTPUT_MEDIA_TYPES) ?? ''];
    if (!chosen) throw notAcceptable(request.headers.accept, OUTPUT_MEDIA_TYPES);
    const events = app.store.readEvents(row.id, after, limit + 1);
    const page = events.slice(0, limit);
    const last = page.length ? page[page.length - 1].seq : after;
    const more = events.length > limit;
    if (chosen === 'text') {
      reply.header('x-next-after', String(last)).type('text/plain; charset=utf-8');
      return reply.send(outputText(page, row.nodes.length > 1) as never);
    }
    return {
      items: page.map((e) => ({ seq: e.seq, type: e.type, at: e.at, data: e.data })),
      nextCursor: more ? String(last) : null,
      complete: !more && isTerminal(row.status),
    };
  });

  app.get('/api/v1/executions/:id/stream', {
    schema: {
      operationId: 'streamExecution', tags: ['executions'], summary: 'Server-sent events: replay from Last-Event-ID / ?after=, then live, ending with `complete`',
      params: IdParam,
      headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })) }),
      querystring: Type.Object({ after: Type.Optional(Type.Integer({ minimum: 0 })), ticket: ticketParam() }, { additionalProperties: false }),
      response: {
        200: sseResponse(ref(StreamEventDoc)),
        204: { type: 'null', description: 'The execution is terminal and nothing follows the resume point: a browser\'s EventSource stops reconnecting.' },
        ...problems(400, 404, 410), ...streamUnauthorized(),
      },
    },
  }, async (request, reply) => {
    const row = app.executions.get(request.params.id);
    assertOutputKept(row);
    const header = request.headers['last-event-id'];
    // The header wins: a browser EventSource reconnects to the same URL (with its ?after=) and sends Last-Event-ID.
    const after = header ? Number(header) : request.query.after ?? 0;
    // Resuming a finished stream at (or past) its end: 204, else EventSource would reconnect for ever.
    if (isTerminal(row.status) && app.store.lastSeq(row.id) <= after) return reply.code(204).send();
    app.hub.sendSse(reply, row.id, after);
    return reply;
  });

  app.get('/api/v1/queue', {
    schema: { operationId: 'getQueue', tags: ['executions'], summary: 'What runs, what waits, and why', response: { 200: ref(QueueState), ...problems() } },
  }, async () => app.queue.snapshot());
}
