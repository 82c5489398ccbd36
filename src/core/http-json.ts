/**
 * One JSON-over-HTTP exchange with a third-party API, the part every such plugin client repeats: a timeout per
 * attempt joined with the caller's signal, one resend of an idempotent request (not POST) that failed on a
 * pooled keep-alive connection the server had just closed, 429 answers waited out when the wait the service
 * asks for fits a maximum and the caller's signal, and catalogue errors (Errors.Upstream) that name the service
 * and the endpoint (method, origin and path: never a header, never the query) with every secret scrubbed.
 * What each service's answers mean (its error bodies, 401/403 wording, how a 429 tells its wait) stays with its
 * client, passed in as callbacks. Uses the global fetch (undici) without following redirects.
 */
import { Errors } from './errors.js';

/** HTTP methods this helper sends; POST is the one never resent. */
export type HttpJsonMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** How a service rate-limits (HTTP 429). */
export interface RateLimitPolicy {
  /** Longest wait (ms) accepted before a retry; a longer one throws `tooLong`. */
  maxWaitMs: number;
  /** The wait (ms) a 429 answer asks for. */
  waitMs: (res: Response) => number;
  /** Added to each wait (ms) before the retry (not counted against maxWaitMs); default 0. */
  marginMs?: number;
  /** Retries after a 429 before its answer is returned as it is (default 5). */
  maxRetries?: number;
  /** The error thrown when the wait does not fit maxWaitMs or the caller's signal. */
  tooLong: (res: Response, where: string) => Error;
}

/** One call. */
export interface HttpJsonCall {
  /** The service's name, first word of every message (`Datadog`, `Grafana`). */
  service: string;
  method: HttpJsonMethod;
  url: URL;
  /** Request headers; `content-type: application/json` is added when there is a body. */
  headers: Record<string, string>;
  /** Sent as JSON when defined. */
  body?: unknown;
  /** The caller's signal (request end, shutdown). */
  signal?: AbortSignal;
  /** Time (ms) one attempt may take, and the config key that sets it (named in the timeout message). */
  timeoutMs: number;
  timeoutKey: string;
  /** Values (keys, tokens) never to appear in a message; undefined entries are ignored. */
  secrets: readonly (string | undefined)[];
  rateLimit: RateLimitPolicy;
  /** Sees every answer (e.g. to record rate-limit headers). */
  onResponse?: (res: Response) => void;
}

/** An answer read whole: status, headers, body text, and `where` (`METHOD origin/path`) for messages. */
export interface HttpJsonAnswer {
  status: number;
  headers: Headers;
  text: string;
  where: string;
}

const DEFAULT_RATE_LIMIT_RETRIES = 5;

/** `text` with every secret replaced by `***`. */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out;
}

/** Waits `ms` unless `signal` aborts first (then rejects with the signal's reason). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(timer); reject(signal!.reason); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** fetch failed on a reused socket the server closed (ECONNRESET, EPIPE, undici's socket error). */
export function isStaleConnection(err: unknown): boolean {
  const code = (err as { cause?: { code?: string } }).cause?.code;
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET';
}

/** Why fetch got no answer, in words: the timeout (naming its key), the caller's abort, or the network cause; secrets scrubbed. */
export function transportReason(err: unknown, call: Pick<HttpJsonCall, 'signal' | 'timeoutMs' | 'timeoutKey' | 'secrets'>): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || (e.name === 'AbortError' && !call.signal?.aborted)) return `no answer within ${call.timeoutMs} ms (${call.timeoutKey})`;
  if (call.signal?.aborted) return 'aborted by the caller';
  const cause = e.cause?.code ? `${e.cause.code} ${e.cause.message ?? ''}`.trim() : e.cause?.message;
  return scrubSecrets(cause ? `unreachable: ${cause}` : e.message, call.secrets);
}

/**
 * Sends the call and reads the answer whole. Resolves with any answer but a 429 that was waited out (a 429 is
 * resolved once its retries are spent); the caller judges the status.
 * @throws Errors.Upstream `<service> <where> failed: <reason>` when no answer came (refused, reset, timeout,
 *   caller's abort); `rateLimit.tooLong(...)` when a 429's wait does not fit.
 */
export async function exchangeJson(call: HttpJsonCall): Promise<HttpJsonAnswer> {
  const { method, url, signal: caller } = call;
  const where = `${method} ${url.origin}${url.pathname}`;
  const headers = { ...call.headers };
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
  const maxRetries = call.rateLimit.maxRetries ?? DEFAULT_RATE_LIMIT_RETRIES;
  let stale = false;
  for (let attempt = 0; ; attempt++) {
    const signal = caller ? AbortSignal.any([caller, AbortSignal.timeout(call.timeoutMs)]) : AbortSignal.timeout(call.timeoutMs);
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, { method, headers, body: payload, signal, redirect: 'manual' });
      text = await res.text();
    } catch (err) {
      // A pooled keep-alive connection the server had just closed: an idempotent request is sent once more.
      if (method !== 'POST' && !stale && isStaleConnection(err) && !caller?.aborted) {
        stale = true;
        continue;
      }
      throw new Errors.Upstream(`${call.service} ${where} failed: ${transportReason(err, call)}`, { cause: err });
    }
    call.onResponse?.(res);
    if (res.status === 429 && attempt < maxRetries) {
      const wait = call.rateLimit.waitMs(res);
      if (wait <= call.rateLimit.maxWaitMs && !caller?.aborted) {
        try {
          await sleep(wait + (call.rateLimit.marginMs ?? 0), caller);
          continue;
        } catch {
          // The caller's time ran out while waiting: report the rate limit below.
        }
      }
      throw call.rateLimit.tooLong(res, where);
    }
    return { status: res.status, headers: res.headers, text, where };
  }
}

/**
 * The body of a successful answer as JSON (`empty` when the body is blank).
 * @throws Errors.Upstream `<service> <where> answered HTTP <status> with a body that is not JSON<hint>`.
 */
export function parseJsonAnswer<T>(service: string, answer: HttpJsonAnswer, empty: T, hint = ''): T {
  if (!answer.text) return empty;
  try {
    return JSON.parse(answer.text) as T;
  } catch (err) {
    throw new Errors.Upstream(`${service} ${answer.where} answered HTTP ${answer.status} with a body that is not JSON${hint}`, { cause: err });
  }
}

/**
 * The service's own words from an error body (at most 500 characters of the text, or what `pick` finds in it
 * as JSON), secrets scrubbed.
 */
export function errorDetail(text: string, pick: (body: unknown) => string | undefined, secrets: readonly (string | undefined)[]): string {
  let detail = text.trim().slice(0, 500);
  try {
    detail = pick(JSON.parse(text)) ?? detail;
  } catch { /* not JSON: keep the text */ }
  return scrubSecrets(detail, secrets);
}
