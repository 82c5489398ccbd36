/**
 * The one hook that audits refusals: every 401, 403, 421 and 429 answer, wherever it was decided (the auth and
 * Host checks, a capability's permissions, a full queue or a rate limit), becomes a `denied` record with who
 * asked (when known), from where, for what (method, route pattern, and for a run submission the capability,
 * targets and params digest) and the problem's code and detail. Repeats of one kind of refusal from one client
 * are coalesced (DenialRecords: one record a minute, with the count), so unauthenticated floods stay small.
 *
 * onSend, not onResponse: the record is written (synchronously) before the answer leaves, so a client that
 * reads the trail right after its refusal finds it. A record that cannot be written (a store fault) is logged
 * and the answer goes out unchanged: a refusal never becomes a 500.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken } from '../core/bearer.js';
import { clientKey } from '../core/client-key.js';
import { hashSecret, TOKEN_PREFIX } from '../core/tokens.js';
import type { AuditEntry } from '../store/types.js';
import { DENIAL_ACTIONS, paramsDigest } from './actions.js';
import { requestEntry } from './record.js';

const MAX_DETAIL = 1000;
const MAX_TARGETS = 1000;
const MAX_NAME = 255;

/** Routes whose body submits a run: `POST /api/v1/executions` (capability in the body) and capability invoke. */
const RUN_ROUTES = new Set(['/api/v1/executions', '/api/v1/capabilities/:name/invoke']);

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const name = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 && v.length <= MAX_NAME ? v : null);

/** The problem document of an error answer (code, detail, capability), or an empty object. */
function problemOf(reply: FastifyReply, payload: unknown): Record<string, unknown> {
  if (typeof payload !== 'string' || !String(reply.getHeader('content-type') ?? '').includes('json')) return {};
  try {
    const doc = JSON.parse(payload) as unknown;
    return isObject(doc) ? doc : {};
  } catch {
    return {};
  }
}

/** Capability, targets and params digest of a refused run submission, from the parsed body (when there is one). */
function runFields(request: FastifyRequest, problem: Record<string, unknown>): Partial<AuditEntry> {
  const route = request.routeOptions?.url;
  const body = isObject(request.body) ? request.body : {};
  const params = isObject(request.params) ? request.params : {};
  const capability = name(problem.capability)
    ?? (request.method === 'POST' && route && RUN_ROUTES.has(route) ? name(route.endsWith('/invoke') ? params.name : body.capability) : null);
  const out: Partial<AuditEntry> = { capability };
  if (request.method === 'POST' && route && RUN_ROUTES.has(route)) {
    if (Array.isArray(body.targets)) out.targets = body.targets.filter((t): t is string => name(t) !== null).slice(0, MAX_TARGETS);
    if (capability && isObject(body.params)) out.paramsDigest = paramsDigest(capability, body.params);
  }
  // An execution's own routes (cancel, read, stream): the id it was about.
  if (route?.startsWith('/api/v1/executions/:id')) out.executionId = name(params.id);
  return out;
}

/**
 * The stored API token a refused request presented (revoked, expired), by the hash of what was sent: the
 * record then tells which credential is still being tried. Never the secret itself.
 */
function presentedTokenId(app: FastifyInstance, request: FastifyRequest): string | null {
  const token = bearerToken(request.headers.authorization);
  if (!token?.startsWith(TOKEN_PREFIX)) return null;
  return app.store.tokens.byHash(hashSecret(token))?.id ?? null;
}

export function denialEntry(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, payload: unknown): AuditEntry | undefined {
  const status = reply.statusCode;
  const action = DENIAL_ACTIONS[status];
  if (!action) return undefined;
  const problem = problemOf(reply, payload);
  const detail = typeof problem.detail === 'string' ? problem.detail.slice(0, MAX_DETAIL) : null;
  const entry = requestEntry(request, action, 'denied', {
    status, code: name(problem.code), detail, ...runFields(request, problem),
  });
  if (status === 401 && !entry.tokenId) entry.tokenId = presentedTokenId(app, request);
  return entry;
}

/** One denial record per client and kind of refusal per this many ms (the rest are counted). */
const DENIAL_RECORD_MS = 60_000;
/** Kinds of refusal being coalesced, at most (the oldest is forgotten first). */
const DENIAL_KEYS = 10_000;

/**
 * Coalesces denial records (401, 403, 421, 429): a client that keeps sending requests refused the same way gets
 * one record per minute, and the next record written for that kind says how many refusals it stands for, so a
 * flood of cheap refused requests cannot fill the disk through the trail. A 421 needs no token and a 401 costs
 * nothing either when `authFailuresMax` is 0 (or across the /64s of an IPv6 block), so every status is
 * coalesced, not only 429s. The kind is the client (core/client-key.ts, as the rate limits count it), the
 * action, the problem code, the principal and the token, a 401's reason, and for an authenticated principal
 * also the method and route pattern: a refusal of another kind (a viewer's 403 after 401s from the same
 * address, the same viewer's 403 on another route, a revoked token or a replayed ticket tried after garbage
 * tokens) still gets its own record. Anonymous
 * refusals leave the route out: an unmatched path is whatever the client sends, and even matched routes would
 * let one client multiply its records by the number of routes.
 */
export class DenialRecords {
  private readonly open = new Map<string, { since: number; refused: number }>();

  constructor(private readonly windowMs = DENIAL_RECORD_MS, private readonly maxKeys = DENIAL_KEYS) {}

  /** The kind of refusal an entry records, from the client that sent it. */
  static kind(request: FastifyRequest, entry: AuditEntry): string {
    const who = [clientKey(request.ip), entry.action, entry.code ?? null, entry.principal ?? null, entry.tokenId ?? null];
    // A 401's detail is one of a few fixed reasons (no token, not valid, revoked, expired, a ticket used,
    // expired or unknown): a replayed ticket after garbage tokens is news. Other details hold client input
    // (a 421's Host) or a countdown (a 429's), so they stay out.
    if (entry.action === 'auth.failed') who.push(entry.detail ?? null);
    const route = request.routeOptions?.url;
    return JSON.stringify(request.principal && route ? [...who, request.method, route] : who);
  }

  /** Whether to record this refusal now; `refused` is how many it stands for (itself and those skipped before). */
  admit(key: string, now = Date.now()): { record: boolean; refused: number } {
    const seen = this.open.get(key);
    if (seen && now - seen.since < this.windowMs) {
      seen.refused++;
      return { record: false, refused: seen.refused };
    }
    this.open.delete(key);
    if (this.open.size >= this.maxKeys) this.open.delete(this.open.keys().next().value as string);
    this.open.set(key, { since: now, refused: 0 });
    return { record: true, refused: (seen?.refused ?? 0) + 1 };
  }

  /** Forgets a kind whose record could not be written, so the next refusal of it tries again. */
  forget(key: string): void {
    this.open.delete(key);
  }

  /** Kinds being coalesced now (bounded by maxKeys). */
  get size(): number {
    return this.open.size;
  }
}

/** Installs the denial hook (after installAuth, so it sees the principal the auth hook set). */
export function installAuditTrail(app: FastifyInstance): void {
  const denials = new DenialRecords();
  app.addHook('onSend', async (request, reply, payload) => {
    if (!DENIAL_ACTIONS[reply.statusCode]) return payload;
    let kind: string | undefined;
    try {
      const entry = denialEntry(app, request, reply, payload);
      if (!entry) return payload;
      kind = DenialRecords.kind(request, entry);
      const { record, refused } = denials.admit(kind);
      if (!record) return payload;
      if (refused > 1) entry.detail = `${entry.detail ?? ''} (stands for ${refused} refusals of this kind from this client since its previous record)`.trim().slice(0, MAX_DETAIL);
      app.store.audit.append(entry);
    } catch (err) {
      if (kind) denials.forget(kind);
      request.log.warn({ err, statusCode: reply.statusCode }, 'could not write the audit record of a refused request');
    }
    return payload;
  });
}
