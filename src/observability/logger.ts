/**
 * pino options and request ids: X-Request-Id is honoured when it is a sane token, else a UUID is made;
 * the id is on every log line of the request (Fastify binds `reqId`) and echoed in the response.
 * Credentials in request URLs (a stream ticket, `?ticket=`) are redacted from the logged `req.url`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { LoggerOptions } from 'pino';
import { redactUrl } from '../core/redact-url.js';

/** The X-Request-Id a client may choose (documented on every operation); any other value is replaced. */
export const REQUEST_ID_PATTERN = '^[A-Za-z0-9._:@-]{1,128}$';
const SAFE_ID = new RegExp(REQUEST_ID_PATTERN);

export function genRequestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && SAFE_ID.test(given) ? given : randomUUID();
}

/** What is logged of a request: Fastify's default fields, the URL redacted. */
interface LoggedRequest {
  method: string;
  url: string;
  headers?: Record<string, unknown>;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

function requestSerializer(req: LoggedRequest) {
  return {
    method: req.method,
    url: redactUrl(req.url),
    version: req.headers?.['accept-version'],
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/** pino options; `scrub` rewrites each serialized line before it is written (secret values of running executions). */
export function loggerOptions(level: string, scrub?: (line: string) => string): LoggerOptions {
  return {
    level,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
    // Replaces Fastify's default `req` serializer (same fields) so that `req.url` carries no ticket.
    serializers: { req: requestSerializer },
    ...(scrub ? { hooks: { streamWrite: scrub } } : {}),
  };
}
