/**
 * HTTP client of GitLab's REST API v4 (cicd-apis.md §2.1-2.2; https://docs.gitlab.com/api/rest/): JSON over
 * HTTP(S) under `<url>/api/v4`, the access token in the `PRIVATE-TOKEN` header (never in a URL), a timeout per
 * request, 429 answers waited out (`Retry-After` seconds or date, else `RateLimit-Reset` epoch seconds) when the
 * wait fits `maxRateLimitWaitMs` and the caller's signal, and pagination by `x-next-page` (or the `Link`
 * header's rel="next"). Errors are catalogue errors naming the endpoint (method and path, never a header nor a
 * query), with `upstreamStatus`: 401/403 -> Errors.Auth, 404 -> Errors.RecordNotFound, the rest -> Errors.Upstream
 * with GitLab's own message. Tokens are scrubbed from every message.
 */
import { Errors } from '../../../src/core/errors.js';
import { errorDetail, exchangeJson, scrubSecrets, sleep, type HttpJsonAnswer } from '../../../src/core/http-json.js';
import { checkToolUrl, retryAfterMs } from '../../../src/core/tool-url.js';
import type { GitlabConfig } from './config.js';

export interface GitlabAnswer<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** Checks url; throws Errors.Config naming the key. */
export function checkGitlabUrl(cfg: Pick<GitlabConfig, 'url' | 'allowPlainHttp'>): URL {
  const url = checkToolUrl(cfg.url, { key: 'plugins.gitlab.url', credentialsIn: 'plugins.gitlab.token', allowPlainHttp: cfg.allowPlainHttp });
  if (url.search) throw new Errors.Config('plugins.gitlab.url must not carry a query string');
  return url;
}

/** Milliseconds a 429 asks to wait: Retry-After (seconds or an HTTP date), else RateLimit-Reset (epoch seconds). */
export function rateLimitWaitMs(headers: Headers, now = Date.now()): number | undefined {
  const asked = retryAfterMs(headers.get('retry-after'), now);
  if (asked !== undefined) return asked;
  const reset = headers.get('ratelimit-reset');
  if (reset && /^\s*\d+\s*$/.test(reset)) return Math.max(0, Number(reset) * 1000 - now);
  return undefined;
}

/** The next page number of a paginated answer (x-next-page, else Link rel="next"), or null on the last page. */
export function nextPage(headers: Headers): number | null {
  const x = headers.get('x-next-page');
  if (x && /^\d+$/.test(x.trim())) return Number(x.trim());
  const link = headers.get('link');
  if (link) {
    for (const part of link.split(',')) {
      const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
      if (m) {
        try {
          const p = new URL(m[1]).searchParams.get('page');
          if (p && /^\d+$/.test(p)) return Number(p);
        } catch { /* an unreadable link: no next page */ }
      }
    }
  }
  return null;
}

/** GitLab's error words from its body: `message` (string or field -> messages), `error`, `error_description`. */
export function gitlabMessage(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { message?: unknown; error?: unknown; error_description?: unknown };
  if (typeof b.message === 'string') return b.message;
  if (b.message && typeof b.message === 'object') {
    return Object.entries(b.message as Record<string, unknown>).map(([k, v]) => `${k === 'base' ? '' : `${k} `}${Array.isArray(v) ? v.join(', ') : String(v)}`).join('; ');
  }
  if (typeof b.error_description === 'string') return `${typeof b.error === 'string' ? `${b.error}: ` : ''}${b.error_description}`;
  if (typeof b.error === 'string') return b.error;
  return undefined;
}

type Method = 'GET' | 'POST';

interface ExchangeOpts {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** The request's own signal (cuts the request and the 429 waits). */
  signal?: AbortSignal;
  /** Cuts only the 429 waits before (re)sending (a trigger POST: the run's signal). */
  waitSignal?: AbortSignal;
  auth?: boolean;
  allow404?: boolean;
}

const MAX_RATE_LIMIT_RETRIES = 5;

/** A request that was never sent (the run ended during a rate-limit wait before it): nothing happened in GitLab. */
export class NotSentError extends Errors.ExecutionFailed {
  readonly notSent = true;
}

export class GitlabClient {
  readonly base: URL;
  private readonly secrets: (string | undefined)[];

  constructor(private readonly cfg: GitlabConfig) {
    this.base = checkGitlabUrl(cfg);
    this.secrets = [cfg.token, cfg.triggerToken];
  }

  /** `api/v4/<path>` under GitLab's root URL (keeps a sub-path). */
  url(path: string, query?: Record<string, string | number | undefined>): URL {
    const root = this.base.href.endsWith('/') ? this.base.href : `${this.base.href}/`;
    const u = new URL(`api/v4/${path.replace(/^\//, '')}`, root);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u;
  }

  /** The project segment of a path: a numeric id as is, a path URL-encoded (`group%2Fapp`). */
  static project(project: string | number): string {
    return encodeURIComponent(String(project));
  }

  private tooLong(headers: Headers, where: string): Error {
    return new Errors.Upstream(`GitLab ${where} is rate limiting (HTTP 429, Retry-After ${headers.get('retry-after') ?? 'absent'}, RateLimit-Reset ${headers.get('ratelimit-reset') ?? 'absent'}); the wait does not fit plugins.gitlab.maxRateLimitWaitMs (${this.cfg.maxRateLimitWaitMs} ms) or the run's time`, { extra: { upstreamStatus: 429 } });
  }

  /**
   * One exchange; 2xx resolves (`allow404`: 404 too), the rest throws (see the file comment). `waitSignal`
   * (a POST sent without the run's signal): the 429 waits before it is sent (again) are cut by it; aborted
   * during such a wait, nothing more is sent and NotSentError is thrown.
   */
  private async exchange(method: Method, path: string, opts: ExchangeOpts): Promise<HttpJsonAnswer> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.auth !== false && this.cfg.token) headers['private-token'] = this.cfg.token;
    const call = {
      service: 'GitLab', method, url: this.url(path, opts.query), headers, body: opts.body, signal: opts.signal,
      timeoutMs: this.cfg.timeoutMs, timeoutKey: 'plugins.gitlab.timeoutMs', secrets: this.secrets,
      rateLimit: {
        maxWaitMs: this.cfg.maxRateLimitWaitMs,
        waitMs: (res: Response) => rateLimitWaitMs(res.headers) ?? 1000,
        marginMs: 50,
        tooLong: (res: Response, where: string) => this.tooLong(res.headers, where),
        // With a waitSignal, the 429s are waited out here (the helper's wait is cut only by the request's signal).
        ...(opts.waitSignal ? { maxRetries: 0 } : {}),
      },
    };
    let answer: HttpJsonAnswer;
    for (let attempt = 0; ; attempt++) {
      if (opts.waitSignal?.aborted) throw new NotSentError(`GitLab ${method} /${path.replace(/^\//, '')} was not sent: the execution ended before`);
      answer = await exchangeJson(call);
      if (!opts.waitSignal || answer.status !== 429) break;
      const wait = rateLimitWaitMs(answer.headers) ?? 1000;
      if (attempt >= MAX_RATE_LIMIT_RETRIES || wait > this.cfg.maxRateLimitWaitMs) throw this.tooLong(answer.headers, answer.where);
      try {
        await sleep(wait + 50, opts.waitSignal);
      } catch {
        throw new NotSentError(`GitLab ${answer.where} answered HTTP 429 (rate limited) and the execution ended while waiting to send it again: nothing was sent`);
      }
    }
    if ((answer.status >= 200 && answer.status < 300) || (answer.status === 404 && opts.allow404)) return answer;
    throw this.failure(answer.status, answer.text, answer.where);
  }

  async json<T>(method: Method, path: string, opts: ExchangeOpts = {}): Promise<GitlabAnswer<T>> {
    const a = await this.exchange(method, path, opts);
    if (a.status === 404) return { status: 404, headers: a.headers, body: null as T };
    let body: T;
    try {
      body = (a.text.trim() ? JSON.parse(a.text) : {}) as T;
    } catch {
      throw new Errors.Upstream(`GitLab ${a.where} answered HTTP ${a.status} with a body that is not JSON (is ${this.base.origin} a GitLab?)`, { extra: { upstreamStatus: a.status } });
    }
    return { status: a.status, headers: a.headers, body };
  }

  /** A plain-text answer (a job's trace). */
  async text(path: string, signal?: AbortSignal): Promise<string> {
    return (await this.exchange('GET', path, { signal })).text;
  }

  /** One page of a list; `next` is the following page number or null. */
  async page<T>(path: string, query: Record<string, string | number | undefined>, page: number, signal?: AbortSignal): Promise<{ items: T[]; next: number | null }> {
    const a = await this.json<T[]>('GET', path, { query: { ...query, page, per_page: query.per_page ?? this.cfg.perPage }, signal });
    if (!Array.isArray(a.body)) throw new Errors.Upstream(`GitLab GET ${path} answered something else than a list`);
    return { items: a.body, next: nextPage(a.headers) };
  }

  /** Every page of a list (bounded by `maxPages`). */
  async all<T>(path: string, query: Record<string, string | number | undefined>, signal?: AbortSignal, maxPages = 50): Promise<T[]> {
    const out: T[] = [];
    let page: number | null = 1;
    for (let i = 0; page !== null && i < maxPages; i++) {
      const r: { items: T[]; next: number | null } = await this.page<T>(path, query, page, signal);
      out.push(...r.items);
      page = r.next !== null && r.next > page ? r.next : null;
    }
    return out;
  }

  private failure(status: number, text: string, where: string): Error {
    const detail = errorDetail(text, gitlabMessage, this.secrets);
    const extra = { upstreamStatus: status };
    if (status === 401) return new Errors.Auth(`GitLab ${where} refused the credentials (HTTP 401: ${detail || 'Unauthorized'}): plugins.gitlab.token is ${this.cfg.token ? 'not a valid access token (expired or revoked?)' : 'not set'}`, { extra });
    if (status === 403) return new Errors.Auth(`GitLab ${where} denied the token (HTTP 403: ${detail || 'Forbidden'}): the token needs the api scope and at least the Developer role on the project (Maintainer to deploy to a protected environment)`, { extra });
    if (status === 404) return new Errors.RecordNotFound(`GitLab ${where} answered HTTP 404 (${detail || 'Not Found'}): no such project, pipeline, job or deployment, or the token cannot see it`, { extra });
    if (status >= 300 && status < 400) return new Errors.Upstream(`GitLab ${where} answered a redirect (HTTP ${status}): is plugins.gitlab.url GitLab's root URL?`, { extra });
    return new Errors.Upstream(`GitLab ${where} answered HTTP ${status}${detail ? `: ${detail}` : ''}`, { extra });
  }

  scrub(text: string): string {
    return scrubSecrets(text, this.secrets);
  }
}

/** The HTTP status GitLab answered, when the error came from an answer. */
export function upstreamStatus(err: unknown): number | undefined {
  return (err as { extra?: { upstreamStatus?: number } })?.extra?.upstreamStatus;
}

/** A failure worth retrying while following: no answer at all, a 5xx, or a 429 whose wait did not fit. */
export function isTransient(err: unknown): boolean {
  const s = upstreamStatus(err);
  if (s === undefined) return (err as { code?: string })?.code === 'CAPSTAN_ERR_UPSTREAM_ERROR';
  return s >= 500 || s === 429;
}
