/**
 * Answers Node gives before Fastify sees a request, as problem+json like every other error:
 * - Fastify's `clientErrorHandler` option: Node's HTTP parser rejected the request (a control character in a
 *   header value, headers over Node's limit, a malformed request line, a request not received in time).
 *   Fastify's default writes `{"error","message","statusCode"}`; this answer has a generated request id (the
 *   headers, and so any X-Request-Id, could not be read) that is also logged.
 * - the server's 'checkExpectation' event: an `Expect` header other than 100-continue, which Node answers
 *   with a bare 417.
 */
import { redactUrl } from './redact-url.js';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, maxHeaderSize, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { Errors, type CapstanError } from './errors.js';
import { genRequestId } from '../observability/logger.js';
import { PROBLEM_CONTENT_TYPE, problemDocument } from './problem.js';

/** What Node hands the 'clientError' listener (an llhttp error, or a request timeout). */
export interface ClientError extends Error {
  code?: string;
  /** llhttp's own words, e.g. "Invalid header value char". */
  reason?: unknown;
  /** The bytes being parsed when the error happened. */
  rawPacket?: unknown;
}

/** A request target worth echoing as `instance`: origin-form, visible ASCII, bounded. */
const TARGET = /^[A-Z]{1,20} (\/[\x21-\x7e]{0,2047}) HTTP\/\d\.\d\r?\n/;
const REASON = /[^\x20-\x7e]/g;

/** The catalogue error of a client error, with Node's status codes (431, 413, 408, else 400). */
export function clientErrorToProblem(err: ClientError): CapstanError {
  const reason = typeof err.reason === 'string' ? err.reason.replace(REASON, '?').slice(0, 200) : err.code ?? 'unknown parser error';
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new Errors.HeadersTooLarge(`The request line and headers exceed the server limit of ${maxHeaderSize} bytes.`);
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new Errors.BodyTooLarge('The chunk extensions of the body exceed the server limit.', { status: 413 });
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new Errors.RequestTimeout('The request was not received completely within the server time limit.');
    default:
      return new Errors.MalformedHttp(`The HTTP request could not be parsed: ${reason}.`);
  }
}

/** `instance` of the problem: the request target when the packet starts with a readable request line. */
function instanceOf(err: ClientError, requestId: string): string {
  const packet = Buffer.isBuffer(err.rawPacket) ? err.rawPacket.subarray(0, 2200).toString('latin1') : '';
  const target = TARGET.exec(packet)?.[1];
  return target ? redactUrl(target) : `urn:capstan:request:${requestId}`;
}

/** The raw HTTP/1.1 response: the problem, its request id, and `Connection: close`. */
export function clientErrorResponse(err: ClientError, requestId: string): { status: number; text: string } {
  const problem = problemDocument(clientErrorToProblem(err), requestId, instanceOf(err, requestId));
  const body = JSON.stringify(problem);
  const text = [
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? 'Error'}`,
    `Content-Type: ${PROBLEM_CONTENT_TYPE}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Request-Id: ${requestId}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
  return { status: problem.status, text };
}

/** The handler for Fastify's `clientErrorHandler` option (Fastify calls it with the instance as `this`). */
export function clientErrorHandler(this: { log: FastifyBaseLogger }, err: ClientError, socket: Socket): void {
  // A reset connection is gone: nothing to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const requestId = randomUUID();
  // As Node's own handler: answer only when no response of this connection has started, so a pipelined
  // response already on the wire is never corrupted.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const { status, text } = clientErrorResponse(err, requestId);
    this.log.info({ requestId, code: err.code, status }, 'client error answered on the socket');
    socket.end(text);
    socket.destroySoon();
  } else {
    this.log.info({ requestId, code: err.code }, 'client error on a connection with a response in flight; connection closed');
    socket.destroy();
  }
}

/** A listener for the server's 'checkExpectation' event: 417 problem+json (the headers were read, so X-Request-Id is honoured). */
export function unmetExpectationHandler(log: FastifyBaseLogger): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const requestId = genRequestId(req);
    const expect = String(req.headers.expect).replace(REASON, '?').slice(0, 100);
    const body = JSON.stringify(problemDocument(new Errors.ExpectationFailed(`Expect: ${expect} cannot be met; only 100-continue is supported.`), requestId, redactUrl(req.url ?? '/')));
    log.info({ requestId, expect }, 'unmet expectation answered before routing');
    res.writeHead(417, {
      'content-type': PROBLEM_CONTENT_TYPE, 'content-length': Buffer.byteLength(body), 'x-request-id': requestId, connection: 'close',
    });
    res.end(body);
  };
}
