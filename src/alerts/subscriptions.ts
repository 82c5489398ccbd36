/**
 * alert.subscribe provided by Capstan's core (source `capstan`): a subscription is stored (migration 0011) and
 * receives the changes of every alert source that the follower sees (follower.ts, webhooks.ts), whatever
 * plugin raised them. Listing and deleting subscriptions are core operations of the routes (routes/alerts.ts).
 */
import type { Static } from '@sinclair/typebox';
import { alertSubscribe, type AlertFilter, type AlertSubscription } from '../capabilities/alert.js';
import type { CapabilityRegistry } from '../core/registry.js';
import { implement } from '../core/types.js';
import type { AlertSubscriptionRow, Store } from '../store/types.js';
import type { StoreWriteGuard } from '../store/write-guard.js';
import { changeFilter } from './follower.js';

/** The source name of the core's own alert capabilities. */
export const CORE_ALERT_SOURCE = 'capstan';

/** A stored subscription as the contract's AlertSubscription (never its secret). */
export function subscriptionView(row: AlertSubscriptionRow, pending: number): Static<typeof AlertSubscription> {
  return {
    id: String(row.id), receiverUrl: row.receiverUrl, ...(row.filter ? { filter: row.filter as Static<typeof AlertFilter> } : {}),
    signed: row.secret !== null, createdAt: row.createdAt, createdBy: row.createdBy, source: CORE_ALERT_SOURCE,
    delivery: { lastAttemptAt: row.lastAttemptAt, lastStatus: row.lastStatus, delivered: row.delivered, failures: row.failures, pending },
  };
}

/** Registers alert.subscribe as source `capstan`; a filter that does not compile is a 400 (pointer /filter/...). */
export function registerAlertSubscriptions(registry: CapabilityRegistry, store: Store, guard: StoreWriteGuard): void {
  registry.register(CORE_ALERT_SOURCE, [alertSubscribe.name], implement(alertSubscribe, async (p, ctx) => {
    changeFilter(p.filter ?? null);
    // A store that cannot be written is a 503 with Retry-After (as for runs), not a 500.
    guard.assertWritable();
    let row: AlertSubscriptionRow;
    try {
      row = store.alertSubscriptions.create({
        receiverUrl: p.receiverUrl, filter: (p.filter as Record<string, unknown> | undefined) ?? null, secret: p.secret ?? null,
        createdAt: new Date().toISOString(), createdBy: ctx.principal.id,
      });
    } catch (err) {
      throw guard.translate(err);
    }
    return { subscription: subscriptionView(row, 0) };
  }), () => true);
}
