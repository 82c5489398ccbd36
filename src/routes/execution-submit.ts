/** Turns a request into ExecutionService.submit (shared by POST /executions and capability invoke). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Errors, fieldError } from '../core/errors.js';
import type { ExecutionRow } from '../store/types.js';
import { principalOf } from './common.js';
import { executionView } from './execution-view.js';

export interface SubmitBody {
  capability: string;
  targets: string[];
  params: Record<string, unknown>;
  timeoutSeconds?: number;
}

const KEY = /^[\x21-\x7e]{1,255}$/;

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
  return app.executions.submit({ ...body, idempotencyKey: key, principal: principalOf(request), correlationId: String(request.id) });
}

/** 202 + Location for a new execution; 200 with Idempotent-Replayed for a replay of the same key. */
export function sendAccepted(app: FastifyInstance, reply: FastifyReply, r: { row: ExecutionRow; created: boolean }) {
  const view = executionView(app, r.row);
  reply.header('location', view.links.self);
  if (!r.created) reply.header('idempotent-replayed', 'true');
  return reply.code(r.created ? 202 : 200).send(view);
}
