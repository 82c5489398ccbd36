/**
 * HTTP client of Datadog's API (https://docs.datadoghq.com/api/latest/, read 2026-11-30): JSON over HTTPS to
 * `https://api.<site>`, the API key in `DD-API-KEY` and the application key in `DD-APPLICATION-KEY` (never in
 * the URL), a timeout per request. Rate limits (https://docs.datadoghq.com/api/latest/rate-limits/): every
 * answer may carry X-RateLimit-Limit / -Period / -Remaining / -Reset (seconds until the window resets) /
 * -Name; a 429 is waited out until the reset when that fits `maxRateLimitWaitMs` and the caller's signal,
 * then retried. Errors (`{"errors": ["..."]}`) become catalogue errors naming the endpoint: 401/403 ->
 * Errors.Auth, others Errors.Upstream with `upstreamStatus`. Keys never appear in an error or a log line.
 */
import { Errors } from '../../../src/core/errors.js';
import { isLoopbackHostname } from '../../../src/core/tls-files.js';
import type { DatadogConfig } from './config.js';

export interface RateLimitState {
  name: string;
  limit?: number;
  periodSeconds?: number;
  remaining?: number;
  resetSeconds?: number;
  seenAt: string;
}

/** Checks the base URL; throws Errors.Config naming the key. */
export function apiBase(cfg: DatadogConfig): URL {
  const text = cfg.url ?? `https://api.${cfg.site}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Errors.Config('plugins.datadog.url is not a URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHostname(url.hostname))) {
    throw new Errors.Config(`plugins.datadog.url ${url.origin}: https is required (plain http only on loopback): the keys travel in headers`);
  }
  return url;
}

/** Seconds from a header, undefined when absent or not a number. */
function num(h: string | null): number | undefined {
  if (h === null || !/^\s*\d+(\.\d+)?\s*$/.test(h)) return undefined;
  return Number(h);
}

/** The rate-limit headers of an answer (undefined when it has none). */
export function rateLimitOf(headers: Headers, now = new Date()): RateLimitState | undefined {
  const name = headers.get('x-ratelimit-name');
  const reset = num(headers.get('x-ratelimit-reset'));
  if (!name && reset === undefined) return undefined;
  return {
    name: name ?? 'unnamed', limit: num(headers.get('x-ratelimit-limit')), periodSeconds: num(headers.get('x-ratelimit-period')),
    remaining: num(headers.get('x-ratelimit-remaining')), resetSeconds: reset, seenAt: now.toISOString(),
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(timer); reject(signal!.reason); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function isStaleConnection(err: unknown): boolean {
  const code = (err as { cause?: { code?: string } }).cause?.code;
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET';
}

const MAX_RATE_LIMIT_RETRIES = 5;

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  signal?: AbortSignal;
  /** Send the application key too (default true; /api/v1/validate takes the API key alone). */
  appKey?: boolean;
  /** Resolve a 404 as `undefined` instead of throwing. */
  allow404?: boolean;
}

export class DatadogClient {
  readonly base: URL;
  /** The last rate-limit headers seen, by limit name (health details). */
  readonly rateLimits = new Map<string, RateLimitState>();

  constructor(private readonly cfg: DatadogConfig) {
    this.base = apiBase(cfg);
  }

  async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, opts: RequestOptions = {}): Promise<T | undefined> {
    const url = new URL(path.replace(/^\//, ''), this.base.href.endsWith('/') ? this.base.href : `${this.base.href}/`);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const where = `${method} ${url.origin}${url.pathname}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.cfg.apiKey) headers['dd-api-key'] = this.cfg.apiKey;
    if (opts.appKey !== false && this.cfg.applicationKey) headers['dd-application-key'] = this.cfg.applicationKey;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    let stale = false;
    for (let attempt = 0; ; attempt++) {
      const signal = opts.signal ? AbortSignal.any([opts.signal, AbortSignal.timeout(this.cfg.timeoutMs)]) : AbortSignal.timeout(this.cfg.timeoutMs);
      let res: Response;
      let text: string;
      try {
        res = await fetch(url, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), signal, redirect: 'manual' });
        text = await res.text();
      } catch (err) {
        if (method !== 'POST' && !stale && isStaleConnection(err) && !opts.signal?.aborted) {
          stale = true;
          continue;
        }
        throw new Errors.Upstream(`Datadog ${where} failed: ${this.why(err, opts.signal)}`, { cause: err });
      }
      const limit = rateLimitOf(res.headers);
      if (limit) this.rateLimits.set(limit.name, limit);
      if (res.status === 429 && attempt < MAX_RATE_LIMIT_RETRIES) {
        const wait = Math.max(0, (limit?.resetSeconds ?? limit?.periodSeconds ?? 1) * 1000) + 50;
        if (wait <= this.cfg.maxRateLimitWaitMs + 50 && !opts.signal?.aborted) {
          try {
            await sleep(wait, opts.signal);
            continue;
          } catch {
            // The caller's time ran out while waiting: report the rate limit below.
          }
        }
        throw new Errors.Upstream(`Datadog ${where} is rate limited (HTTP 429, limit ${limit?.name ?? 'unnamed'}: ${limit?.limit ?? '?'} per ${limit?.periodSeconds ?? '?'} s, resets in ${limit?.resetSeconds ?? '?'} s); the wait does not fit plugins.datadog.maxRateLimitWaitMs (${this.cfg.maxRateLimitWaitMs} ms) or the call's time`, { extra: { upstreamStatus: 429 }, retryAfter: limit?.resetSeconds });
      }
      if (res.status === 404 && opts.allow404) return undefined;
      if (res.status >= 200 && res.status < 300) {
        if (!text) return undefined;
        try {
          return JSON.parse(text) as T;
        } catch (err) {
          throw new Errors.Upstream(`Datadog ${where} answered HTTP ${res.status} with a body that is not JSON`, { cause: err });
        }
      }
      throw this.failure(res.status, text, where);
    }
  }

  private failure(status: number, text: string, where: string): Error {
    let detail = text.trim().slice(0, 500);
    try {
      const b = JSON.parse(text) as { errors?: unknown[] };
      if (Array.isArray(b.errors)) detail = b.errors.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('; ');
    } catch { /* not JSON: keep the text */ }
    detail = this.scrub(detail);
    const extra = { upstreamStatus: status };
    if (status === 401 || status === 403) {
      return new Errors.Auth(`Datadog ${where} refused the keys (HTTP ${status}: ${detail || 'Forbidden'}): check plugins.datadog.apiKey, and that plugins.datadog.applicationKey is valid with the monitors_read, monitors_write and monitors_downtime permissions`, { extra });
    }
    return new Errors.Upstream(`Datadog ${where} answered HTTP ${status}${detail ? `: ${detail}` : ''}`, { extra });
  }

  /** The keys replaced wherever text might quote them. */
  scrub(text: string): string {
    let out = text;
    for (const k of [this.cfg.apiKey, this.cfg.applicationKey]) if (k) out = out.split(k).join('***');
    return out;
  }

  private why(err: unknown, caller?: AbortSignal): string {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError' || (e.name === 'AbortError' && !caller?.aborted)) return `no answer within ${this.cfg.timeoutMs} ms (plugins.datadog.timeoutMs)`;
    if (caller?.aborted) return 'aborted by the caller';
    const cause = e.cause?.code ? `${e.cause.code} ${e.cause.message ?? ''}`.trim() : e.cause?.message;
    return this.scrub(cause ? `unreachable: ${cause}` : e.message);
  }
}
