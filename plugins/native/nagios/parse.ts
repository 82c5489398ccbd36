/**
 * Nagios Core 4 statusjson.cgi answers as Capstan alerts (records.ts Alert). One alert per host problem
 * (DOWN, UNREACHABLE) and per service problem (WARNING, CRITICAL, UNKNOWN), hard or soft; UP/OK and pending
 * objects are no alerts.
 *
 * Field meanings (recordings in test/fixtures, from /work/shared/reference/nagios/outputs; Nagios 4.4.6):
 * - `status` is a bitmask value: host 1 pending, 2 UP, 4 DOWN, 8 UNREACHABLE; service 1 pending, 2 OK,
 *   4 WARNING, 8 UNKNOWN, 16 CRITICAL. `state_type` 0 soft, 1 hard; `check_type` 0 active, 1 passive.
 * - every time is in ms since the epoch, 0 meaning never.
 * - commentlist `entry_type` 4 = acknowledgement comment; `comment_type` 1 host, 2 service.
 * - downtimelist `type` 1 service, 2 host; `is_in_effect`; `end_time` ms.
 */
import type { AlertSeverity, AlertT } from '../../../src/capabilities/alert-source.js';

export const SOURCE = 'nagios';

/** A host's or service's status (statusjson `hostlist`/`servicelist` with details=true, `host`, `service`). */
export interface StatusObject {
  name?: string;
  host_name?: string;
  description?: string;
  plugin_output?: string;
  long_plugin_output?: string;
  status: number;
  has_been_checked?: boolean;
  last_check?: number;
  last_state_change?: number;
  last_hard_state_change?: number;
  state_type?: number;
  check_type?: number;
  problem_has_been_acknowledged?: boolean;
  acknowledgement_type?: number;
  scheduled_downtime_depth?: number;
}

/** commentlist entry (details=true). */
export interface NagiosComment {
  comment_id: number;
  comment_type: number;
  entry_type: number;
  entry_time: number;
  host_name: string;
  service_description?: string;
  author: string;
  comment_data: string;
}

/** downtimelist entry (details=true). */
export interface NagiosDowntime {
  downtime_id: number;
  type: number;
  host_name: string;
  service_description?: string;
  entry_time: number;
  start_time: number;
  end_time: number;
  fixed: boolean;
  duration: number;
  is_in_effect: boolean;
  author: string;
  comment: string;
}

/** What one look at statusjson holds: the problems, the comments, the downtimes. */
export interface Snapshot {
  hosts: Record<string, StatusObject>;
  services: Record<string, Record<string, StatusObject>>;
  comments: Record<string, NagiosComment>;
  downtimes: Record<string, NagiosDowntime>;
  /** Nagios's clock at the look (ms). */
  queryTime: number;
}

/** A Nagios state: its word, its Capstan severity (undefined: not a problem). */
interface StateInfo { text: string; severity?: AlertSeverity }

const HOST_STATES: Record<number, StateInfo> = {
  1: { text: 'PENDING' }, 2: { text: 'UP' }, 4: { text: 'DOWN', severity: 'critical' }, 8: { text: 'UNREACHABLE', severity: 'error' },
};
const SERVICE_STATES: Record<number, StateInfo> = {
  1: { text: 'PENDING' }, 2: { text: 'OK' }, 4: { text: 'WARNING', severity: 'warning' }, 8: { text: 'UNKNOWN', severity: 'error' }, 16: { text: 'CRITICAL', severity: 'critical' },
};

/** statusjson `status` as text and severity (undefined severity: no problem). */
export function stateOf(kind: 'host' | 'service', status: number): StateInfo {
  return (kind === 'host' ? HOST_STATES : SERVICE_STATES)[status] ?? { text: `STATUS_${status}` };
}

/** The alert id: `host` for a host problem, `host!service description` for a service problem. */
export function alertId(host: string, service?: string): string {
  return service === undefined ? host : `${host}!${service}`;
}

/** The object an alert id names (split at the first `!`: Nagios forbids `!` in object names by default). */
export function parseAlertId(id: string): { host: string; service?: string } {
  const i = id.indexOf('!');
  return i < 0 ? { host: id } : { host: id.slice(0, i), service: id.slice(i + 1) };
}

/**
 * Who made a comment through Capstan. With cgi.cfg `lock_author_names=1` (the default) Nagios records the
 * web user's contact alias as author and ignores the author sent, so Capstan also writes the caller into the
 * comment text: `<comment> (by <principal> via Capstan)`.
 */
export function markComment(comment: string, principal: string): string {
  return `${comment} (by ${principal} via Capstan)`;
}

/** A comment's text and the Capstan caller it names, if any. */
export function readComment(text: string): { comment: string; principal?: string } {
  const m = /^([\s\S]*?)\s*\(by (.+?) via Capstan\)$/.exec(text);
  return m ? { comment: m[1], principal: m[2] } : { comment: text };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** How the alert maps onto Capstan: node names and the CGI page of an object. */
export interface MapOptions {
  nodeOf: (host: string) => string;
  page: (cgi: string, params: Record<string, string>) => string;
}

const sameObject = (host: string, service: string | undefined) => (o: { host_name: string; service_description?: string }) =>
  o.host_name === host && (service === undefined ? !o.service_description : o.service_description === service);

/** One problem as an alert, or undefined when the object is not a problem (UP, OK, pending). */
export function toAlert(snap: Snapshot, o: StatusObject, host: string, service: string | undefined, opts: MapOptions): AlertT | undefined {
  const kind = service === undefined ? 'host' : 'service';
  const state = stateOf(kind, o.status);
  if (!state.severity || o.has_been_checked === false) return undefined;
  const node = opts.nodeOf(host);
  const mine = sameObject(host, service);
  const downtimes = Object.values(snap.downtimes).filter((d) => mine(d) && d.is_in_effect && (service === undefined ? d.type === 2 : d.type === 1))
    .sort((a, b) => a.downtime_id - b.downtime_id);
  const acked = o.problem_has_been_acknowledged === true;
  const ack = acked
    ? Object.values(snap.comments).filter((c) => c.entry_type === 4 && c.comment_type === (service === undefined ? 1 : 2) && mine(c))
      .sort((a, b) => b.entry_time - a.entry_time || b.comment_id - a.comment_id)[0]
    : undefined;
  const since = o.last_state_change || o.last_hard_state_change || o.last_check || snap.queryTime;
  const output = o.plugin_output ?? '';
  const alert: AlertT = {
    id: alertId(host, service),
    source: SOURCE,
    node,
    name: service ?? host,
    severity: state.severity,
    state: acked ? 'acknowledged' : (o.scheduled_downtime_depth ?? 0) > 0 ? 'silenced' : 'firing',
    since: iso(since),
    summary: (output || `${kind} ${state.text}`).slice(0, 4000),
    labels: {
      host,
      ...(service !== undefined ? { service } : {}),
      state: state.text,
      state_type: o.state_type === 0 ? 'soft' : 'hard',
      check_type: o.check_type === 1 ? 'passive' : 'active',
    },
    annotations: {
      ...(output ? { summary: output } : {}),
      ...(o.long_plugin_output ? { description: o.long_plugin_output } : {}),
    },
    links: {
      source: service === undefined
        ? opts.page('extinfo.cgi', { type: '1', host })
        : opts.page('extinfo.cgi', { type: '2', host, service }),
      node: `/api/v1/nodes/${encodeURIComponent(node)}`,
    },
  };
  const silencedBy: NonNullable<AlertT['silencedBy']> = [];
  if (ack) {
    const { comment, principal } = readComment(ack.comment_data);
    alert.acknowledgement = { by: principal ?? ack.author, at: iso(ack.entry_time), ...(comment ? { comment } : {}) };
    silencedBy.push({ kind: 'acknowledgement', id: String(ack.comment_id), by: principal ?? ack.author, ...(comment ? { comment } : {}) });
  }
  for (const d of downtimes) {
    const { comment, principal } = readComment(d.comment);
    silencedBy.push({ kind: 'downtime', id: String(d.downtime_id), by: principal ?? d.author, ...(comment ? { comment } : {}), until: iso(d.end_time) });
  }
  if (silencedBy.length) alert.silencedBy = silencedBy;
  return alert;
}

/** Every problem of a look at statusjson, as alerts. */
export function toAlerts(snap: Snapshot, opts: MapOptions): AlertT[] {
  const out: AlertT[] = [];
  for (const [host, o] of Object.entries(snap.hosts)) {
    const a = toAlert(snap, o, host, undefined, opts);
    if (a) out.push(a);
  }
  for (const [host, services] of Object.entries(snap.services)) {
    for (const [service, o] of Object.entries(services)) {
      const a = toAlert(snap, o, host, service, opts);
      if (a) out.push(a);
    }
  }
  return out;
}
