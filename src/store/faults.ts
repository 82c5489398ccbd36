/**
 * Which errors mean "the store cannot be written right now" (an outage: disk full, the write lock held by
 * another process, an I/O error) as opposed to a bug in a statement (a constraint, a type error), and a short
 * human cause for each, used in run reasons, logs, the readiness probe and 503 problems.
 */

/** SQLite result-code prefixes of an outage (extended codes such as SQLITE_IOERR_WRITE match by prefix). */
const OUTAGES: [prefix: string, cause: string][] = [
  ['SQLITE_FULL', 'disk full'],
  ['SQLITE_BUSY', 'database is locked by another process'],
  ['SQLITE_LOCKED', 'database is locked by another process'],
  ['SQLITE_IOERR', 'I/O error'],
  ['SQLITE_READONLY', 'database is read-only'],
  ['SQLITE_CANTOPEN', 'database file cannot be opened'],
  ['SQLITE_CORRUPT', 'database file is corrupt'],
  ['SQLITE_NOTADB', 'database file is corrupt'],
  ['SQLITE_PROTOCOL', 'database lock protocol error'],
];

/** The SQLite result code of an error thrown by better-sqlite3, if it is one. */
export function sqliteCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/** A short cause ("disk full") when `err` is a store outage, else undefined (a bug: do not retry it). */
export function outageCause(err: unknown): string | undefined {
  const code = sqliteCode(err);
  if (!code) return undefined;
  const hit = OUTAGES.find(([prefix]) => code === prefix || code.startsWith(`${prefix}_`));
  if (!hit) return undefined;
  // Extended I/O codes say which call failed (SQLITE_IOERR_WRITE, _FSYNC): worth keeping in the cause.
  return hit[0] === 'SQLITE_IOERR' ? `I/O error (${code})` : hit[1];
}
