/**
 * Requests that arrive while the server closes (on a keep-alive connection still open while running work is
 * ended) are answered 503 problem+json with Retry-After and `Connection: close`. This replaces Fastify's
 * `return503OnClosing`, which writes its own `{"error","message","statusCode"}` body (app.ts turns it off).
 */
import type { FastifyInstance } from 'fastify';
import { Errors } from './errors.js';

/** Retry-After of the 503 while closing: a restart, or a load balancer moving on, takes a few seconds. */
export const CLOSING_RETRY_AFTER_SECONDS = 5;

/**
 * Installs the guard. Call it before any other `preClose` hook is added: preClose hooks run in order, and
 * this one must mark the server closing before the others start ending work.
 */
export function installClosingGuard(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    reply.header('connection', 'close');
    throw new Errors.ServerClosing('The server is shutting down and takes no new requests.', { retryAfter: CLOSING_RETRY_AFTER_SECONDS });
  });
}
