/**
 * Nagios's alert history as journal entries of kind `alert`: one entry per alert Nagios logged (a HOST ALERT
 * or SERVICE ALERT line of nagios.log and its archives: every state change, and the soft retries before a
 * hard state), read through archivejson.cgi `query=alertlist`.
 *
 * archivejson facts (recordings in test/fixtures; Nagios 4.4.6):
 * - query times are epoch SECONDS (or relative: `-3600`, `+0`, with `+` sent as %2B); answers are in ms;
 * - `object_type` 1 host (`name`), 2 service (`host_name`, `description`);
 * - `state`: host 1 UP, 2 DOWN, 4 UNREACHABLE; service 8 OK, 16 WARNING, 32 CRITICAL, 64 UNKNOWN (not
 *   statusjson's codes); `state_type` 1 HARD, 2 SOFT;
 * - entries whose output ends in `Pseudo-State` are made up by the CGI (statechangelist), never real;
 * - entries logged in the same second come in no fixed order: this module orders them by id.
 *
 * journal.list: newest first (`at`, then id descending), keyset cursor (base64url JSON `[at, id]`); without
 * `since` it reads the last `historyDays` days. Every call reads the window from Nagios and filters here.
 *
 * journal.stream: oldest first; cursor `<epoch second>~<entries of that second already given>`. An entry is
 * only given once its second is over on Nagios's clock (2 s margin), so a second's entries are complete when
 * they are given and the count stays exact.
 */
import type { Static } from '@sinclair/typebox';
import type { JournalEntry, JournalListParams, JournalListResult, JournalStreamParams, JournalStreamResult } from '../../../src/capabilities/index.js';
import { Errors } from '../../../src/core/errors.js';
import type { CgiAnswer, NagiosClient } from './client.js';
import { alertId, SOURCE } from './parse.js';

type Entry = Static<typeof JournalEntry>;

/** One alertlist item. */
export interface ArchiveAlert {
  timestamp: number;
  object_type: number;
  name?: string;
  host_name?: string;
  description?: string;
  state_type: number;
  state: number;
  plugin_output?: string;
}

const HOST_STATES: Record<number, string> = { 1: 'UP', 2: 'DOWN', 4: 'UNREACHABLE' };
const SERVICE_STATES: Record<number, string> = { 8: 'OK', 16: 'WARNING', 32: 'CRITICAL', 64: 'UNKNOWN' };
const SEVERITY: Record<string, string> = { DOWN: 'critical', UNREACHABLE: 'error', CRITICAL: 'critical', UNKNOWN: 'error', WARNING: 'warning' };

/** Margin after which a second of Nagios's log is complete (ms). */
export const SETTLE_MS = 2000;

/** An alertlist item as an entry; undefined for pseudo entries and items without a host. */
export function toJournalEntry(a: ArchiveAlert, nodeOf: (host: string) => string): Entry | undefined {
  const output = a.plugin_output ?? '';
  if (/Pseudo-State$/.test(output)) return undefined;
  const service = a.object_type === 2 ? a.description : undefined;
  const host = a.object_type === 2 ? a.host_name : (a.name ?? a.host_name);
  if (!host || (a.object_type === 2 && service === undefined)) return undefined;
  const state = (a.object_type === 2 ? SERVICE_STATES : HOST_STATES)[a.state] ?? `STATE_${a.state}`;
  const stateType = a.state_type === 2 ? 'soft' : 'hard';
  const what = service === undefined ? `host ${host}` : `${service} on ${host}`;
  const id = alertId(host, service);
  return {
    id: `${a.timestamp}!${id}!${state}!${stateType}`,
    source: SOURCE,
    node: nodeOf(host),
    at: new Date(a.timestamp).toISOString(),
    kind: 'alert',
    summary: `${what} ${state} (${stateType})${output ? `: ${output}` : ''}`.slice(0, 2000),
    principal: null,
    executionId: null,
    links: {},
    data: {
      alertId: id, host, ...(service !== undefined ? { service } : {}), state, stateType,
      ...(SEVERITY[state] ? { severity: SEVERITY[state] } : {}), output,
    },
  };
}

/** Oldest first: at, then id. */
const ascending = (a: Entry, b: Entry) => Date.parse(a.at) - Date.parse(b.at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Entries of an alertlist answer, deduplicated, oldest first. */
export function entriesOf(list: ArchiveAlert[], nodeOf: (host: string) => string): Entry[] {
  const seen = new Map<string, Entry>();
  for (const a of list) {
    const e = toJournalEntry(a, nodeOf);
    if (e && !seen.has(e.id)) seen.set(e.id, e);
  }
  return [...seen.values()].sort(ascending);
}

export function encodeListCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url');
}

export function decodeListCursor(text: string): { at: string; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    if (typeof at === 'string' && !Number.isNaN(Date.parse(at)) && typeof id === 'string') return { at, id };
  } catch {
    /* below */
  }
  throw new Errors.CapabilityParams(`'${text.slice(0, 64)}' is not a journal cursor of the nagios source.`);
}

/** What the journal needs of the plugin: the client, node names, and the hosts of a node. */
export interface JournalDeps {
  client: NagiosClient;
  nodeOf: (host: string) => string;
  /** Nagios host names of a Capstan node (several when nodeMap maps several hosts to it). */
  hostsOf: (node: string) => string[];
  historyDays: number;
}

const noAlerts = (kinds?: string[]) => kinds !== undefined && !kinds.includes('alert');

/** One alertlist read (times in seconds or relative text); narrowed to one host when only one is asked. */
async function readAlerts(d: JournalDeps, start: string, end: string, nodes: string[] | undefined, signal: AbortSignal): Promise<CgiAnswer<{ alertlist?: ArchiveAlert[] }>> {
  const hosts = nodes ? [...new Set(nodes.flatMap((n) => d.hostsOf(n)))] : undefined;
  return d.client.json<{ alertlist?: ArchiveAlert[] }>('archivejson.cgi', {
    query: 'alertlist', starttime: start, endtime: end, ...(hosts?.length === 1 ? { hostname: hosts[0] } : {}),
  }, signal);
}

export async function journalList(d: JournalDeps, p: Static<typeof JournalListParams>, signal: AbortSignal): Promise<Static<typeof JournalListResult>> {
  if (noAlerts(p.kinds)) return { entries: [], nextCursor: null };
  const limit = p.limit ?? 100;
  const pivot = p.cursor ? decodeListCursor(p.cursor) : undefined;
  const sinceMs = p.since ? Date.parse(p.since) : undefined;
  let untilMs = p.until ? Date.parse(p.until) : undefined;
  if (pivot) untilMs = Math.min(untilMs ?? Infinity, Date.parse(pivot.at) + 1);
  if (sinceMs !== undefined && untilMs !== undefined && sinceMs >= untilMs) return { entries: [], nextCursor: null };
  // One second of slack on both ends: the CGI's bounds are whole seconds; the exact bounds are applied below.
  const start = sinceMs !== undefined ? String(Math.max(1, Math.floor(sinceMs / 1000) - 1)) : `-${d.historyDays * 86_400}`;
  const end = untilMs !== undefined ? String(Math.ceil(untilMs / 1000) + 1) : '+0';
  const { data } = await readAlerts(d, start, end, p.nodes, signal);
  const nodes = p.nodes ? new Set(p.nodes) : undefined;
  const needle = p.q?.toLowerCase();
  const matches = entriesOf(data.alertlist ?? [], d.nodeOf).reverse().filter((e) => {
    const at = Date.parse(e.at);
    return (!nodes || nodes.has(e.node))
      && (sinceMs === undefined || at >= sinceMs)
      && (p.until === undefined || at < Date.parse(p.until))
      && (!needle || e.summary.toLowerCase().includes(needle))
      && (!pivot || at < Date.parse(pivot.at) || (at === Date.parse(pivot.at) && e.id < pivot.id));
  });
  const page = matches.slice(0, limit);
  const last = page[page.length - 1];
  return { entries: page, nextCursor: matches.length > limit ? encodeListCursor(last.at, last.id) : null };
}

/** A stream cursor: every entry before second `sec` was given, and the first `n` (in order) of second `sec`. */
export function parseStreamCursor(cursor: string): { sec: number; n: number } {
  const m = /^(\d{1,12})~(\d{1,7})$/.exec(cursor);
  if (!m) throw new Errors.CapabilityParams(`'${cursor.slice(0, 64)}' is not a journal stream cursor of the nagios source.`);
  return { sec: Number(m[1]), n: Number(m[2]) };
}

export async function journalStream(d: JournalDeps, p: Static<typeof JournalStreamParams>, signal: AbortSignal): Promise<Static<typeof JournalStreamResult>> {
  if (!p.after) {
    // Start at Nagios's own clock.
    const { result } = await d.client.json<unknown>('statusjson.cgi', { query: 'programstatus' }, signal);
    return { entries: [], cursor: `${Math.floor((result.query_time ?? Date.now()) / 1000)}~0` };
  }
  let { sec, n } = parseStreamCursor(p.after);
  if (noAlerts(p.kinds)) return { entries: [], cursor: p.after };
  const limit = p.limit ?? 100;
  // Every host: the count per second covers all entries, whatever the filter.
  const { data, result } = await readAlerts(d, String(Math.max(1, sec - 1)), '+0', undefined, signal);
  const horizon = (result.query_time ?? Date.now()) - SETTLE_MS;
  const nodes = p.nodes ? new Set(p.nodes) : undefined;
  const out: Entry[] = [];
  let passedAtSec = 0;
  for (const e of entriesOf(data.alertlist ?? [], d.nodeOf)) {
    const at = Date.parse(e.at);
    if (at > horizon) break;
    const s = Math.floor(at / 1000);
    if (s < sec) continue;
    if (s === sec && passedAtSec < n) { passedAtSec++; continue; }
    if (s !== sec) { sec = s; n = 0; passedAtSec = 0; }
    n++;
    passedAtSec++;
    if (!nodes || nodes.has(e.node)) out.push(e);
    if (out.length >= limit) break;
  }
  return { entries: out, cursor: `${sec}~${n}` };
}
