/**
 * The one place SSE responses get their headers (and their OpenAPI description of them). Every route that
 * streams calls `startSse`, so no stream can be served without them.
 *
 * `X-Accel-Buffering: no` tells nginx (and proxies that honour the same header) not to buffer this response:
 * nginx buffers proxied responses by default, and a buffered stream reaches the client only when the run ends.
 * `Cache-Control: no-cache,no-transform` keeps caches and compressing proxies from holding frames back
 * (fastify-sse-v2 writes the same value; it is repeated here so that the guarantee does not rest on it).
 */
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { EventMessage } from 'fastify-sse-v2';
import { Problem, ref } from '../capabilities/common.js';
import { toCapstanError } from '../core/errors.js';
import { stringifyWellFormed } from '../core/json-text.js';
import { toProblem } from '../core/problem.js';

/** Headers every SSE response carries. */
export const SSE_HEADERS = {
  'X-Accel-Buffering': 'no',
  'Cache-Control': 'no-cache,no-transform',
} as const;

/** Sets SSE_HEADERS and hands the frames to fastify-sse-v2 (which copies the reply's headers onto the raw response). */
export function startSse(reply: FastifyReply, frames: AsyncIterable<EventMessage>): void {
  reply.headers(SSE_HEADERS);
  reply.sse(endingWithProblem(reply, frames));
}

/**
 * The frames, and when they fail after the stream started (its 200 and headers are sent), one last
 * `event: problem` frame whose data is the problem document, then the end of the stream: the client
 * reconnects with Last-Event-ID. Unguarded, the failure would reach no listener and end the process.
 */
async function* endingWithProblem(reply: FastifyReply, frames: AsyncIterable<EventMessage>): AsyncGenerator<EventMessage> {
  try {
    yield* frames;
  } catch (failure) {
    yield problemFrame(reply, failure);
  }
}

/** Logs a failure of a stream that already started, and gives the `event: problem` frame that ends it. */
export function problemFrame(reply: FastifyReply, failure: unknown): EventMessage {
  reply.log.error({ err: failure }, 'stream failed after it started');
  return { event: 'problem', data: stringifyWellFormed(toProblem(toCapstanError(failure), reply.request)) };
}

/** The `data:` of a frame as the wire has it: a JSON text whose parsed value follows `payload` (JSON Schema's content keywords). */
export function jsonText(payload: TSchema): TSchema {
  return Type.Unsafe<string>({
    type: 'string', contentMediaType: 'application/json', contentSchema: payload,
    description: 'A JSON text (one line): parse it to get the payload (`contentSchema`).',
  });
}

/**
 * One kind of SSE event as an object `{ id?, event, data }`: the `event:` name(s) it carries, the schema of its
 * `id:` when it has one, and the schema of its `data:` once parsed. A stream's frame schema is a `oneOf` of these.
 */
export function sseEvent(events: readonly string[], data: TSchema, id?: TSchema): TSchema {
  return Type.Unsafe({
    type: 'object',
    required: [...(id ? ['id'] : []), 'event', 'data'],
    properties: { ...(id ? { id } : {}), event: { type: 'string', enum: [...events] }, data: jsonText(data) },
  });
}

/** The `event: problem` frame that ends a stream failing after it started (see endingWithProblem): no `id:`. */
export function problemEvent(): TSchema {
  return sseEvent(['problem'], ref(Problem));
}

/**
 * The 200 response of an SSE route for the route schema: `text/event-stream`, documented as the media type is.
 * The body is text (that is what a validating proxy such as Prism receives and checks), so `schema` is a string;
 * its `contentSchema` says what it holds once parsed as SSE: a sequence of events, each `frame` (an object
 * `{ id?, event, data }` whose `data` is a JSON text with its own `contentSchema`, see `sseEvent`). OpenAPI 3.2's
 * `itemSchema` would say the same, but this document is 3.1 and the tools it serves do not read `itemSchema` yet
 * (see README, "Server-sent events in the contract"). The headers above are documented as response headers.
 */
export function sseResponse(frame: TSchema, description = 'text/event-stream') {
  return {
    description: `${description}. A stream that fails after it started ends with an \`event: problem\` frame whose data is a Problem; reconnect with Last-Event-ID.`,
    headers: {
      'X-Accel-Buffering': {
        type: 'string', const: SSE_HEADERS['X-Accel-Buffering'],
        description: 'Always `no`: asks nginx and compatible reverse proxies not to buffer the stream (see README, "Behind a reverse proxy").',
      },
      'Cache-Control': {
        type: 'string', const: SSE_HEADERS['Cache-Control'],
        description: 'Always `no-cache,no-transform`: no cache or proxy may store or re-encode the stream.',
      },
    },
    content: {
      'text/event-stream': {
        schema: {
          type: 'string',
          description: 'Server-sent events (`id:`, `event:`, `data:` lines, a blank line after each event; `: heartbeat` comments between them). '
            + 'Parsed, the stream is a sequence of event objects (`contentSchema.items`), each `data` a JSON text.',
          contentMediaType: 'text/event-stream',
          contentSchema: { type: 'array', items: frame },
        },
      },
    },
  };
}
