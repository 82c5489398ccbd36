/**
 * SQLite repository of the audit trail (migration 0007). The table's triggers refuse UPDATE and DELETE; this
 * class only ever inserts and reads.
 */
import type Database from 'better-sqlite3';
import type { AuditEntry, AuditFilter, AuditRepository, AuditRow } from '../types.js';

type Raw = Record<string, any>;

function toRow(r: Raw): AuditRow {
  return {
    seq: r.seq, at: r.at, action: r.action, outcome: r.outcome, principal: r.principal, tokenId: r.token_id, capability: r.capability,
    targets: r.targets === null ? null : JSON.parse(r.targets), paramsDigest: r.params_digest, executionId: r.execution_id,
    sourceIp: r.source_ip, requestId: r.request_id, method: r.method, path: r.path, status: r.status, code: r.code, detail: r.detail,
  };
}

/** Filter keys and the column each one compares. */
const EQUALS: Array<[keyof AuditFilter, string]> = [
  ['action', 'action'], ['principal', 'principal'], ['outcome', 'outcome'], ['executionId', 'execution_id'],
];

export class SqliteAudit implements AuditRepository {
  private readonly insert;

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(`INSERT INTO audit_events (at, action, outcome, principal, token_id, capability, targets, params_digest,
      execution_id, source_ip, request_id, method, path, status, code, detail)
      VALUES (@at, @action, @outcome, @principal, @tokenId, @capability, @targets, @paramsDigest,
      @executionId, @sourceIp, @requestId, @method, @path, @status, @code, @detail)`);
  }

  append(e: AuditEntry): AuditRow {
    const row: Omit<AuditRow, 'seq'> = {
      at: e.at ?? new Date().toISOString(), action: e.action, outcome: e.outcome, principal: e.principal, tokenId: e.tokenId ?? null,
      capability: e.capability ?? null, targets: e.targets ?? null, paramsDigest: e.paramsDigest ?? null, executionId: e.executionId ?? null,
      sourceIp: e.sourceIp ?? null, requestId: e.requestId ?? null, method: e.method ?? null, path: e.path ?? null,
      status: e.status ?? null, code: e.code ?? null, detail: e.detail ?? null,
    };
    const info = this.insert.run({ ...row, targets: row.targets === null ? null : JSON.stringify(row.targets) });
    return { ...row, seq: Number(info.lastInsertRowid) };
  }

  list(f: AuditFilter, limit: number, beforeSeq?: number): AuditRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (beforeSeq !== undefined) { where.push('seq < ?'); args.push(beforeSeq); }
    for (const [key, column] of EQUALS) {
      if (f[key] !== undefined) { where.push(`${column} = ?`); args.push(f[key]); }
    }
    if (f.since) { where.push('at >= ?'); args.push(f.since); }
    if (f.until) { where.push('at < ?'); args.push(f.until); }
    const sql = `SELECT * FROM audit_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, limit) as Raw[]).map(toRow);
  }
}
