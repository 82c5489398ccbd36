/**
 * The audit trail's vocabulary: what is recorded (actions) and how it ended (outcomes). A closed set: the
 * OpenAPI enum of GET /api/v1/audit and the README read these constants.
 *
 * What each action records:
 * - `auth.failed`: a 401 (no bearer token, an unknown, garbled, revoked or expired one, a replayed ticket).
 * - `auth.forbidden`: a 403 (a role or scope below what the capability needs, targets out of reach).
 * - `request.host_refused`: a 421 (the Host header names another server: DNS rebinding).
 * - `request.rate_limited`: a 429 (too many requests, or the execution queue is full).
 * - `token.created`, `token.revoked`, `token.updated` (roles, scope or expiry changed): API token management.
 * - `execution.submitted`: a run was queued (`accepted`), or an Idempotency-Key replay returned an earlier one
 *   (`replayed`); written in the same transaction as the execution row.
 * - `execution.cancelled`: a cancel was accepted.
 */
import { redactParams } from '../capabilities/index.js';
import { hash } from '../execution/fingerprint.js';

export const AUDIT_ACTIONS = [
  'auth.failed', 'auth.forbidden', 'request.host_refused', 'request.rate_limited',
  'token.created', 'token.revoked', 'token.updated', 'execution.submitted', 'execution.cancelled',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * - `accepted`: the server did what was asked (a run queued or cancelled, a token created, revoked or changed).
 * - `replayed`: an idempotent repeat; nothing new was done (the record names the earlier execution).
 * - `denied`: the request was refused with a 4xx (401, 403, 421, 429) and nothing was done.
 */
export const AUDIT_OUTCOMES = ['accepted', 'replayed', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** The action recorded for each refused status (the statuses the denial hook records). */
export const DENIAL_ACTIONS: Readonly<Record<number, AuditAction>> = {
  401: 'auth.failed', 403: 'auth.forbidden', 421: 'request.host_refused', 429: 'request.rate_limited',
};

/**
 * SHA-256 (hex) of the canonical JSON (keys sorted) of a capability's params with every secret replaced as
 * answers show it: equal params give equal digests, and the digest neither reveals nor depends on a secret
 * value (an unknown capability's params are masked whole, so only their keys count). Null when params is not an
 * object.
 */
export function paramsDigest(capability: string, params: unknown): string | null {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return null;
  return hash(redactParams(capability, params as Record<string, unknown>));
}
