/**
 * HTTP client of PuppetDB's query API v4 (https://puppet.com/docs/puppetdb/latest/api/query/v4/overview):
 * TLS with the Puppet CA and a client certificate, or plain HTTP on loopback; a timeout per request, retries
 * of connection errors, timeouts and 5xx (opts.helpers.withRetry), one circuit breaker around it all; paging
 * parameters (`limit`, `offset`, `order_by`, `include_total` -> the `X-Records` header).
 */
import { isLoopbackHostname, readTlsFiles } from '../../../src/core/tls-files.js';
import http from 'node:http';
import https from 'node:https';
import { Errors } from '../../../src/core/errors.js';
import type { Breaker, PluginHelpers } from '../../../src/core/helpers-api.js';
import { serialize, type Ast } from './ast.js';
import type { PuppetDbConfig } from './config.js';

/** One answer: the parsed JSON body and, when asked with include_total, the total row count. */
export interface PdbAnswer<T> {
  body: T;
  total?: number;
}

export interface QueryOptions {
  /** AST (serialised here) or PQL text (root endpoint only). */
  query?: Ast | string;
  limit?: number;
  offset?: number;
  orderBy?: { field: string; order?: 'asc' | 'desc' }[];
  includeTotal?: boolean;
  signal?: AbortSignal;
}

/** Checks the URL and TLS settings; throws Errors.Config naming the key. */
export function checkEndpoint(cfg: PuppetDbConfig): URL {
  let url: URL;
  try {
    url = new URL(cfg.url);
  } catch {
    throw new Errors.Config(`plugins.puppetdb.url is not a URL: ${cfg.url}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Errors.Config(`plugins.puppetdb.url must be http(s): ${cfg.url}`);
  if (url.protocol === 'http:' && !isLoopbackHostname(url.hostname) && !cfg.allowPlainHttp) {
    throw new Errors.Config(`plugins.puppetdb.url ${cfg.url}: plain HTTP is accepted on loopback only; use https with ca, cert and key (or set allowPlainHttp)`);
  }
  if ((cfg.cert && !cfg.key) || (!cfg.cert && cfg.key)) throw new Errors.Config('plugins.puppetdb.cert and plugins.puppetdb.key go together');
  return url;
}

export class PuppetDbClient {
  readonly base: URL;
  private readonly agent: http.Agent;
  private readonly breaker: Breaker;

  constructor(private readonly cfg: PuppetDbConfig, private readonly helpers: PluginHelpers) {
    this.base = checkEndpoint(cfg);
    if (this.base.protocol === 'https:') {
      this.agent = new https.Agent({ keepAlive: true, ...readTlsFiles('plugins.puppetdb', cfg) });
    } else {
      this.agent = new http.Agent({ keepAlive: true });
    }
    this.breaker = helpers.createCircuitBreaker('puppetdb', { failureThreshold: cfg.breakerThreshold, resetMs: cfg.breakerResetMs });
  }

  get breakerState(): string {
    return this.breaker.state;
  }

  close(): void {
    this.agent.destroy();
  }

  /** A query endpoint (`nodes`, `reports`, `factsets`, ...; '' = the root endpoint). */
  async query<T>(endpoint: string, o: QueryOptions = {}): Promise<PdbAnswer<T>> {
    const params = new URLSearchParams();
    if (o.query !== undefined) params.set('query', typeof o.query === 'string' ? o.query : serialize(o.query));
    if (o.limit !== undefined) params.set('limit', String(o.limit));
    if (o.offset) params.set('offset', String(o.offset));
    if (o.orderBy?.length) params.set('order_by', JSON.stringify(o.orderBy.map((x) => ({ field: x.field, order: x.order ?? 'asc' }))));
    if (o.includeTotal) params.set('include_total', 'true');
    return this.get<T>(`/pdb/query/v4${endpoint ? `/${endpoint}` : ''}`, params, o.signal);
  }

  /** GET a path of the PuppetDB server (query, meta or status API) through the breaker and retries. */
  async get<T>(path: string, params?: URLSearchParams, signal?: AbortSignal): Promise<PdbAnswer<T>> {
    const url = new URL(path, this.base);
    if (params) url.search = params.toString();
    return this.breaker.call(() => this.helpers.withRetry(() => this.once<T>(url, signal), { attempts: this.cfg.attempts, baseMs: 100, maxMs: 2000, signal }));
  }

  /** One request without retry or breaker (health checks: they must see PuppetDB as it is now). */
  probe<T>(path: string): Promise<PdbAnswer<T>> {
    return this.once<T>(new URL(path, this.base));
  }

  /** One request; errors name the endpoint (path only: the query can be long) and why. */
  private once<T>(url: URL, signal?: AbortSignal): Promise<PdbAnswer<T>> {
    const where = `${url.origin}${url.pathname}`;
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise<PdbAnswer<T>>((resolve, reject) => {
      if (signal?.aborted) return reject(new Errors.Upstream(`PuppetDB request to ${where} aborted`));
      const req = mod.request(url, { agent: this.agent, method: 'GET', headers: { accept: 'application/json' }, timeout: this.cfg.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => reject(new Errors.Upstream(`PuppetDB ${where}: response failed: ${err.message}`, { cause: err })));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            let body: T;
            try {
              body = JSON.parse(text) as T;
            } catch (err) {
              return reject(new Errors.Upstream(`PuppetDB ${where} answered HTTP ${status} with a body that is not JSON`, { cause: err }));
            }
            const records = res.headers['x-records'];
            const total = typeof records === 'string' && /^\d+$/.test(records) ? Number(records) : undefined;
            return resolve(total === undefined ? { body } : { body, total });
          }
          const detail = text.trim().slice(0, 500);
          if (status === 400) return reject(new Errors.CapabilityParams(`PuppetDB refused the query (${where}, HTTP 400): ${detail}`));
          if (status === 401 || status === 403) return reject(new Errors.Auth(`PuppetDB ${where} refused the client (HTTP ${status}): ${detail || 'check plugins.puppetdb.cert/key and PuppetDB certificate-allowlist'}`));
          if (status === 404) return reject(new Errors.Upstream(`PuppetDB ${where} answered HTTP 404 (is ${this.base.origin} a PuppetDB?): ${detail}`));
          return reject(new Errors.Upstream(`PuppetDB ${where} answered HTTP ${status}: ${detail}`));
        });
      });
      const onAbort = () => req.destroy(new Error('aborted by the caller'));
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('close', () => signal?.removeEventListener('abort', onAbort));
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.cfg.timeoutMs} ms (plugins.puppetdb.timeoutMs)`)));
      req.on('error', (err: NodeJS.ErrnoException) => {
        const why = err.code ? `${err.code} ${err.message}` : err.message;
        reject(new Errors.Upstream(`PuppetDB ${where} failed: ${why}`, { cause: err }));
      });
      req.end();
    });
  }
}
