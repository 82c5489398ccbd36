/**
 * Follows the alert changes of every source in the background (alert.stream, each source from its own
 * cursor, every `alerts.followIntervalMs`) and hands them on:
 * - to the node journal (kind `alert`), for sources that keep no alert history of their own (a source that
 *   provides journal.list, such as Nagios with its archive, already shows its alerts there);
 * - to the webhook subscriptions whose filter matches (queued in the store, webhooks.ts delivers them).
 * What was handed on is remembered per alert (alert_known): when a source is followed anew (at start, or after
 * it failed), its whole list is compared with that first, so what changed meanwhile is not lost. A pass that
 * cannot write keeps the source's cursor where it was: the same changes are taken again at the next pass.
 * Alert nodes are the inventory's names (an alias or address in a label becomes the node's name).
 */
import type { Static } from '@sinclair/typebox';
import type { Logger } from 'pino';
import type { AlertFilter, AlertListResult, AlertStreamResult } from '../capabilities/alert.js';
import { compileAlertFilter, type AlertChangeT, type AlertT } from '../capabilities/alert-source.js';
import { SYSTEM_PRINCIPAL } from '../core/permissions.js';
import type { CapabilityRegistry } from '../core/registry.js';
import { IntervalLoop } from '../core/interval-loop.js';
import type { ExecutionContext } from '../core/types.js';
import type { AlertSubscriptionRow, Store } from '../store/types.js';
import { reconcile } from './reconcile.js';
import type { WebhookDeliverer } from './webhooks.js';

/** The inventory's name for a node name, alias or address (itself when the inventory does not know it). */
export type NodeNamer = (ctx: ExecutionContext) => Promise<(node: string) => string>;

export interface FollowerOptions {
  intervalMs: number;
  journal: boolean;
  timeoutMs: number;
}

const ALL_STATES = ['firing', 'acknowledged', 'silenced', 'resolved'] as const;
const BATCH = 500;
/** Pages of alert.list read to compare a source anew (1,000 alerts each). */
const MAX_LIST_PAGES = 50;

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

type Sub = { row: AlertSubscriptionRow; matches: (c: AlertChangeT) => boolean };

export class AlertFollower {
  private readonly cursors = new Map<string, string>();
  private readonly loop: IntervalLoop;

  constructor(
    private readonly registry: CapabilityRegistry,
    private readonly store: Store,
    private readonly webhooks: WebhookDeliverer,
    private readonly logger: Logger,
    private readonly options: FollowerOptions,
    private readonly namer: NodeNamer = async () => (n) => n,
  ) {
    this.loop = new IntervalLoop(() => this.pass(), options.intervalMs, (err) => this.logger.warn({ err }, 'alert follower pass failed'));
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
    const name = await this.namer(this.context()).catch(() => (n: string) => n);
    const handOn = (changes: AlertChangeT[], source: string, remember = true) => this.handOn(changes.map((c) => this.named(c, name)), !ownHistory.has(source), subscriptions as Sub[], remember);
    await Promise.all(providers.map(async (p) => {
      try {
        for (let more = true; more && !this.stopped;) {
          const after = this.cursors.get(p.plugin);
          const value = await this.stream(p.plugin, after);
          if (after === undefined) {
            // Followed anew: what changed since the last time it was handed on comes first.
            const current = (await this.everything(p.plugin)).map((a) => (a.node === null ? a : { ...a, node: name(a.node) }));
            this.store.transaction(() => {
              // replaceKnown writes the whole source's state: remembering each change first would write it twice.
              handOn(reconcile(this.store.alertSubscriptions.known(p.plugin) as AlertT[], current, new Date().toISOString()), p.plugin, false);
              this.store.alertSubscriptions.replaceKnown(p.plugin, current);
            });
          } else handOn(value.changes, p.plugin);
          // Only once handed on (written): a pass that fails takes the same changes again next time.
          this.cursors.set(p.plugin, value.cursor);
          more = after !== undefined && value.changes.length >= BATCH;
        }
      } catch (err) {
        this.logger.warn({ source: p.plugin, err }, 'alert changes of this source not handed on; taken again at the next pass');
      }
    }));
  }

  private stream(source: string, after: string | undefined): Promise<Static<typeof AlertStreamResult>> {
    return this.registry.invoke('alert.stream', { ...(after ? { after } : {}), limit: BATCH }, this.context(), { provider: source, timeoutMs: this.options.timeoutMs })
      .then((r) => r.value as Static<typeof AlertStreamResult>);
  }

  /** Every alert the source lists now, in every state. */
  private async everything(source: string): Promise<AlertT[]> {
    const out: AlertT[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const { value } = await this.registry.invoke('alert.list', { state: [...ALL_STATES], limit: 1000, ...(cursor ? { cursor } : {}) }, this.context(), { provider: source, timeoutMs: this.options.timeoutMs });
      const r = value as Static<typeof AlertListResult>;
      out.push(...r.alerts);
      if (!r.nextCursor) break;
      cursor = r.nextCursor;
    }
    return out;
  }

  /** The change with its alert's node as the inventory names it. */
  private named(c: AlertChangeT, name: (n: string) => string): AlertChangeT {
    const node = c.alert.node === null ? null : name(c.alert.node);
    return node === c.alert.node ? c : { ...c, alert: { ...c.alert, node } };
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

  /** Journal entries and subscription deliveries of `changes`; `remember`: also their alerts' state as handed on. */
  private handOn(changes: AlertChangeT[], journal: boolean, subscriptions: Sub[], remember: boolean): void {
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
        if (mine.length) this.store.alertSubscriptions.enqueue(s.row.id, mine, now);
      }
      if (remember) this.store.alertSubscriptions.remember(changes.map((c) => c.alert));
    });
    if (subscriptions.length) this.webhooks.poke();
  }
}
