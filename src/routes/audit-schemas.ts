/** Named schemas of GET /api/v1/audit: one audit record and a page of them. */
import { Type, type TSchema } from '@sinclair/typebox';
import { dateTime, nextCursor, ref, stringEnum } from '../capabilities/common.js';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES } from '../audit/actions.js';

const nullable = <T extends TSchema>(s: T, description?: string) => Type.Union([s, Type.Null()], description ? { description } : {});

export const AuditAction = stringEnum(AUDIT_ACTIONS, {
  $id: 'AuditAction',
  description: '`auth.failed` (401: no, unknown, garbled, revoked or expired token), `auth.forbidden` (403: a permission missing), '
    + '`request.host_refused` (421: foreign Host header), `request.rate_limited` (429), `token.created`, `token.revoked`, '
    + '`token.updated` (roles, scope or expiry changed), `execution.submitted`, `execution.cancelled`.',
});

export const AuditOutcome = stringEnum(AUDIT_OUTCOMES, {
  $id: 'AuditOutcome',
  description: '`accepted`: done as asked; `replayed`: an Idempotency-Key repeat, nothing new done (executionId names the earlier run); '
    + '`denied`: refused with a 4xx, nothing done.',
});

export const AuditEvent = Type.Object({
  seq: Type.Integer({ description: 'Order of writing (newest is highest).' }),
  at: dateTime(),
  action: ref(AuditAction),
  outcome: ref(AuditOutcome),
  principal: nullable(Type.String(), 'The caller (token name, as executions record it); null when not authenticated.'),
  tokenId: nullable(Type.String(), 'The stored API token involved: the caller\'s, the one a refused request presented, or the one created/revoked/changed.'),
  capability: nullable(Type.String()),
  targets: nullable(Type.Array(Type.String()), 'Targets as requested (node and group names).'),
  paramsDigest: nullable(Type.String({ pattern: '^[0-9a-f]{64}$' }), 'SHA-256 of the canonical JSON (sorted keys) of the params with every secret replaced by `***`: compares params without revealing them.'),
  executionId: nullable(Type.String()),
  sourceIp: nullable(Type.String(), 'The client address (behind a trusted proxy: the forwarded client).'),
  requestId: nullable(Type.String(), 'The request id (`X-Request-Id`, `requestId` of problems, log lines).'),
  method: nullable(Type.String()),
  path: nullable(Type.String(), 'The route pattern (`/api/v1/executions/:id/cancel`), or the path of an unmatched request; never the query string.'),
  status: nullable(Type.Integer(), 'HTTP status answered.'),
  code: nullable(Type.String(), 'Problem code of a refusal (`CAPSTAN_ERR_...`).'),
  detail: nullable(Type.String(), 'Refusals: the problem\'s detail. Token actions: JSON of the token\'s name, owner, roles, scope and expiry (`token.updated`: the fields changed, from and to). Runs: node count, or what a cancel found.'),
}, { $id: 'AuditEvent', additionalProperties: false, description: 'One audit record. Never a secret: params only as a digest, tokens by id and name.' });

export const AuditEventList = Type.Object({ items: Type.Array(ref(AuditEvent)), nextCursor: nextCursor() }, { $id: 'AuditEventList' });

export const AUDIT_SCHEMAS: TSchema[] = [AuditAction, AuditOutcome, AuditEvent, AuditEventList];
