/**
 * The datadog plugin: Datadog monitors as Capstan alerts (API v1 Monitors, v2 Downtimes): list (every page
 * of GET /api/v1/monitor with group_states=all, filtered by monitorTags), get, acknowledge (mute the
 * monitor's group until now + durationSeconds, or a v2 downtime with `downtime: true`), resolve (Capstan's
 * mute lifted or downtime canceled) and a change feed (alert.stream). Health: the API key
 * (GET /api/v1/validate) and the application key (one monitor read), named separately.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { alertAcknowledge, alertGet, alertList, alertResolve, alertStream } from '../../../src/capabilities/index.js';
import { AlertChangeFeed, pageAlerts, type AlertT } from '../../../src/capabilities/alert-source.js';
import { Errors } from '../../../src/core/errors.js';
import { BasePlugin, implement, type HealthStatus, type PluginCapability } from '../../../src/core/types.js';
import { DatadogClient } from './client.js';
import { appBase, nodeTagList, type DatadogConfig } from './config.js';
import { monitorAlerts, parseAlertId, SOURCE, type DdDowntime, type DdMonitor } from './map.js';
import { downtimeMessage, MuteLedger } from './marks.js';

export const PLUGIN_ID = SOURCE;
const MAX_PAGES = 1000;

export class DatadogPlugin extends BasePlugin {
  readonly metadata = {
    name: PLUGIN_ID, version: '0.1.0', description: 'Datadog monitors as alerts, acknowledged with mutes or downtimes.',
    integrationTypes: ['alerting' as const],
  };
  private client!: DatadogClient;
  private readonly feed: AlertChangeFeed;
  private readonly ledger: MuteLedger;

  constructor(private readonly cfg: DatadogConfig, private readonly logger: Logger, dataDir: string) {
    super();
    this.ledger = new MuteLedger(join(dataDir, 'datadog-acknowledgements.json'));
    this.feed = new AlertChangeFeed({ read: () => this.all(AbortSignal.timeout(cfg.timeoutMs * 4)) });
  }

  async initialize(): Promise<void> {
    this.client = new DatadogClient(this.cfg);
    this.logger.info({ api: this.client.base.origin, site: this.cfg.site, apiKey: this.cfg.apiKey ? 'set' : 'not set', applicationKey: this.cfg.applicationKey ? 'set' : 'not set' }, 'datadog alert source configured');
  }

  async healthCheck(): Promise<HealthStatus> {
    const details: Record<string, unknown> = { api: this.client.base.origin, site: this.cfg.site };
    const limits = () => Object.fromEntries([...this.client.rateLimits].map(([k, v]) => [k, { remaining: v.remaining, limit: v.limit, periodSeconds: v.periodSeconds }]));
    if (!this.cfg.apiKey) return { status: 'unhealthy', message: 'plugins.datadog.apiKey is not set', details };
    try {
      const v = await this.client.request<{ valid?: boolean }>('GET', 'api/v1/validate', { appKey: false });
      if (v?.valid !== true) return { status: 'unhealthy', message: 'Datadog says the API key (plugins.datadog.apiKey) is not valid', details };
    } catch (err) {
      const status = (err as { extra?: { upstreamStatus?: number } }).extra?.upstreamStatus;
      if (status === 403 || status === 401) return { status: 'unhealthy', message: `Datadog rejects the API key (plugins.datadog.apiKey) for site ${this.cfg.site}: ${(err as Error).message}`, details };
      return { status: 'unhealthy', message: (err as Error).message, details };
    }
    if (!this.cfg.applicationKey) return { status: 'unhealthy', message: 'API key valid, but plugins.datadog.applicationKey is not set: monitors cannot be read', details };
    try {
      await this.client.request<DdMonitor[]>('GET', 'api/v1/monitor', { query: { page: 0, page_size: 1 } });
    } catch (err) {
      const status = (err as { extra?: { upstreamStatus?: number } }).extra?.upstreamStatus;
      if (status === 403 || status === 401) return { status: 'unhealthy', message: `API key valid, but Datadog rejects the application key (plugins.datadog.applicationKey) or it lacks monitors_read: ${(err as Error).message}`, details };
      return { status: 'unhealthy', message: (err as Error).message, details };
    }
    return { status: 'healthy', message: `Datadog ${this.cfg.site}: API and application keys valid, monitors readable`, details: { ...details, rateLimits: limits() } };
  }

  capabilities(): PluginCapability<any, any>[] {
    return [
      implement(alertList, async (p, ctx) => {
        const { cursor, limit, ...filter } = p;
        return pageAlerts(await this.all(ctx.signal), { ...filter, limit, cursor });
      }),
      implement(alertGet, async (p, ctx) => ({ alert: (await this.one(p.id, ctx.signal)) ?? null })),
      implement(alertAcknowledge, async (p, ctx) => {
        const alert = await this.one(p.id, ctx.signal);
        if (!alert) throw new Errors.RecordNotFound(`Datadog has no alerting monitor or group '${p.id}'.`);
        const { monitorId, group } = parseAlertId(p.id)!;
        const endS = Math.floor(Date.now() / 1000) + (p.durationSeconds ?? 7200);
        if (p.downtime) {
          const body = { data: { type: 'downtime', attributes: {
            monitor_identifier: { monitor_id: monitorId }, scope: group === '*' ? '*' : group.split(',').join(' AND '),
            message: downtimeMessage(ctx.principal.id, p.comment), schedule: { end: new Date(endS * 1000).toISOString() },
            display_timezone: 'UTC', mute_first_recovery_notification: false,
          } } };
          const made = await this.client.request<{ data?: { id?: string } }>('POST', 'api/v2/downtime', { body, signal: ctx.signal });
          ctx.logger.info({ alert: p.id, downtime: made?.data?.id, end: endS }, 'datadog alert acknowledged with a downtime');
        } else {
          await this.client.request('POST', `api/v1/monitor/${monitorId}/mute`, { query: { scope: group === '*' ? undefined : group, end: endS }, signal: ctx.signal });
          this.ledger.add({ monitorId, scope: group, end: endS, by: ctx.principal.id, at: new Date().toISOString(), ...(p.comment ? { comment: p.comment } : {}) });
          ctx.logger.info({ alert: p.id, scope: group, end: endS }, 'datadog alert acknowledged with a mute');
        }
        return { alert: await this.after(alert, ctx.signal) };
      }),
      implement(alertResolve, async (p, ctx) => {
        const alert = await this.one(p.id, ctx.signal);
        if (!alert) throw new Errors.RecordNotFound(`Datadog has no alerting monitor or group '${p.id}'.`);
        const { monitorId } = parseAlertId(p.id)!;
        for (const s of alert.silencedBy ?? []) {
          if (!s.by || !s.id) continue;
          if (s.kind === 'mute') {
            const scope = s.id.slice(String(monitorId).length + 1);
            await this.client.request('POST', `api/v1/monitor/${monitorId}/unmute`, { query: { scope: scope === '*' ? undefined : scope }, signal: ctx.signal });
            this.ledger.remove(monitorId, scope);
          } else if (s.kind === 'downtime') {
            await this.client.request('DELETE', `api/v2/downtime/${encodeURIComponent(s.id)}`, { signal: ctx.signal, allow404: true });
          }
        }
        ctx.logger.info({ alert: p.id }, 'datadog alert: Capstan mutes and downtimes lifted');
        return { alert: await this.after(alert, ctx.signal) };
      }),
      implement(alertStream, async (p) => this.feed.stream(p)),
    ];
  }

  /**
   * The alert after a write, re-read; a monitor (group) that stopped alerting meanwhile is the alert as it was
   * before the write in state `resolved`, endsAt now (as the other alert sources answer an alert that ended).
   */
  private async after(before: AlertT, signal: AbortSignal): Promise<AlertT> {
    const alert = await this.one(before.id, signal);
    if (alert) return alert;
    const { acknowledgement: _a, silencedBy: _s, ...rest } = before;
    return { ...rest, state: 'resolved', endsAt: new Date().toISOString() };
  }

  private ctx(downtimes: DdDowntime[]) {
    return { appBase: appBase(this.cfg), nodeTags: nodeTagList(this.cfg), downtimes, ledger: this.ledger, now: Date.now() };
  }

  /** One alert by id: its monitor (group_states=all) and the active downtimes. */
  private async one(id: string, signal: AbortSignal): Promise<AlertT | undefined> {
    const ref = parseAlertId(id);
    if (!ref) return undefined;
    const [m, downtimes] = await Promise.all([
      this.client.request<DdMonitor>('GET', `api/v1/monitor/${ref.monitorId}`, { query: { group_states: 'all' }, signal, allow404: true }),
      this.downtimes(signal),
    ]);
    if (!m) return undefined;
    return monitorAlerts(m, this.ctx(downtimes)).find((a) => a.id === id);
  }

  /** Every alert: all pages of monitors (page / page_size until a short page) and the active downtimes. */
  private async all(signal: AbortSignal): Promise<AlertT[]> {
    const [monitors, downtimes] = await Promise.all([this.monitors(signal), this.downtimes(signal)]);
    const ctx = this.ctx(downtimes);
    return monitors.flatMap((m) => monitorAlerts(m, ctx));
  }

  private async monitors(signal: AbortSignal): Promise<DdMonitor[]> {
    const out: DdMonitor[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const body = await this.client.request<DdMonitor[]>('GET', 'api/v1/monitor', {
        query: { group_states: 'all', monitor_tags: this.cfg.monitorTags, page, page_size: this.cfg.pageSize }, signal,
      }) ?? [];
      out.push(...body);
      if (body.length < this.cfg.pageSize) break;
    }
    return out;
  }

  /** Active downtimes (v2, current_only), every page. */
  private async downtimes(signal: AbortSignal): Promise<DdDowntime[]> {
    const out: DdDowntime[] = [];
    const limit = 100;
    for (let offset = 0; offset < MAX_PAGES * limit; offset += limit) {
      const body = await this.client.request<{ data?: DdDowntime[] }>('GET', 'api/v2/downtime', { query: { current_only: true, 'page[limit]': limit, 'page[offset]': offset }, signal });
      const data = body?.data ?? [];
      out.push(...data);
      if (data.length < limit) break;
    }
    return out;
  }
}

