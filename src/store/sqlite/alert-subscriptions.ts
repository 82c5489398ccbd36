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
      enqueue: db.prepare('INSERT INTO alert_deliveries (subscription_id, body, changes, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)'),
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

  enqueue(subscriptionId: number, body: string, changes: number, at: string): void {
    this.stmts.enqueue.run(subscriptionId, body, changes, at, at);
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
