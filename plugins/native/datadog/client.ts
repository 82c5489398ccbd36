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
import { errorDetail, exchangeJson, parseJsonAnswer, scrubSecrets } from '../../../src/core/http-json.js';
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
  if (url.username || url.password) throw new Errors.Config('plugins.datadog.url must not hold credentials: the keys are plugins.datadog.apiKey and appKey');
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

  /**
   * One JSON request (timeout, stale keep-alive resend and 429 waits: src/core/http-json.ts); 2xx resolve with
   * the parsed body (undefined when empty, and for a 404 with `allow404`), others throw (see the file comment).
   */
  async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, opts: RequestOptions = {}): Promise<T | undefined> {
    const url = new URL(path.replace(/^\//, ''), this.base.href.endsWith('/') ? this.base.href : `${this.base.href}/`);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.cfg.apiKey) headers['dd-api-key'] = this.cfg.apiKey;
    if (opts.appKey !== false && this.cfg.applicationKey) headers['dd-application-key'] = this.cfg.applicationKey;
    const answer = await exchangeJson({
      service: 'Datadog', method, url, headers, body: opts.body, signal: opts.signal,
      timeoutMs: this.cfg.timeoutMs, timeoutKey: 'plugins.datadog.timeoutMs', secrets: [this.cfg.apiKey, this.cfg.applicationKey],
      onResponse: (res) => {
        const limit = rateLimitOf(res.headers);
        if (limit) this.rateLimits.set(limit.name, limit);
      },
      rateLimit: {
        maxWaitMs: this.cfg.maxRateLimitWaitMs,
        marginMs: 50,
        waitMs: (res) => {
          const limit = rateLimitOf(res.headers);
          return Math.max(0, (limit?.resetSeconds ?? limit?.periodSeconds ?? 1) * 1000);
        },
        tooLong: (res, where) => {
          const limit = rateLimitOf(res.headers);
          return new Errors.Upstream(`Datadog ${where} is rate limited (HTTP 429, limit ${limit?.name ?? 'unnamed'}: ${limit?.limit ?? '?'} per ${limit?.periodSeconds ?? '?'} s, resets in ${limit?.resetSeconds ?? '?'} s); the wait does not fit plugins.datadog.maxRateLimitWaitMs (${this.cfg.maxRateLimitWaitMs} ms) or the call's time`, { extra: { upstreamStatus: 429 }, retryAfter: limit?.resetSeconds });
        },
      },
    });
    if (answer.status === 404 && opts.allow404) return undefined;
    if (answer.status >= 200 && answer.status < 300) return parseJsonAnswer<T | undefined>('Datadog', answer, undefined);
    throw this.failure(answer.status, answer.text, answer.where);
  }

  private failure(status: number, text: string, where: string): Error {
    const detail = errorDetail(text, (b) => {
      const errors = (b as { errors?: unknown } | null)?.errors;
      return Array.isArray(errors) ? errors.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('; ') : undefined;
    }, [this.cfg.apiKey, this.cfg.applicationKey]);
    const extra = { upstreamStatus: status };
    if (status === 401 || status === 403) {
      return new Errors.Auth(`Datadog ${where} refused the keys (HTTP ${status}: ${detail || 'Forbidden'}): check plugins.datadog.apiKey, and that plugins.datadog.applicationKey is valid with the monitors_read, monitors_write and monitors_downtime permissions`, { extra });
    }
    return new Errors.Upstream(`Datadog ${where} answered HTTP ${status}${detail ? `: ${detail}` : ''}`, { extra });
  }

  /** The keys replaced wherever text might quote them. */
  scrub(text: string): string {
    return scrubSecrets(text, [this.cfg.apiKey, this.cfg.applicationKey]);
  }
}
