/**
 * Building audit records (src/audit/actions.ts) from what a request and the server know. Routes and the
 * ExecutionService call these; the store appends them (in the transaction of the change they record where
 * there is one). Nothing here reads a secret: params become a digest of their redacted form, tokens their id.
 */
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../core/types.js';
import type { ApiTokenRow, AuditEntry, AuditRow, ExecutionRow, Store } from '../store/types.js';
import { paramsDigest, type AuditAction, type AuditOutcome } from './actions.js';

/** Longest path kept (an unmatched request's path is whatever the client sent). */
const MAX_PATH = 512;

/** Where a request came from and what it asked for: the request-side fields of every record. */
export interface AuditOrigin {
  /** The client address (request.ip: the proxy's client when trustProxy is configured). */
  sourceIp: string | null;
  requestId: string;
  method: string;
  /** The route pattern (`/api/v1/executions/:id/cancel`), or the path of an unmatched request; never a query string. */
  path: string;
}

/** The route pattern of a matched request, else its path without the query string (which may hold tickets). */
export function auditPath(request: FastifyRequest): string {
  const route = request.routeOptions?.url;
  const path = route && route !== '*' ? route : request.url.split('?', 1)[0];
  return path.length > MAX_PATH ? `${path.slice(0, MAX_PATH)}...` : path;
}

export function requestOrigin(request: FastifyRequest): AuditOrigin {
  return { sourceIp: request.ip ?? null, requestId: String(request.id), method: request.method, path: auditPath(request) };
}

/** The principal fields of a record: the token name (as executions record it) and the stored token's id. */
export function principalFields(principal: Principal | undefined): Pick<AuditEntry, 'principal' | 'tokenId'> {
  return { principal: principal?.id ?? null, tokenId: principal?.tokenId ?? null };
}

/** A record of a request: its origin and principal, plus what the caller says happened. */
export function requestEntry(request: FastifyRequest, action: AuditAction, outcome: AuditOutcome, extra: Partial<AuditEntry> = {}): AuditEntry {
  return { ...principalFields(request.principal), ...requestOrigin(request), action, outcome, ...extra };
}

/** The execution fields of a record: capability, targets as requested, the params digest and the id. */
export function executionFields(row: Pick<ExecutionRow, 'id' | 'capability' | 'targets' | 'params'>): Partial<AuditEntry> {
  return { executionId: row.id, capability: row.capability, targets: [...row.targets], paramsDigest: paramsDigest(row.capability, row.params) };
}

/** A record of a run submitted (`accepted`) or replayed by its Idempotency-Key (`replayed`). */
export function submitEntry(
  who: { principal: Principal; correlationId: string; origin?: Omit<AuditOrigin, 'requestId'> },
  row: ExecutionRow, outcome: Extract<AuditOutcome, 'accepted' | 'replayed'>, status: number,
): AuditEntry {
  return {
    ...principalFields(who.principal), sourceIp: who.origin?.sourceIp ?? null, method: who.origin?.method ?? null, path: who.origin?.path ?? null,
    requestId: who.correlationId, action: 'execution.submitted', outcome, status, ...executionFields(row),
    detail: `${row.nodes.length} node(s)${outcome === 'replayed' ? '; Idempotency-Key replay of an earlier submit' : ''}`,
  };
}

/** What a token record's detail shows of a token: never its secret or hash. */
function tokenSummary(row: ApiTokenRow): Record<string, unknown> {
  return { name: row.name, owner: row.owner, roles: row.roles, scope: row.scope, expiresAt: row.expiresAt };
}

/** A record of a token created or revoked (tokenId is the token acted on; the caller is the principal). */
export function tokenEntry(request: FastifyRequest, action: 'token.created' | 'token.revoked', row: ApiTokenRow, status: number): AuditEntry {
  return requestEntry(request, action, 'accepted', { tokenId: row.id, status, detail: JSON.stringify(tokenSummary(row)) });
}

/**
 * Records a change of a token's roles, scope or expiry (`token.updated`): call it in the transaction that
 * makes the change, e.g. `app.store.transaction(() => { ...update...; auditTokenUpdated(app.store, request,
 * before, after); })`, so the change and its record are written together or not at all. The detail holds the
 * fields that changed, before and after (never the secret or its hash).
 */
export function auditTokenUpdated(store: Store, request: FastifyRequest, before: ApiTokenRow, after: ApiTokenRow, status = 200): AuditRow {
  const b = tokenSummary(before);
  const a = tokenSummary(after);
  const changed = Object.keys(a).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
  const detail = JSON.stringify({ name: after.name, changed: Object.fromEntries(changed.map((k) => [k, { from: b[k], to: a[k] }])) });
  return store.audit.append(requestEntry(request, 'token.updated', 'accepted', { tokenId: after.id, status, detail }));
}
