/**
 * The last touches of the OpenAPI document, for what route schemas cannot say to @fastify/swagger:
 * - a request body that may be left out (@fastify/swagger marks every body `required`);
 * - the X-Request-Id header every operation accepts (it is read by `genReqId`, not by a route schema).
 * Registered as @fastify/swagger's `transformObject`, so /openapi.json and openapi/openapi.json both get them.
 */
import { REQUEST_ID_PATTERN } from '../observability/logger.js';

/**
 * Operations whose JSON body is optional. Fastify validates a body only against the schema of its media type
 * (`body: { content: {...} }`), so a request without one passes; the document must say so too.
 */
export const OPTIONAL_BODY_OPERATIONS: ReadonlySet<string> = new Set(['cancelExecution', 'refreshNodeFacts', 'createExecutionStreamTicket', 'createEventsStreamTicket', 'createJournalStreamTicket', 'createAlertsStreamTicket']);

const REQUEST_ID_PARAMETER = {
  name: 'X-Request-Id',
  in: 'header',
  required: false,
  description: 'Your id for this request: echoed as the `X-Request-Id` response header, in problem bodies (`requestId`) and on every '
    + 'log line. Honoured when it matches the pattern (1-128 letters, digits and `._:@-`); any other value is replaced by a generated UUID.',
  schema: { type: 'string', pattern: REQUEST_ID_PATTERN, examples: ['ci-run-42.step:3@host'] },
};

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

interface Operation {
  operationId?: string;
  parameters?: unknown[];
  requestBody?: { required?: boolean };
}

/** Applies the touches above to a generated OpenAPI 3 document (in place) and returns it. */
export function finishDocument<D extends object>(doc: D): D {
  const d = doc as { paths?: Record<string, Record<string, Operation>>; components?: Record<string, Record<string, unknown>> };
  d.components ??= {};
  d.components.parameters = { ...d.components.parameters, RequestId: REQUEST_ID_PARAMETER };
  for (const item of Object.values(d.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      op.parameters = [...(op.parameters ?? []), { $ref: '#/components/parameters/RequestId' }];
      if (op.requestBody && op.operationId && OPTIONAL_BODY_OPERATIONS.has(op.operationId)) op.requestBody.required = false;
    }
  }
  return doc;
}
