/**
 * What the record resources (reports, events, alerts, packages, deployments, provisioning) share:
 * aggregate reads over every provider merged into one page with a composite cursor, single reads that fall
 * back to the other providers on a miss, execution submits, and the 404 of a record no source knows.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CapstanError, Errors, fieldError, toCapstanError, type RequestPart } from '../core/errors.js';
import { failedSource, ms, notProvided, type SourceStatus } from '../core/registry.js';
import type { ExecutionContext } from '../core/types.js';
import { sendAccepted, submitFromRequest } from './execution-submit.js';

export { ACCEPTED_RESPONSES, IdempotencyHeader } from './execution-submit.js';

/** Where a source stands: its own cursor at the start of the current page (absent: its first page) and how many items of that page were consumed. */
export interface SourcePos {
  c?: string;
  n: number;
}

/** A composite cursor: each source's position, or null once it has nothing more. */
export type CursorState = Record<string, SourcePos | null>;

/** Opaque cursor text (base64url JSON) of a composite position. */
export function encodeState(state: CursorState): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

/** Decodes a cursor this API issued; anything else is a 400 pointing at `pointer` in `part`. */
export function decodeState(text: string | undefined, part: RequestPart, pointer: string): CursorState | undefined {
  if (text === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    v = undefined;
  }
  const isPos = (p: unknown) => p === null || (typeof p === 'object' && !Array.isArray(p)
    && Number.isInteger((p as SourcePos).n) && (p as SourcePos).n >= 0 && ((p as SourcePos).c === undefined || typeof (p as SourcePos).c === 'string'));
  if (v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every(isPos)) return v as CursorState;
  throw new Errors.Validation(`'${text.slice(0, 64)}' is not a cursor this endpoint issued.`, { extra: { errors: [fieldError(part, pointer, 'invalid cursor')] } });
}

export interface FanOut {
  results: { source: string; value: unknown }[];
  sources: SourceStatus[];
}

/**
 * Asks every provider. With `perSource` (continuation pages, event polling), each listed source gets its
 * own params (its own cursor) through registry.invoke; otherwise one registry.invokeAll. Either way a
 * failing source becomes its SourceStatus, never a failed call.
 */
export async function fanOut(app: FastifyInstance, name: string, ctx: ExecutionContext, base: Record<string, unknown>, perSource?: Map<string, Record<string, unknown>>): Promise<FanOut> {
  const timeoutMs = app.config.capabilityTimeoutMs;
  // Record lists take their params from the query string.
  const paramsAt = { in: 'query', base: '' } as const;
  if (!perSource) return app.registry.invokeAll(name, base, ctx, { timeoutMs, paramsAt });
  app.registry.validateParams(name, structuredClone(base), paramsAt);
  const providers = app.registry.providers(name);
  if (providers.length === 0) throw notProvided(name);
  const asked = providers.filter((p) => perSource.has(p.plugin));
  const answers = await Promise.all(asked.map(async (p) => {
    const started = performance.now();
    try {
      const { value } = await app.registry.invoke(name, perSource.get(p.plugin), ctx, { provider: p.plugin, timeoutMs });
      return { value, status: { source: p.plugin, status: 'ok', durationMs: ms(started) } as SourceStatus };
    } catch (err) {
      return { status: failedSource(p.plugin, started, err) };
    }
  }));
  return {
    results: answers.flatMap((a) => ('value' in a ? [{ source: a.status.source, value: a.value }] : [])),
    sources: answers.map((a) => a.status),
  };
}

/** What an aggregate page reads from each provider's answer. */
export interface PageSpec<T> {
  capability: string;
  /** The contract params, including `limit`, without the composite `cursor`. */
  params: Record<string, unknown>;
  /** The composite cursor of the request. */
  cursor?: string;
  /** The items of one provider's answer, its next cursor and, when it tells, how many match in all. */
  read: (value: unknown) => { items: T[]; next: string | null; total?: number };
  /** The timestamp items are ordered by, newest first. */
  time: (item: T) => string;
}

/**
 * One page merged from every provider, newest first: a k-way merge of each provider's page (each already
 * newest first, its order kept), stopping where a provider's buffered items run out while it has more, so
 * the order stays exact across pages. The composite cursor keeps each source's own cursor plus how many of
 * its page were consumed. A failed source keeps its position for the next page; on the last page (no ok
 * source has more) it is dropped: repeat the same request to retry it.
 */
export async function aggregatePage<T>(app: FastifyInstance, ctx: ExecutionContext, spec: PageSpec<T>) {
  const state = decodeState(spec.cursor, 'query', '/cursor');
  const limit = Number(spec.params.limit ?? 100);
  let answer: FanOut;
  if (!state) answer = await fanOut(app, spec.capability, ctx, spec.params);
  else {
    const perSource = new Map<string, Record<string, unknown>>();
    for (const [source, pos] of Object.entries(state)) {
      if (pos) perSource.set(source, { ...spec.params, limit: Math.min(1000, limit + pos.n), ...(pos.c === undefined ? {} : { cursor: pos.c }) });
    }
    answer = perSource.size ? await fanOut(app, spec.capability, ctx, spec.params, perSource) : { results: [], sources: [] };
  }
  const bufs = answer.results.map((r) => {
    const pos = state?.[r.source] ?? { n: 0 };
    const { items, next, total } = spec.read(r.value);
    return { source: r.source, pos, items: items.slice(pos.n), next, total, taken: 0 };
  });
  const items: T[] = [];
  while (items.length < limit) {
    // A source whose buffered items ran out while it has more (also one that answered an empty page with a
    // cursor, e.g. a bounded scan) may hold newer items than the others' next: the page ends here.
    if (bufs.some((b) => b.taken === b.items.length && b.next !== null)) break;
    let best: (typeof bufs)[number] | undefined;
    for (const b of bufs) {
      if (b.taken < b.items.length && (!best || Date.parse(spec.time(b.items[b.taken])) > Date.parse(spec.time(best.items[best.taken])))) best = b;
    }
    if (!best) break;
    items.push(best.items[best.taken++]);
  }
  const nextState: CursorState = {};
  for (const [source, pos] of Object.entries(state ?? {})) if (pos === null) nextState[source] = null;
  for (const s of answer.sources) if (s.status !== 'ok') nextState[s.source] = state?.[s.source] ?? { n: 0 };
  for (const b of bufs) {
    nextState[b.source] = b.taken < b.items.length
      ? { ...(b.pos.c === undefined ? {} : { c: b.pos.c }), n: b.pos.n + b.taken }
      : b.next === null ? null : { c: b.next, n: 0 };
  }
  const more = bufs.some((b) => nextState[b.source] !== null);
  // A total only when it is whole: every source answered this page (none failed, none already done) and told its own.
  const whole = answer.sources.every((s) => s.status === 'ok') && !Object.values(state ?? {}).some((p) => p === null)
    && bufs.length > 0 && bufs.every((b) => b.total !== undefined);
  const total = whole ? bufs.reduce((sum, b) => sum + (b.total ?? 0), 0) : undefined;
  return { items, nextCursor: more ? encodeState(nextState) : null, sources: answer.sources, ...(total === undefined ? {} : { total }) };
}

/**
 * A single read: the available providers are asked in priority order (`only`: that one alone) until one
 * knows the record (`isHit`). Undefined when every source answered and none knows it. When none that
 * answered knows it but some could not be asked (down, failing, timed out), that is not a 404: the record may
 * be theirs, so the answer is a 503 CAPSTAN_ERR_CAPABILITY_NO_PROVIDER naming them (`sources`), to retry.
 * @throws the provider's own error when it is not about availability (a 400 for a malformed id, ...).
 */
export async function firstHit<R>(app: FastifyInstance, ctx: ExecutionContext, capability: string, params: Record<string, unknown>, isHit: (value: R) => boolean, only?: string): Promise<R | undefined> {
  const timeoutMs = app.config.capabilityTimeoutMs;
  // Single reads take their params (the record's id) from the path.
  const paramsAt = { in: 'path', base: '' } as const;
  app.registry.validateParams(capability, structuredClone(params), paramsAt);
  const all = app.registry.providers(capability).map((p) => p.plugin);
  if (!all.length) throw notProvided(capability);
  const up = app.registry.available(capability).map((p) => p.plugin).filter((p) => only === undefined || p === only);
  const unanswered: string[] = [];
  for (const provider of up) {
    try {
      const { value } = await app.registry.invoke(capability, structuredClone(params), ctx, { provider, timeoutMs, paramsAt });
      if (isHit(value as R)) return value as R;
    } catch (err) {
      const e = toCapstanError(err);
      if (!e.retryable && e.category !== 'unavailable' && e.category !== 'timeout') throw e;
      ctx.logger.warn({ capability, provider, err: e }, 'provider failed during a single read; trying the next one');
      unanswered.push(provider);
    }
  }
  const down = all.filter((p) => !up.includes(p) && (only === undefined || p === only));
  const missing = [...unanswered, ...down];
  if (missing.length) {
    throw new Errors.CapabilityNoProvider(`No source that answered knows it, and ${missing.join(', ')} could not be asked; retry later.`, { extra: { capability, sources: missing } });
  }
  return undefined;
}

/** 404 for a record no source knows. */
export function recordNotFound(kind: string, id: string, capability: string): CapstanError {
  return new Errors.RecordNotFound(`No source knows ${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} with id '${id}'.`, { extra: { capability, id } });
}

/** Submits an execution-mode capability from a `{ targets, params, timeoutSeconds? }` body: 202 + Location. */
export async function submitCapability(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, capability: string,
  body: { targets: string[]; params: object; timeoutSeconds?: number }, provider?: string) {
  const submitted = await submitFromRequest(app, request, {
    capability, targets: body.targets, params: body.params as Record<string, unknown>, timeoutSeconds: body.timeoutSeconds,
    ...(provider ? { provider } : {}),
  });
  return sendAccepted(app, reply, submitted);
}

/**
 * OpenAPI clients (openapi-fetch, ...) send object query parameters deepObject-style, `labels[team]=infra`:
 * fold those keys back into objects before validation (a preValidation hook).
 */
export function foldDeepObjectQuery(...names: string[]) {
  return async (request: FastifyRequest) => {
    const query = request.query as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(query ?? {})) {
      const m = /^([A-Za-z]+)\[([^\]]+)\]$/.exec(key);
      // Unfolded keys fail validation (additionalProperties), prototype keys included.
      if (!m || !names.includes(m[1]) || ['__proto__', 'constructor', 'prototype'].includes(m[2])) { out[key] = value; continue; }
      const prev = out[m[1]];
      const obj = (prev !== null && typeof prev === 'object' && !Array.isArray(prev) ? prev : {}) as Record<string, unknown>;
      obj[m[2]] = Array.isArray(value) ? value[value.length - 1] : value;
      out[m[1]] = obj;
    }
    request.query = out;
  };
}
