/**
 * The grafana plugin: Grafana-managed alerts (Grafana Alerting's own Alertmanager, the Alertmanager API v2
 * under `/api/alertmanager/grafana/api/v2`) as Capstan alerts: list, get, acknowledge (a silence of that
 * alert instance made by the caller), resolve (Capstan's silence expired) and a change feed (alert.stream).
 * Health: `GET /api/health` (reachable, database) and an authenticated read of the alerts (token valid and
 * allowed).
 */
import type { Logger } from 'pino';
import { alertAcknowledge, alertGet, alertList, alertResolve, alertStream } from '../../../src/capabilities/index.js';
import { AlertChangeFeed, pageAlerts, type AlertT } from '../../../src/capabilities/alert-source.js';
import { Errors } from '../../../src/core/errors.js';
import { BasePlugin, implement, type HealthStatus, type PluginCapability } from '../../../src/core/types.js';
import { ackSilence, ackSilencesOf, type AmAlert, type AmSilence } from '../../../src/capabilities/alertmanager-v2.js';
import { SOURCE, toAlert } from './am-map.js';
import { GrafanaClient } from './client.js';
import { nodeLabelList, type GrafanaConfig } from './config.js';

export const PLUGIN_ID = SOURCE;
const AM = 'api/alertmanager/grafana/api/v2';

/** What one look at Grafana gives: the raw alerts and the Capstan alerts made of them. */
interface Look {
  raw: AmAlert[];
  alerts: AlertT[];
  silences: Map<string, AmSilence>;
}

export class GrafanaPlugin extends BasePlugin {
  readonly metadata = {
    name: PLUGIN_ID, version: '0.1.0', description: 'Grafana Alerting: Grafana-managed alerts, acknowledged with silences.',
    integrationTypes: ['alerting' as const],
  };
  private client!: GrafanaClient;
  private readonly feed: AlertChangeFeed;
  private readonly nodeLabels: string[];

  constructor(private readonly cfg: GrafanaConfig, private readonly logger: Logger) {
    super();
    this.nodeLabels = nodeLabelList(cfg);
    this.feed = new AlertChangeFeed({ read: async () => (await this.look(AbortSignal.timeout(cfg.timeoutMs * 2))).alerts });
  }

  /** Checks the URL; Grafana being down or the token wrong is for health to tell. */
  async initialize(): Promise<void> {
    this.client = new GrafanaClient(this.cfg);
    this.logger.info({ url: this.client.base.origin, orgId: this.cfg.orgId, token: this.cfg.token ? 'set' : 'not set' }, 'grafana alert source configured');
  }

  async healthCheck(): Promise<HealthStatus> {
    const endpoint = this.client.url('api/health').href;
    const details: Record<string, unknown> = { endpoint, orgId: this.cfg.orgId ?? null };
    let version: string | undefined;
    try {
      const { body } = await this.client.request<{ database?: string; version?: string }>('GET', 'api/health', { auth: false });
      version = body.version;
      details.version = version;
      if (body.database !== 'ok') return { status: 'degraded', message: `Grafana at ${this.client.base.origin} reports its database ${body.database ?? 'state unknown'}`, details };
    } catch (err) {
      return { status: 'unhealthy', message: (err as Error).message, details };
    }
    if (!this.cfg.token) return { status: 'unhealthy', message: 'plugins.grafana.token is not set: Grafana needs a service account token to read alerts', details };
    try {
      const { body } = await this.client.request<AmAlert[]>('GET', `${AM}/alerts`);
      return { status: 'healthy', message: `Grafana ${version ?? ''} at ${this.client.base.origin}: ${body.length} alert(s) readable`.replace('  ', ' '), details };
    } catch (err) {
      const status = (err as { upstreamStatus?: number; extra?: { upstreamStatus?: number } }).extra?.upstreamStatus;
      const why = status === 401 ? 'bad token (HTTP 401)' : status === 403 ? 'token lacks permission (HTTP 403)' : 'alerts unreadable';
      return { status: 'unhealthy', message: `Grafana ${why}: ${(err as Error).message}`, details };
    }
  }

  capabilities(): PluginCapability<any, any>[] {
    return [
      implement(alertList, async (p, ctx) => {
        const { cursor, limit, ...filter } = p;
        return pageAlerts((await this.look(ctx.signal)).alerts, { ...filter, limit, cursor });
      }),
      implement(alertGet, async (p, ctx) => ({ alert: (await this.look(ctx.signal)).alerts.find((a) => a.id === p.id) ?? null })),
      implement(alertAcknowledge, async (p, ctx) => {
        const before = await this.look(ctx.signal);
        const raw = this.find(before, p.id);
        const silence = ackSilence(raw.labels, ctx.principal.id, p.comment, p.durationSeconds ?? 7200);
        // Acknowledged again: Capstan's active silence of exactly this alert is updated (new end, author,
        // comment), not doubled; a broader Capstan silence (another alert's acknowledgement) is left alone.
        const current = ackSilencesOf(raw, before.silences)[0];
        if (current) silence.id = current.id;
        const { body } = await this.client.request<{ silenceID?: string }>('POST', `${AM}/silences`, { body: silence, signal: ctx.signal });
        ctx.logger.info({ alert: p.id, silence: body.silenceID, updated: !!current, until: silence.endsAt }, 'grafana alert acknowledged with a silence');
        return { alert: await this.after(raw, ctx.signal) };
      }),
      implement(alertResolve, async (p, ctx) => {
        const before = await this.look(ctx.signal);
        const raw = this.find(before, p.id);
        // Only Capstan's silences of exactly this alert: a broader one acknowledges another alert and stays.
        const ours = ackSilencesOf(raw, before.silences);
        for (const s of ours) {
          await this.client.request('DELETE', `${AM}/silence/${encodeURIComponent(s.id)}`, { signal: ctx.signal, allow404: true });
        }
        ctx.logger.info({ alert: p.id, expired: ours.map((s) => s.id), comment: p.comment }, 'grafana alert: Capstan silences expired');
        return { alert: await this.after(raw, ctx.signal) };
      }),
      implement(alertStream, async (p) => this.feed.stream(p)),
    ];
  }

  /**
   * The alert after a write, as Grafana now tells it; when Grafana lists it no more it ended meanwhile (the
   * API lists no resolved alert): then the alert as it was, state `resolved`, endsAt now.
   */
  private async after(raw: AmAlert, signal: AbortSignal): Promise<AlertT> {
    const now = await this.look(signal);
    const alert = now.alerts.find((a) => a.id === raw.fingerprint);
    if (alert) return alert;
    const endedAt = new Date(Math.max(Date.now(), Date.parse(raw.startsAt) || 0)).toISOString();
    const ctx = { base: this.client.url('').href.replace(/\/$/, ''), orgId: this.cfg.orgId, nodeLabels: this.nodeLabels, silences: new Map<string, AmSilence>() };
    return { ...toAlert({ ...raw, endsAt: endedAt, status: { state: 'active', silencedBy: [], inhibitedBy: [] } }, ctx), state: 'resolved', endsAt: endedAt };
  }

  private find(look: Look, id: string): AmAlert {
    const raw = look.raw.find((a) => a.fingerprint === id);
    if (!raw) throw new Errors.RecordNotFound(`Grafana has no alert '${id}'.`);
    return raw;
  }

  /** Alerts and silences, read together. */
  private async look(signal: AbortSignal): Promise<Look> {
    const [alerts, silences] = await Promise.all([
      this.client.request<AmAlert[]>('GET', `${AM}/alerts`, { signal }),
      this.client.request<AmSilence[]>('GET', `${AM}/silences`, { signal }),
    ]);
    const byId = new Map(silences.body.map((s) => [s.id, s]));
    const ctx = { base: this.client.url('').href.replace(/\/$/, ''), orgId: this.cfg.orgId, nodeLabels: this.nodeLabels, silences: byId };
    return { raw: alerts.body, alerts: alerts.body.map((a) => toAlert(a, ctx)), silences: byId };
  }
}
