/**
 * SQLite implementation of the Store (better-sqlite3, WAL). Prepared statements are made once.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { ExecutionStatus, StreamEventType } from '../../execution/states.js';
import type { AuditEntry, ExecutionFilter, ExecutionRow, ProcessRow, PruneResult, StoredEvent, Store, TargetResultRow } from '../types.js';
import { migrate } from './migrate.js';
import { checkDataFiles, unusableStore } from './open-checks.js';
import { SqliteAudit } from './audit.js';
import { SqliteJournal } from './journal.js';
import { SqliteAlertSubscriptions } from './alert-subscriptions.js';
import { SqliteRetention } from './retention.js';
import { SqliteTokens } from './tokens.js';

type Raw = Record<string, any>;

function rowToExecution(r: Raw): ExecutionRow {
  return {
    id: r.id, capability: r.capability, status: r.status, targets: JSON.parse(r.targets), nodes: JSON.parse(r.nodes),
    params: JSON.parse(r.params), provider: r.provider, timeoutSeconds: r.timeout_seconds, createdAt: r.created_at,
    startedAt: r.started_at, finishedAt: r.finished_at, reason: r.reason, idempotencyKey: r.idempotency_key,
    requestHash: r.request_hash, principal: r.principal, tokenId: r.token_id ?? null, correlationId: r.correlation_id, seq: r.seq,
    prunedAt: r.pruned_at ?? null,
  };
}

const PATCH_COLUMNS: Record<string, string> = {
  status: 'status', startedAt: 'started_at', finishedAt: 'finished_at', reason: 'reason', provider: 'provider', nodes: 'nodes', params: 'params',
};

/**
 * How long one statement waits for the write lock another process holds (ms). better-sqlite3 waits on the
 * event loop, so this stays short: a write that still finds the lock taken fails with SQLITE_BUSY, and the
 * StoreWriteGuard retries it later from a timer.
 */
export const BUSY_TIMEOUT_MS = 50;

export class SqliteStore implements Store {
  readonly db: Database.Database;
  readonly tokens: SqliteTokens;
  readonly audit: SqliteAudit;
  readonly journal: SqliteJournal;
  readonly alertSubscriptions: SqliteAlertSubscriptions;
  private readonly retention: SqliteRetention;
  private readonly stmts;

  /** Opens (creating it if new) and migrates the database; unusable data throws Errors.StoreUnusable. */
  constructor(file: string) {
    this.db = SqliteStore.open(file);
    const db = this.db;
    this.tokens = new SqliteTokens(db);
    this.audit = new SqliteAudit(db);
    this.journal = new SqliteJournal(db);
    this.alertSubscriptions = new SqliteAlertSubscriptions(db);
    this.retention = new SqliteRetention(db);
    this.stmts = {
      insert: db.prepare(`INSERT INTO executions (id, capability, status, targets, nodes, params, provider, timeout_seconds, created_at,
        started_at, finished_at, reason, idempotency_key, request_hash, principal, token_id, correlation_id)
        VALUES (@id, @capability, @status, @targets, @nodes, @params, @provider, @timeoutSeconds, @createdAt,
        @startedAt, @finishedAt, @reason, @idempotencyKey, @requestHash, @principal, @tokenId, @correlationId)`),
      insertNode: db.prepare('INSERT OR IGNORE INTO execution_nodes (execution_seq, node) VALUES (?, ?)'),
      byId: db.prepare('SELECT * FROM executions WHERE id = ?'),
      byKey: db.prepare('SELECT * FROM executions WHERE idempotency_key = ? AND created_at >= ? ORDER BY seq DESC LIMIT 1'),
      upsertResult: db.prepare(`INSERT INTO target_results (execution_id, target, status, exit_code, signal, value, error, duration_ms, changed)
        VALUES (@executionId, @target, @status, @exitCode, @signal, @value, @error, @durationMs, @changed)
        ON CONFLICT (execution_id, target) DO UPDATE SET status = excluded.status, exit_code = excluded.exit_code, signal = excluded.signal,
        value = excluded.value, error = excluded.error, duration_ms = excluded.duration_ms, changed = excluded.changed`),
      results: db.prepare('SELECT * FROM target_results WHERE execution_id = ? ORDER BY rowid'),
      lastSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) FROM execution_events WHERE execution_id = ?').pluck(),
      insertEvent: db.prepare('INSERT INTO execution_events (execution_id, seq, type, data, at) VALUES (?, ?, ?, ?, ?)'),
      events: db.prepare('SELECT * FROM execution_events WHERE execution_id = ? AND seq > ? ORDER BY seq LIMIT ?'),
      ping: db.prepare('SELECT 1').pluck(),
      addProcess: db.prepare('INSERT OR REPLACE INTO execution_processes (execution_id, pgid, boot_id, start_ticks, cgroup, cookie) VALUES (?, ?, ?, ?, ?, ?)'),
      removeProcess: db.prepare('DELETE FROM execution_processes WHERE execution_id = ? AND pgid = ?'),
      processes: db.prepare('SELECT * FROM execution_processes WHERE execution_id = ?'),
      probe: db.prepare('INSERT INTO store_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at'),
    };
  }

  private static open(file: string): Database.Database {
    let db: Database.Database | undefined;
    try {
      // The store keeps secret params (a re-queued run needs them): a data dir or db file made here is private.
      const created = file !== ':memory:' && !existsSync(file);
      if (file !== ':memory:') {
        mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
        checkDataFiles(file);
      }
      db = new Database(file);
      // Before WAL mode: SQLite gives the -wal and -shm files the db file's mode.
      if (created) chmodSync(file, 0o600);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      // Replaced and deleted content (a finished run's secret params) is overwritten with zeros, not left in free space.
      db.pragma('secure_delete = ON');
      // Nothing is served yet: at start a short lock of another process may be waited out.
      db.pragma('busy_timeout = 5000');
      migrate(db);
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      return db;
    } catch (err) {
      if (db?.open) db.close();
      throw unusableStore(file, err);
    }
  }

  createExecution(row: Omit<ExecutionRow, 'seq'>, idempotencySince?: string, audit?: (row: ExecutionRow, created: boolean) => AuditEntry): { row: ExecutionRow; created: boolean } {
    return this.db.transaction(() => {
      if (row.idempotencyKey && idempotencySince) {
        const existing = this.findByIdempotencyKey(row.idempotencyKey, idempotencySince);
        if (existing) {
          if (audit) this.audit.append(audit(existing, false));
          return { row: existing, created: false };
        }
      }
      const info = this.stmts.insert.run({
        ...row, targets: JSON.stringify(row.targets), nodes: JSON.stringify(row.nodes), params: JSON.stringify(row.params ?? {}),
        // Optional in ExecutionRow (a configured token or auth off): absent is null, not a missing parameter.
        tokenId: row.tokenId ?? null,
      });
      for (const n of row.nodes) this.stmts.insertNode.run(info.lastInsertRowid, n);
      const created = { ...row, seq: Number(info.lastInsertRowid) };
      if (audit) this.audit.append(audit(created, true));
      return { row: created, created: true };
    }).immediate();
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  getExecution(id: string): ExecutionRow | undefined {
    const r = this.stmts.byId.get(id) as Raw | undefined;
    return r && rowToExecution(r);
  }

  findByIdempotencyKey(key: string, since: string): ExecutionRow | undefined {
    const r = this.stmts.byKey.get(key, since) as Raw | undefined;
    return r && rowToExecution(r);
  }

  listExecutions(f: ExecutionFilter, limit: number, beforeSeq?: number): ExecutionRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (beforeSeq !== undefined) { where.push('e.seq < ?'); args.push(beforeSeq); }
    if (f.status?.length) { where.push(`e.status IN (${f.status.map(() => '?').join(',')})`); args.push(...f.status); }
    if (f.capability) { where.push('e.capability = ?'); args.push(f.capability); }
    if (f.type) { where.push("e.capability LIKE ? || '.%'"); args.push(f.type); }
    if (f.since) { where.push('e.created_at >= ?'); args.push(f.since); }
    if (f.until) { where.push('e.created_at < ?'); args.push(f.until); }
    if (f.node) { where.push('EXISTS (SELECT 1 FROM execution_nodes n WHERE n.execution_seq = e.seq AND n.node = ?)'); args.push(f.node); }
    const sql = `SELECT e.* FROM executions e ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY e.seq DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, limit) as Raw[]).map(rowToExecution);
  }

  listByStatus(statuses: ExecutionStatus[]): ExecutionRow[] {
    const sql = `SELECT * FROM executions WHERE status IN (${statuses.map(() => '?').join(',')}) ORDER BY seq`;
    return (this.db.prepare(sql).all(...statuses) as Raw[]).map(rowToExecution);
  }

  updateExecution(id: string, patch: Partial<Pick<ExecutionRow, 'status' | 'startedAt' | 'finishedAt' | 'reason' | 'provider' | 'nodes' | 'params'>>): void {
    const entries = Object.entries(patch).filter(([k]) => k in PATCH_COLUMNS);
    if (!entries.length) return;
    const sets = entries.map(([k]) => `${PATCH_COLUMNS[k]} = ?`).join(', ');
    const values = entries.map(([k, v]) => (k === 'nodes' || k === 'params' ? JSON.stringify(v) : v));
    this.db.transaction(() => {
      this.db.prepare(`UPDATE executions SET ${sets} WHERE id = ?`).run(...values, id);
      if (patch.nodes) {
        const seq = (this.stmts.byId.get(id) as Raw).seq;
        for (const n of patch.nodes) this.stmts.insertNode.run(seq, n);
      }
    })();
  }

  wipeFreed(): void {
    // TRUNCATE: the log's old frames (the pages before the change) are gone from the disk, not just reusable.
    // Without waiting: another process reading the database (a backup) would otherwise block the event loop
    // for the busy timeout; the next wipe (or SQLite's own checkpoints) gets the frames then.
    this.db.pragma('busy_timeout = 0');
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
  }

  upsertTargetResult(r: TargetResultRow): void {
    this.stmts.upsertResult.run({
      executionId: r.executionId, target: r.target, status: r.status, exitCode: r.exitCode, signal: r.signal ?? null,
      value: r.value === undefined ? null : JSON.stringify(r.value), error: r.error ? JSON.stringify(r.error) : null,
      durationMs: r.durationMs ?? null, changed: r.changed === undefined ? null : Number(r.changed),
    });
  }

  targetResults(executionId: string): TargetResultRow[] {
    return (this.stmts.results.all(executionId) as Raw[]).map((r) => ({
      executionId: r.execution_id, target: r.target, status: r.status, exitCode: r.exit_code,
      ...(r.signal ? { signal: r.signal } : {}),
      ...(r.value !== null ? { value: JSON.parse(r.value) } : {}),
      ...(r.error !== null ? { error: JSON.parse(r.error) } : {}),
      ...(r.duration_ms !== null ? { durationMs: r.duration_ms } : {}),
      ...(r.changed !== null && r.changed !== undefined ? { changed: r.changed === 1 } : {}),
    }));
  }

  appendEvent(executionId: string, type: StreamEventType, data: Record<string, unknown>): StoredEvent {
    // Single-process writer: MAX(seq)+1 inside the same synchronous call cannot interleave.
    const seq = (this.stmts.lastSeq.get(executionId) as number) + 1;
    const at = new Date().toISOString();
    this.stmts.insertEvent.run(executionId, seq, type, JSON.stringify(data), at);
    return { executionId, seq, type, data, at };
  }

  readEvents(executionId: string, afterSeq: number, limit: number): StoredEvent[] {
    const rows = this.stmts.events.all(executionId, afterSeq, limit) as Raw[];
    return rows.map((r) => ({ executionId, seq: r.seq, type: r.type, data: JSON.parse(r.data), at: r.at }));
  }

  lastSeq(executionId: string): number {
    return this.stmts.lastSeq.get(executionId) as number;
  }

  addProcess(p: ProcessRow): void {
    this.stmts.addProcess.run(p.executionId, p.pgid, p.bootId, p.startTicks, p.cgroup, p.cookie);
  }

  removeProcess(executionId: string, pgid: number): void {
    this.stmts.removeProcess.run(executionId, pgid);
  }

  processes(executionId: string): ProcessRow[] {
    return (this.stmts.processes.all(executionId) as Raw[]).map((r) => ({
      executionId: r.execution_id, pgid: r.pgid, bootId: r.boot_id, startTicks: r.start_ticks, cgroup: r.cgroup ?? null, cookie: r.cookie ?? null,
    }));
  }

  pruneExecutions(before: string, batch: number, at: string): PruneResult {
    return this.retention.pruneExecutions(before, batch, at);
  }

  probeWrite(): void {
    this.stmts.probe.run(new Date().toISOString());
  }

  ping(): boolean {
    try {
      return this.stmts.ping.get() === 1;
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
