/**
 * The one error handler: whatever is thrown becomes RFC 9457 application/problem+json with our `category`,
 * `code` and `requestId`. 5xx details are logged, never sent to clients.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CapstanError, Errors, toCapstanError } from './errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** Body of every error response (the `Problem` schema of the OpenAPI document). */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  category: string;
  code: string;
  requestId: string;
  errors?: { pointer: string; message: string }[];
  [extra: string]: unknown;
}

export function problemType(code: string): string {
  return `urn:capstan:problem:${code.toLowerCase()}`;
}

export function toProblem(err: CapstanError, request: FastifyRequest): ProblemDocument {
  const hidden = err.statusCode >= 500 && err.category === 'internal';
  return {
    ...err.extra,
    type: problemType(err.code),
    title: err.title,
    status: err.statusCode,
    detail: hidden ? `Unexpected error; quote request id ${request.id} to the operator.` : err.message,
    instance: request.url,
    category: err.category,
    code: err.code,
    requestId: String(request.id),
  };
}

/** Translates Fastify's own errors (validation, parser, limits) into catalogue errors. */
export function fromFastifyError(err: FastifyError): CapstanError {
  if (err instanceof CapstanError) return err;
  if (err.validation) {
    const where = err.validationContext ?? 'body';
    const errors = err.validation.map((v) => {
      const extra = v.keyword === 'additionalProperties' ? `/${(v.params as { additionalProperty?: string }).additionalProperty}` : '';
      return { pointer: `/${where}${v.instancePath}${extra}`, message: v.message ?? v.keyword };
    });
    return new Errors.Validation(`${where} is invalid: ${errors.map((e) => `${e.pointer} ${e.message}`).join('; ')}`, { extra: { errors } });
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new Errors.BodyTooLarge(err.message, { status: 413 });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new Errors.UnsupportedMediaType(err.message, { status: 415 });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new Errors.MalformedJson(err.message);
  }
  if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new Errors.MalformedJson(`The body is not valid JSON: ${err.message}`);
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return new Errors.Validation(err.message, { status: err.statusCode });
  }
  return toCapstanError(err);
}

export function sendProblem(reply: FastifyReply, err: CapstanError): FastifyReply {
  const body = toProblem(err, reply.request);
  if (err.retryAfter !== undefined) reply.header('retry-after', String(Math.ceil(err.retryAfter)));
  return reply.code(body.status).type(PROBLEM_CONTENT_TYPE).send(body);
}

/** Installs the error and not-found handlers on the root instance. */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const err = fromFastifyError(error);
    if (err.category === 'internal') request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: err.code, status: err.statusCode, detail: err.message }, 'request rejected');
    return sendProblem(reply, err);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, new Errors.RouteNotFound(`No route for ${request.method} ${request.url.split('?')[0]}.`)));
}
