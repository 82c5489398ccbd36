/**
 * A contract-faithful fake of the parts of Grafana's HTTP API the grafana plugin uses, for tests on loopback
 * (127.0.0.75, an ephemeral port). It follows, as read on 2026-11-30:
 * - Grafana HTTP API "Other" (`GET /api/health`: `{commit, database, version}`, no auth) and authentication
 *   (`Authorization: Bearer <service account token>`; 401 `{"message": "Invalid API key", "messageId":
 *   "api-key.invalid", "statusCode": 401, "traceID": ""}`; 403 `{"accessErrorId", "message", "title":
 *   "Access denied"}` when the account lacks a permission; `X-Grafana-Org-Id` selects the organisation);
 * - Grafana Alerting's Alertmanager-compatible API for Grafana-managed alerts (pkg/services/ngalert/api/
 *   tooling/definitions/alertmanager.go routes RouteGetGrafanaAMAlerts, RouteGetGrafanaSilences,
 *   RouteCreateGrafanaSilence -> 202 `{"silenceID"}`, RouteDeleteGrafanaSilence -> 200
 *   `{"message": "silence deleted"}`, 404 for an unknown silence) whose bodies are Alertmanager API v2 models
 *   (gettableAlert, gettableSilence, postableSilence; cross-checked against the real Alertmanager 0.25
 *   recordings in /work/shared/reference/alertmanager-outputs/);
 * - 429 with `Retry-After` (seconds) when told to rate-limit.
 * It keeps state: silences created change what the next alert list answers (status.state `suppressed`,
 * `silencedBy`), silences expire by time (the fake's clock can be moved), a DELETE expires one, bad silence
 * bodies get 400 with Grafana's `{"message"}` error shape.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { closedPort as closedPortOn, FakeHttpApi, readJson, sendJson as send } from '../../../../test/fixtures/fake-http-api.js';
import { parseMatcher } from '../../../../src/capabilities/alert-source.js';

export const GRAFANA_FAKE_HOST = '127.0.0.75';
const AM = '/api/alertmanager/grafana/api/v2';

export interface SeedAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt: string;
  generatorURL?: string;
  receivers?: string[];
  /** Fingerprints of the alerts inhibiting this one. */
  inhibitedBy?: string[];
}

interface Silence {
  id: string;
  matchers: { name: string; value: string; isRegex: boolean; isEqual: boolean }[];
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  createdBy: string;
  comment: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization?: string;
  orgId?: string;
  body?: unknown;
}

/** Alertmanager's label-set fingerprint: FNV-1a 64 over sorted `name 0xff value 0xff`, 16 hex digits. */
export function fingerprint(labels: Record<string, string>): string {
  let h = 0xcbf29ce484222325n;
  const bytes = (s: string) => Buffer.from(s, 'utf8');
  for (const name of Object.keys(labels).sort()) {
    for (const b of [...bytes(name), 0xff, ...bytes(labels[name]), 0xff]) {
      h ^= BigInt(b);
      h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
    }
  }
  return h.toString(16).padStart(16, '0');
}

export class FakeGrafana extends FakeHttpApi {
  readonly requests: RecordedRequest[] = [];
  readonly alerts = new Map<string, SeedAlert>();
  readonly silences = new Map<string, Silence>();
  /** Added to the real clock (tests move time forward to expire silences). */
  offsetMs = 0;
  private limited = 0;
  private retryAfter = 1;

  constructor(readonly opts: { token: string; readOnlyToken?: string; version?: string } ) {
    super(GRAFANA_FAKE_HOST);
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Adds (or replaces) a firing alert instance; returns its fingerprint. */
  addAlert(a: SeedAlert): string {
    const fp = fingerprint(a.labels);
    this.alerts.set(fp, a);
    return fp;
  }

  /** The next `count` authenticated requests answer 429 with `Retry-After: <seconds>`. */
  rateLimitNext(count: number, seconds: number): void {
    this.limited = count;
    this.retryAfter = seconds;
  }

  protected internalError(message: string): unknown {
    return { message, traceID: '' };
  }

  /** Silence state by the fake's clock: pending before startsAt, expired from endsAt on. */
  stateOf(s: Silence): 'active' | 'pending' | 'expired' {
    const now = this.now();
    if (now >= Date.parse(s.endsAt)) return 'expired';
    if (now < Date.parse(s.startsAt)) return 'pending';
    return 'active';
  }

  private gettableSilence(s: Silence) {
    return { id: s.id, status: { state: this.stateOf(s) }, updatedAt: s.updatedAt, comment: s.comment, createdBy: s.createdBy, endsAt: s.endsAt, matchers: s.matchers, startsAt: s.startsAt };
  }

  private silencing(labels: Record<string, string>): string[] {
    return [...this.silences.values()].filter((s) => this.stateOf(s) === 'active' && s.matchers.every((m) => {
      const actual = labels[m.name] ?? '';
      const hit = m.isRegex ? new RegExp(`^(?:${m.value})$`).test(actual) : actual === m.value;
      return m.isEqual === false ? !hit : hit;
    })).map((s) => s.id);
  }

  private gettableAlert(fp: string, a: SeedAlert) {
    const silencedBy = this.silencing(a.labels);
    const inhibitedBy = (a.inhibitedBy ?? []).filter((f) => this.alerts.has(f));
    const now = this.now();
    return {
      annotations: a.annotations ?? {},
      endsAt: new Date(now + 4 * 60_000).toISOString(),
      fingerprint: fp,
      receivers: (a.receivers ?? ['grafana-default-email']).map((name) => ({ name })),
      startsAt: a.startsAt,
      status: { inhibitedBy, silencedBy, state: silencedBy.length || inhibitedBy.length ? 'suppressed' : 'active' },
      updatedAt: new Date(now).toISOString(),
      generatorURL: a.generatorURL ?? '',
      labels: a.labels,
    };
  }

  protected handle(req: http.IncomingMessage, text: string, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const { body, invalid } = readJson(text);
    if (invalid) return send(res, 400, { message: 'bad request data', traceID: '' });
    this.requests.push({ method, path: url.pathname, query: url.searchParams, authorization: req.headers.authorization, orgId: req.headers['x-grafana-org-id'] as string | undefined, body });
    if (method === 'GET' && url.pathname === '/api/health') {
      return send(res, 200, { commit: '3a1b2c4d5e', database: 'ok', version: this.opts.version ?? '11.3.0' });
    }
    const auth = req.headers.authorization;
    if (!auth) return send(res, 401, { message: 'Unauthorized', traceID: '' });
    const token = /^Bearer (.+)$/.exec(auth)?.[1];
    const readOnly = token !== undefined && token === this.opts.readOnlyToken;
    if (token !== this.opts.token && !readOnly) {
      return send(res, 401, { extra: null, message: 'Invalid API key', messageId: 'api-key.invalid', statusCode: 401, traceID: '' });
    }
    if (this.limited > 0) {
      this.limited--;
      return send(res, 429, { message: 'Too many requests', traceID: '' }, { 'retry-after': String(this.retryAfter) });
    }
    const denied = (perm: string) => send(res, 403, { accessErrorId: 'ACE4096551012', message: `You'll need additional permissions to perform this action. Permissions needed: any of ${perm}`, title: 'Access denied' });

    if (method === 'GET' && url.pathname === `${AM}/alerts`) {
      const flag = (k: string) => url.searchParams.get(k) !== 'false';
      let matchers;
      try {
        matchers = url.searchParams.getAll('filter').map((f) => parseMatcher(f.replace(/^\{|\}$/g, '')));
      } catch (err) {
        return send(res, 400, { message: `bad matcher format: ${(err as Error).message}`, traceID: '' });
      }
      const receiver = url.searchParams.get('receiver');
      const out = [...this.alerts.entries()].map(([fp, a]) => this.gettableAlert(fp, a)).filter((a) => {
        const silenced = a.status.silencedBy.length > 0;
        const inhibited = a.status.inhibitedBy.length > 0;
        if (!flag('active') && !silenced && !inhibited) return false;
        if (!flag('silenced') && silenced) return false;
        if (!flag('inhibited') && inhibited) return false;
        if (receiver && !a.receivers.some((r) => new RegExp(`^(?:${receiver})$`).test(r.name))) return false;
        return matchers.every((m) => m.test(a.labels[m.name] ?? ''));
      });
      return send(res, 200, out);
    }
    if (method === 'GET' && url.pathname === `${AM}/silences`) {
      return send(res, 200, [...this.silences.values()].map((s) => this.gettableSilence(s)));
    }
    const one = new RegExp(`^${AM}/silence/([^/]+)$`).exec(url.pathname);
    if (method === 'GET' && one) {
      const s = this.silences.get(decodeURIComponent(one[1]));
      return s ? send(res, 200, this.gettableSilence(s)) : send(res, 404, { message: 'silence not found', traceID: '' });
    }
    if (method === 'POST' && url.pathname === `${AM}/silences`) {
      if (readOnly) return denied('alert.silences:create');
      const problem = this.invalidSilence(body);
      if (problem) return send(res, 400, { message: `invalid silence: ${problem}`, traceID: '' });
      const b = body as Silence;
      if (b.id && !this.silences.has(b.id)) return send(res, 404, { message: 'silence not found', traceID: '' });
      const id = b.id || randomUUID();
      const now = new Date(this.now()).toISOString();
      const startsAt = Date.parse(b.startsAt) < this.now() ? now : new Date(Date.parse(b.startsAt)).toISOString();
      this.silences.set(id, {
        id, startsAt, endsAt: new Date(Date.parse(b.endsAt)).toISOString(), updatedAt: now, createdBy: b.createdBy, comment: b.comment,
        matchers: b.matchers.map((m) => ({ name: m.name, value: m.value, isRegex: m.isRegex, isEqual: m.isEqual ?? true })),
      });
      return send(res, 202, { silenceID: id });
    }
    if (method === 'DELETE' && one) {
      if (readOnly) return denied('alert.silences:write');
      const s = this.silences.get(decodeURIComponent(one[1]));
      if (!s) return send(res, 404, { message: 'silence not found', traceID: '' });
      if (this.stateOf(s) === 'expired') return send(res, 500, { message: `failed to expire silence: silence ${s.id} already expired`, traceID: '' });
      const now = new Date(this.now()).toISOString();
      if (this.stateOf(s) === 'pending') s.startsAt = now;
      s.endsAt = now;
      s.updatedAt = now;
      return send(res, 200, { message: 'silence deleted' });
    }
    return send(res, 404, { message: 'Not found', traceID: '' });
  }

  /** Alertmanager's postableSilence validation; the reason text, or undefined when valid. */
  private invalidSilence(body: unknown): string | undefined {
    if (!body || typeof body !== 'object' || Array.isArray(body)) return 'body must be a silence object';
    const b = body as Record<string, unknown>;
    if (!Array.isArray(b.matchers) || b.matchers.length === 0) return 'at least one matcher required';
    for (const [i, m] of (b.matchers as Record<string, unknown>[]).entries()) {
      if (typeof m?.name !== 'string' || !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(m.name)) return `invalid label matcher ${i}: invalid label name "${String(m?.name)}"`;
      if (typeof m.value !== 'string') return `invalid label matcher ${i}: value must be a string`;
      if (typeof m.isRegex !== 'boolean') return `matchers.${i}.isRegex in body is required`;
    }
    if (typeof b.comment !== 'string' || !b.comment) return 'comment in body is required';
    if (typeof b.createdBy !== 'string' || !b.createdBy) return 'createdBy in body is required';
    const start = Date.parse(String(b.startsAt));
    const end = Date.parse(String(b.endsAt));
    if (Number.isNaN(start) || Number.isNaN(end)) return 'startsAt and endsAt in body must be of type date-time';
    if (end < start) return 'end time must not be before start time';
    if (end < this.now()) return 'end time can\'t be in the past';
    return undefined;
  }
}

/** A port on GRAFANA_FAKE_HOST where nothing listens (bound, then closed): connections are refused. */
export function closedPort(): Promise<number> {
  return closedPortOn(GRAFANA_FAKE_HOST);
}
