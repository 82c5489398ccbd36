/**
 * The icinga plugin: Icinga 2's host and service problems, read from its REST API, as Capstan alerts
 * (alert.list, alert.get), acknowledged and un-acknowledged there (alert.acknowledge, alert.resolve), and
 * followed (alert.stream): an AlertChangeFeed compares looks at Icinga; each look is triggered by a follower
 * (at most every streamMinIntervalMs) and, while someone follows, by Icinga's event stream, so a change is
 * seen when it happens even between two polls. The event stream is a trigger only, never the truth (its
 * events can come seconds late and are lost while disconnected): each look re-reads the objects.
 */
import type { Logger } from 'pino';
import { alertAcknowledge, alertGet, alertList, alertResolve, alertStream } from '../../../src/capabilities/alert.js';
import { AlertChangeFeed, pageAlerts } from '../../../src/capabilities/alert-source.js';
import type { PluginHelpers } from '../../../src/core/helpers-api.js';
import { BasePlugin, implement, type HealthStatus, type PluginCapability } from '../../../src/core/types.js';
import { acknowledge, resolve } from './actions.js';
import { IcingaClient } from './client.js';
import type { IcingaConfig } from './config.js';
import { IcingaEventListener } from './events.js';
import { checkHealth } from './health.js';
import { parseAlertId, SOURCE } from './parse.js';
import { IcingaReader } from './reader.js';

export const PLUGIN_ID = SOURCE;

/** Events closer together than this cause one look (ms). */
const EVENT_DEBOUNCE_MS = 150;

export class IcingaPlugin extends BasePlugin {
  readonly metadata = {
    name: PLUGIN_ID, version: '0.1.0', description: 'Icinga 2: host and service problems as alerts; acknowledge, resolve and follow them.',
    integrationTypes: ['alerting' as const],
  };
  private client!: IcingaClient;
  private reader!: IcingaReader;
  private feed!: AlertChangeFeed;
  private listener: IcingaEventListener | undefined;
  private lookTimer: NodeJS.Timeout | undefined;

  constructor(private readonly cfg: IcingaConfig, private readonly logger: Logger, private readonly helpers: PluginHelpers) {
    super();
  }

  /** Checks the config (URL, CA file); Icinga being down is for health to tell, not a failed start. */
  async initialize(): Promise<void> {
    this.client = new IcingaClient(this.cfg, this.helpers);
    this.reader = new IcingaReader(this.client, this.cfg);
    this.feed = new AlertChangeFeed({ read: () => this.reader.all(AbortSignal.timeout(this.cfg.timeoutMs * (this.cfg.attempts + 1))), minIntervalMs: this.cfg.streamMinIntervalMs });
    if (this.cfg.insecure) this.logger.warn('plugins.icinga.insecure is true: the Icinga API certificate is NOT verified (tests only)');
    this.logger.info({ url: this.client.origin, user: this.cfg.user, caFile: this.cfg.caFile }, 'icinga source configured');
  }

  async shutdown(): Promise<void> {
    clearTimeout(this.lookTimer);
    this.listener?.stop();
    this.client?.close();
  }

  healthCheck(): Promise<HealthStatus> {
    return checkHealth(this.client, this.cfg.user, this.listener?.status());
  }

  capabilities(): PluginCapability<any, any>[] {
    return [
      implement(alertList, async (p, ctx) => {
        const { limit, cursor, ...filter } = p;
        return pageAlerts(await this.reader.all(ctx.signal), { ...filter, limit, cursor });
      }),
      implement(alertGet, async (p, ctx) => {
        const ref = parseAlertId(p.id);
        return { alert: ref ? await this.reader.one(ref, ctx.signal) : null };
      }),
      implement(alertAcknowledge, async (p, ctx) => {
        const alert = await acknowledge(this.client, this.reader, {
          id: p.id, author: ctx.principal.id, comment: p.comment, durationSeconds: p.durationSeconds ?? 7200, downtime: p.downtime ?? false,
        }, ctx.signal);
        this.lookSoon();
        return { alert };
      }),
      implement(alertResolve, async (p, ctx) => {
        const alert = await resolve(this.client, this.reader, p.id, ctx.signal);
        this.lookSoon();
        return { alert };
      }),
      implement(alertStream, async (p) => {
        this.follow();
        return this.feed.stream(p);
      }),
    ];
  }

  /** Someone follows: listen to the event stream from now on (until shutdown). */
  private follow(): void {
    if (!this.cfg.eventStream || this.listener) return;
    this.listener = new IcingaEventListener(this.client, this.logger, () => this.lookSoon(), () => this.lookSoon());
    this.listener.start();
  }

  /** One look at Icinga shortly, for the change feed (only once someone follows: before that there is no baseline to compare). */
  private lookSoon(): void {
    if (!this.listener || this.lookTimer) return;
    this.lookTimer = setTimeout(() => {
      this.lookTimer = undefined;
      this.feed.refresh(true).catch((err: Error) => this.logger.warn({ err: err.message }, 'icinga: a look for alert.stream failed'));
    }, EVENT_DEBOUNCE_MS);
    this.lookTimer.unref();
  }
}
