/**
 * HTTP client of Grafana's HTTP API (https://grafana.com/docs/grafana/latest/developers/http_api/, read
 * 2026-11-30): JSON over HTTP(S), `Authorization: Bearer <service account token>`, `X-Grafana-Org-Id` when an
 * organisation is configured, a timeout per request, and 429 answers waited out (`Retry-After`, seconds or an
 * HTTP date) when the wait fits `maxRateLimitWaitMs` and the caller's signal. Errors are catalogue errors that
 * name the endpoint (method and path, never a header): 401/403 -> Errors.Auth, anything else -> Errors.Upstream
 * with `upstreamStatus`. The token never appears in an error, even if Grafana were to echo it.
 */
import { Errors } from '../../../src/core/errors.js';
import { errorDetail, exchangeJson, parseJsonAnswer, scrubSecrets } from '../../../src/core/http-json.js';
import { checkToolUrl, retryAfterMs } from '../../../src/core/tool-url.js';
import type { GrafanaConfig } from './config.js';

export interface GrafanaAnswer<T> {
  status: number;
  body: T;
}

/** The body Grafana's errors carry (`{"message": "...", "traceID": ""}`, plus `messageId`/`statusCode` on auth errors). */
interface GrafanaErrorBody {
  message?: string;
  title?: string;
}

/** Checks url; throws Errors.Config naming the key (src/core/tool-url.ts). */
export function checkGrafanaUrl(cfg: GrafanaConfig): URL {
  return checkToolUrl(cfg.url, { key: 'plugins.grafana.url', credentialsIn: 'plugins.grafana.token', allowPlainHttp: cfg.allowPlainHttp });
}

export class GrafanaClient {
  readonly base: URL;

  constructor(private readonly cfg: GrafanaConfig) {
    this.base = checkGrafanaUrl(cfg);
  }

  /** `path` under Grafana's root URL (keeps a sub-path such as `/grafana`). */
  url(path: string, query?: URLSearchParams): URL {
    const root = this.base.href.endsWith('/') ? this.base.href : `${this.base.href}/`;
    const u = new URL(path.replace(/^\//, ''), root);
    if (query) u.search = query.toString();
    return u;
  }

  /**
   * One JSON request (timeout, stale keep-alive resend and 429 waits: src/core/http-json.ts); 2xx answers
   * resolve (404 too when `allow404`; an empty body as `{}`), others throw (see the file comment).
   */
  async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, opts: { query?: URLSearchParams; body?: unknown; signal?: AbortSignal; auth?: boolean; allow404?: boolean } = {}): Promise<GrafanaAnswer<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.auth !== false && this.cfg.token) headers.authorization = `Bearer ${this.cfg.token}`;
    if (this.cfg.orgId !== undefined) headers['x-grafana-org-id'] = String(this.cfg.orgId);
    const answer = await exchangeJson({
      service: 'Grafana', method, url: this.url(path, opts.query), headers, body: opts.body, signal: opts.signal,
      timeoutMs: this.cfg.timeoutMs, timeoutKey: 'plugins.grafana.timeoutMs', secrets: [this.cfg.token],
      rateLimit: {
        maxWaitMs: this.cfg.maxRateLimitWaitMs,
        waitMs: (res) => retryAfterMs(res.headers.get('retry-after')) ?? 1000,
        tooLong: (res, where) => new Errors.Upstream(`Grafana ${where} is rate limiting (HTTP 429, Retry-After ${res.headers.get('retry-after') ?? 'absent'}); the wait does not fit plugins.grafana.maxRateLimitWaitMs (${this.cfg.maxRateLimitWaitMs} ms) or the call's time`, { extra: { upstreamStatus: 429 } }),
      },
    });
    const { status } = answer;
    if ((status >= 200 && status < 300) || (status === 404 && opts.allow404)) {
      return { status, body: parseJsonAnswer<T>('Grafana', answer, {} as T, ` (is ${this.base.origin} a Grafana?)`) };
    }
    throw this.failure(status, answer.text, answer.where);
  }

  private failure(status: number, text: string, where: string): Error {
    const detail = errorDetail(text, (b) => (b as GrafanaErrorBody).message ?? (b as GrafanaErrorBody).title, [this.cfg.token]);
    const extra = { upstreamStatus: status };
    if (status === 401) return new Errors.Auth(`Grafana ${where} refused the credentials (HTTP 401: ${detail || 'Unauthorized'}): plugins.grafana.token is ${this.cfg.token ? 'not a valid service account token' : 'not set'}`, { extra });
    if (status === 403) return new Errors.Auth(`Grafana ${where} denied the service account (HTTP 403: ${detail || 'Forbidden'}): give it the alerting permissions (alert.instances:read, alert.silences:read, alert.silences:create, alert.silences:write)`, { extra });
    if (status >= 300 && status < 400) return new Errors.Upstream(`Grafana ${where} answered a redirect (HTTP ${status}): is plugins.grafana.url Grafana's root URL?`, { extra });
    return new Errors.Upstream(`Grafana ${where} answered HTTP ${status}${detail ? `: ${detail}` : ''}`, { extra });
  }

  /** The token replaced wherever text might quote it. */
  scrub(text: string): string {
    return scrubSecrets(text, [this.cfg.token]);
  }
}
