/**
 * The alertmanager plugin: Prometheus Alertmanager (API v2) as an alert source. Alerts are read live from
 * GET /api/v2/alerts (with GET /api/v2/silences to tell Capstan's acknowledgements from other silences),
 * acknowledged as silences (POST /api/v2/silences), resolved by expiring those silences (DELETE
 * /api/v2/silence/{id}) or, with `postResolved`, by posting the alert back ended (POST /api/v2/alerts), and
 * followed through an AlertChangeFeed. The mapping to Capstan's Alert is
 * src/capabilities/alertmanager-v2.ts (shared with the grafana plugin) with this plugin's links in parse.ts.
 */
import type { Logger } from 'pino';
import { alertAcknowledge, alertGet, alertList, alertResolve, alertStream } from '../../../src/capabilities/alert.js';
import { AlertChangeFeed, compileAlertFilter, pageAlerts, type AlertT } from '../../../src/capabilities/alert-source.js';
import { Errors } from '../../../src/core/errors.js';
import { BasePlugin, implement, type HealthStatus, type PluginCapability } from '../../../src/core/types.js';
import { AlertmanagerClient, checkEndpoint } from './client.js';
import { nodeLabelNames, type AlertmanagerConfig } from './config.js';
import { ackSilence, ackSilencesOf, type AmAlert, type AmSilence } from '../../../src/capabilities/alertmanager-v2.js';
import { toAlert, type MapOptions } from './parse.js';
import { serverQuery, type ServerQuery } from './query.js';

export const PLUGIN_ID = 'alertmanager';

/** GET /api/v2/status (`alertmanagerStatus`), the parts health reads. */
interface AmStatus {
  cluster?: { status?: string; peers?: unknown[] };
  versionInfo?: { version?: string };
  uptime?: string;
}

/** One look at Alertmanager: its alerts as they come and the silences they name. */
interface Look {
  raw: AmAlert[];
  silences: Map<string, AmSilence>;
}

export class AlertmanagerPlugin extends BasePlugin {
  readonly metadata = {
    name: PLUGIN_ID, version: '0.1.0', description: 'Prometheus Alertmanager: alerts, acknowledgement as silences, resolution, change stream.',
    integrationTypes: ['alerting' as const],
  };
  private client!: AlertmanagerClient;
  private map!: MapOptions;
  private readonly feed: AlertChangeFeed;

  constructor(private readonly cfg: AlertmanagerConfig, private readonly logger: Logger) {
    super();
    this.feed = new AlertChangeFeed({
      read: async () => this.alerts(await this.look({}, AbortSignal.timeout(cfg.timeoutMs * 2))),
      minIntervalMs: cfg.streamIntervalMs,
    });
  }

  /** Checks the URL and auth settings; Alertmanager being down is for health to tell, not a failed start. */
  async initialize(): Promise<void> {
    checkEndpoint(this.cfg);
    this.client = new AlertmanagerClient(this.cfg);
    const ui = (this.cfg.externalUrl ?? this.client.origin).replace(/\/+$/, '');
    this.map = { source: PLUGIN_ID, nodeLabels: nodeLabelNames(this.cfg), uiUrl: ui };
    this.logger.info({ url: this.client.origin, auth: this.cfg.bearerToken ? 'bearer' : this.cfg.username ? 'basic' : 'none', postResolved: this.cfg.postResolved }, 'alertmanager source configured');
  }

  async shutdown(): Promise<void> {
    this.client?.close();
  }

  /**
   * GET /api/v2/status once: unhealthy when Alertmanager is unreachable, refuses the credentials (401/403) or
   * is not an Alertmanager with API v2 (404, not JSON, no versionInfo); degraded while its cluster is settling.
   */
  async healthCheck(): Promise<HealthStatus> {
    const endpoint = `${this.client.origin}/api/v2/status`;
    const details: Record<string, unknown> = { endpoint };
    let answer: { status: number; text: string };
    try {
      answer = await this.client.probe('api/v2/status');
    } catch (err) {
      return { status: 'unhealthy', message: `Alertmanager at ${this.client.origin} is unreachable: ${(err as Error).message}`, details };
    }
    const { status, text } = answer;
    if (status === 401 || status === 403) {
      return { status: 'unhealthy', message: `Alertmanager at ${endpoint} refused Capstan's credentials (HTTP ${status}): check plugins.alertmanager.username/password or bearerToken`, details: { ...details, httpStatus: status } };
    }
    let body: AmStatus | undefined;
    try {
      body = JSON.parse(text) as AmStatus;
    } catch { /* judged below */ }
    if (status < 200 || status >= 300 || !body || typeof body !== 'object' || !body.versionInfo || !body.cluster) {
      return { status: 'unhealthy', message: `${endpoint} is not an Alertmanager with API v2 (HTTP ${status}${body ? '' : ', not JSON'}): check plugins.alertmanager.url`, details: { ...details, httpStatus: status } };
    }
    const version = body.versionInfo.version;
    const cluster = body.cluster.status ?? 'unknown';
    Object.assign(details, { version, cluster, peers: body.cluster.peers?.length ?? 0 });
    if (cluster !== 'ready' && cluster !== 'disabled') {
      return { status: 'degraded', message: `Alertmanager ${version ?? ''} at ${this.client.origin}: cluster not ready (${cluster})`.replace('  ', ' '), details };
    }
    return { status: 'healthy', message: `Alertmanager ${version ?? ''} at ${this.client.origin} is up (cluster ${cluster})`.replace('  ', ' '), details };
  }

  capabilities(): PluginCapability<any, any>[] {
    return [
      implement(alertList, async (p, ctx) => {
        compileAlertFilter(p);
        const q = serverQuery(p);
        const alerts = q === null ? [] : this.alerts(await this.look(q, ctx.signal));
        return pageAlerts(alerts, p);
      }),
      implement(alertGet, async (p, ctx) => {
        const look = await this.look({}, ctx.signal);
        const raw = look.raw.find((a) => a.fingerprint === p.id);
        return { alert: raw ? toAlert(raw, look.silences, this.map) : null };
      }),
      implement(alertAcknowledge, async (p, ctx) => {
        const { raw, look } = await this.find(p.id, ctx.signal);
        const body = ackSilence(raw.labels, ctx.principal.id, p.comment, p.durationSeconds ?? 7200);
        const { body: made } = await this.client.post<{ silenceID?: string }>('api/v2/silences', body, ctx.signal);
        const id = made?.silenceID;
        if (!id) throw new Errors.Upstream(`Alertmanager POST ${this.client.origin}/api/v2/silences answered without a silenceID`);
        ctx.logger.info({ alert: p.id, silence: id, by: ctx.principal.id, until: body.endsAt }, 'alert acknowledged with a silence');
        // A new acknowledgement replaces Capstan's earlier silences of exactly this alert (never a broader one
        // made for another alert whose labels are a subset of these: that is the other alert's acknowledgement).
        for (const old of ackSilencesOf(raw, look.silences)) {
          if (old.id !== id) await this.expire(old.id, ctx.signal);
        }
        const after = await this.look({}, ctx.signal);
        const now = after.raw.find((a) => a.fingerprint === p.id);
        if (now) return { alert: toAlert(now, after.silences, this.map) };
        // The alert ended meanwhile: show it as acknowledged by the silence just made.
        const silence: AmSilence = { id, status: { state: 'active' }, ...body };
        return { alert: toAlert({ ...raw, status: { state: 'suppressed', silencedBy: [id], inhibitedBy: [] } }, new Map([[id, silence]]), this.map) };
      }),
      implement(alertResolve, async (p, ctx) => {
        const { raw, look } = await this.find(p.id, ctx.signal);
        // Only Capstan's silences of exactly this alert: a broader one acknowledges another alert and stays.
        for (const s of ackSilencesOf(raw, look.silences)) await this.expire(s.id, ctx.signal);
        // Alertmanager refuses an end before the start (an alert posted with only endsAt starts then).
        const endedAt = new Date(Math.max(Date.now(), Date.parse(raw.startsAt) || 0)).toISOString();
        if (this.cfg.postResolved) {
          const { labels, annotations, generatorURL, startsAt } = raw;
          await this.client.post('api/v2/alerts', [{ labels, annotations: annotations ?? {}, ...(generatorURL ? { generatorURL } : {}), startsAt, endsAt: endedAt }], ctx.signal);
        }
        ctx.logger.info({ alert: p.id, by: ctx.principal.id, comment: p.comment, postResolved: this.cfg.postResolved }, 'alert resolved');
        const after = await this.look({}, ctx.signal);
        const now = after.raw.find((a) => a.fingerprint === p.id);
        if (now) return { alert: toAlert(now, after.silences, this.map) };
        // Gone from Alertmanager's list: it ended (Alertmanager lists no resolved alerts).
        const ended = toAlert({ ...raw, endsAt: endedAt, status: { state: 'active', silencedBy: [], inhibitedBy: [] } }, new Map(), { ...this.map, now: Date.parse(endedAt) + 1 });
        return { alert: ended };
      }),
      implement(alertStream, async (p) => this.feed.stream(p)),
    ];
  }

  /** The alert by fingerprint with the look it came from. @throws Errors.RecordNotFound (404) when Alertmanager does not list it. */
  private async find(id: string, signal: AbortSignal): Promise<{ raw: AmAlert; look: Look }> {
    const look = await this.look({}, signal);
    const raw = look.raw.find((a) => a.fingerprint === id);
    if (!raw) throw new Errors.RecordNotFound(`Alertmanager at ${this.client.origin} has no alert with fingerprint '${id.slice(0, 100)}' (resolved alerts are not listed).`);
    return { raw, look };
  }

  /** DELETE /api/v2/silence/{id}: expires it (a silence already gone is fine). */
  private async expire(id: string, signal: AbortSignal): Promise<void> {
    await this.client.delete(`api/v2/silence/${encodeURIComponent(id)}`, signal);
    this.logger.info({ silence: id }, 'silence expired');
  }

  /** GET /api/v2/alerts (with the server-side part of a filter), and GET /api/v2/silences when an alert is silenced. */
  private async look(query: NonNullable<ServerQuery>, signal: AbortSignal): Promise<Look> {
    const { body } = await this.client.get<AmAlert[]>('api/v2/alerts', query, signal);
    if (!Array.isArray(body)) throw new Errors.Upstream(`Alertmanager GET ${this.client.origin}/api/v2/alerts did not answer a list (is it an Alertmanager with API v2?)`);
    const silences = new Map<string, AmSilence>();
    if (body.some((a) => a.status?.silencedBy?.length)) {
      const { body: all } = await this.client.get<AmSilence[]>('api/v2/silences', {}, signal);
      for (const s of Array.isArray(all) ? all : []) silences.set(s.id, s);
    }
    return { raw: body, silences };
  }

  private alerts(look: Look): AlertT[] {
    return look.raw.map((a) => toAlert(a, look.silences, this.map));
  }
}
