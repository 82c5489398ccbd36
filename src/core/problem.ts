/**
 * The one error handler: whatever is thrown becomes RFC 9457 application/problem+json with our `category`,
 * `code` and `requestId`. 5xx details are logged, never sent to clients.
 */
import { redactUrl } from './redact-url.js';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CapstanError, Errors, fieldError, problemType, toCapstanError, type FieldError, type RequestPart } from './errors.js';
import { methodMismatch, type RouteTable } from './http-semantics.js';
import { pointerToken } from './json-text.js';

export { problemType };

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
  errors?: FieldError[];
  [extra: string]: unknown;
}

/** Fastify's validation contexts, named as the request parts of `errors[].in`. */
const PARTS: Record<string, RequestPart> = { body: 'body', querystring: 'query', params: 'path', headers: 'header' };

export function toProblem(err: CapstanError, request: FastifyRequest): ProblemDocument {
  return problemDocument(err, String(request.id), redactUrl(request.url));
}

/** The problem document of an error for a request known by its id and target (also where no FastifyRequest exists). */
export function problemDocument(err: CapstanError, requestId: string, instance: string): ProblemDocument {
  const hidden = err.statusCode >= 500 && err.category === 'internal';
  return {
    ...err.extra,
    type: problemType(err.code),
    title: err.title,
    status: err.statusCode,
    detail: hidden ? `Unexpected error; quote request id ${requestId} to the operator.` : err.message,
    instance,
    category: err.category,
    code: err.code,
    requestId,
  };
}

/** Translates Fastify's own errors (validation, parser, limits) into catalogue errors. */
export function fromFastifyError(err: FastifyError): CapstanError {
  if (err instanceof CapstanError) return err;
  if (err.validation) {
    const where = err.validationContext ?? 'body';
    const part = PARTS[where] ?? 'body';
    const errors = err.validation.map((v) => {
      // Ajv's instancePath is already an RFC 6901 pointer; the unknown member's name is one more token.
      const extra = v.keyword === 'additionalProperties' ? `/${pointerToken(String((v.params as { additionalProperty?: string }).additionalProperty))}` : '';
      return fieldError(part, `${v.instancePath}${extra}`, v.message ?? v.keyword);
    });
    return new Errors.Validation(`${part} is invalid: ${errors.map((e) => `${e.pointer || '(whole)'} ${e.message}`).join('; ')}`, { extra: { errors } });
  }
  switch (err.code) {
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_MAX_PARAM_LENGTH':
      // Both are answered before routing, documented as 400 like any other invalid path parameter.
      return new Errors.Validation(`The path is invalid: ${err.message}.`, { status: 400, extra: { errors: [fieldError('path', '', err.message)] } });
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

/**
 * Fastify's `frameworkErrors` option: errors Fastify meets before routing (a path that is not valid
 * percent-encoding, a path parameter over `maxParamLength`). Without it Fastify writes its own JSON.
 * No hook runs on this path, so the request id is echoed here.
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.header('x-request-id', request.id);
  const err = fromFastifyError(error);
  request.log.info({ code: err.code, status: err.statusCode, detail: err.message }, 'request rejected before routing');
  return sendProblem(reply, err);
}

/**
 * Installs the error and not-found handlers on the root instance. With a route table, a path that exists with
 * other methods is a 405 with Allow (OPTIONS: 204 with Allow) rather than a 404.
 */
export function installProblemHandlers(app: FastifyInstance, routes?: RouteTable): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const err = fromFastifyError(error);
    if (err.category === 'internal') request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: err.code, status: err.statusCode, detail: err.message }, 'request rejected');
    try {
      return sendProblem(reply, err);
    } catch (failure) {
      // A handler that throws hands the error to Fastify's default handler (`{"error","message","statusCode"}`):
      // answer a 500 problem as ready text instead, which no serializer touches.
      request.log.error({ err: failure }, 'sending the problem failed');
      const body = JSON.stringify(problemDocument(new Errors.Internal('sending the problem failed'), String(request.id), redactUrl(request.url)));
      return reply.code(500).type(PROBLEM_CONTENT_TYPE).send(body);
    }
  });
  app.setNotFoundHandler((request, reply) => {
    const mismatch = routes && methodMismatch(routes, request, reply);
    if (mismatch === 'options') return reply.code(204).send();
    return sendProblem(reply, mismatch ?? new Errors.RouteNotFound(`No route for ${request.method} ${request.url.split('?')[0]}.`));
  });
}
