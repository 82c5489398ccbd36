/**
 * Follows the alert changes of every source in the background (alert.stream, each source from its own
 * cursor, every `alerts.followIntervalMs`) and hands them on:
 * - to the node journal (kind `alert`), for sources that keep no alert history of their own (a source that
 *   provides journal.list, such as Nagios with its archive, already shows its alerts there);
 * - to the webhook subscriptions whose filter matches, one queued delivery per subscription and pass.
 * The first pass only takes each source's cursor: changes are those seen after Capstan started following.
 */
import type { Static } from '@sinclair/typebox';
import type { Logger } from 'pino';
import type { AlertFilter, AlertStreamResult } from '../capabilities/alert.js';
import { compileAlertFilter, type AlertChangeT } from '../capabilities/alert-source.js';
import { SYSTEM_PRINCIPAL } from '../core/permissions.js';
import type { CapabilityRegistry } from '../core/registry.js';
import { IntervalLoop } from '../core/interval-loop.js';
import type { ExecutionContext } from '../core/types.js';
import type { AlertSubscriptionRow, Store } from '../store/types.js';
import type { WebhookDeliverer } from './webhooks.js';

export interface FollowerOptions {
  intervalMs: number;
  journal: boolean;
  timeoutMs: number;
}

const ALL_STATES = ['firing', 'acknowledged', 'silenced', 'resolved'] as const;
const BATCH = 500;

/** A subscription's filter over changes: without `state`, every state counts (a resolution is a change too). */
export function changeFilter(filter: Static<typeof AlertFilter> | null): (c: AlertChangeT) => boolean {
  const f = compileAlertFilter({ ...(filter ?? {}), state: filter?.state ?? [...ALL_STATES] }, 'body', '/filter');
  return (c) => f(c.alert);
}

/** The API path of an alert (the source disambiguates ids two sources share). */
export function alertPath(c: AlertChangeT): string {
  return `/api/v1/alerts/${encodeURIComponent(c.alert.id)}?source=${encodeURIComponent(c.alert.source)}`;
}

/** The one-line timeline text of a change. */
export function changeSummary(c: AlertChangeT): string {
  const a = c.alert;
  const what = c.from === null ? c.to : `${c.from} -> ${c.to}`;
  const by = c.to === 'acknowledged' && a.acknowledgement ? ` by ${a.acknowledgement.by}` : '';
  const text = `alert ${a.name} ${what}${by} (${a.severity}, ${a.source}): ${a.summary}`;
  return text.length > 2000 ? `${text.slice(0, 1999)}…` : text;
}

export class AlertFollower {
  private readonly cursors = new Map<string, string>();
  private readonly loop: IntervalLoop;

  constructor(
    private readonly registry: CapabilityRegistry,
    private readonly store: Store,
    private readonly webhooks: WebhookDeliverer,
    private readonly logger: Logger,
    private readonly options: FollowerOptions,
  ) {
    this.loop = new IntervalLoop(() => this.pass().catch((err) => this.logger.warn({ err }, 'alert follower pass failed')), options.intervalMs);
  }

  /** Passes every `intervalMs` from now on (none when intervalMs <= 0). */
  start(): void {
    if (this.options.intervalMs <= 0) return;
    this.loop.start();
  }

  /** Stops following and waits for the pass under way. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** True unless following (a pass of a stopped follower ends at its next source). */
  private get stopped(): boolean {
    return this.loop.stopped;
  }

  private context(): ExecutionContext {
    return {
      correlationId: 'alert-follower', principal: SYSTEM_PRINCIPAL, debug: false, signal: new AbortController().signal,
      logger: this.logger as never, emit: () => {},
    };
  }

  /** One pass over every available source; exposed for tests. */
  async pass(): Promise<void> {
    const providers = this.registry.available('alert.stream');
    const ownHistory = new Set(this.registry.providers('journal.list').map((p) => p.plugin));
    const subscriptions = this.store.alertSubscriptions.active().map((s) => ({ row: s, matches: this.compile(s) })).filter((s) => s.matches);
    await Promise.all(providers.map(async (p) => {
      for (let more = true; more && !this.stopped;) {
        const after = this.cursors.get(p.plugin);
        let value: Static<typeof AlertStreamResult>;
        try {
          ({ value } = await this.registry.invoke('alert.stream', { ...(after ? { after } : {}), limit: BATCH }, this.context(), { provider: p.plugin, timeoutMs: this.options.timeoutMs }) as { value: Static<typeof AlertStreamResult> });
        } catch (err) {
          this.logger.warn({ source: p.plugin, err }, 'alert source did not answer alert.stream; its changes are taken at the next pass');
          return;
        }
        this.cursors.set(p.plugin, value.cursor);
        if (after === undefined) return;
        this.handOn(value.changes, !ownHistory.has(p.plugin), subscriptions as { row: AlertSubscriptionRow; matches: (c: AlertChangeT) => boolean }[]);
        more = value.changes.length >= BATCH;
      }
    }));
  }

  private compile(s: AlertSubscriptionRow): ((c: AlertChangeT) => boolean) | undefined {
    try {
      return changeFilter(s.filter as Static<typeof AlertFilter> | null);
    } catch (err) {
      // Checked when it was made; a filter that no longer compiles is skipped, not fatal to the others.
      this.logger.warn({ subscription: s.id, err }, 'alert subscription filter does not compile; skipped');
      return undefined;
    }
  }

  private handOn(changes: AlertChangeT[], journal: boolean, subscriptions: { row: AlertSubscriptionRow; matches: (c: AlertChangeT) => boolean }[]): void {
    if (!changes.length) return;
    const now = new Date().toISOString();
    this.store.transaction(() => {
      if (journal && this.options.journal) {
        for (const c of changes) {
          if (!c.alert.node) continue;
          this.store.journal.append({
            node: c.alert.node, at: c.at, kind: 'alert', executionId: null,
            principal: c.to === 'acknowledged' ? c.alert.acknowledgement?.by ?? null : null,
            summary: changeSummary(c),
            data: { source: c.alert.source, alertId: c.alert.id, name: c.alert.name, severity: c.alert.severity, from: c.from, to: c.to, summary: c.alert.summary },
            links: { alert: alertPath(c) },
          });
        }
      }
      for (const s of subscriptions) {
        const mine = changes.filter(s.matches);
        if (mine.length) this.store.alertSubscriptions.enqueue(s.row.id, JSON.stringify({ subscription: String(s.row.id), changes: mine }), mine.length, now);
      }
    });
    if (subscriptions.length) this.webhooks.poke();
  }
}
