/**
 * HTTP client of Nagios Core 4's CGIs (https://assets.nagios.com/downloads/nagioscore/docs/nagioscore/4/en/cgis.html):
 * the JSON CGIs (statusjson.cgi, archivejson.cgi: GET, `{format_version, result, data}`) and cmd.cgi (HTML form:
 * GET the form for its CSRF token and cookie, then POST the command). HTTP Basic auth as the web server in
 * front of the CGIs asks; the password goes in a header only, never in a URL, a log line or an error.
 *
 * Every CGI answers HTTP 200, errors included: a JSON CGI's error is `result.type_code` != 0, cmd.cgi's is a
 * `<DIV CLASS='errorMessage'>` (recordings: /work/shared/reference/nagios/outputs, copied in test/fixtures).
 * Only the web server's own 401 (bad credentials) is an HTTP error.
 */
import { Errors } from '../../../src/core/errors.js';
import type { PluginHelpers } from '../../../src/core/helpers-api.js';
import { checkToolUrl } from '../../../src/core/tool-url.js';
import type { NagiosConfig } from './config.js';

/** `result` of every JSON CGI answer. */
export interface CgiResult {
  query_time?: number;
  cgi?: string;
  user?: string;
  query?: string;
  program_start?: number;
  last_data_update?: number;
  type_code?: number;
  type_text?: string;
  message?: string;
}

/** A JSON CGI answer. */
export interface CgiAnswer<D> {
  format_version?: number;
  result: CgiResult;
  data: D;
}

/** Checks `url` (an http(s) URL without credentials; plain HTTP on loopback only unless allowPlainHttp); the base ends with `/`. */
export function checkBaseUrl(cfg: Pick<NagiosConfig, 'url' | 'allowPlainHttp'>): URL {
  const url = checkToolUrl(cfg.url, { key: 'plugins.nagios.url', credentialsIn: 'plugins.nagios.user and plugins.nagios.password', allowPlainHttp: cfg.allowPlainHttp, exposes: 'the Basic auth password' });
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  url.search = '';
  url.hash = '';
  return url;
}

/** What cmd.cgi said, read from its HTML (undefined: the success message). */
export function cmdError(html: string): string | undefined {
  if (/successfully submitted to Nagios for processing/i.test(html)) return undefined;
  const div = /<DIV CLASS='errorMessage'>([\s\S]*?)<\/DIV>/i.exec(html);
  if (div) return textOf(div[1]);
  const csrf = /<p>\s*(Error:[^<]*)<\/p>/i.exec(html);
  if (csrf) return textOf(csrf[1]);
  return 'cmd.cgi answered without its success message (is the URL Nagios\'s cmd.cgi?)';
}

/** The form token of a cmd.cgi form page (`<INPUT TYPE='hidden' NAME='nagFormId' VALUE='…'`, no closing `>` in 4.4.6). */
export function formToken(html: string): string | undefined {
  return /NAME='nagFormId'\s+VALUE='([^']*)'/i.exec(html)?.[1];
}

/** The value of a prefilled input of a cmd.cgi form (e.g. `start_time`, in the server's date_format and time zone). */
export function formValue(html: string, name: string): string | undefined {
  return new RegExp(`NAME='${name}'\\s+VALUE='([^']*)'`, 'i').exec(html)?.[1];
}

function textOf(html: string): string {
  return html.replace(/<[^>]*>/g, ' ').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'").replace(/\s+/g, ' ').trim();
}

export class NagiosClient {
  readonly base: URL;
  private readonly authHeader: string | undefined;

  constructor(private readonly cfg: NagiosConfig, private readonly helpers: PluginHelpers) {
    this.base = checkBaseUrl(cfg);
    this.authHeader = cfg.user ? `Basic ${Buffer.from(`${cfg.user}:${cfg.password ?? ''}`).toString('base64')}` : undefined;
  }

  /** The page of a CGI as a browser would open it (links.source). */
  page(cgi: string, params: Record<string, string>): string {
    const url = new URL(cgi, this.base);
    url.search = new URLSearchParams(params).toString();
    return url.toString();
  }

  /**
   * GET a JSON CGI with retries of connection errors and timeouts. `+` in values is sent as %2B (archivejson's
   * relative times), spaces as `+` (statusjson's value lists).
   * @throws Errors.Auth (HTTP 401: bad credentials), Errors.Upstream (unreachable, not JSON, `type_code` != 0).
   */
  async json<D>(cgi: 'statusjson.cgi' | 'archivejson.cgi', params: Record<string, string>, signal?: AbortSignal): Promise<CgiAnswer<D>> {
    return this.helpers.withRetry(() => this.jsonOnce<D>(cgi, params, signal), { attempts: 2, baseMs: 100, maxMs: 1000, signal });
  }

  /** One GET of a JSON CGI without retry (health checks). */
  async jsonOnce<D>(cgi: string, params: Record<string, string>, signal?: AbortSignal): Promise<CgiAnswer<D>> {
    const url = new URL(cgi, this.base);
    url.search = new URLSearchParams(params).toString();
    const { status, text } = await this.request('GET', url, {}, undefined, signal);
    const where = `${url.origin}${url.pathname}`;
    if (status !== 200) throw this.httpError(where, status);
    let body: CgiAnswer<D>;
    try {
      body = JSON.parse(text) as CgiAnswer<D>;
    } catch (err) {
      throw new Errors.Upstream(`${where} answered HTTP 200 with a body that is not JSON: is ${this.base.href} the cgi-bin of Nagios Core 4?`, { cause: err });
    }
    if (!body || typeof body !== 'object' || !body.result || typeof body.result.type_code !== 'number') {
      throw new Errors.Upstream(`${where} answered JSON without Nagios's result.type_code: not a Nagios JSON CGI`);
    }
    if (body.result.type_code !== 0) {
      throw new Errors.Upstream(`${where} (query=${params.query ?? '?'}) said ${body.result.type_text ?? 'error'} (type_code ${body.result.type_code}): ${body.result.message ?? ''}`.trim());
    }
    return body;
  }

  /**
   * Submits one command through cmd.cgi: GET its form (CSRF cookie `NagFormId` and field `nagFormId`), then
   * POST `cmd_mod=2`, `cmd_typ` and `fields`. Resolves when cmd.cgi says it wrote the command to Nagios's
   * command pipe (not yet processed: poll statusjson for the effect).
   * @param prepare optional: computes more fields from the form page (e.g. times in the server's format).
   * @throws Errors.Auth (401, or cmd.cgi "not authorized", which 4.4.6 also says for an unknown host),
   *   Errors.Upstream (any other cmd.cgi error message, or an answer that is not cmd.cgi's).
   */
  async command(cmdTyp: number, fields: Record<string, string>, signal?: AbortSignal, prepare?: (form: string) => Record<string, string>): Promise<void> {
    const formUrl = new URL('cmd.cgi', this.base);
    formUrl.search = new URLSearchParams({ cmd_typ: String(cmdTyp), ...(fields.host ? { host: fields.host } : {}), ...(fields.service ? { service: fields.service } : {}) }).toString();
    const where = `${formUrl.origin}${formUrl.pathname}`;
    const form = await this.request('GET', formUrl, {}, undefined, signal);
    if (form.status !== 200) throw this.httpError(where, form.status);
    const formError = /<DIV CLASS='errorMessage'>/i.test(form.text) ? cmdError(form.text) : undefined;
    if (formError) throw this.cmdFailure(where, cmdTyp, formError);
    const cookie = /(?:^|[;,]\s*)NagFormId=([^;,\s]+)/.exec(form.setCookie.join(', '))?.[1];
    const token = formToken(form.text) ?? cookie;
    const extra = prepare ? prepare(form.text) : {};
    const body = new URLSearchParams({ ...(token ? { nagFormId: token } : {}), cmd_mod: '2', cmd_typ: String(cmdTyp), ...fields, ...extra, btnSubmit: 'Commit' });
    const postUrl = new URL('cmd.cgi', this.base);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (cookie) headers.cookie = `NagFormId=${cookie}`;
    const answer = await this.request('POST', postUrl, headers, body.toString(), signal);
    if (answer.status !== 200) throw this.httpError(where, answer.status);
    const error = cmdError(answer.text);
    if (error) throw this.cmdFailure(where, cmdTyp, error);
  }

  private cmdFailure(where: string, cmdTyp: number, message: string): Error {
    if (/not authorized/i.test(message)) {
      return new Errors.Auth(`${where} (cmd_typ ${cmdTyp}): Nagios says "${message}" — user '${this.cfg.user ?? '(none)'}' lacks authorized_for_all_host_commands/authorized_for_all_service_commands in cgi.cfg, or the host or service does not exist`);
    }
    return new Errors.Upstream(`${where} (cmd_typ ${cmdTyp}): Nagios says "${message}"`);
  }

  private httpError(where: string, status: number): Error {
    if (status === 401) {
      return new Errors.Auth(`${where} refused ${this.cfg.user ? `user '${this.cfg.user}'` : 'the request (no user configured)'} (HTTP 401): bad credentials (plugins.nagios.user / plugins.nagios.password)`);
    }
    if (status === 403) return new Errors.Auth(`${where} answered HTTP 403: the web server forbids this user or address`);
    if (status === 404) return new Errors.Upstream(`${where} answered HTTP 404: no such CGI (is ${this.base.href} Nagios's cgi-bin?)`);
    return new Errors.Upstream(`${where} answered HTTP ${status}`);
  }

  /**
   * One HTTP request; errors name the URL (without query) and why, never the credentials. A GET on a kept-alive
   * connection the web server has closed meanwhile (Apache's KeepAliveTimeout) is sent once more on a new one.
   */
  private async request(method: 'GET' | 'POST', url: URL, headers: Record<string, string>, body: string | undefined, signal?: AbortSignal, again = method === 'GET'): Promise<{ status: number; text: string; setCookie: string[] }> {
    const where = `${url.origin}${url.pathname}`;
    const timeout = AbortSignal.timeout(this.cfg.timeoutMs);
    const signals = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      const res = await fetch(url, {
        method,
        headers: { accept: 'application/json, text/html;q=0.9', ...(this.authHeader ? { authorization: this.authHeader } : {}), ...headers },
        body,
        signal: signals,
        redirect: 'manual',
      });
      const text = await res.text();
      return { status: res.status, text, setCookie: res.headers.getSetCookie() };
    } catch (err) {
      if (timeout.aborted) throw new Errors.Upstream(`Nagios ${where}: no answer within ${this.cfg.timeoutMs} ms (plugins.nagios.timeoutMs)`, { cause: err });
      if (signal?.aborted) throw new Errors.Upstream(`Nagios ${where}: request aborted`, { cause: err });
      const cause = (err as { cause?: NodeJS.ErrnoException }).cause;
      if (again && (cause?.code === 'UND_ERR_SOCKET' || cause?.code === 'ECONNRESET')) return this.request(method, url, headers, body, signal, false);
      const why = cause?.code ? `${cause.code} ${cause.message}` : (cause?.message ?? (err as Error).message);
      throw new Errors.Upstream(`Nagios ${where} unreachable: ${why}`, { cause: err });
    }
  }
}
