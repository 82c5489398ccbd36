/**
 * HTTP client of Alertmanager's API v2 (https://github.com/prometheus/alertmanager/blob/main/api/v2/openapi.yaml):
 * JSON in and out, basic or bearer auth, a timeout per request, keep-alive connections closed on shutdown.
 * Errors are catalogue errors naming the method and endpoint (never a credential): connection failures,
 * timeouts and 5xx are Errors.Upstream (503), 401/403 Errors.Auth (502).
 */
import http from 'node:http';
import https from 'node:https';
import { Errors } from '../../../src/core/errors.js';
import type { AlertmanagerConfig } from './config.js';

/** One answer: the HTTP status and the parsed JSON body (undefined for an empty body). */
export interface AmAnswer<T> {
  status: number;
  body: T;
}

/** The base URL without credentials, and the Authorization header to send (if any). */
export interface Endpoint {
  base: URL;
  authorization?: string;
}

/**
 * Checks the URL and auth settings; credentials written in the URL become basic auth.
 * @throws Errors.Config naming the key.
 */
export function checkEndpoint(cfg: Pick<AlertmanagerConfig, 'url' | 'username' | 'password' | 'bearerToken'>): Endpoint {
  let base: URL;
  try {
    base = new URL(cfg.url);
  } catch {
    throw new Errors.Config('plugins.alertmanager.url is not a URL');
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Errors.Config(`plugins.alertmanager.url must be http(s), not ${base.protocol}`);
  const user = cfg.username ?? (base.username ? decodeURIComponent(base.username) : undefined);
  const pass = cfg.password ?? (base.password ? decodeURIComponent(base.password) : undefined);
  base.username = '';
  base.password = '';
  base.search = '';
  base.hash = '';
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  if (cfg.bearerToken && (user || pass)) throw new Errors.Config('plugins.alertmanager: bearerToken and username/password exclude each other');
  if (pass && !user) throw new Errors.Config('plugins.alertmanager.password needs plugins.alertmanager.username');
  let authorization: string | undefined;
  if (cfg.bearerToken) authorization = `Bearer ${cfg.bearerToken}`;
  else if (user) authorization = `Basic ${Buffer.from(`${user}:${pass ?? ''}`).toString('base64')}`;
  return { base, authorization };
}

export class AlertmanagerClient {
  readonly base: URL;
  private readonly authorization?: string;
  private readonly agent: http.Agent;

  constructor(cfg: AlertmanagerConfig, private readonly timeoutMs = cfg.timeoutMs) {
    const { base, authorization } = checkEndpoint(cfg);
    this.base = base;
    this.authorization = authorization;
    this.agent = base.protocol === 'https:' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  }

  /** Base URL without credentials and without the trailing slash (for messages and links). */
  get origin(): string {
    return this.base.href.replace(/\/$/, '');
  }

  /** Closes idle keep-alive connections (plugin shutdown). */
  close(): void {
    this.agent.destroy();
  }

  /** GET `path` (relative to the base, e.g. `api/v2/alerts`) with query params (arrays repeat the key). */
  get<T>(path: string, query: Record<string, string | string[] | boolean | undefined> = {}, signal?: AbortSignal): Promise<AmAnswer<T>> {
    const url = this.url(path);
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined) continue;
      for (const one of Array.isArray(v) ? v : [v]) url.searchParams.append(k, String(one));
    }
    return this.send<T>('GET', url, undefined, signal);
  }

  post<T>(path: string, body: unknown, signal?: AbortSignal): Promise<AmAnswer<T>> {
    return this.send<T>('POST', this.url(path), body, signal);
  }

  delete(path: string, signal?: AbortSignal): Promise<AmAnswer<unknown>> {
    return this.send('DELETE', this.url(path), undefined, signal, [404]);
  }

  private url(path: string): URL {
    return new URL(path.replace(/^\//, ''), this.base);
  }

  /**
   * One request. 2xx (and the statuses in `accept`) resolve with the parsed body; anything else rejects with a
   * catalogue error whose message names the method, the endpoint path and Alertmanager's own message.
   */
  private async send<T>(method: string, url: URL, body: unknown, signal: AbortSignal | undefined, accept: number[] = []): Promise<AmAnswer<T>> {
    const where = `${method} ${url.origin}${url.pathname}`;
    const { status, text } = await this.request(method, url, body, signal);
    if ((status >= 200 && status < 300) || accept.includes(status)) {
      if (!text.trim()) return { status, body: undefined as T };
      try {
        return { status, body: JSON.parse(text) as T };
      } catch (err) {
        throw new Errors.Upstream(`Alertmanager ${where} answered HTTP ${status} with a body that is not JSON (is ${this.origin} an Alertmanager?)`, { cause: err });
      }
    }
    throw httpError(where, status, text, this.origin);
  }

  /** GET `path` as it is: HTTP status and body text, whatever they are (health checks judge them). Rejects only when no answer came. */
  probe(path: string, signal?: AbortSignal): Promise<{ status: number; text: string }> {
    return this.request('GET', this.url(path), undefined, signal);
  }

  /** One HTTP exchange; rejects with Errors.Upstream naming the endpoint when no answer came (refused, timeout, reset). */
  private request(method: string, url: URL, body: unknown, signal: AbortSignal | undefined): Promise<{ status: number; text: string }> {
    const where = `${method} ${url.origin}${url.pathname}`;
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (payload) Object.assign(headers, { 'content-type': 'application/json', 'content-length': String(payload.length) });
    if (this.authorization) headers.authorization = this.authorization;
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new Errors.Upstream(`Alertmanager ${where}: aborted`));
      const req = mod.request(url, { agent: this.agent, method, headers, timeout: this.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => reject(new Errors.Upstream(`Alertmanager ${where}: response failed: ${err.message}`, { cause: err })));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      });
      const onAbort = () => req.destroy(new Error('aborted by the caller'));
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('close', () => signal?.removeEventListener('abort', onAbort));
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms (plugins.alertmanager.timeoutMs)`)));
      req.on('error', (err: NodeJS.ErrnoException) => {
        const why = err.code && !err.message.includes(err.code) ? `${err.code} ${err.message}` : err.message;
        reject(new Errors.Upstream(`Alertmanager ${where} failed: ${why}`, { cause: err }));
      });
      req.end(payload);
    });
  }
}

/** Alertmanager's error bodies are a JSON string, `{code, message}`, or plain text. */
function amMessage(text: string): string {
  let msg = text.trim();
  try {
    const v = JSON.parse(msg) as unknown;
    if (typeof v === 'string') msg = v;
    else if (v && typeof v === 'object' && typeof (v as { message?: unknown }).message === 'string') msg = (v as { message: string }).message;
  } catch { /* plain text */ }
  return msg.slice(0, 500);
}

function httpError(where: string, status: number, text: string, origin: string): Error {
  const detail = amMessage(text);
  if (status === 401 || status === 403) {
    return new Errors.Auth(`Alertmanager ${where} refused the credentials (HTTP ${status}): check plugins.alertmanager.username/password or bearerToken`);
  }
  if (status === 404) return new Errors.Upstream(`Alertmanager ${where} answered HTTP 404 (is ${origin} an Alertmanager with API v2?)${detail ? `: ${detail}` : ''}`);
  return new Errors.Upstream(`Alertmanager ${where} answered HTTP ${status}${detail ? `: ${detail}` : ''}`);
}
