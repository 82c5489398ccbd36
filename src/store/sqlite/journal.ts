/**
 * SQLite repository of the stored node journal (migrations 0001, 0009): entries Capstan writes itself (runs,
 * fact changes, notes), read newest first by (at, id) with a keyset position, followed oldest first by id, and
 * the last gathered facts of each node.
 */
import type Database from 'better-sqlite3';
import type { JournalFilter, JournalPosition, JournalRepository, JournalRow } from '../types.js';

type Raw = Record<string, any>;

function toRow(r: Raw): JournalRow {
  return {
    id: r.id, node: r.node, at: r.at, kind: r.kind, executionId: r.execution_id, principal: r.principal ?? null,
    summary: r.summary, data: JSON.parse(r.data), links: r.links ? JSON.parse(r.links) : {},
  };
}

/** `LIKE` pattern of a plain substring: its own `%`, `_` and `\` escaped. */
function likeSubstring(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The WHERE clause of a filter (and its arguments). */
function where(f: JournalFilter): { sql: string[]; args: unknown[] } {
  const sql: string[] = [];
  const args: unknown[] = [];
  if (f.nodes) { sql.push(`node IN (${f.nodes.map(() => '?').join(',')})`); args.push(...f.nodes); }
  // With nodes, the unary `+` keeps the planner on journal_node_at: without statistics it would otherwise pick
  // journal_kind_at and walk every entry of a common kind (all `execution` lines of the fleet) for one node.
  if (f.kinds) { sql.push(`${f.nodes ? '+kind' : 'kind'} IN (${f.kinds.map(() => '?').join(',')})`); args.push(...f.kinds); }
  if (f.since) { sql.push('at >= ?'); args.push(f.since); }
  if (f.until) { sql.push('at < ?'); args.push(f.until); }
  // SQLite's LIKE folds ASCII case: the case-insensitive search of the contract.
  if (f.q) { sql.push("summary LIKE ? ESCAPE '\\'"); args.push(likeSubstring(f.q)); }
  return { sql, args };
}

export class SqliteJournal implements JournalRepository {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    this.stmts = {
      insert: db.prepare(`INSERT INTO journal (node, at, kind, execution_id, principal, summary, data, links)
        VALUES (@node, @at, @kind, @executionId, @principal, @summary, @data, @links)`),
      lastId: db.prepare('SELECT COALESCE(MAX(id), 0) FROM journal').pluck(),
      facts: db.prepare('SELECT facts FROM node_facts WHERE node = ?').pluck(),
      putFacts: db.prepare('INSERT INTO node_facts (node, at, facts) VALUES (?, ?, ?) ON CONFLICT (node) DO UPDATE SET at = excluded.at, facts = excluded.facts'),
      prune: db.prepare('DELETE FROM journal WHERE id IN (SELECT id FROM journal WHERE at < ? ORDER BY at LIMIT ?)'),
    };
  }

  append(e: Omit<JournalRow, 'id'>): JournalRow {
    const info = this.stmts.insert.run({
      ...e, principal: e.principal ?? null, data: JSON.stringify(e.data ?? null), links: Object.keys(e.links ?? {}).length ? JSON.stringify(e.links) : null,
    });
    return { ...e, principal: e.principal ?? null, links: e.links ?? {}, id: Number(info.lastInsertRowid) };
  }

  list(f: JournalFilter, limit: number, before?: JournalPosition): JournalRow[] {
    const { sql, args } = where(f);
    // A row value: the keyset position is a range of the (at, id) indexes, so a deep page seeks to it instead of
    // scanning every newer entry (`at < ? OR (at = ? AND id < ?)` is not used as a range).
    if (before) { sql.push('(at, id) < (?, ?)'); args.push(before.at, before.id); }
    const text = `SELECT * FROM journal ${sql.length ? `WHERE ${sql.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT ?`;
    return (this.db.prepare(text).all(...args, limit) as Raw[]).map(toRow);
  }

  after(f: JournalFilter, afterId: number, limit: number): JournalRow[] {
    const { sql, args } = where(f);
    sql.push('id > ?');
    args.push(afterId);
    return (this.db.prepare(`SELECT * FROM journal WHERE ${sql.join(' AND ')} ORDER BY id LIMIT ?`).all(...args, limit) as Raw[]).map(toRow);
  }

  lastId(): number {
    return this.stmts.lastId.get() as number;
  }

  lastFacts(node: string): Record<string, unknown> | undefined {
    const text = this.stmts.facts.get(node) as string | undefined;
    return text === undefined ? undefined : JSON.parse(text);
  }

  keepFacts(node: string, at: string, facts: Record<string, unknown>): void {
    this.stmts.putFacts.run(node, at, JSON.stringify(facts));
  }

  prune(before: string, batch: number): number {
    return this.stmts.prune.run(before, batch).changes;
  }
}
