/**
 * The one place SSE responses get their headers (and their OpenAPI description of them). Every route that
 * streams calls `startSse`, so no stream can be served without them.
 *
 * `X-Accel-Buffering: no` tells nginx (and proxies that honour the same header) not to buffer this response:
 * nginx buffers proxied responses by default, and a buffered stream reaches the client only when the run ends.
 * `Cache-Control: no-cache,no-transform` keeps caches and compressing proxies from holding frames back
 * (fastify-sse-v2 writes the same value; it is repeated here so that the guarantee does not rest on it).
 */
import type { FastifyReply } from 'fastify';
import type { EventMessage } from 'fastify-sse-v2';
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
    const err = toCapstanError(failure);
    reply.log.error({ err: failure }, 'stream failed after it started');
    yield { event: 'problem', data: stringifyWellFormed(toProblem(err, reply.request)) };
  }
}

/**
 * The 200 response of an SSE route for the route schema: `text/event-stream` with the frame schema, and the
 * headers above documented as response headers (so proxy operators and generated clients see them).
 */
export function sseResponse<S extends object>(schema: S, description = 'text/event-stream') {
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
    content: { 'text/event-stream': { schema } },
  };
}
