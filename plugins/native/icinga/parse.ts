/**
 * Icinga 2 host and service objects as Capstan Alerts (pure functions). Field meanings from the API docs
 * (https://icinga.com/docs/icinga-2/latest/doc/09-object-types/) and the answers recorded from Icinga 2.13.6
 * (test/fixtures, from /work/shared/reference/icinga/outputs):
 * - host `state` 0 UP, 1 DOWN (there is no UNREACHABLE state: a DOWN host with `last_reachable` false is
 *   unreachable); service `state` 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; `state_type` 0 soft, 1 hard;
 * - a never-checked object has `last_check_result` null (its `state` is then 1 or 3 all the same);
 * - times are epoch SECONDS as decimals; `last_state_change` is 0 when the state never changed since start;
 * - `acknowledgement` 0 none, 1 normal, 2 sticky; `downtime_depth` > 0 while a downtime is in effect;
 * - acknowledgement comments have `entry_type` 4.
 */
import type { AlertSeverity, AlertT } from '../../../src/capabilities/alert-source.js';
import type { IcingaObject } from './client.js';

export const SOURCE = 'icinga';

export interface CheckResult {
  output?: string;
  state?: number;
  exit_status?: number;
  execution_start?: number;
  execution_end?: number;
}

/** The attributes read of a host or a service (HOST_ATTRS / SERVICE_ATTRS). */
export interface CheckableAttrs {
  name?: string;
  display_name?: string;
  host_name?: string;
  state?: number;
  state_type?: number;
  last_state_change?: number;
  last_hard_state_change?: number;
  last_check?: number;
  last_check_result?: CheckResult | null;
  last_reachable?: boolean;
  acknowledgement?: number;
  acknowledgement_expiry?: number;
  acknowledgement_last_change?: number;
  downtime_depth?: number;
  vars?: Record<string, unknown> | null;
  groups?: string[];
  check_command?: string;
  notes?: string;
  notes_url?: string;
  action_url?: string;
}

/** An acknowledgement comment (/v1/objects/comments, entry_type 4). */
export interface CommentAttrs {
  author?: string;
  text?: string;
  entry_time?: number;
  entry_type?: number;
  expire_time?: number;
  host_name?: string;
  service_name?: string;
}

/** A downtime (/v1/objects/downtimes). */
export interface DowntimeAttrs {
  author?: string;
  comment?: string;
  start_time?: number;
  end_time?: number;
  fixed?: boolean;
  duration?: number;
  trigger_time?: number;
  host_name?: string;
  service_name?: string;
}

const COMMON_ATTRS = [
  'name', 'display_name', 'state', 'state_type', 'last_state_change', 'last_hard_state_change', 'last_check', 'last_check_result',
  'acknowledgement', 'acknowledgement_expiry', 'acknowledgement_last_change', 'downtime_depth', 'vars', 'groups', 'check_command',
  'notes', 'notes_url', 'action_url',
];
export const HOST_ATTRS = [...COMMON_ATTRS, 'last_reachable'];
export const SERVICE_ATTRS = [...COMMON_ATTRS, 'host_name'];
/** What a service alert shows of its host. */
export const SERVICE_JOINS = ['host.name', 'host.display_name', 'host.groups'];
export const COMMENT_ATTRS = ['author', 'text', 'entry_time', 'entry_type', 'expire_time', 'host_name', 'service_name'];
export const DOWNTIME_ATTRS = ['author', 'comment', 'start_time', 'end_time', 'fixed', 'duration', 'trigger_time', 'host_name', 'service_name'];

/** Custom variable names never copied to labels: they usually hold credentials for check commands. */
const SECRET_VAR = /passw(or)?d|passphrase|secret|token|api[_-]?key|private[_-]?key|credential|community|auth/i;
const MAX_VAR_LABELS = 50;

/** What the mapping needs besides the object. */
export interface MapContext {
  /** Acknowledgement comments by object name (`host` or `host!service`). */
  comments: Map<string, CommentAttrs[]>;
  /** Downtimes by object name. */
  downtimes: Map<string, { name: string; attrs: DowntimeAttrs }[]>;
  /** Now, epoch ms. */
  now: number;
  webUrl?: string;
  webModule?: 'icingadb' | 'monitoring';
  /** Custom variables copied to labels; undefined: every scalar one not named like a secret. */
  labelVars?: readonly string[];
}

/** A reference to an Icinga checkable by its object name: `host` or `host!service`. */
export interface ObjectRef {
  host: string;
  service?: string;
}

/** `host` or `host!service` (split at the first `!`, as Icinga composes service names); null when malformed. */
export function parseAlertId(id: string): ObjectRef | null {
  const bang = id.indexOf('!');
  if (bang < 0) return id.trim() ? { host: id } : null;
  const host = id.slice(0, bang);
  const service = id.slice(bang + 1);
  return host && service ? { host, service } : null;
}

/**
 * The action/query selector of exactly one object: a constant filter, the names as `filter_vars` (never
 * spliced into the filter text).
 */
export function objectSelector(ref: ObjectRef): { type: 'Host' | 'Service'; filter: string; filter_vars: Record<string, string> } {
  return ref.service === undefined
    ? { type: 'Host', filter: 'host.name == capstan_host', filter_vars: { capstan_host: ref.host } }
    : { type: 'Service', filter: 'host.name == capstan_host && service.name == capstan_service', filter_vars: { capstan_host: ref.host, capstan_service: ref.service } };
}

/** Epoch seconds (decimal) as an ISO 8601 time; undefined for 0, missing or absurd values. */
export function isoFromSeconds(s: number | undefined | null): string | undefined {
  if (typeof s !== 'number' || !Number.isFinite(s) || s <= 0) return undefined;
  const d = new Date(Math.round(s * 1000));
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

const HOST_STATES: Record<number, string> = { 0: 'UP', 1: 'DOWN', 2: 'UNREACHABLE' };
const SERVICE_STATES: Record<number, string> = { 0: 'OK', 1: 'WARNING', 2: 'CRITICAL', 3: 'UNKNOWN' };

/** The state word of a host or service: DOWN, UNREACHABLE (a DOWN host behind a DOWN parent), WARNING, ... */
export function stateName(isHost: boolean, state: number, lastReachable?: boolean): string {
  if (isHost) return state !== 0 && lastReachable === false ? 'UNREACHABLE' : HOST_STATES[state] ?? `STATE_${state}`;
  return SERVICE_STATES[state] ?? `STATE_${state}`;
}

/** CRITICAL and DOWN are critical, UNKNOWN and UNREACHABLE error, WARNING warning. */
export function severityOf(stateWord: string): AlertSeverity {
  switch (stateWord) {
    case 'CRITICAL': case 'DOWN': return 'critical';
    case 'UNKNOWN': case 'UNREACHABLE': return 'error';
    case 'WARNING': return 'warning';
    default: return 'info';
  }
}

/**
 * Ends the text of every acknowledgement comment alert.acknowledge writes: how Capstan tells its own
 * acknowledgements from a person's (Icinga keeps the author as sent, so the author alone cannot tell: a person
 * may bear the same name as a Capstan principal). Earlier builds wrote the default text
 * `Acknowledged through Capstan by <principal>` without the mark; that text is recognised too.
 */
export const CAPSTAN_ACK_MARK = '(via Capstan)';
const LEGACY_ACK_TEXT = /^Acknowledged through Capstan by \S+$/;

/** The comment text alert.acknowledge sends: the caller's comment (or the default) followed by CAPSTAN_ACK_MARK. */
export function markAckComment(comment: string): string {
  return `${comment} ${CAPSTAN_ACK_MARK}`;
}

/** An acknowledgement comment's text without Capstan's mark, and whether Capstan made it. */
export function readAckComment(text: string | undefined): { comment: string; capstan: boolean } {
  const t = (text ?? '').trim();
  if (t.endsWith(CAPSTAN_ACK_MARK)) return { comment: t.slice(0, -CAPSTAN_ACK_MARK.length).trim(), capstan: true };
  return { comment: text ?? '', capstan: LEGACY_ACK_TEXT.test(t) };
}

/** The acknowledgement comment that explains an object's acknowledgement: the newest one (entry_time). */
export function latestAck(comments: readonly CommentAttrs[] | undefined): CommentAttrs | undefined {
  return [...(comments ?? [])].sort((x, y) => (y.entry_time ?? 0) - (x.entry_time ?? 0))[0];
}

/** Groups a list of comments or downtimes by the object they belong to (`host` or `host!service`). */
export function byObject<T extends { host_name?: string; service_name?: string }, R>(items: IcingaObject<T>[], pick: (o: IcingaObject<T>) => R): Map<string, R[]> {
  const out = new Map<string, R[]>();
  for (const o of items) {
    const key = o.attrs.service_name ? `${o.attrs.host_name}!${o.attrs.service_name}` : String(o.attrs.host_name ?? '');
    out.set(key, [...(out.get(key) ?? []), pick(o)]);
  }
  return out;
}

/** Whether a downtime holds its object now: triggered, and its fixed window or flexible duration not over. */
export function downtimeInEffect(d: DowntimeAttrs, nowSeconds: number): boolean {
  const trigger = d.trigger_time ?? 0;
  if (trigger <= 0 || trigger > nowSeconds) return false;
  const end = d.fixed === false && d.duration ? Math.min(trigger + d.duration, d.end_time ?? Infinity) : d.end_time ?? Infinity;
  return nowSeconds < end;
}

/**
 * The Alert of a host or service problem; null when the object is no problem (UP / OK) or was never checked.
 * `since` is `last_state_change`, else (0: unchanged since Icinga started) the last hard state change, else the
 * last check.
 */
export function toAlert(obj: IcingaObject<CheckableAttrs>, ctx: MapContext): AlertT | null {
  const a = obj.attrs;
  const isHost = obj.type === 'Host';
  const state = a.state ?? 0;
  if (state === 0 || a.last_check_result == null) return null;
  const host = isHost ? obj.name : a.host_name ?? obj.name.slice(0, obj.name.indexOf('!'));
  const service = isHost ? undefined : a.name ?? obj.name.slice(obj.name.indexOf('!') + 1);
  const word = stateName(isHost, state, a.last_reachable);
  const hostJoin = obj.joins?.host;
  const labels: Record<string, string> = {
    host,
    state: word,
    state_type: a.state_type === 0 ? 'SOFT' : 'HARD',
    ...varLabels(a.vars, ctx.labelVars),
  };
  if (service !== undefined) labels.service = service;
  const hostDisplay = isHost ? a.display_name : (hostJoin?.display_name as string | undefined);
  if (hostDisplay && hostDisplay !== host) labels.host_display_name = hostDisplay;
  if (!isHost && a.display_name && a.display_name !== service) labels.service_display_name = a.display_name;
  if (a.check_command) labels.check_command = a.check_command;
  const hostGroups = isHost ? a.groups : (hostJoin?.groups as string[] | undefined);
  if (hostGroups?.length) labels.hostgroups = hostGroups.join(',');
  if (!isHost && a.groups?.length) labels.servicegroups = a.groups.join(',');

  const output = (a.last_check_result.output ?? '').replace(/\r\n/g, '\n').trim();
  const [first = '', ...rest] = output.split('\n');
  const summary = (first.trim() || `${obj.name} is ${word}`).slice(0, 4000);
  const annotations: Record<string, string> = { summary };
  if (rest.join('\n').trim()) annotations.description = rest.join('\n').trim().slice(0, 16_000);
  if (a.notes) annotations.notes = a.notes;

  const links: Record<string, string> = { node: `/api/v1/nodes/${encodeURIComponent(host)}` };
  const web = webLink(ctx, host, service);
  if (web) links.source = web;
  if (a.notes_url) links.runbook = a.notes_url;
  if (a.action_url) links.action = a.action_url;

  const since = isoFromSeconds(a.last_state_change) ?? isoFromSeconds(a.last_hard_state_change)
    ?? isoFromSeconds(a.last_check_result.execution_start) ?? isoFromSeconds(a.last_check) ?? new Date(ctx.now).toISOString();

  const alert: AlertT = {
    id: obj.name, source: SOURCE, node: host, name: service ?? host, severity: severityOf(word), state: 'firing',
    since, summary, labels, annotations, links,
  };
  const silencedBy: NonNullable<AlertT['silencedBy']> = [];
  if ((a.acknowledgement ?? 0) !== 0) {
    const comment = latestAck(ctx.comments.get(obj.name));
    const until = isoFromSeconds(a.acknowledgement_expiry) ?? isoFromSeconds(comment?.expire_time);
    const by = comment?.author || 'unknown';
    const text = readAckComment(comment?.text).comment;
    alert.state = 'acknowledged';
    alert.acknowledgement = {
      by,
      at: isoFromSeconds(comment?.entry_time) ?? isoFromSeconds(a.acknowledgement_last_change) ?? since,
      ...(text ? { comment: text } : {}),
      ...(until ? { until } : {}),
    };
    silencedBy.push({ kind: 'acknowledgement', by, ...(text ? { comment: text } : {}), ...(until ? { until } : {}) });
  }
  if ((a.downtime_depth ?? 0) > 0) {
    if (alert.state === 'firing') alert.state = 'silenced';
    const active = (ctx.downtimes.get(obj.name) ?? []).filter((d) => downtimeInEffect(d.attrs, ctx.now / 1000));
    for (const d of active) {
      const until = isoFromSeconds(d.attrs.end_time);
      silencedBy.push({
        kind: 'downtime', id: d.name,
        ...(d.attrs.author ? { by: d.attrs.author } : {}), ...(d.attrs.comment ? { comment: d.attrs.comment } : {}), ...(until ? { until } : {}),
      });
    }
    if (!active.length) silencedBy.push({ kind: 'downtime' });
  }
  if (silencedBy.length) alert.silencedBy = silencedBy;
  return alert;
}

/** Scalar custom variables as `vars_<name>` labels (names made label-safe); secret-looking names never, even when listed. */
function varLabels(vars: Record<string, unknown> | null | undefined, wanted?: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (!vars) return out;
  const names = (wanted ?? Object.keys(vars).sort()).filter((k) => !SECRET_VAR.test(k));
  for (const k of names) {
    const v = vars[k];
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') continue;
    if (Object.keys(out).length >= MAX_VAR_LABELS) break;
    out[`vars_${k.replace(/[^A-Za-z0-9_]/g, '_')}`] = String(v).slice(0, 1024);
  }
  return out;
}

/** The object's page in Icinga Web 2 (Icinga DB Web or the monitoring module), when webUrl is set. */
function webLink(ctx: MapContext, host: string, service?: string): string | undefined {
  if (!ctx.webUrl) return undefined;
  const base = ctx.webUrl.replace(/\/+$/, '');
  const q = (pairs: [string, string][]) => pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  if (ctx.webModule === 'monitoring') {
    return service === undefined ? `${base}/monitoring/host/show?${q([['host', host]])}` : `${base}/monitoring/service/show?${q([['host', host], ['service', service]])}`;
  }
  return service === undefined ? `${base}/icingadb/host?${q([['name', host]])}` : `${base}/icingadb/service?${q([['name', service], ['host.name', host]])}`;
}
