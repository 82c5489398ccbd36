/**
 * HTTP client of Jenkins' Remote Access API (/work/shared/reference/cicd-apis.md section 1; Jenkins core
 * sources cited there): HTTP Basic with the user's API token, the CSRF crumb when one is needed (no token
 * configured, or a POST answered 403 "No valid crumb"), bound to the session cookie the crumb request set,
 * which is therefore kept and sent back; 429 answers waited out (Retry-After) within maxRateLimitWaitMs and
 * the caller's signal. Bodies are read as bytes (the console log counts bytes). Errors are catalogue errors
 * naming the endpoint (method, origin, path: never the query, never a header); the token is scrubbed from
 * every message.
 */
import { Errors } from '../../../src/core/errors.js';
import { isStaleConnection, scrubSecrets, sleep, transportReason } from '../../../src/core/http-json.js';
import { checkToolUrl, retryAfterMs } from '../../../src/core/tool-url.js';
import type { JenkinsConfig } from './config.js';

export interface JenkinsAnswer {
  status: number;
  headers: Headers;
  bytes: Uint8Array;
  where: string;
}

export interface RequestOptions {
  query?: URLSearchParams;
  /** Sent as application/x-www-form-urlencoded. */
  form?: URLSearchParams;
  signal?: AbortSignal;
  /** Statuses returned to the caller instead of thrown (besides 2xx and 3xx). */
  accept?: number[];
  /** Cuts a 429 wait only (Jenkins did nothing yet), not the request itself (the trigger POST, sent without `signal`). */
  waitSignal?: AbortSignal;
}

/** Checks url; throws Errors.Config naming the key. */
export function checkJenkinsUrl(cfg: Pick<JenkinsConfig, 'url' | 'allowPlainHttp'>): URL {
  return checkToolUrl(cfg.url, { key: 'plugins.jenkins.url', credentialsIn: 'plugins.jenkins.user and token', allowPlainHttp: cfg.allowPlainHttp });
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** Jenkins' own words from an error page: the <title>, the first error paragraph, or the text itself (short). */
export function jenkinsMessage(body: string): string {
  const h = /<h([12])[^>]*>([\s\S]*?)<\/h\1>/i.exec(body);
  const title = /<title>([\s\S]*?)<\/title>/i.exec(body)?.[1];
  const raw = h ? h[2].replace(/^\s*HTTP ERROR \d+\s*/i, '') : title ?? body;
  return raw.replace(/<[^>]+>/g, ' ').replace(/&[a-z]+;/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300);
}

export class JenkinsClient {
  readonly base: URL;
  private crumb?: { field: string; value: string };
  private readonly cookies = new Map<string, string>();

  constructor(private readonly cfg: JenkinsConfig) {
    this.base = checkJenkinsUrl(cfg);
  }

  /** `path` under Jenkins' root URL (keeps a context path such as `/jenkins`); an absolute URL of the same origin as is. */
  url(path: string, query?: URLSearchParams): URL {
    let u: URL;
    if (/^https?:\/\//.test(path)) {
      const abs = new URL(path);
      // Jenkins builds absolute URLs from the request's host: keep our own origin, only take the path.
      u = new URL(`${abs.pathname}${abs.search}`, this.base.origin);
    } else {
      const root = this.base.href.endsWith('/') ? this.base.href : `${this.base.href}/`;
      u = new URL(path.replace(/^\//, ''), root);
    }
    if (query) u.search = query.toString();
    return u;
  }

  /** The secrets this client must never show. */
  get secrets(): string[] {
    return [this.cfg.token, this.cfg.token && this.cfg.user ? Buffer.from(`${this.cfg.user}:${this.cfg.token}`).toString('base64') : undefined].filter((s): s is string => !!s);
  }

  scrub(s: string): string {
    return scrubSecrets(s, this.secrets);
  }

  /** GET <path> as JSON. */
  async json<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    const a = await this.request('GET', path, opts);
    try {
      return JSON.parse(text(a.bytes)) as T;
    } catch (err) {
      throw new Errors.Upstream(`Jenkins ${a.where} answered HTTP ${a.status} with a body that is not JSON (is ${this.base.origin} a Jenkins?)`, { cause: err, extra: { upstreamStatus: a.status } });
    }
  }

  /** One request; POSTs carry the crumb when one is needed (fetched again once after a 403 "No valid crumb"). */
  async request(method: 'GET' | 'POST', path: string, opts: RequestOptions = {}): Promise<JenkinsAnswer> {
    if (method === 'POST' && !this.cfg.token && !this.crumb) await this.fetchCrumb(opts.signal);
    let a = await this.send(method, path, opts);
    if (method === 'POST' && a.status === 403 && /crumb/i.test(text(a.bytes))) {
      await this.fetchCrumb(opts.signal);
      a = await this.send(method, path, opts);
    }
    if ((a.status >= 200 && a.status < 400) || opts.accept?.includes(a.status)) return a;
    throw this.failure(a);
  }

  /** GET /crumbIssuer/api/json; the session cookie it sets is kept (the crumb is bound to it). No crumb issuer (404): none needed. */
  private async fetchCrumb(signal?: AbortSignal): Promise<void> {
    const a = await this.send('GET', 'crumbIssuer/api/json', { signal });
    if (a.status === 404) return;
    if (a.status !== 200) throw this.failure(a);
    const body = JSON.parse(text(a.bytes)) as { crumb?: string; crumbRequestField?: string };
    if (body.crumb) this.crumb = { field: body.crumbRequestField ?? 'Jenkins-Crumb', value: body.crumb };
  }

  private async send(method: 'GET' | 'POST', path: string, opts: RequestOptions): Promise<JenkinsAnswer> {
    const url = this.url(path, opts.query);
    const where = `${method} ${url.origin}${url.pathname}`;
    const headers: Record<string, string> = { accept: 'application/json, text/plain;q=0.9, */*;q=0.1' };
    if (this.cfg.user && this.cfg.token) headers.authorization = `Basic ${Buffer.from(`${this.cfg.user}:${this.cfg.token}`).toString('base64')}`;
    if (method === 'POST' && this.crumb) headers[this.crumb.field] = this.crumb.value;
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (opts.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    let stale = false;
    for (let attempt = 0; ; attempt++) {
      const signal = opts.signal ? AbortSignal.any([opts.signal, AbortSignal.timeout(this.cfg.timeoutMs)]) : AbortSignal.timeout(this.cfg.timeoutMs);
      let res: Response;
      let bytes: Uint8Array;
      try {
        res = await fetch(url, { method, headers, body: opts.form?.toString(), signal, redirect: 'manual' });
        bytes = new Uint8Array(await res.arrayBuffer());
      } catch (err) {
        if (method !== 'POST' && !stale && isStaleConnection(err) && !opts.signal?.aborted) {
          stale = true;
          continue;
        }
        throw new Errors.Upstream(`Jenkins ${where} failed: ${transportReason(err, { signal: opts.signal, timeoutMs: this.cfg.timeoutMs, timeoutKey: 'plugins.jenkins.timeoutMs', secrets: this.secrets })}`, { cause: err });
      }
      for (const c of res.headers.getSetCookie()) {
        const m = /^\s*([^=;\s]+)=([^;]*)/.exec(c);
        if (m) this.cookies.set(m[1], m[2]);
      }
      if (res.status === 429 && attempt < 5) {
        const wait = retryAfterMs(res.headers.get('retry-after')) ?? 1000;
        const waitSignal = opts.signal && opts.waitSignal ? AbortSignal.any([opts.signal, opts.waitSignal]) : opts.signal ?? opts.waitSignal;
        if (wait <= this.cfg.maxRateLimitWaitMs && !waitSignal?.aborted) {
          try {
            await sleep(wait, waitSignal);
            continue;
          } catch { /* the caller's time ran out: report below */ }
        }
        throw new Errors.Upstream(`Jenkins ${where} is rate limiting (HTTP 429, Retry-After ${res.headers.get('retry-after') ?? 'absent'}); the wait does not fit plugins.jenkins.maxRateLimitWaitMs (${this.cfg.maxRateLimitWaitMs} ms) or the run's time`, { extra: { upstreamStatus: 429 } });
      }
      return { status: res.status, headers: res.headers, bytes, where };
    }
  }

  /** The catalogue error of a non-2xx answer. */
  failure(a: JenkinsAnswer): Error {
    const detail = this.scrub(jenkinsMessage(text(a.bytes)));
    const words = detail ? `: ${detail}` : '';
    const extra = { upstreamStatus: a.status };
    const s = a.status;
    if (s === 401) return new Errors.Auth(`Jenkins ${a.where} refused the credentials (HTTP 401${words}): check plugins.jenkins.user and plugins.jenkins.token (${this.cfg.token ? 'an API token is set' : 'no token is set'})`, { extra });
    if (s === 403) return new Errors.Auth(`Jenkins ${a.where} denied the request (HTTP 403${words}): the user '${this.cfg.user ?? 'anonymous'}' lacks a permission (Job/Read, Job/Build, Job/Cancel) or the CSRF crumb was refused`, { extra });
    if (s === 404) return new Errors.RecordNotFound(`Jenkins ${a.where} answered HTTP 404: no such job, build or queue item (or the user may not see it)`, { extra });
    if (s === 400 || s === 405 || s === 409 || s === 422) return new Errors.DeploymentFailed(`Jenkins ${a.where} refused the request (HTTP ${s}${words})`, { extra });
    if (s >= 300 && s < 400) return new Errors.Upstream(`Jenkins ${a.where} answered a redirect (HTTP ${s}): is plugins.jenkins.url Jenkins' root URL?`, { extra });
    return new Errors.Upstream(`Jenkins ${a.where} answered HTTP ${s}${words}`, { extra });
  }
}
