/**
 * How Capstan recognises its own acknowledgements in Datadog.
 * - A v2 downtime (alert.acknowledge with `downtime: true`) carries them in its message: the comment, then a
 *   last line `[capstan:alert.acknowledge by=<principal, URI-encoded>]`.
 * - A monitor mute (`POST /api/v1/monitor/{id}/mute`) has nothing but a scope and an end, so Capstan keeps a
 *   ledger of the mutes it made (monitor id, scope, end second, author, time, comment) in
 *   `<dataDir>/datadog-acknowledgements.json`: a mute in the monitor's `options.silenced` with exactly that
 *   scope and end is Capstan's; any other mute is someone else's. Entries are dropped once their end is past.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const MARK = /\n?\[capstan:alert\.acknowledge by=([^\]\s]+)\]\s*$/;

/** A downtime message carrying an acknowledgement by `by`. */
export function downtimeMessage(by: string, comment: string | undefined): string {
  return `${comment?.trim() || 'Acknowledged in Capstan'}\n[capstan:alert.acknowledge by=${encodeURIComponent(by)}]`;
}

/** The author and comment of a downtime message Capstan wrote; undefined for any other message. */
export function readDowntimeMessage(message: string | null | undefined): { by: string; comment?: string } | undefined {
  const m = MARK.exec(message ?? '');
  if (!m) return undefined;
  let by: string;
  try {
    by = decodeURIComponent(m[1]);
  } catch {
    return undefined;
  }
  const comment = (message ?? '').slice(0, m.index).trim();
  return { by, ...(comment && comment !== 'Acknowledged in Capstan' ? { comment } : {}) };
}

/** One mute Capstan made. `end` is the mute's end (POSIX seconds), as Datadog stores it. */
export interface MuteRecord {
  monitorId: number;
  scope: string;
  end: number;
  by: string;
  at: string;
  comment?: string;
}

/** The ledger of Capstan's mutes, kept in one JSON file (written whole, through a rename). */
export class MuteLedger {
  private records: MuteRecord[] = [];

  constructor(private readonly file: string | undefined, private readonly now: () => number = Date.now) {
    if (!file) return;
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      if (Array.isArray(parsed)) this.records = parsed.filter((r): r is MuteRecord => typeof r?.monitorId === 'number' && typeof r?.scope === 'string' && typeof r?.end === 'number' && typeof r?.by === 'string');
    } catch {
      // No ledger yet (or an unreadable one: Capstan's old mutes then show as someone else's).
    }
  }

  /** The record of the mute (monitor, scope, end), if Capstan made it. */
  find(monitorId: number, scope: string, end: number | null): MuteRecord | undefined {
    if (end === null) return undefined;
    return this.records.find((r) => r.monitorId === monitorId && r.scope === scope && r.end === end);
  }

  add(r: MuteRecord): void {
    this.records = this.records.filter((x) => !(x.monitorId === r.monitorId && x.scope === r.scope));
    this.records.push(r);
    this.save();
  }

  remove(monitorId: number, scope: string): void {
    this.records = this.records.filter((x) => !(x.monitorId === monitorId && x.scope === scope));
    this.save();
  }

  private save(): void {
    const nowS = Math.floor(this.now() / 1000);
    this.records = this.records.filter((r) => r.end > nowS);
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.records, null, 1), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
