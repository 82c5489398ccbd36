/**
 * Datadog monitors as Capstan alerts. Shapes from the Datadog API reference (read 2026-11-30): Monitor of
 * `GET /api/v1/monitor` and `GET /api/v1/monitor/{id}` with `group_states=all` (`state.groups` by group name,
 * each with `status` and `last_triggered_ts` / `last_nodata_ts` in POSIX seconds; `options.silenced`: mute
 * scope -> end in seconds or null), and the v2 downtime (`GET /api/v2/downtime`: `attributes.monitor_identifier`,
 * `scope`, `schedule.start/end`, `status`, `message`).
 *
 * One alert per alerting group of a multi-alert monitor (`<monitorId>:<group>`), one per monitor otherwise
 * (`<monitorId>`): a group or monitor in Alert, Warn or No Data fires.
 */
import type { Static } from '@sinclair/typebox';
import type { AlertSuppression } from '../../../src/capabilities/records.js';
import { normalizeSeverity, type AlertT } from '../../../src/capabilities/alert-source.js';
import { readDowntimeMessage, type MuteLedger } from './marks.js';

export const SOURCE = 'datadog';
export const FIRING_STATES = ['Alert', 'Warn', 'No Data'];

export interface DdGroup {
  name?: string;
  status: string;
  last_triggered_ts?: number | null;
  last_nodata_ts?: number | null;
  last_resolved_ts?: number | null;
}

export interface DdMonitor {
  id: number;
  name: string;
  message?: string;
  query?: string;
  type?: string;
  tags?: string[];
  priority?: number | null;
  multi?: boolean;
  overall_state?: string;
  overall_state_modified?: string | null;
  created?: string;
  modified?: string;
  options?: { silenced?: Record<string, number | null> };
  state?: { groups?: Record<string, DdGroup> };
}

export interface DdDowntime {
  id: string;
  type?: string;
  attributes: {
    message?: string | null;
    scope: string;
    monitor_identifier: { monitor_id?: number; monitor_tags?: string[] };
    schedule?: { start?: string | null; end?: string | null } | null;
    status?: string;
    canceled?: string | null;
    created?: string;
  };
}

type Suppression = Static<typeof AlertSuppression>;

export interface MapContext {
  /** Web app base (https://app.datadoghq.com). */
  appBase: string;
  nodeTags: readonly string[];
  /** Active v2 downtimes. */
  downtimes: readonly DdDowntime[];
  ledger: MuteLedger;
  now: number;
}

/** `host:web1,env:prod` -> ['host:web1', 'env:prod'] ('*' -> []). */
export function groupTags(group: string): string[] {
  return group === '*' ? [] : group.split(',').map((t) => t.trim()).filter(Boolean);
}

/** Alert id of a monitor's group. */
export function alertId(monitorId: number, group: string): string {
  return group === '*' ? String(monitorId) : `${monitorId}:${group}`;
}

/** `123` -> {123, '*'}, `123:host:web1` -> {123, 'host:web1'}; undefined for an id that is not one of ours. */
export function parseAlertId(id: string): { monitorId: number; group: string } | undefined {
  const m = /^(\d{1,19})(?::(.+))?$/.exec(id);
  if (!m) return undefined;
  return { monitorId: Number(m[1]), group: m[2] ?? '*' };
}

/** Whether a scope (`*`, `host:a,env:b` for mutes; `host:a AND env:b`, `-tag`/`NOT tag` for downtimes) covers a group's tags. */
export function scopeCovers(scope: string, tags: readonly string[]): boolean {
  const s = scope.trim();
  if (s === '' || s === '*') return true;
  const terms = s.split(/\s+AND\s+|,/i).map((x) => x.trim().replace(/^\(|\)$/g, '')).filter(Boolean);
  return terms.every((term) => {
    const neg = /^(?:-|NOT\s+)(.+)$/i.exec(term);
    return neg ? !tags.includes(neg[1].trim()) : tags.includes(term);
  });
}

function isoFromSeconds(s: number | null | undefined): string | undefined {
  return typeof s === 'number' && s > 0 ? new Date(s * 1000).toISOString() : undefined;
}

function tagMap(tags: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags) {
    const i = t.indexOf(':');
    if (i < 0) out[t] = '';
    else out[t.slice(0, i)] = t.slice(i + 1);
  }
  return out;
}

/** Severity from the monitor's priority (P1..P5), else from the state. */
export function severityOf(priority: number | null | undefined, status: string): AlertT['severity'] {
  if (typeof priority === 'number' && priority >= 1 && priority <= 5) return normalizeSeverity(`p${priority}`);
  return normalizeSeverity(status === 'Alert' ? 'critical' : status === 'Warn' ? 'warning' : 'error');
}

/** Whether a downtime holds this monitor's group now. */
function downtimeApplies(d: DdDowntime, m: DdMonitor, tags: readonly string[], now: number): boolean {
  const a = d.attributes;
  if (a.canceled || (a.status && a.status !== 'active')) return false;
  const start = a.schedule?.start ? Date.parse(a.schedule.start) : 0;
  const end = a.schedule?.end ? Date.parse(a.schedule.end) : Infinity;
  if (start > now || end <= now) return false;
  const id = a.monitor_identifier;
  const targets = id.monitor_id !== undefined ? id.monitor_id === m.id : (id.monitor_tags ?? []).every((t) => (m.tags ?? []).includes(t));
  return targets && scopeCovers(a.scope, [...tags, ...(m.tags ?? [])]);
}

/** The alerts of one monitor now (its firing groups). */
export function monitorAlerts(m: DdMonitor, ctx: MapContext): AlertT[] {
  const groups = Object.entries(m.state?.groups ?? {});
  const firing: [string, DdGroup][] = groups.length
    ? groups.filter(([, g]) => FIRING_STATES.includes(g.status))
    : FIRING_STATES.includes(m.overall_state ?? '') ? [['*', { status: m.overall_state! }]] : [];
  return firing.map(([group, g]) => groupAlert(m, group, g, ctx));
}

function groupAlert(m: DdMonitor, group: string, g: DdGroup, ctx: MapContext): AlertT {
  const tags = groupTags(group);
  const labels: Record<string, string> = { ...tagMap(m.tags ?? []), ...tagMap(tags), monitor_id: String(m.id) };
  if (m.type) labels.monitor_type = m.type;
  if (typeof m.priority === 'number') labels.priority = `P${m.priority}`;
  const groupMap = tagMap(tags);
  const node = ctx.nodeTags.map((k) => groupMap[k]).find((v) => !!v) ?? null;
  const silencedBy: Suppression[] = [];
  let ack: AlertT['acknowledgement'];
  const nowS = ctx.now / 1000;
  for (const [scope, end] of Object.entries(m.options?.silenced ?? {})) {
    if ((end !== null && end <= nowS) || !scopeCovers(scope, tags)) continue;
    const ours = ctx.ledger.find(m.id, scope, end);
    const until = isoFromSeconds(end);
    silencedBy.push({ kind: 'mute', id: `${m.id}:${scope}`, ...(ours ? { by: ours.by, ...(ours.comment ? { comment: ours.comment } : {}) } : {}), ...(until ? { until } : {}) });
    if (ours && !ack) ack = { by: ours.by, at: ours.at, ...(ours.comment ? { comment: ours.comment } : {}), ...(until ? { until } : {}) };
  }
  for (const d of ctx.downtimes) {
    if (!downtimeApplies(d, m, tags, ctx.now)) continue;
    const ours = readDowntimeMessage(d.attributes.message);
    const until = d.attributes.schedule?.end ? new Date(Date.parse(d.attributes.schedule.end)).toISOString() : undefined;
    const comment = ours ? ours.comment : d.attributes.message?.split('\n')[0]?.trim() || undefined;
    silencedBy.push({ kind: 'downtime', id: d.id, ...(ours ? { by: ours.by } : {}), ...(comment ? { comment } : {}), ...(until ? { until } : {}) });
    if (ours && !ack) {
      const at = d.attributes.created ?? d.attributes.schedule?.start ?? new Date(ctx.now).toISOString();
      ack = { by: ours.by, at: new Date(Date.parse(at)).toISOString(), ...(ours.comment ? { comment: ours.comment } : {}), ...(until ? { until } : {}) };
    }
  }
  const since = isoFromSeconds(g.last_triggered_ts) ?? isoFromSeconds(g.last_nodata_ts)
    ?? [m.overall_state_modified, m.modified, m.created].map((t) => (t ? Date.parse(t) : NaN)).filter((t) => !Number.isNaN(t)).map((t) => new Date(t).toISOString())[0]
    ?? new Date(0).toISOString();
  const firstLine = (m.message ?? '').split('\n').map((l) => l.trim()).find(Boolean);
  const links: Record<string, string> = { source: `${ctx.appBase}/monitors/${m.id}` };
  if (node) links.node = `/api/v1/nodes/${encodeURIComponent(node)}`;
  const annotations: Record<string, string> = {};
  if (m.message) annotations.message = m.message;
  if (m.query) annotations.query = m.query;
  annotations.datadog_status = g.status;
  const alert: AlertT = {
    id: alertId(m.id, group),
    source: SOURCE,
    node,
    name: m.name,
    severity: severityOf(m.priority, g.status),
    state: ack ? 'acknowledged' : silencedBy.length ? 'silenced' : 'firing',
    since,
    summary: (firstLine ? `${m.name}: ${firstLine}` : m.name).slice(0, 4000),
    labels,
    annotations,
    links,
  };
  if (silencedBy.length) alert.silencedBy = silencedBy;
  if (ack) alert.acknowledgement = ack;
  return alert;
}
