/**
 * HTTPS client of the Icinga 2 REST API v1 (https://icinga.com/docs/icinga-2/latest/doc/12-icinga2-api/):
 * HTTP Basic auth, the Icinga CA (or no verification, tests only), `Accept: application/json` on every request,
 * a timeout per request, retries of reads on connection errors, timeouts and 5xx. Object queries are POSTs with
 * `X-HTTP-Method-Override: GET` and a JSON body (filter + filter_vars, attrs, joins), so no user value is ever
 * spliced into a filter or a URL. Every request asks `verbose=1`, so that a refusal for a missing permission
 * (Icinga answers 404 "No objects found.", not 403) carries "Missing permission: <name>" and can be named.
 * Answers as recorded from Icinga 2.13.6: /work/shared/reference/icinga/outputs (copies in test/fixtures).
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import { Errors } from '../../../src/core/errors.js';
import type { PluginHelpers } from '../../../src/core/helpers-api.js';
import type { IcingaConfig } from './config.js';

/** Largest answer body read (bytes); a bigger one is refused rather than held in memory. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Error codes of Node's TLS layer that mean the API's certificate could not be verified. */
const TLS_CODES = /^(ERR_TLS_CERT_ALTNAME_INVALID|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_.*|CERT_.*|HOSTNAME_MISMATCH|ERR_SSL_.*)$/;

/** One object of an /v1/objects answer. */
export interface IcingaObject<A = Record<string, unknown>> {
  name: string;
  type: string;
  attrs: A;
  joins?: Record<string, Record<string, unknown> | undefined>;
}

/** One entry of an /v1/actions answer: `code` 200 on success, else Icinga's reason in `status`. */
export interface ActionResult {
  code: number;
  status: string;
  name?: string;
  [key: string]: unknown;
}

/** An object query: a filter whose values come from `filter_vars` only, the attributes and joins wanted. */
export interface ObjectQuery {
  filter?: string;
  filter_vars?: Record<string, string | number | boolean>;
  attrs?: readonly string[];
  joins?: readonly string[];
}

/** The API's `/v1` URL from the configured base URL (`https://host:5665`, with or without `/v1`). */
export function apiBase(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // Never the text itself: a URL with userinfo would put the password into errors, health and logs.
    throw new Errors.Config('plugins.icinga.url is not a URL (expected https://host:5665)');
  }
  if (u.protocol !== 'https:') throw new Errors.Config(`plugins.icinga.url must be https:// (the Icinga 2 API speaks TLS only), not ${u.protocol}`);
  if (u.username || u.password) throw new Errors.Config('plugins.icinga.url must not hold credentials: use plugins.icinga.user and password');
  const path = u.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  return new URL(`${u.origin}${path}/v1/`);
}

/** Why a request failed, in words that name the cause (TLS, refused, timeout); never the credentials. */
export function describeNetworkError(err: NodeJS.ErrnoException): string {
  const code = err.code ?? '';
  if (code === 'ABORT_ERR') return 'aborted by the caller';
  if (TLS_CODES.test(code)) {
    return `TLS verification failed: ${code} ${err.message} (set plugins.icinga.caFile to the Icinga CA, and serverName to the name in the API certificate)`;
  }
  return `unreachable: ${code && !err.message.includes(code) ? `${code} ` : ''}${err.message}`;
}

/** The permission Icinga names in a verbose refusal ("Missing permission: objects/query/service"). */
export function missingPermission(body: unknown): string | undefined {
  const info = (body as { diagnostic_information?: unknown } | undefined)?.diagnostic_information;
  const m = typeof info === 'string' ? /Missing permission: ([^\s]+)/.exec(info) : null;
  return m?.[1];
}

interface Answer {
  status: number;
  body: unknown;
}

export class IcingaClient {
  readonly base: URL;
  private readonly agent: https.Agent;
  private readonly auth: string;

  constructor(private readonly cfg: IcingaConfig, private readonly helpers: PluginHelpers) {
    this.base = apiBase(cfg.url);
    let ca: Buffer | undefined;
    if (cfg.caFile) {
      try {
        ca = readFileSync(cfg.caFile);
      } catch (err) {
        throw new Errors.Config(`plugins.icinga.caFile: cannot read ${cfg.caFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
      }
    }
    this.agent = new https.Agent({ keepAlive: true, ca, rejectUnauthorized: !cfg.insecure, ...(cfg.serverName ? { servername: cfg.serverName } : {}) });
    this.auth = `Basic ${Buffer.from(`${cfg.user}:${cfg.password}`, 'utf8').toString('base64')}`;
  }

  get origin(): string {
    return this.base.origin;
  }

  close(): void {
    this.agent.destroy();
  }

  /**
   * Objects of one type (`hosts`, `services`, `comments`, `downtimes`) matching the query, retried on
   * retryable failures. An empty list when none match.
   * @throws Errors.Auth (401, missing permission), Errors.Upstream (unreachable, TLS, other answers)
   */
  async objects<A>(plural: string, query: ObjectQuery, signal?: AbortSignal): Promise<IcingaObject<A>[]> {
    const path = `objects/${plural}`;
    const answer = await this.helpers.withRetry(
      () => this.request('POST', path, query, { 'x-http-method-override': 'GET' }, signal),
      { attempts: this.cfg.attempts, baseMs: 100, maxMs: 2000, signal },
    );
    if (answer.status !== 200) throw this.failure('POST', path, answer);
    return ((answer.body as { results?: IcingaObject<A>[] }).results ?? []);
  }

  /** GET a path under /v1 (status, probes): the raw status and body; network and TLS failures throw. */
  get(path: string, signal?: AbortSignal): Promise<Answer> {
    return this.request('GET', path, undefined, {}, signal);
  }

  /**
   * Runs an action (`acknowledge-problem`, `remove-acknowledgement`, `schedule-downtime`, ...), never
   * retried. Answers with Icinga's per-object results, also when the HTTP status is not 200 (a filter that
   * matches nothing is HTTP 500 with no results; a refused object is its own `code`, e.g. 409).
   * @throws Errors.Auth (401, missing permission), Errors.Upstream (unreachable, TLS, an answer without results)
   */
  async action(name: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<ActionResult[]> {
    const path = `actions/${name}`;
    const answer = await this.request('POST', path, body, {}, signal);
    const results = (answer.body as { results?: unknown } | undefined)?.results;
    if (answer.status === 401 || missingPermission(answer.body) || !Array.isArray(results)) throw this.failure('POST', path, answer);
    return results as ActionResult[];
  }

  /**
   * Opens a long-lived POST (the event stream, /v1/events): resolves with the response once it answers 200;
   * the connection timeout applies until then only.
   */
  openStream(path: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const url = new URL(`${path}?verbose=1`, this.base);
      const req = https.request(url, { agent: this.agent, method: 'POST', headers: this.headers(body), timeout: this.cfg.timeoutMs }, (res) => {
        if (res.statusCode === 200) {
          req.setTimeout(0);
          res.socket.setKeepAlive(true, 30_000);
          return resolve(res);
        }
        this.readBody(res).then((text) => reject(this.failure('POST', path, { status: res.statusCode ?? 0, body: parseJson(text) })), reject);
      });
      this.wire(req, `POST ${this.base.origin}${url.pathname}`, signal, reject);
      req.end(JSON.stringify(body));
    });
  }

  /** The error for a non-success answer: 401 and missing permissions name the ApiUser; the rest Icinga's words. */
  failure(method: string, path: string, answer: Answer): Error {
    const where = `${method} ${this.base.origin}${this.base.pathname}${path}`;
    const perm = missingPermission(answer.body);
    if (answer.status === 401) {
      return new Errors.Auth(`Icinga API refused ApiUser '${this.cfg.user}' (${where}: HTTP 401): wrong user or password (plugins.icinga.user / plugins.icinga.password)`);
    }
    if (perm) {
      return new Errors.Auth(`Icinga ApiUser '${this.cfg.user}' lacks permission ${perm} (${where}: HTTP ${answer.status}); grant it in the ApiUser's permissions`);
    }
    if (answer.status === 403) {
      // Icinga itself answers 404 for a missing permission; a 403 comes from something in front of it or a future version.
      return new Errors.Auth(`Icinga API forbade ApiUser '${this.cfg.user}' (${where}: HTTP 403): a permission is missing (see the plugin README for the list)`);
    }
    const b = answer.body as { status?: unknown; results?: { status?: unknown }[] } | undefined;
    const why = typeof b?.status === 'string' ? b.status : typeof b?.results?.[0]?.status === 'string' ? b.results[0].status : 'no reason given';
    return new Errors.Upstream(`Icinga API ${where} answered HTTP ${answer.status}: ${String(why).slice(0, 500)}`);
  }

  private headers(body: unknown): Record<string, string> {
    return {
      accept: 'application/json',
      authorization: this.auth,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    };
  }

  /** One request: resolves with any HTTP answer (status + parsed JSON body); network and TLS failures reject. */
  private request(method: 'GET' | 'POST', path: string, body: unknown, extra: Record<string, string>, signal?: AbortSignal): Promise<Answer> {
    const url = new URL(path, this.base);
    url.searchParams.set('verbose', '1');
    const where = `${method} ${this.base.origin}${url.pathname}`;
    return new Promise<Answer>((resolve, reject) => {
      const req = https.request(url, { agent: this.agent, method, headers: { ...this.headers(body), ...extra }, timeout: this.cfg.timeoutMs }, (res) => {
        this.readBody(res).then((text) => {
          const status = res.statusCode ?? 0;
          const parsed = parseJson(text);
          if (parsed === undefined && status >= 200 && status < 300) return reject(new Errors.Upstream(`Icinga API ${where} answered HTTP ${status} with a body that is not JSON`));
          // A 5xx without per-object results is the server's trouble: retryable.
          if (status >= 500 && !Array.isArray((parsed as { results?: unknown } | undefined)?.results)) {
            return reject(new Errors.Upstream(`Icinga API ${where} answered HTTP ${status}: ${text.trim().slice(0, 300)}`));
          }
          resolve({ status, body: parsed });
        }, reject);
      });
      this.wire(req, where, signal, reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  private wire(req: ReturnType<typeof https.request>, where: string, signal: AbortSignal | undefined, reject: (e: Error) => void): void {
    const onAbort = () => req.destroy(Object.assign(new Error('aborted by the caller'), { code: 'ABORT_ERR' }));
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('close', () => signal?.removeEventListener('abort', onAbort));
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${this.cfg.timeoutMs} ms (plugins.icinga.timeoutMs)`), { code: 'ETIMEDOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => reject(new Errors.Upstream(`Icinga API ${where}: ${describeNetworkError(err)}`, { cause: err })));
  }

  private readBody(res: IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY_BYTES) {
          res.destroy();
          reject(new Errors.Upstream(`Icinga API answer larger than ${MAX_BODY_BYTES} bytes; narrow the query`));
          return;
        }
        chunks.push(c);
      });
      res.on('error', (err) => reject(new Errors.Upstream(`Icinga API answer broken off: ${err.message}`, { cause: err })));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
