/**
 * HTTP client of GitHub's REST API (reference: /work/shared/reference/cicd-apis.md §3.1–3.4, 3.9, and the
 * GitHub docs it cites): JSON with `Accept: application/vnd.github+json`, `X-GitHub-Api-Version`,
 * `Authorization: Bearer <token>` and a User-Agent (GitHub refuses requests without one); Link pagination;
 * rate limits WAITED, never failed early: a primary limit (`x-ratelimit-remaining: 0` + `x-ratelimit-reset`,
 * on a 403/429 or already on a 2xx: the next request waits for the reset) and a secondary one (403/429 with
 * `retry-after`, or the "secondary rate limit" message: retry-after, else 60 s doubling), each wait bounded by
 * the caller (a run's own time, a query's maxRateLimitWaitMs) and told through `notice`. Errors are catalogue
 * errors naming the endpoint (method, origin, path; never a header nor the query): 401/403 Errors.Auth,
 * 404 Errors.RecordNotFound, 422 Errors.CapabilityParams, others Errors.Upstream with `upstreamStatus`. Job
 * logs: the 302 `Location` (a signed storage URL) is fetched WITHOUT the Authorization header.
 */
import { Errors } from '../../../src/core/errors.js';
import { errorDetail, exchangeJson, scrubSecrets, sleep, type HttpJsonMethod } from '../../../src/core/http-json.js';
import { checkToolUrl, retryAfterMs } from '../../../src/core/tool-url.js';
import type { GitHubActionsConfig } from './config.js';

const KEY = 'plugins.github-actions';

export interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** How a caller bears rate-limit waits: the longest one accepted, and where to say that it waits. */
export interface WaitPolicy {
  maxWaitMs: number;
  notice?: (message: string) => void;
}

export interface CallOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  signal?: AbortSignal;
  /**
   * Cuts the rate-limit waits only (default: `signal`): a request sent without the run's signal (the dispatch,
   * R4) still has its waits before sending cut by the run's abort; aborted there, WaitAborted is thrown and
   * nothing was sent.
   */
  waitSignal?: AbortSignal;
  wait?: WaitPolicy;
  /** Statuses answered as they are instead of thrown (e.g. 404 for "unknown", 409 for cancel). */
  allow?: number[];
}

interface GitHubErrorBody {
  message?: string;
  errors?: (string | { code?: string; field?: string; message?: string; resource?: string })[];
}

/** Checks apiUrl; throws Errors.Config naming the key. */
export function checkApiUrl(cfg: GitHubActionsConfig): URL {
  return checkToolUrl(cfg.apiUrl, { key: `${KEY}.apiUrl`, credentialsIn: `${KEY}.token`, allowPlainHttp: cfg.allowPlainHttp });
}

/** The `rel="next"` URL of a Link header, or undefined. */
export function nextLink(link: string | null): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*(.*)$/.exec(part.trim());
    if (m && /\brel="?([^";]*\s)?next(\s[^";]*)?"?/.test(m[2])) return m[1];
  }
  return undefined;
}

/**
 * How long (ms) a rate-limited answer asks to wait, or undefined when the answer is not a rate limit (a 403
 * that is a permission problem). `attempt` doubles the secondary-limit default (60 s).
 */
export function rateLimitWaitMs(status: number, headers: Headers, text: string, attempt: number, now = Date.now()): number | undefined {
  const ms = askedWaitMs(status, headers, text, attempt, now);
  return ms === undefined ? undefined : Math.min(ms, 2 ** 31 - 1);
}

function askedWaitMs(status: number, headers: Headers, text: string, attempt: number, now: number): number | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const asked = retryAfterMs(headers.get('retry-after'), now);
  if (asked !== undefined) return asked;
  const remaining = headers.get('x-ratelimit-remaining');
  const reset = Number(headers.get('x-ratelimit-reset'));
  if (remaining === '0' && Number.isFinite(reset) && reset > 0) return Math.max(1000, reset * 1000 - now + 200);
  if (status === 429 || /rate limit/i.test(text)) return Math.min(15 * 60_000, 60_000 * 2 ** attempt);
  return undefined;
}

/** A rate-limit wait cut by the caller's abort: the request was not sent (again). */
export class WaitAborted extends Error {
  constructor(readonly reason: unknown) {
    super('aborted while waiting for a rate limit: the request was not sent');
  }
}

async function cutSleep(ms: number, signal: AbortSignal | undefined, own: boolean): Promise<void> {
  try {
    await sleep(ms, signal);
  } catch (err) {
    if (own && signal?.aborted) throw new WaitAborted(signal.reason);
    throw err;
  }
}

export class GitHubClient {
  readonly base: URL;
  /** Epoch ms before which no request is sent: the primary budget is spent until its reset. */
  private blockedUntil = 0;

  constructor(private readonly cfg: GitHubActionsConfig) {
    this.base = checkApiUrl(cfg);
  }

  /** `path` under the API root (keeps GHES's /api/v3). */
  url(path: string, query?: CallOptions['query']): URL {
    const root = this.base.href.endsWith('/') ? this.base.href : `${this.base.href}/`;
    const u = new URL(path.replace(/^\//, ''), root);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u;
  }

  /** Path of a repository (`repos/o/r`), each part URL-encoded. */
  repoPath(repo: string): string {
    const [owner, name] = repo.split('/');
    return `repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
  }

  private headers(): Record<string, string> {
    const h: Record<string, string> = {
      accept: 'application/vnd.github+json', 'x-github-api-version': this.cfg.apiVersion, 'user-agent': 'capstan-github-actions',
    };
    if (this.cfg.token) h.authorization = `Bearer ${this.cfg.token}`;
    return h;
  }

  /** One request (a path under the API root, or an absolute URL of the same origin from a Link header). */
  async request<T>(method: HttpJsonMethod, pathOrUrl: string | URL, opts: CallOptions = {}): Promise<Answer<T>> {
    const url = typeof pathOrUrl === 'string' ? this.url(pathOrUrl, opts.query) : pathOrUrl;
    if (url.origin !== this.base.origin) throw new Errors.Upstream(`GitHub pointed to ${url.origin}, not ${this.base.origin}: not followed (the token goes to the API only)`);
    const wait = opts.wait ?? { maxWaitMs: this.cfg.maxRateLimitWaitMs };
    const waitSignal = opts.waitSignal ?? opts.signal;
    for (let attempt = 0; ; attempt++) {
      await this.waitReset(wait, waitSignal, `${method} ${url.pathname}`, !!opts.waitSignal);
      const answer = await exchangeJson({
        service: 'GitHub', method, url, headers: this.headers(), body: opts.body, signal: opts.signal,
        timeoutMs: this.cfg.timeoutMs, timeoutKey: `${KEY}.timeoutMs`, secrets: [this.cfg.token],
        // 429 and 403 rate limits are judged here (both statuses, both kinds): the helper returns them as they are.
        rateLimit: { maxWaitMs: 0, maxRetries: 0, waitMs: () => 0, tooLong: () => new Errors.Upstream('unreachable') },
        onResponse: (res) => this.note(res.headers),
      });
      const { status } = answer;
      const ms = rateLimitWaitMs(status, answer.headers, answer.text, attempt);
      if (ms !== undefined && !(opts.allow ?? []).includes(status)) {
        if (ms > wait.maxWaitMs) {
          throw new Errors.Upstream(`GitHub ${answer.where} is rate limiting (HTTP ${status}${answer.headers.get('retry-after') ? `, retry-after ${answer.headers.get('retry-after')} s` : ''}); a wait of ${Math.ceil(ms / 1000)} s does not fit ${KEY}.maxRateLimitWaitMs (${wait.maxWaitMs} ms)`, { extra: { upstreamStatus: status } });
        }
        wait.notice?.(`GitHub rate limit reached (HTTP ${status}); waiting ${Math.ceil(ms / 1000)} s before retrying ${method} ${url.pathname}`);
        await cutSleep(ms, waitSignal, !!opts.waitSignal);
        continue;
      }
      if ((status >= 200 && status < 300) || (opts.allow ?? []).includes(status) || status === 302) {
        let body = {} as T;
        if (answer.text) {
          try {
            body = JSON.parse(answer.text) as T;
          } catch (err) {
            if (status < 300) throw new Errors.Upstream(`GitHub ${answer.where} answered HTTP ${status} with a body that is not JSON (is ${this.base.origin} the GitHub REST API?)`, { cause: err });
          }
        }
        return { status, headers: answer.headers, body };
      }
      throw this.failure(status, answer.text, answer.where);
    }
  }

  /** Every page of a list (Link `rel="next"`), up to maxPages; `key` picks the array in wrapped lists. */
  async paginate<T>(path: string, query: CallOptions['query'], key: string | null, opts: CallOptions & { maxPages?: number; maxItems?: number } = {}): Promise<T[]> {
    const out: T[] = [];
    let next: string | URL | undefined = path;
    let first = true;
    for (let n = 0; next && n < (opts.maxPages ?? 50) && out.length < (opts.maxItems ?? Infinity); n++) {
      const a: Answer<unknown> = await this.request<unknown>('GET', next, { ...opts, query: first ? query : undefined });
      first = false;
      const items = (key ? (a.body as Record<string, unknown>)[key] : a.body) as T[] | undefined;
      out.push(...(Array.isArray(items) ? items : []));
      const link = nextLink(a.headers.get('link'));
      next = link ? new URL(link, this.base) : undefined;
    }
    return out;
  }

  /**
   * The text of a job's log: `GET …/actions/jobs/{id}/logs` answers 302 with a signed `Location`, fetched
   * without the Authorization header (another host). `{ missing }` when GitHub has no log: 404 from the API (none
   * yet: right after a job completes its log can take a moment to appear), 410 or an expired signed URL (gone).
   */
  async jobLog(repo: string, jobId: number, opts: CallOptions = {}): Promise<string | { missing: number }> {
    const a = await this.request<unknown>('GET', `${this.repoPath(repo)}/actions/jobs/${jobId}/logs`, { ...opts, allow: [404, 410] });
    if (a.status === 404 || a.status === 410) return { missing: a.status };
    const location = a.headers.get('location');
    if (a.status !== 302 || !location) throw new Errors.Upstream(`GitHub GET ${this.base.origin}/…/actions/jobs/${jobId}/logs answered HTTP ${a.status} without a Location`, { extra: { upstreamStatus: a.status } });
    const target = new URL(location, this.base);
    const signal = opts.signal ? AbortSignal.any([opts.signal, AbortSignal.timeout(this.cfg.timeoutMs * 4)]) : AbortSignal.timeout(this.cfg.timeoutMs * 4);
    let res: Response;
    try {
      // No Authorization: the signed URL is its own credential, and the token never leaves for another host.
      res = await fetch(target, { headers: { 'user-agent': 'capstan-github-actions' }, redirect: 'follow', signal });
    } catch (err) {
      throw new Errors.Upstream(`GitHub log storage ${target.origin}${target.pathname} failed: ${(err as Error).message}`, { cause: err });
    }
    const text = await res.text();
    if (res.status === 404 || res.status === 410 || res.status === 403) return { missing: 410 }; // the signed URL expired
    if (res.status !== 200) throw new Errors.Upstream(`GitHub log storage ${target.origin}${target.pathname} answered HTTP ${res.status}`, { extra: { upstreamStatus: res.status } });
    return text;
  }

  /** Remembers a spent primary budget (`x-ratelimit-remaining: 0`) until its reset. */
  private note(h: Headers): void {
    const reset = Number(h.get('x-ratelimit-reset'));
    if (h.get('x-ratelimit-remaining') === '0' && Number.isFinite(reset) && reset > 0) this.blockedUntil = Math.max(this.blockedUntil, reset * 1000 + 200);
  }

  private async waitReset(wait: WaitPolicy, signal: AbortSignal | undefined, what: string, own: boolean): Promise<void> {
    const ms = this.blockedUntil - Date.now();
    if (ms <= 0) return;
    if (ms > wait.maxWaitMs) {
      throw new Errors.Upstream(`GitHub's rate limit of this token is spent until ${new Date(this.blockedUntil).toISOString()}; a wait of ${Math.ceil(ms / 1000)} s does not fit ${KEY}.maxRateLimitWaitMs (${wait.maxWaitMs} ms)`, { extra: { upstreamStatus: 403 } });
    }
    wait.notice?.(`GitHub rate limit of the token spent (x-ratelimit-remaining 0); waiting ${Math.ceil(ms / 1000)} s for its reset before ${what}`);
    await cutSleep(ms, signal, own);
  }

  private failure(status: number, text: string, where: string): Error {
    const detail = errorDetail(text, (b) => {
      const e = b as GitHubErrorBody;
      const more = (e.errors ?? []).map((x) => (typeof x === 'string' ? x : x.message ?? [x.resource, x.field, x.code].filter(Boolean).join(' '))).filter(Boolean);
      return e.message ? `${e.message}${more.length ? ` (${more.join('; ')})` : ''}` : undefined;
    }, [this.cfg.token]);
    const extra = { upstreamStatus: status };
    const said = detail ? `: ${detail}` : '';
    if (status === 401) return new Errors.Auth(`GitHub ${where} refused the credentials (HTTP 401${said}): ${KEY}.token is ${this.cfg.token ? 'not a valid token' : 'not set'}`, { extra });
    if (status === 403) return new Errors.Auth(`GitHub ${where} denied the token (HTTP 403${said}): it needs Actions read and write, Deployments read and Metadata read on the repository (classic tokens: repo)`, { extra });
    if (status === 404) return new Errors.RecordNotFound(`GitHub ${where} answered HTTP 404${said}: the repository, workflow, run or deployment does not exist or is not visible to the token`, { extra });
    if (status === 422) return new Errors.CapabilityParams(`GitHub ${where} refused the request (HTTP 422${said}): check that the workflow has a workflow_dispatch trigger declaring these inputs, and that the ref exists`, { extra });
    if (status === 400 || status === 410) return new Errors.Upstream(`GitHub ${where} answered HTTP ${status}${said}: is ${KEY}.apiVersion (${this.cfg.apiVersion}) a version this GitHub supports?`, { extra });
    if (status >= 300 && status < 400) return new Errors.Upstream(`GitHub ${where} answered a redirect (HTTP ${status}): is ${KEY}.apiUrl the REST API root?`, { extra });
    return new Errors.Upstream(`GitHub ${where} answered HTTP ${status}${said}`, { extra });
  }

  scrub(text: string): string {
    return scrubSecrets(text, [this.cfg.token]);
  }
}

/** The HTTP status an error carries (`extra.upstreamStatus`), when it came from an answer. */
export function upstreamStatus(err: unknown): number | undefined {
  return (err as { extra?: { upstreamStatus?: number } }).extra?.upstreamStatus;
}

/** A failure worth trying again while following: no answer (network, timeout) or a 5xx. */
export function isTransient(err: unknown): boolean {
  const s = upstreamStatus(err);
  const code = (err as { code?: string }).code ?? '';
  if (s === undefined) return code === 'CAPSTAN_ERR_UPSTREAM_ERROR';
  return s >= 500;
}


/** At most this many requests to GitHub in flight per run or query (GitHub asks for serial requests). */
export const MAX_IN_FLIGHT = 4;
