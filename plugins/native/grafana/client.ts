/**
 * HTTP client of Grafana's HTTP API (https://grafana.com/docs/grafana/latest/developers/http_api/, read
 * 2026-11-30): JSON over HTTP(S), `Authorization: Bearer <service account token>`, `X-Grafana-Org-Id` when an
 * organisation is configured, a timeout per request, and 429 answers waited out (`Retry-After`, seconds or an
 * HTTP date) when the wait fits `maxRateLimitWaitMs` and the caller's signal. Errors are catalogue errors that
 * name the endpoint (method and path, never a header): 401/403 -> Errors.Auth, anything else -> Errors.Upstream
 * with `upstreamStatus`. The token never appears in an error, even if Grafana were to echo it.
 */
import { Errors } from '../../../src/core/errors.js';
import { isLoopbackHostname } from '../../../src/core/tls-files.js';
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

/** Checks url; throws Errors.Config naming the key. */
export function checkGrafanaUrl(cfg: GrafanaConfig): URL {
  let url: URL;
  try {
    url = new URL(cfg.url);
  } catch {
    throw new Errors.Config('plugins.grafana.url is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Errors.Config(`plugins.grafana.url must be http(s): ${url.origin}`);
  if (url.username || url.password) throw new Errors.Config('plugins.grafana.url must not carry credentials: use plugins.grafana.token');
  if (url.protocol === 'http:' && !isLoopbackHostname(url.hostname) && !cfg.allowPlainHttp) {
    throw new Errors.Config(`plugins.grafana.url ${url.origin}: plain HTTP is accepted on loopback only (the token would travel unencrypted); use https or set allowPlainHttp`);
  }
  return url;
}

/** Milliseconds a Retry-After header asks for (seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\s*\d+\s*$/.test(header)) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Waits `ms` unless `signal` aborts first (then rejects with the signal's reason). */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(timer); reject(signal!.reason); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const MAX_RATE_LIMIT_RETRIES = 5;

/** fetch failed on a reused socket the server closed (ECONNRESET, EPIPE, undici's socket error). */
function isStaleConnection(err: unknown): boolean {
  const code = (err as { cause?: { code?: string } }).cause?.code;
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET';
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

  /** One JSON request; 2xx answers resolve (404 too when `allow404`), others throw (see the file comment). */
  async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, opts: { query?: URLSearchParams; body?: unknown; signal?: AbortSignal; auth?: boolean; allow404?: boolean } = {}): Promise<GrafanaAnswer<T>> {
    const url = this.url(path, opts.query);
    const where = `${method} ${url.origin}${url.pathname}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.auth !== false && this.cfg.token) headers.authorization = `Bearer ${this.cfg.token}`;
    if (this.cfg.orgId !== undefined) headers['x-grafana-org-id'] = String(this.cfg.orgId);
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
        // A pooled keep-alive connection the server had just closed: an idempotent request is sent once more.
        if (method !== 'POST' && !stale && isStaleConnection(err) && !opts.signal?.aborted) {
          stale = true;
          continue;
        }
        throw new Errors.Upstream(`Grafana ${where} failed: ${this.why(err, opts.signal)}`, { cause: err });
      }
      if (res.status === 429 && attempt < MAX_RATE_LIMIT_RETRIES) {
        const wait = retryAfterMs(res.headers.get('retry-after')) ?? 1000;
        if (wait <= this.cfg.maxRateLimitWaitMs && !opts.signal?.aborted) {
          try {
            await sleep(wait, opts.signal);
            continue;
          } catch {
            // The caller's time ran out while waiting: report the rate limit below.
          }
        }
        throw new Errors.Upstream(`Grafana ${where} is rate limiting (HTTP 429, Retry-After ${res.headers.get('retry-after') ?? 'absent'}); the wait does not fit plugins.grafana.maxRateLimitWaitMs (${this.cfg.maxRateLimitWaitMs} ms) or the call's time`, { extra: { upstreamStatus: 429 } });
      }
      if ((res.status >= 200 && res.status < 300) || (res.status === 404 && opts.allow404)) {
        let body: T;
        try {
          body = (text ? JSON.parse(text) : {}) as T;
        } catch (err) {
          throw new Errors.Upstream(`Grafana ${where} answered HTTP ${res.status} with a body that is not JSON (is ${this.base.origin} a Grafana?)`, { cause: err });
        }
        return { status: res.status, body };
      }
      throw this.failure(res.status, text, where);
    }
  }

  private failure(status: number, text: string, where: string): Error {
    let detail = text.trim().slice(0, 500);
    try {
      const b = JSON.parse(text) as GrafanaErrorBody;
      detail = b.message ?? b.title ?? detail;
    } catch { /* not JSON: keep the text */ }
    detail = this.scrub(detail);
    const extra = { upstreamStatus: status };
    if (status === 401) return new Errors.Auth(`Grafana ${where} refused the credentials (HTTP 401: ${detail || 'Unauthorized'}): plugins.grafana.token is ${this.cfg.token ? 'not a valid service account token' : 'not set'}`, { extra });
    if (status === 403) return new Errors.Auth(`Grafana ${where} denied the service account (HTTP 403: ${detail || 'Forbidden'}): give it the alerting permissions (alert.instances:read, alert.silences:read, alert.silences:create, alert.silences:write)`, { extra });
    if (status >= 300 && status < 400) return new Errors.Upstream(`Grafana ${where} answered a redirect (HTTP ${status}): is plugins.grafana.url Grafana's root URL?`, { extra });
    return new Errors.Upstream(`Grafana ${where} answered HTTP ${status}${detail ? `: ${detail}` : ''}`, { extra });
  }

  /** The token replaced wherever text might quote it. */
  scrub(text: string): string {
    return this.cfg.token ? text.split(this.cfg.token).join('***') : text;
  }

  private why(err: unknown, caller?: AbortSignal): string {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError' || (e.name === 'AbortError' && !caller?.aborted)) return `no answer within ${this.cfg.timeoutMs} ms (plugins.grafana.timeoutMs)`;
    if (caller?.aborted) return 'aborted by the caller';
    const cause = e.cause?.code ? `${e.cause.code} ${e.cause.message ?? ''}`.trim() : e.cause?.message;
    return this.scrub(cause ? `unreachable: ${cause}` : e.message);
  }
}
