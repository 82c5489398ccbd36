/**
 * A contract-faithful fake of the parts of Datadog's API the datadog plugin uses, for tests on loopback
 * (127.0.0.76, an ephemeral port). It follows the Datadog API reference as read on 2026-11-30
 * (docs.datadoghq.com/api/latest/ and the v1 OpenAPI document of DataDog/datadog-api-client-typescript):
 * - authentication: `DD-API-KEY` (+ `DD-APPLICATION-KEY` on everything but /api/v1/validate); a missing or
 *   wrong key is 403 `{"errors": ["Forbidden"]}`; an application key without a permission gets 403 too;
 * - `GET /api/v1/validate` -> `{"valid": true}`;
 * - `GET /api/v1/monitor` (group_states, monitor_tags, page, page_size <= 1000, default 100 once `page` is
 *   given; all monitors without `page`), `GET /api/v1/monitor/{id}` (404 `{"errors": ["Monitor not found"]}`),
 *   `POST /api/v1/monitor/{id}/mute` (query `scope`, `end` in POSIX seconds; the answer is the monitor, the
 *   mute shows in `options.silenced`), `POST /api/v1/monitor/{id}/unmute` (query `scope`, `all_scopes`);
 * - v2 downtimes: `POST /api/v2/downtime` (`{data: {type: "downtime", attributes: {monitor_identifier, scope,
 *   message, schedule}}}` -> 200 with the downtime), `GET /api/v2/downtime` (current_only, page[limit],
 *   page[offset]), `DELETE /api/v2/downtime/{id}` -> 204;
 * - rate limits: every answer carries X-RateLimit-Limit / -Period / -Remaining / -Reset / -Name of its
 *   bucket (calendar-aligned windows); past the limit, 429 `{"errors": ["Rate limit exceeded"]}`;
 * - errors: `{"errors": ["..."]}` with 400 for a bad body or parameter.
 * State: mutes and downtimes change what the next read answers; both end by time.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { FakeHttpApi, readJson, sendJson } from '../../../../test/fixtures/fake-http-api.js';

export const DATADOG_FAKE_HOST = '127.0.0.76';

export interface FakeGroup {
  status: 'Alert' | 'Warn' | 'No Data' | 'OK';
  last_triggered_ts?: number;
  last_nodata_ts?: number;
}

export interface FakeMonitor {
  id: number;
  name: string;
  message?: string;
  query?: string;
  type?: string;
  tags?: string[];
  priority?: number | null;
  /** Groups of a multi-alert monitor; a simple monitor has `overall_state` alone. */
  groups?: Record<string, FakeGroup>;
  overall_state?: string;
  overall_state_modified?: string;
  silenced?: Record<string, number | null>;
}

export interface FakeDowntime {
  id: string;
  message: string | null;
  scope: string;
  monitor_identifier: { monitor_id?: number; monitor_tags?: string[] };
  start: string;
  end: string | null;
  canceled: string | null;
  created: string;
}

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  apiKey?: string;
  appKey?: string;
  status: number;
  /** When it arrived (ms) and, on a rate-limited route, the X-RateLimit-Reset it was answered with (s). */
  at: number;
  reset?: number;
}

const WORST = ['Alert', 'No Data', 'Warn', 'OK'];

export class FakeDatadog extends FakeHttpApi {
  readonly monitors = new Map<number, FakeMonitor>();
  readonly downtimes = new Map<string, FakeDowntime>();
  readonly requests: Recorded[] = [];
  /** Requests per window of each bucket (default: plenty). */
  limits: Record<string, { limit: number; periodS: number }> = {};
  private used = new Map<string, { window: number; count: number }>();

  constructor(readonly keys: { apiKey: string; appKey: string; readOnlyAppKey?: string }) {
    super(DATADOG_FAKE_HOST);
  }

  addMonitor(m: FakeMonitor): void {
    this.monitors.set(m.id, m);
  }

  protected internalError(message: string): unknown {
    return { errors: [message] };
  }

  /** Expired mutes are dropped, as Datadog does when their end passes. */
  private monitorBody(m: FakeMonitor, groupStates: string | null) {
    const nowS = Date.now() / 1000;
    for (const [scope, end] of Object.entries(m.silenced ?? {})) if (end !== null && end <= nowS) delete m.silenced![scope];
    const groups = m.groups ?? {};
    const wanted = groupStates === null ? [] : groupStates.split(',').map((s) => s.trim().toLowerCase());
    const shown = Object.fromEntries(Object.entries(groups)
      .filter(([, g]) => wanted.includes('all') || wanted.includes(g.status.toLowerCase()))
      .map(([name, g]) => [name, { name, status: g.status, last_triggered_ts: g.last_triggered_ts ?? 0, last_nodata_ts: g.last_nodata_ts ?? 0, last_notified_ts: 0, last_resolved_ts: 0 }]));
    const statuses = Object.values(groups).map((g) => g.status);
    const overall = m.overall_state ?? WORST.find((s) => statuses.includes(s as FakeGroup['status'])) ?? 'OK';
    return {
      id: m.id, name: m.name, message: m.message ?? '', query: m.query ?? 'avg(last_5m):avg:system.load.1{*} by {host} > 4', type: m.type ?? 'query alert',
      tags: m.tags ?? [], priority: m.priority ?? null, multi: Object.keys(groups).length > 0, overall_state: overall,
      overall_state_modified: m.overall_state_modified ?? '2026-11-30T00:00:00+00:00', created: '2026-11-01T00:00:00.000000+00:00', modified: '2026-11-01T00:00:00.000000+00:00',
      creator: { email: 'ops@example.com', handle: 'ops@example.com', name: 'Ops' }, deleted: null, restricted_roles: null,
      options: { notify_no_data: false, silenced: { ...(m.silenced ?? {}) }, include_tags: true, new_group_delay: 60 },
      state: groupStates === null ? {} : { groups: shown },
    };
  }

  private downtimeBody(d: FakeDowntime) {
    const now = Date.now();
    const status = d.canceled ? 'canceled' : Date.parse(d.start) > now ? 'scheduled' : d.end && Date.parse(d.end) <= now ? 'ended' : 'active';
    return {
      id: d.id, type: 'downtime',
      attributes: {
        message: d.message, scope: d.scope, monitor_identifier: d.monitor_identifier, status, canceled: d.canceled, created: d.created, modified: d.created,
        display_timezone: 'UTC', mute_first_recovery_notification: false, notify_end_states: ['alert', 'no data', 'warn'], notify_end_types: ['expired', 'canceled'],
        schedule: { start: d.start, end: d.end },
      },
    };
  }

  /** Counts a request in its bucket; the rate-limit headers, and whether it is over the limit. */
  private bucket(name: string): { headers: Record<string, string>; over: boolean } {
    const { limit, periodS } = this.limits[name] ?? { limit: 1000, periodS: 10 };
    const nowS = Date.now() / 1000;
    const window = Math.floor(nowS / periodS);
    const u = this.used.get(name);
    const count = (u && u.window === window ? u.count : 0) + 1;
    this.used.set(name, { window, count });
    const reset = Math.max(1, Math.ceil((window + 1) * periodS - nowS));
    return {
      over: count > limit,
      headers: { 'x-ratelimit-limit': String(limit), 'x-ratelimit-period': String(periodS), 'x-ratelimit-remaining': String(Math.max(0, limit - count)), 'x-ratelimit-reset': String(reset), 'x-ratelimit-name': name },
    };
  }

  private send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const r = this.requests.at(-1);
    if (r) r.status = status;
    sendJson(res, status, body, headers);
  }

  protected handle(req: http.IncomingMessage, text: string, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const q = url.searchParams;
    const apiKey = req.headers['dd-api-key'] as string | undefined;
    const appKey = req.headers['dd-application-key'] as string | undefined;
    this.requests.push({ method, path: url.pathname, query: q, apiKey, appKey, status: 0, at: Date.now() });
    const forbidden = () => this.send(res, 403, { errors: ['Forbidden'] });
    if (apiKey !== this.keys.apiKey) return forbidden();
    const route = this.route(method, url.pathname);
    if (!route) return this.send(res, 404, { errors: ['Not found'] });
    const { headers, over } = this.bucket(route.bucket);
    this.requests.at(-1)!.reset = Number(headers['x-ratelimit-reset']);
    const reply = (status: number, body: unknown) => this.send(res, status, body, headers);
    if (over) return reply(429, { errors: ['Rate limit exceeded'] });
    if (route.name === 'validate') return reply(200, { valid: true });
    const readOnly = appKey !== undefined && appKey === this.keys.readOnlyAppKey;
    if (appKey !== this.keys.appKey && !readOnly) return this.send(res, 403, { errors: ['Forbidden'] }, headers);
    if (readOnly && route.write) return reply(403, { errors: [`Forbidden: this application key lacks the ${route.write} permission`] });
    const { body, invalid } = readJson(text);
    if (invalid) return reply(400, { errors: ['Invalid JSON body'] });
    const monitor = route.id !== undefined ? this.monitors.get(Number(route.id)) : undefined;
    if (route.id !== undefined && route.name.startsWith('monitor') && !monitor) return reply(404, { errors: ['Monitor not found'] });
    switch (route.name) {
      case 'monitors': {
        const size = q.has('page_size') ? Number(q.get('page_size')) : 100;
        if (!Number.isInteger(size) || size < 1 || size > 1000) return reply(400, { errors: ['page_size must be an integer between 1 and 1000'] });
        const tags = (q.get('monitor_tags') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        let list = [...this.monitors.values()].filter((m) => tags.every((t) => (m.tags ?? []).includes(t))).sort((a, b) => a.id - b.id);
        if (q.has('page')) {
          const page = Number(q.get('page'));
          if (!Number.isInteger(page) || page < 0) return reply(400, { errors: ['page must be a non-negative integer'] });
          list = list.slice(page * size, (page + 1) * size);
        }
        return reply(200, list.map((m) => this.monitorBody(m, q.get('group_states'))));
      }
      case 'monitor':
        return reply(200, this.monitorBody(monitor!, q.get('group_states')));
      case 'monitor-mute': {
        const end = q.has('end') ? Number(q.get('end')) : null;
        if (end !== null && (!Number.isInteger(end) || end <= Date.now() / 1000)) return reply(400, { errors: ['Invalid end: must be a POSIX timestamp in the future'] });
        const scope = q.get('scope') || '*';
        monitor!.silenced = { ...(monitor!.silenced ?? {}), [scope]: end };
        return reply(200, this.monitorBody(monitor!, null));
      }
      case 'monitor-unmute': {
        const scope = q.get('scope') || '*';
        if (q.get('all_scopes') === 'true') monitor!.silenced = {};
        else if (!monitor!.silenced || !(scope in monitor!.silenced)) return reply(400, { errors: [`Monitor ${monitor!.id} is not muted for scope ${scope}`] });
        else delete monitor!.silenced[scope];
        return reply(200, this.monitorBody(monitor!, null));
      }
      case 'downtimes': {
        const limit = Number(q.get('page[limit]') ?? 30);
        const offset = Number(q.get('page[offset]') ?? 0);
        let list = [...this.downtimes.values()].map((d) => this.downtimeBody(d));
        if (q.get('current_only') === 'true') list = list.filter((d) => d.attributes.status === 'active');
        return reply(200, { data: list.slice(offset, offset + limit), meta: { page: { total_filtered_count: list.length } } });
      }
      case 'downtime-create': {
        const problem = this.invalidDowntime(body);
        if (problem) return reply(400, { errors: [problem] });
        const a = body.data.attributes;
        const now = new Date().toISOString();
        const d: FakeDowntime = {
          id: randomUUID(), message: a.message ?? null, scope: a.scope, monitor_identifier: a.monitor_identifier,
          start: a.schedule?.start ?? now, end: a.schedule?.end ?? null, canceled: null, created: now,
        };
        this.downtimes.set(d.id, d);
        return reply(200, { data: this.downtimeBody(d) });
      }
      case 'downtime-cancel': {
        const d = this.downtimes.get(route.id!);
        if (!d) return reply(404, { errors: ['Downtime not found'] });
        d.canceled = d.canceled ?? new Date().toISOString();
        return this.send(res, 204, undefined, headers);
      }
    }
    return reply(404, { errors: ['Not found'] });
  }

  private route(method: string, path: string): { name: string; bucket: string; id?: string; write?: string } | undefined {
    let m: RegExpExecArray | null;
    if (method === 'GET' && path === '/api/v1/validate') return { name: 'validate', bucket: 'validate' };
    if (method === 'GET' && path === '/api/v1/monitor') return { name: 'monitors', bucket: 'get_all_monitors' };
    if (method === 'GET' && (m = /^\/api\/v1\/monitor\/(\d+)$/.exec(path))) return { name: 'monitor', bucket: 'get_monitor', id: m[1] };
    if (method === 'POST' && (m = /^\/api\/v1\/monitor\/(\d+)\/(mute|unmute)$/.exec(path))) return { name: `monitor-${m[2]}`, bucket: 'mute_monitor', id: m[1], write: 'monitors_write' };
    if (method === 'GET' && path === '/api/v2/downtime') return { name: 'downtimes', bucket: 'downtime' };
    if (method === 'POST' && path === '/api/v2/downtime') return { name: 'downtime-create', bucket: 'downtime', write: 'monitors_downtime' };
    if (method === 'DELETE' && (m = /^\/api\/v2\/downtime\/([^/]+)$/.exec(path))) return { name: 'downtime-cancel', bucket: 'downtime', id: decodeURIComponent(m[1]), write: 'monitors_downtime' };
    return undefined;
  }

  private invalidDowntime(body: any): string | undefined {
    if (body?.data?.type !== 'downtime') return 'data.type must be "downtime"';
    const a = body.data.attributes;
    if (!a || typeof a !== 'object') return 'data.attributes is required';
    if (typeof a.scope !== 'string' || !a.scope) return 'attributes.scope is required';
    const id = a.monitor_identifier;
    if (!id || (typeof id.monitor_id !== 'number' && !Array.isArray(id.monitor_tags))) return 'attributes.monitor_identifier needs monitor_id or monitor_tags';
    if (typeof id.monitor_id === 'number' && !this.monitors.has(id.monitor_id)) return `monitor ${id.monitor_id} not found`;
    const start = a.schedule?.start ? Date.parse(a.schedule.start) : Date.now();
    const end = a.schedule?.end ? Date.parse(a.schedule.end) : undefined;
    if (Number.isNaN(start) || (end !== undefined && Number.isNaN(end))) return 'schedule.start and schedule.end must be ISO 8601 date-times';
    if (end !== undefined && end <= start) return 'schedule.end must be after schedule.start';
    return undefined;
  }
}
