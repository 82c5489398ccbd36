/**
 * SQLite repository of alert webhook subscriptions and their pending deliveries (migration 0011).
 */
import type Database from 'better-sqlite3';
import type { AlertDeliveryRow, AlertSubscriptionRepository, AlertSubscriptionRow } from '../types.js';

type Raw = Record<string, any>;

function toRow(r: Raw): AlertSubscriptionRow {
  return {
    id: r.id, receiverUrl: r.receiver_url, filter: r.filter === null ? null : JSON.parse(r.filter), secret: r.secret,
    createdAt: r.created_at, createdBy: r.created_by, deletedAt: r.deleted_at, delivered: r.delivered, failures: r.failures,
    lastAttemptAt: r.last_attempt_at, lastStatus: r.last_status,
  };
}

function toDelivery(r: Raw): AlertDeliveryRow {
  return {
    id: r.id, subscriptionId: r.subscription_id, body: r.body, changes: r.changes, attempts: r.attempts,
    createdAt: r.created_at, nextAttemptAt: r.next_attempt_at,
  };
}

export class SqliteAlertSubscriptions implements AlertSubscriptionRepository {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    this.stmts = {
      insert: db.prepare(`INSERT INTO alert_subscriptions (receiver_url, filter, secret, created_at, created_by)
        VALUES (@receiverUrl, @filter, @secret, @createdAt, @createdBy)`),
      byId: db.prepare('SELECT * FROM alert_subscriptions WHERE id = ?'),
      active: db.prepare('SELECT * FROM alert_subscriptions WHERE deleted_at IS NULL ORDER BY id'),
      markDeleted: db.prepare('UPDATE alert_subscriptions SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL'),
      dropDeliveries: db.prepare('DELETE FROM alert_deliveries WHERE subscription_id = ?'),
      enqueue: db.prepare(`INSERT INTO alert_deliveries (subscription_id, body, changes, created_at, next_attempt_at)
        SELECT id, ?, ?, ?, ? FROM alert_subscriptions WHERE id = ? AND deleted_at IS NULL`),
      // The newest pending delivery of a subscription, unless it is the one being attempted (the oldest).
      joinable: db.prepare(`SELECT * FROM alert_deliveries WHERE subscription_id = ? AND attempts = 0
          AND id > (SELECT MIN(id) FROM alert_deliveries WHERE subscription_id = ?)
        ORDER BY id DESC LIMIT 1`),
      grow: db.prepare('UPDATE alert_deliveries SET body = ?, changes = ? WHERE id = ?'),
      known: db.prepare('SELECT alert FROM alert_known WHERE source = ?').pluck(),
      upsertKnown: db.prepare(`INSERT INTO alert_known (source, id, state, alert) VALUES (?, ?, ?, ?)
        ON CONFLICT (source, id) DO UPDATE SET state = excluded.state, alert = excluded.alert`),
      forget: db.prepare('DELETE FROM alert_known WHERE source = ? AND id = ?'),
      forgetSource: db.prepare('DELETE FROM alert_known WHERE source = ?'),
      // Only the oldest pending delivery of each subscription: a receiver gets its changes in order.
      due: db.prepare(`SELECT d.* FROM alert_deliveries d JOIN alert_subscriptions s ON s.id = d.subscription_id
        WHERE s.deleted_at IS NULL AND d.next_attempt_at <= ?
          AND d.id = (SELECT MIN(id) FROM alert_deliveries o WHERE o.subscription_id = d.subscription_id)
        ORDER BY d.id LIMIT ?`),
      remove: db.prepare('DELETE FROM alert_deliveries WHERE id = ?'),
      ok: db.prepare(`UPDATE alert_subscriptions SET delivered = delivered + ?, failures = 0, last_attempt_at = ?, last_status = 'ok' WHERE id = ?`),
      retry: db.prepare('UPDATE alert_deliveries SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?'),
      bad: db.prepare('UPDATE alert_subscriptions SET failures = failures + 1, last_attempt_at = ?, last_status = ? WHERE id = ?'),
      pending: db.prepare('SELECT COUNT(*) FROM alert_deliveries WHERE subscription_id = ?').pluck(),
    };
  }

  create(row: Pick<AlertSubscriptionRow, 'receiverUrl' | 'filter' | 'secret' | 'createdAt' | 'createdBy'>): AlertSubscriptionRow {
    const info = this.stmts.insert.run({ ...row, filter: row.filter === null ? null : JSON.stringify(row.filter) });
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): AlertSubscriptionRow | undefined {
    const r = this.stmts.byId.get(id) as Raw | undefined;
    return r && toRow(r);
  }

  active(): AlertSubscriptionRow[] {
    return (this.stmts.active.all() as Raw[]).map(toRow);
  }

  delete(id: number, at: string): boolean {
    return this.db.transaction(() => {
      const changed = this.stmts.markDeleted.run(at, id).changes > 0;
      if (changed) this.stmts.dropDeliveries.run(id);
      return changed;
    })();
  }

  enqueue(subscriptionId: number, changes: unknown[], at: string, maxChanges = 1000): void {
    this.db.transaction(() => {
      const open = this.stmts.joinable.get(subscriptionId, subscriptionId) as Raw | undefined;
      if (open && open.changes + changes.length <= maxChanges) {
        const body = JSON.parse(open.body) as { subscription: string; changes: unknown[] };
        body.changes.push(...changes);
        this.stmts.grow.run(JSON.stringify(body), body.changes.length, open.id);
        return;
      }
      this.stmts.enqueue.run(JSON.stringify({ subscription: String(subscriptionId), changes }), changes.length, at, at, subscriptionId);
    })();
  }

  known(source: string): Record<string, unknown>[] {
    return (this.stmts.known.all(source) as string[]).map((a) => JSON.parse(a));
  }

  remember(alerts: { source: string; id: string; state: string }[]): void {
    this.db.transaction(() => {
      for (const a of alerts) {
        if (a.state === 'resolved') this.stmts.forget.run(a.source, a.id);
        else this.stmts.upsertKnown.run(a.source, a.id, a.state, JSON.stringify(a));
      }
    })();
  }

  replaceKnown(source: string, alerts: { id: string; state: string }[]): void {
    this.db.transaction(() => {
      this.stmts.forgetSource.run(source);
      for (const a of alerts) if (a.state !== 'resolved') this.stmts.upsertKnown.run(source, a.id, a.state, JSON.stringify(a));
    })();
  }

  due(now: string, limit: number): AlertDeliveryRow[] {
    return (this.stmts.due.all(now, limit) as Raw[]).map(toDelivery);
  }

  delivered(delivery: AlertDeliveryRow, at: string): void {
    this.db.transaction(() => {
      this.stmts.remove.run(delivery.id);
      this.stmts.ok.run(delivery.changes, at, delivery.subscriptionId);
    })();
  }

  failed(delivery: AlertDeliveryRow, status: string, at: string, nextAt: string | null): void {
    this.db.transaction(() => {
      if (nextAt === null) this.stmts.remove.run(delivery.id);
      else this.stmts.retry.run(nextAt, delivery.id);
      this.stmts.bad.run(at, status.slice(0, 200), delivery.subscriptionId);
    })();
  }

  pending(subscriptionId: number): number {
    return this.stmts.pending.get(subscriptionId) as number;
  }
}
