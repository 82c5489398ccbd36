/**
 * The HTTP(S) client of the puppetserver plugin: one request at a time over node:https with the Puppet CA and
 * the client certificate (or node:http on loopback), bounded in time and size, every failure a catalogued
 * error whose detail names the endpoint (`GET https://localhost:8140/status/v1/services`) and why.
 */
import { isLoopbackHostname, readTlsFiles, type TlsFiles } from '../../../src/core/tls-files.js';
import http from 'node:http';
import https from 'node:https';
import { Errors, type CapstanError } from '../../../src/core/errors.js';
import type { PuppetserverConfig } from './config.js';

export interface Answer {
  status: number;
  body: string;
  /** `METHOD url` of the request, for error details. */
  endpoint: string;
}

export interface RequestOptions {
  query?: Record<string, string | undefined>;
  /** JSON body (sent with Content-Type application/json). */
  json?: unknown;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Reads ca / cert / key, and checks the URL against them; throws Errors.Config naming the key at fault. */
export function loadTls(cfg: PuppetserverConfig): TlsFiles {
  const url = new URL(cfg.url);
  if (url.protocol === 'http:' && !isLoopbackHostname(url.hostname)) {
    throw new Errors.Config(`plugins.puppetserver.url: plain http is accepted on loopback only (got ${cfg.url}); use https with ca.`);
  }
  if (url.protocol === 'https:' && !cfg.ca) throw new Errors.Config('plugins.puppetserver.ca is required for an https url: the Puppet CA certificate (PEM).');
  if (!!cfg.cert !== !!cfg.key) throw new Errors.Config('plugins.puppetserver.cert and .key go together: set both or neither.');
  return readTlsFiles('plugins.puppetserver', cfg);
}

/** TLS verification failures (node's error codes): the server is not the one the CA vouches for. */
const TLS_CODES = /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|ERR_TLS_CERT_ALTNAME_INVALID|ERR_SSL_|EPROTO)/;

export class PuppetserverClient {
  private readonly base: URL;
  private readonly agent: http.Agent;

  constructor(private readonly cfg: PuppetserverConfig, tls: TlsFiles) {
    this.base = new URL(cfg.url);
    // keepAlive: a status poll and a compile reuse the TLS session instead of a handshake each.
    this.agent = this.base.protocol === 'https:'
      ? new https.Agent({ keepAlive: true, maxSockets: 8, ca: tls.ca, cert: tls.cert, key: tls.key })
      : new http.Agent({ keepAlive: true, maxSockets: 8 });
  }

  get url(): string {
    return this.base.origin;
  }

  /** One request; resolves with any HTTP status (the caller maps statuses), rejects on transport failures. */
  request(method: string, path: string, opts: RequestOptions = {}): Promise<Answer> {
    const url = new URL(path, this.base);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const endpoint = `${method} ${url.href}`;
    const payload = opts.json === undefined ? undefined : Buffer.from(JSON.stringify(opts.json));
    const timeoutMs = opts.timeoutMs ?? this.cfg.timeoutMs;
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise<Answer>((resolve, reject) => {
      let settled = false;
      const fail = (e: CapstanError) => { if (!settled) { settled = true; req.destroy(); reject(e); } };
      const req = lib.request(url, {
        method, agent: this.agent, signal: opts.signal,
        headers: { Accept: 'application/json', ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}) },
      }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > this.cfg.maxResponseBytes) fail(new Errors.Upstream(`${endpoint}: answer larger than maxResponseBytes (${this.cfg.maxResponseBytes}).`));
          else chunks.push(c);
        });
        res.on('end', () => { if (!settled) { settled = true; clearTimeout(timer); resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), endpoint }); } });
        res.on('error', (err) => fail(transportError(endpoint, err, opts.signal)));
      });
      const timer = setTimeout(() => fail(new Errors.CapabilityTimeout(`${endpoint}: no answer within ${timeoutMs} ms.`)), timeoutMs);
      timer.unref();
      req.on('error', (err) => { clearTimeout(timer); fail(transportError(endpoint, err, opts.signal)); });
      req.on('close', () => clearTimeout(timer));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** A transport failure as a catalogued error: refused/unreachable, TLS trust, cancel. */
export function transportError(endpoint: string, err: Error, signal?: AbortSignal): CapstanError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (signal?.aborted || err.name === 'AbortError') {
    return new Errors.CapabilityTimeout(`${endpoint}: abandoned (${String(signal?.reason ?? 'aborted')}).`, { cause: err });
  }
  if (TLS_CODES.test(code)) {
    return new Errors.HostKey(`${endpoint}: TLS failed (${code}: ${err.message}); is plugins.puppetserver.ca the CA that signed the server's certificate, and does the url's host name match it?`, { cause: err });
  }
  return new Errors.Connect(`${endpoint}: ${code ? `${code} ` : ''}${err.message}`, { cause: err });
}

/** The first line of an error body (Puppetserver answers errors as text or {message}), bounded. */
export function serverMessage(body: string): string {
  let msg = body;
  try {
    const j = JSON.parse(body) as { message?: unknown; msg?: unknown };
    if (typeof j?.message === 'string') msg = j.message;
    else if (typeof j?.msg === 'string') msg = j.msg;
  } catch { /* plain text */ }
  msg = msg.trim();
  return msg.length > 500 ? `${msg.slice(0, 500)}…` : msg || '(empty body)';
}

/**
 * Maps a non-2xx answer nobody handled more specifically: 401/403 → the server refused our certificate (502),
 * 503 → unavailable (retryable), 4xx → the server's validation (502 upstream), 5xx → upstream.
 */
export function statusError(a: Answer, certDescription: string): CapstanError {
  const msg = serverMessage(a.body);
  if (a.status === 401 || a.status === 403) {
    return new Errors.Auth(`${a.endpoint}: HTTP ${a.status} ${msg} — Puppetserver's auth.conf does not allow ${certDescription} on this endpoint.`);
  }
  return new Errors.Upstream(`${a.endpoint}: HTTP ${a.status} ${msg}`, a.status === 503 ? { retryAfter: 5 } : {});
}

/** Parses a JSON answer; a body that is not JSON is an upstream error naming the endpoint. */
export function jsonOf<T = unknown>(a: Answer): T {
  try {
    return JSON.parse(a.body) as T;
  } catch (err) {
    throw new Errors.Upstream(`${a.endpoint}: answer is not JSON (${a.body.slice(0, 80)})`, { cause: err });
  }
}
