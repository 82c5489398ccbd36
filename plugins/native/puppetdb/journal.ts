/**
 * PuppetDB as a live journal source: one journal entry per report (/pdb/query/v4/reports).
 *
 * journal.list: newest first by the report's `end_time` (ties: hash, descending), keyset-paged. The cursor is
 * the end time of the last entry sent and how many reports ending in that same millisecond were already
 * passed, so reports arriving while a client pages (they end later: they come first) never shift a page.
 * `q` (text in the summary) cannot be asked of PuppetDB, which does not know our summary: the reports are
 * scanned in order and filtered here, at most SCAN_ROWS per call; a call that reaches that bound answers the
 * matches found so far with a cursor where the scan stopped (possibly none: follow the cursor).
 *
 * journal.stream: oldest first by `receive_time` (PuppetDB's clock when the report reached it, as
 * events.stream's `report_receive_time`), cursor `<receive_time>~<reports at that instant already given>`;
 * without a cursor it starts at PuppetDB's own clock.
 */
import type { Static } from '@sinclair/typebox';
import type { JournalEntry, JournalListParams, JournalListResult, JournalStreamParams, JournalStreamResult } from '../../../src/capabilities/index.js';
import { Errors } from '../../../src/core/errors.js';
import { and, extract, ge, isNull, lt, oneOf, type Ast } from './ast.js';
import type { PuppetDbClient } from './client.js';
import { SOURCE, toReport, type PdbReport } from './parse.js';

type Entry = Static<typeof JournalEntry>;

/** The report fields an entry needs. */
export const JOURNAL_REPORT_FIELDS = ['hash', 'certname', 'status', 'start_time', 'end_time', 'receive_time', 'noop', 'environment', 'configuration_version', 'puppet_version', 'metrics'];
const LIST_ORDER = [{ field: 'end_time', order: 'desc' as const }, { field: 'hash', order: 'desc' as const }];
const STREAM_ORDER = [{ field: 'receive_time', order: 'asc' as const }, { field: 'hash', order: 'asc' as const }];
/** Most reports one journal.list call with `q` reads from PuppetDB. */
export const SCAN_ROWS = 2000;
const SCAN_BATCH = 500;

/** A report row with the journal's fields. */
export type JournalReportRow = PdbReport & { receive_time?: string | null };

/** One line for the timeline: `puppet run changed (3 changed, 0 failed) in production (noop)`. */
export function reportSummary(status: string, changed: number | null, failed: number | null, environment: string | null, noop: boolean): string {
  const counts = changed !== null || failed !== null ? ` (${changed ?? '?'} changed, ${failed ?? '?'} failed)` : '';
  return `puppet run ${status}${counts}${environment ? ` in ${environment}` : ''}${noop ? ' (noop)' : ''}`;
}

/** A report as a journal entry (counts from its `resources` metrics, as reports.list reads them). */
export function toJournalEntry(r: JournalReportRow): Entry {
  const report = toReport(r);
  const changed = report.metrics?.resources?.changed ?? null;
  const failed = report.metrics?.resources?.failed ?? null;
  const noop = report.noop ?? false;
  const environment = report.environment ?? null;
  return {
    id: r.hash,
    source: SOURCE,
    node: r.certname,
    at: iso(r.end_time ?? r.start_time),
    kind: 'report',
    summary: reportSummary(report.status, changed, failed, environment, noop),
    principal: null,
    executionId: null,
    links: { report: `/api/v1/reports/${encodeURIComponent(r.hash)}` },
    data: {
      status: report.status, changed, failed, noop, environment,
      ...(report.configurationVersion ? { configurationVersion: report.configurationVersion } : {}),
      ...(report.agentVersion ? { puppetVersion: report.agentVersion } : {}),
    },
  };
}

function iso(t: string): string {
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? t : new Date(ms).toISOString();
}

/** A list position: every report ending after `t` was passed, and the first `n` ending within t's millisecond. */
export interface ListPos {
  t: string;
  n: number;
}

export function encodeListCursor(p: ListPos): string {
  return Buffer.from(JSON.stringify([p.t, p.n])).toString('base64url');
}

export function decodeListCursor(text: string): ListPos {
  try {
    const [t, n] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    if (typeof t === 'string' && !Number.isNaN(Date.parse(t)) && Number.isSafeInteger(n) && (n as number) >= 0) return { t: iso(t), n: n as number };
  } catch {
    /* below */
  }
  throw new Errors.CapabilityParams(`'${text.slice(0, 64)}' is not a journal cursor of the puppetdb source.`);
}

/** The millisecond of a PuppetDB time (times compare as instants, whatever their spelling). */
const msOf = (t: string | null | undefined) => Date.parse(t ?? '');

/**
 * The position after `rows[i]` of a scan that started at `start`: its end time and how many of the scanned
 * rows up to it (plus those skipped before, when in the same millisecond) end in that millisecond.
 */
export function positionAfter(rows: readonly Pick<PdbReport, 'end_time'>[], i: number, start?: ListPos): ListPos {
  const t = iso(rows[i].end_time!);
  const ms = msOf(t);
  let n = start && msOf(start.t) === ms ? start.n : 0;
  for (let j = 0; j <= i; j++) if (msOf(rows[j].end_time) === ms) n++;
  return { t, n };
}

/** Kinds asked that include no report: this source has nothing to say. */
const noReports = (kinds?: string[]) => kinds !== undefined && !kinds.includes('report');

export async function journalList(client: PuppetDbClient, p: Static<typeof JournalListParams>, signal: AbortSignal): Promise<Static<typeof JournalListResult>> {
  if (noReports(p.kinds)) return { entries: [], nextCursor: null };
  const limit = p.limit ?? 100;
  const start = p.cursor ? decodeListCursor(p.cursor) : undefined;
  const filter = and(
    isNull('end_time', false),
    p.nodes ? oneOf('certname', p.nodes) : undefined,
    p.since ? ge('end_time', p.since) : undefined,
    p.until ? lt('end_time', p.until) : undefined,
    // Up to the cursor's millisecond included (times may carry more digits than PuppetDB shows).
    start ? lt('end_time', new Date(msOf(start.t) + 1).toISOString()) : undefined,
  );
  const read = async (offset: number, count: number) => (await client.query<JournalReportRow[]>('reports', {
    query: extract(JOURNAL_REPORT_FIELDS, filter), limit: count, offset: (start?.n ?? 0) + offset, orderBy: LIST_ORDER, signal,
  })).body;

  if (p.q === undefined) {
    const rows = await read(0, limit + 1);
    const page = rows.slice(0, limit);
    return { entries: page.map(toJournalEntry), nextCursor: rows.length > limit ? encodeListCursor(positionAfter(page, page.length - 1, start)) : null };
  }
  // q: scan in order, keep the entries whose summary holds the text; the cursor follows the scan, so paging stays exact.
  const needle = p.q.toLowerCase();
  const scanned: JournalReportRow[] = [];
  const hits: { entry: Entry; at: number }[] = [];
  let exhausted = false;
  while (hits.length <= limit && scanned.length < SCAN_ROWS) {
    const batch = await read(scanned.length, Math.min(SCAN_BATCH, SCAN_ROWS - scanned.length));
    for (const r of batch) {
      scanned.push(r);
      const entry = toJournalEntry(r);
      if (entry.summary.toLowerCase().includes(needle)) hits.push({ entry, at: scanned.length - 1 });
    }
    if (batch.length < SCAN_BATCH) { exhausted = true; break; }
  }
  if (hits.length > limit) return { entries: hits.slice(0, limit).map((h) => h.entry), nextCursor: encodeListCursor(positionAfter(scanned, hits[limit - 1].at, start)) };
  if (exhausted || scanned.length === 0) return { entries: hits.map((h) => h.entry), nextCursor: null };
  return { entries: hits.map((h) => h.entry), nextCursor: encodeListCursor(positionAfter(scanned, scanned.length - 1, start)) };
}

/** Stream cursors: `<receive_time>~<reports received at that instant already given>` (as events.stream's). */
export function journalStreamPos(cursor: string): { time: string; skip: number } {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z)~(\d{1,6})$/.exec(cursor);
  if (!m) throw new Errors.CapabilityParams(`'${cursor.slice(0, 64)}' is not a journal stream cursor of the puppetdb source.`);
  return { time: m[1], skip: Number(m[2]) };
}

export async function journalStream(client: PuppetDbClient, p: Static<typeof JournalStreamParams>, signal: AbortSignal): Promise<Static<typeof JournalStreamResult>> {
  if (!p.after) {
    // Nothing will ever match: no need to ask PuppetDB's clock.
    if (noReports(p.kinds)) return { entries: [], cursor: `${new Date().toISOString()}~0` };
    const { body } = await client.get<{ server_time: string }>('/pdb/meta/v1/server-time', undefined, signal);
    return { entries: [], cursor: `${iso(body.server_time)}~0` };
  }
  const { time, skip } = journalStreamPos(p.after);
  if (noReports(p.kinds)) return { entries: [], cursor: p.after };
  const limit = p.limit ?? 100;
  const query: Ast = extract(JOURNAL_REPORT_FIELDS, and(ge('receive_time', time), isNull('end_time', false), p.nodes ? oneOf('certname', p.nodes) : undefined));
  const { body } = await client.query<JournalReportRow[]>('reports', { query, limit: limit + skip, orderBy: STREAM_ORDER, signal });
  const fresh = body.slice(skip);
  if (!fresh.length) return { entries: [], cursor: p.after };
  const last = iso(fresh[fresh.length - 1].receive_time ?? time);
  const atLast = fresh.filter((r) => iso(r.receive_time ?? time) === last).length;
  return { entries: fresh.map(toJournalEntry), cursor: `${last}~${atLast + (msOf(last) === msOf(time) ? skip : 0)}` };
}
