/**
 * SQLite repository of API tokens (migration 0006). Rows hold the SHA-256 of the secret, never the secret.
 */
import type Database from 'better-sqlite3';
import type { ApiTokenRow, TokenRepository } from '../types.js';

type Raw = Record<string, any>;

function toRow(r: Raw): ApiTokenRow {
  return {
    id: r.id, name: r.name, owner: r.owner, roles: JSON.parse(r.roles), scope: r.scope === null ? null : JSON.parse(r.scope),
    secretHash: r.secret_hash, createdAt: r.created_at, lastUsedAt: r.last_used_at, expiresAt: r.expires_at,
    revokedAt: r.revoked_at, seq: r.seq,
  };
}

export class SqliteTokens implements TokenRepository {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    this.stmts = {
      insert: db.prepare(`INSERT INTO api_tokens (id, name, owner, roles, scope, secret_hash, created_at, expires_at)
        VALUES (@id, @name, @owner, @roles, @scope, @secretHash, @createdAt, @expiresAt)`),
      byHash: db.prepare('SELECT * FROM api_tokens WHERE secret_hash = ?'),
      byId: db.prepare('SELECT * FROM api_tokens WHERE id = ?'),
      list: db.prepare('SELECT * FROM api_tokens WHERE seq > ? ORDER BY seq LIMIT ?'),
      revoke: db.prepare('UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?'),
      update: db.prepare(`UPDATE api_tokens SET roles = @roles, scope = @scope, expires_at = @expiresAt WHERE id = @id`),
      touch: db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?'),
      count: db.prepare('SELECT COUNT(*) FROM api_tokens').pluck(),
    };
  }

  create(row: Omit<ApiTokenRow, 'seq' | 'lastUsedAt' | 'revokedAt'>): ApiTokenRow {
    const info = this.stmts.insert.run({ ...row, roles: JSON.stringify(row.roles), scope: row.scope === null ? null : JSON.stringify(row.scope) });
    return { ...row, lastUsedAt: null, revokedAt: null, seq: Number(info.lastInsertRowid) };
  }

  byHash(secretHash: string): ApiTokenRow | undefined {
    const r = this.stmts.byHash.get(secretHash) as Raw | undefined;
    return r && toRow(r);
  }

  byId(id: string): ApiTokenRow | undefined {
    const r = this.stmts.byId.get(id) as Raw | undefined;
    return r && toRow(r);
  }

  list(limit: number, afterSeq = 0): ApiTokenRow[] {
    return (this.stmts.list.all(afterSeq, limit) as Raw[]).map(toRow);
  }

  revoke(id: string, at: string): boolean {
    return this.stmts.revoke.run(at, id).changes > 0;
  }

  update(id: string, patch: Partial<Pick<ApiTokenRow, 'roles' | 'scope' | 'expiresAt'>>): ApiTokenRow | undefined {
    const row = this.byId(id);
    if (!row) return undefined;
    const next = { ...row, ...patch };
    this.stmts.update.run({ id, roles: JSON.stringify(next.roles), scope: next.scope === null ? null : JSON.stringify(next.scope), expiresAt: next.expiresAt });
    return next;
  }

  touch(id: string, at: string): void {
    this.stmts.touch.run(at, id);
  }

  count(): number {
    return this.stmts.count.get() as number;
  }

  transaction(fn: () => void): void {
    this.db.transaction(fn)();
  }
}
