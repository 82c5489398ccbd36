/**
 * Checks of the data files at start, so unusable data stops the server with one clear message (what is wrong
 * with which file, and what to do) instead of a stack trace, or worse, a silently empty history: SQLite opens
 * a missing database as a new one even when the write-ahead log of the old one is still there, and opens a
 * truncated file without complaint until a query reaches a missing page.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CapstanError, Errors } from '../../core/errors.js';
import { sqliteCode } from '../faults.js';

const MAGIC = 'SQLite format 3\0';
const HEADER_BYTES = 100;
const WHAT_TO_DO = 'restore it from a backup, or move it away together with its -wal and -shm files to start with an empty history';

function sizeOf(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function readHeader(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(HEADER_BYTES);
    const n = readSync(fd, buf, 0, HEADER_BYTES, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** Throws StoreUnusable when the database file cannot hold the history it should (checked before opening). */
export function checkDataFiles(path: string): void {
  const file = resolve(path);
  const size = sizeOf(file);
  const wal = `${file}-wal`;
  if (size === undefined) {
    if (sizeOf(wal) !== undefined) {
      throw new Errors.StoreUnusable(`${file} is missing but its write-ahead log ${wal} is still there (the database was deleted or `
        + `moved while in use or after a crash): starting now would begin an empty history. Restore ${file} from a backup, or move ${wal} `
        + `(and ${file}-shm) away to start with an empty history.`, { extra: { file } });
    }
    return;
  }
  // An empty file is what SQLite makes before its first write: a new database.
  if (size === 0) return;
  const header = readHeader(file);
  if (header.length < HEADER_BYTES) {
    throw new Errors.StoreUnusable(`${file} is truncated (${size} bytes, shorter than an SQLite header): ${WHAT_TO_DO}.`, { extra: { file } });
  }
  if (header.toString('latin1', 0, MAGIC.length) !== MAGIC) {
    throw new Errors.StoreUnusable(`${file} is not an SQLite database (corrupt or overwritten): ${WHAT_TO_DO}.`, { extra: { file } });
  }
  const raw = header.readUInt16BE(16);
  const pageSize = raw === 1 ? 65536 : raw;
  // The in-header page count is valid when "version-valid-for" equals the change counter (SQLite file format 1.3.1).
  const pages = header.readUInt32BE(28);
  const valid = header.readUInt32BE(92) === header.readUInt32BE(24) && pages > 0;
  // With a log left by a crash, a checkpoint may have stopped after writing the header and before the pages
  // it announces; SQLite finishes it from the log, so the size only counts without one.
  const walSize = sizeOf(wal) ?? 0;
  if (walSize === 0 && (size % pageSize !== 0 || (valid && size < pages * pageSize))) {
    const says = valid ? `its header says ${pages} pages of ${pageSize} bytes` : `not a whole number of ${pageSize}-byte pages`;
    throw new Errors.StoreUnusable(`${file} is truncated (${size} bytes; ${says}): ${WHAT_TO_DO}.`, { extra: { file } });
  }
}

/** What opening or migrating the database threw, as StoreUnusable with advice (other errors unchanged). */
export function unusableStore(path: string, err: unknown): unknown {
  if (err instanceof CapstanError) return err;
  const file = path === ':memory:' ? path : resolve(path);
  const code = sqliteCode(err) ?? (err as NodeJS.ErrnoException | null)?.code;
  const message = (err as Error | null)?.message ?? String(err);
  const advice = (() => {
    if (!code) return undefined;
    if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return `is corrupt (${message}): ${WHAT_TO_DO}`;
    if (code.startsWith('SQLITE_FULL') || code === 'ENOSPC') return `cannot be written: the disk is full; free space on it and start again`;
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      return 'is locked by another process; stop the other server or tool using it and start again';
    }
    if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code === 'EACCES' || code === 'EROFS' || code === 'EPERM') {
      return `cannot be opened for writing (${message}); check that dataDir exists and the server may write it`;
    }
    if (code.startsWith('SQLITE_IOERR')) return `cannot be read or written (${code}: ${message}); check the disk`;
    return undefined;
  })();
  if (!advice) return err;
  return new Errors.StoreUnusable(`${file} ${advice}.`, { cause: err, extra: { file } });
}
