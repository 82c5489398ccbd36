/** Turns a request into ExecutionService.submit (shared by POST /executions and capability invoke). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { requestOrigin } from '../audit/record.js';
import { Errors, fieldError } from '../core/errors.js';
import type { ExecutionRow } from '../store/types.js';
import { principalOf } from './common.js';
import { executionView } from './execution-view.js';
import { ref } from '../capabilities/common.js';
import { Execution } from './schemas.js';

export interface SubmitBody {
  capability: string;
  targets: string[];
  params: Record<string, unknown>;
  timeoutSeconds?: number;
  provider?: string;
}

/** An Idempotency-Key: 1-255 visible ASCII characters (no space). */
export const IDEMPOTENCY_KEY_PATTERN = '^[!-~]{1,255}$';
const KEY = new RegExp(IDEMPOTENCY_KEY_PATTERN);

/** The Idempotency-Key request header of every route that submits an execution, with its real form. */
export const IdempotencyHeader = Type.Object({
  'idempotency-key': Type.Optional(Type.String({
    minLength: 1, maxLength: 255, pattern: IDEMPOTENCY_KEY_PATTERN,
    description: 'Makes retries safe: the same key with the same request within execution.idempotencyHours (24 h) returns the original '
      + 'execution (200, `Idempotent-Replayed: true`); with a different request, 409. 1-255 visible ASCII characters.',
  })),
});

export async function submitFromRequest(app: FastifyInstance, request: FastifyRequest, body: SubmitBody) {
  const key = request.headers['idempotency-key'];
  if (key !== undefined && (typeof key !== 'string' || !KEY.test(key))) {
    throw new Errors.Validation('Idempotency-Key must be 1-255 visible ASCII characters.', { extra: { errors: [fieldError('header', '/idempotency-key', 'invalid')] } });
  }
  if (!Array.isArray(body.targets) || body.targets.length === 0 || body.targets.some((t) => typeof t !== 'string')) {
    throw new Errors.Validation('targets must be a non-empty array of node or group names.', { extra: { errors: [fieldError('body', '/targets', 'must be a non-empty array of strings')] } });
  }
  const max = app.config.execution.maxTimeoutSeconds;
  if (body.timeoutSeconds !== undefined && (!Number.isInteger(body.timeoutSeconds) || body.timeoutSeconds < 1 || body.timeoutSeconds > max)) {
    throw new Errors.Validation(`timeoutSeconds must be an integer from 1 to ${max}.`, { extra: { errors: [fieldError('body', '/timeoutSeconds', `must be 1..${max}`)] } });
  }
  const { requestId, ...origin } = requestOrigin(request);
  return app.executions.submit({ ...body, idempotencyKey: key, principal: principalOf(request), correlationId: requestId, origin });
}

/**
 * OpenAPI links of an answer that is an execution (createExecution, invokeCapability): the operations a client
 * chains next, with the execution's `id` from the answer body.
 */
export const EXECUTION_LINKS = Object.fromEntries(
  ['getExecution', 'streamExecution', 'waitExecution', 'cancelExecution', 'getExecutionOutput'].map((operationId) => [
    operationId, { operationId, parameters: { id: '$response.body#/id' } },
  ]),
);

/**
 * The documented answers of sendAccepted: 202 with Location for a new execution, 200 with Idempotent-Replayed
 * (and Location) for a replay of the same Idempotency-Key.
 */
export const ACCEPTED_RESPONSES = {
  202: {
    description: 'Accepted: the queued execution; Location is its URL.',
    headers: { Location: { type: 'string', description: 'The execution just created: `/api/v1/executions/{id}`.' } },
    content: { 'application/json': { schema: ref(Execution) } },
  },
  200: {
    description: 'The execution first created with this Idempotency-Key (a replay: nothing new was queued).',
    headers: {
      Location: { type: 'string', description: 'That execution: `/api/v1/executions/{id}`.' },
      'Idempotent-Replayed': { type: 'string', const: 'true', description: 'Always `true`: this answer replays an earlier submit.' },
    },
    content: { 'application/json': { schema: ref(Execution) } },
  },
};

/** 202 + Location for a new execution; 200 with Idempotent-Replayed for a replay of the same key. */
export function sendAccepted(app: FastifyInstance, reply: FastifyReply, r: { row: ExecutionRow; created: boolean }) {
  const view = executionView(app, r.row);
  reply.header('location', view.links.self);
  if (!r.created) reply.header('idempotent-replayed', 'true');
  return reply.code(r.created ? 202 : 200).send(view);
}
