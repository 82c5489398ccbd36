/**
 * The nagios plugin: Nagios Core 4 as an alert source. Problems come from statusjson.cgi (parse.ts),
 * acknowledgements and downtimes go through cmd.cgi (client.ts, times.ts) and are confirmed by polling
 * statusjson, the alert history comes from archivejson.cgi as journal entries (journal.ts).
 */
import type { Logger } from 'pino';
import {
  alertAcknowledge, alertGet, alertList, alertResolve, alertStream, journalList, journalStream,
} from '../../../src/capabilities/index.js';
import { AlertChangeFeed, pageAlerts, type AlertT } from '../../../src/capabilities/alert-source.js';
import { Errors } from '../../../src/core/errors.js';
import type { PluginHelpers } from '../../../src/core/helpers-api.js';
import { BasePlugin, implement, type HealthStatus, type PluginCapability } from '../../../src/core/types.js';
import { formValue, NagiosClient } from './client.js';
import type { NagiosConfig } from './config.js';
import { journalList as listJournal, journalStream as followJournal, type JournalDeps } from './journal.js';
import {
  markComment, parseAlertId, readComment, SOURCE, toAlerts, type NagiosComment, type NagiosDowntime, type Snapshot, type StatusObject,
} from './parse.js';
import { fixedWindow } from './times.js';

export const PLUGIN_ID = SOURCE;

/** How often acknowledge/resolve look at statusjson for the command's effect (ms). */
const POLL_MS = 250;

/** cmd.cgi command numbers (include/common.h CMD_*). */
export const CMD = {
  ackHost: 33, ackService: 34, removeHostAck: 51, removeServiceAck: 52,
  hostDowntime: 55, serviceDowntime: 56, deleteHostDowntime: 78, deleteServiceDowntime: 79,
} as const;

export class NagiosPlugin extends BasePlugin {
  readonly metadata = {
    name: PLUGIN_ID, version: '0.1.0', description: 'Nagios Core 4: problems as alerts (acknowledge, downtime, follow) and the alert history as journal entries.',
    integrationTypes: ['alerting' as const],
  };
  private client!: NagiosClient;
  private readonly feed: AlertChangeFeed;
  private readonly reverseNodes = new Map<string, string[]>();

  constructor(private readonly cfg: NagiosConfig, private readonly logger: Logger, private readonly helpers: PluginHelpers) {
    super();
    this.feed = new AlertChangeFeed({ read: () => this.readAlerts(AbortSignal.timeout(cfg.timeoutMs * 3)) });
    for (const [host, node] of Object.entries(cfg.nodeMap)) this.reverseNodes.set(node, [...(this.reverseNodes.get(node) ?? []), host]);
  }

  async initialize(): Promise<void> {
    this.client = new NagiosClient(this.cfg, this.helpers);
    this.logger.info({ url: this.client.base.href, user: this.cfg.user ?? null }, 'nagios source configured');
  }

  /** programstatus (is it Nagios, are the credentials right), then hostcount (does the user see anything). */
  async healthCheck(): Promise<HealthStatus> {
    const base = this.client.base.href;
    const details: Record<string, unknown> = { url: base, user: this.cfg.user ?? null };
    let version: string | undefined;
    let user: string | undefined;
    try {
      const ps = await this.client.jsonOnce<{ programstatus?: { version?: string } }>('statusjson.cgi', { query: 'programstatus' });
      if (ps.result.cgi !== undefined && ps.result.cgi !== 'statusjson.cgi') return { status: 'unhealthy', message: `${base}statusjson.cgi answered as '${ps.result.cgi}': not Nagios's statusjson`, details };
      version = ps.data?.programstatus?.version;
      user = ps.result.user;
      if (!version) return { status: 'unhealthy', message: `${base}statusjson.cgi answered without programstatus.version: not Nagios Core 4`, details };
    } catch (err) {
      return { status: 'unhealthy', message: (err as Error).message, details };
    }
    Object.assign(details, { version, cgiUser: user ?? null });
    if (!/^4\./.test(version)) return { status: 'degraded', message: `Nagios ${version} at ${base}: this plugin speaks to Nagios Core 4 (statusjson/archivejson)`, details };
    if (!user) return { status: 'degraded', message: `Nagios ${version} at ${base}: the CGIs see no user (REMOTE_USER unset): put HTTP Basic auth in front of them, else they answer empty lists and refuse commands`, details };
    try {
      const [hc, sc] = await Promise.all([
        this.client.jsonOnce<{ count?: Record<string, number> }>('statusjson.cgi', { query: 'hostcount' }),
        this.client.jsonOnce<{ count?: Record<string, number> }>('statusjson.cgi', { query: 'servicecount' }),
      ]);
      const sum = (c?: Record<string, number>) => Object.values(c ?? {}).reduce((a, b) => a + (typeof b === 'number' ? b : 0), 0);
      const hosts = sum(hc.data.count);
      const services = sum(sc.data.count);
      Object.assign(details, { hosts, services });
      if (hosts === 0) {
        return { status: 'degraded', message: `Nagios ${version} at ${base}: user '${user}' sees no host: not authorized (cgi.cfg authorized_for_all_hosts / authorized_for_all_services, or make it a contact of the hosts), or no host is configured`, details };
      }
      return { status: 'healthy', message: `Nagios ${version} at ${base} (user ${user}): ${hosts} hosts, ${services} services visible`, details };
    } catch (err) {
      return { status: 'unhealthy', message: (err as Error).message, details };
    }
  }

  capabilities(): PluginCapability<any, any>[] {
    const journal: JournalDeps = { client: this.client, nodeOf: (h) => this.nodeOf(h), hostsOf: (n) => this.hostsOf(n), historyDays: this.cfg.historyDays };
    // The client exists only after initialize(): read it when called.
    Object.defineProperty(journal, 'client', { get: () => this.client });
    return [
      implement(alertList, async (p, ctx) => pageAlerts(await this.readAlerts(ctx.signal), p)),
      implement(alertGet, async (p, ctx) => ({ alert: (await this.readAlerts(ctx.signal)).find((a) => a.id === p.id) ?? null })),
      implement(alertAcknowledge, async (p, ctx) => ({ alert: await this.acknowledge(p, ctx.principal.id, ctx.signal) })),
      implement(alertResolve, async (p, ctx) => ({ alert: await this.resolve(p.id, ctx.signal) })),
      implement(alertStream, (p) => this.feed.stream(p)),
      implement(journalList, async (p, ctx) => listJournal(journal, p, ctx.signal)),
      implement(journalStream, async (p, ctx) => followJournal(journal, p, ctx.signal)),
    ];
  }

  private nodeOf(host: string): string {
    return this.cfg.nodeMap[host] ?? host;
  }

  /** The Nagios hosts of a node: those nodeMap maps to it, else the host of that name (unless nodeMap renames it). */
  private hostsOf(node: string): string[] {
    const mapped = this.reverseNodes.get(node) ?? [];
    if (mapped.length) return mapped;
    return this.cfg.nodeMap[node] === undefined ? [node] : [];
  }

  /** One look at statusjson: the problems (hosts DOWN/UNREACHABLE, services WARNING/CRITICAL/UNKNOWN), comments, downtimes. */
  async snapshot(signal: AbortSignal): Promise<Snapshot> {
    const [h, s, c, d] = await Promise.all([
      this.client.json<{ hostlist?: Record<string, StatusObject> }>('statusjson.cgi', { query: 'hostlist', details: 'true', hoststatus: 'down unreachable' }, signal),
      this.client.json<{ servicelist?: Record<string, Record<string, StatusObject>> }>('statusjson.cgi', { query: 'servicelist', details: 'true', servicestatus: 'warning critical unknown' }, signal),
      this.client.json<{ commentlist?: Record<string, NagiosComment> }>('statusjson.cgi', { query: 'commentlist', details: 'true' }, signal),
      this.client.json<{ downtimelist?: Record<string, NagiosDowntime> }>('statusjson.cgi', { query: 'downtimelist', details: 'true' }, signal),
    ]);
    return {
      hosts: h.data.hostlist ?? {}, services: s.data.servicelist ?? {}, comments: c.data.commentlist ?? {}, downtimes: d.data.downtimelist ?? {},
      queryTime: h.result.query_time ?? Date.now(),
    };
  }

  private alertsOf(snap: Snapshot): AlertT[] {
    return toAlerts(snap, { nodeOf: (host) => this.nodeOf(host), page: (cgi, params) => this.client.page(cgi, params) });
  }

  async readAlerts(signal: AbortSignal): Promise<AlertT[]> {
    return this.alertsOf(await this.snapshot(signal));
  }

  /** The problem `id` names now. @throws Errors.RecordNotFound when Nagios has no such problem. */
  private async current(id: string, signal: AbortSignal): Promise<AlertT> {
    const alert = (await this.readAlerts(signal)).find((a) => a.id === id);
    if (!alert) throw notFound(id);
    return alert;
  }

  /** Polls statusjson until `done` holds for the snapshot (every POLL_MS, at most commandTimeoutMs). */
  private async until(what: string, signal: AbortSignal, done: (snap: Snapshot) => boolean): Promise<Snapshot> {
    const deadline = Date.now() + this.cfg.commandTimeoutMs;
    for (;;) {
      const snap = await this.snapshot(signal);
      if (done(snap)) return snap;
      if (Date.now() >= deadline) {
        throw new Errors.Upstream(`cmd.cgi accepted the command, but statusjson did not show ${what} within ${this.cfg.commandTimeoutMs} ms (plugins.nagios.commandTimeoutMs; is Nagios running and reading its command file?)`);
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
      if (signal.aborted) throw new Errors.Upstream(`waiting for Nagios to show ${what}: aborted`);
    }
  }

  /**
   * Acknowledges the problem (cmd 33/34: sticky, not persistent, with notification), the caller written into
   * the comment (see parse.ts markComment); with `downtime`, also a fixed downtime of durationSeconds from now
   * (cmd 55/56). Nagios 4.4 acknowledgements do not expire: durationSeconds only sizes the downtime.
   */
  private async acknowledge(p: { id: string; comment?: string; durationSeconds?: number; downtime?: boolean }, principal: string, signal: AbortSignal): Promise<AlertT> {
    const before = await this.current(p.id, signal);
    const { host, service } = parseAlertId(p.id);
    const object = { host, ...(service !== undefined ? { service } : {}) };
    const text = markComment(p.comment?.trim() || 'Acknowledged', principal);
    await this.client.command(service === undefined ? CMD.ackHost : CMD.ackService, {
      ...object, com_author: principal, com_data: text, sticky_ack: 'on', send_notification: 'on',
    }, signal);
    const seconds = p.durationSeconds ?? 7200;
    const knownDowntimes = new Set(p.downtime ? Object.keys((await this.snapshot(signal)).downtimes) : []);
    if (p.downtime) {
      await this.client.command(service === undefined ? CMD.hostDowntime : CMD.serviceDowntime, {
        ...object, com_author: principal, com_data: text, trigger: '0', ...(service === undefined ? { childoptions: '0' } : {}),
      }, signal, (form) => fixedWindow(formValue(form, 'start_time'), seconds));
    }
    this.logger.info({ alert: p.id, by: principal, downtime: p.downtime === true }, 'nagios acknowledgement sent');
    const snap = await this.until(p.downtime ? 'the acknowledgement and the downtime' : 'the acknowledgement', signal, (s) => {
      const alert = this.alertsOf(s).find((a) => a.id === p.id);
      if (!alert) return true; // recovered meanwhile
      const acked = alert.state === 'acknowledged' && alert.acknowledgement?.by === principal;
      const down = !p.downtime || Object.entries(s.downtimes).some(([k, d]) => !knownDowntimes.has(k) && d.host_name === host
        && (d.service_description ?? undefined) === service && d.is_in_effect && d.comment === text);
      return acked && down;
    });
    return this.alertsOf(snap).find((a) => a.id === p.id) ?? { ...before, state: 'resolved', endsAt: new Date(snap.queryTime).toISOString() };
  }

  /**
   * Takes Capstan's acknowledgement back: removes the acknowledgement (cmd 51/52) and deletes the downtimes
   * Capstan scheduled on the object (their comment carries the Capstan mark; cmd 78/79). Other downtimes stay.
   * @throws Errors.AlertAcknowledgedByOther (409), nothing changed, when the acknowledgement is a person's:
   *   its comment lacks the Capstan mark `(by <principal> via Capstan)` (parse.ts markComment)
   * @throws Errors.RecordNotFound when Nagios has no such problem
   */
  private async resolve(id: string, signal: AbortSignal): Promise<AlertT> {
    const snap0 = await this.snapshot(signal);
    const before = this.alertsOf(snap0).find((a) => a.id === id);
    if (!before) throw notFound(id);
    const { host, service } = parseAlertId(id);
    const object = { host, ...(service !== undefined ? { service } : {}) };
    if (before.state === 'acknowledged') {
      const ackId = before.silencedBy?.find((s) => s.kind === 'acknowledgement')?.id;
      const ack = ackId === undefined ? undefined : Object.values(snap0.comments).find((c) => String(c.comment_id) === ackId);
      if (!ack || readComment(ack.comment_data).principal === undefined) {
        throw new Errors.AlertAcknowledgedByOther(`Nagios problem '${id.slice(0, 300)}' is acknowledged by ${ack?.author || before.acknowledgement?.by || 'someone'} outside Capstan${ack?.comment_data ? ` ('${ack.comment_data.slice(0, 200)}')` : ''}: alert.resolve takes back only Capstan's acknowledgements; nothing was changed.`, { extra: { id, acknowledgedBy: ack?.author ?? before.acknowledgement?.by ?? null } });
      }
    }
    const ours = Object.values(snap0.downtimes).filter((d) => d.host_name === host && (d.service_description ?? undefined) === service
      && readComment(d.comment).principal !== undefined).map((d) => String(d.downtime_id));
    if (before.state === 'acknowledged') await this.client.command(service === undefined ? CMD.removeHostAck : CMD.removeServiceAck, object, signal);
    for (const downId of ours) {
      await this.client.command(service === undefined ? CMD.deleteHostDowntime : CMD.deleteServiceDowntime, { down_id: downId }, signal);
    }
    if (before.state !== 'acknowledged' && !ours.length) return before;
    const snap = await this.until('the acknowledgement removed', signal, (s) => {
      const alert = this.alertsOf(s).find((a) => a.id === id);
      return !alert || (alert.state !== 'acknowledged' && ours.every((k) => !s.downtimes[k]));
    });
    return this.alertsOf(snap).find((a) => a.id === id) ?? { ...before, state: 'resolved', endsAt: new Date(snap.queryTime).toISOString() };
  }
}

/** The problem `id` is not one Nagios lists now (RecordNotFound, 404). */
function notFound(id: string): Error {
  return new Errors.RecordNotFound(`Nagios has no problem '${id.slice(0, 300)}' (ids: \`host\` or \`host!service description\`; UP and OK objects are no alerts).`);
}
