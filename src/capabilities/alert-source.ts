/**
 * What every alert source plugin shares (Alertmanager, Nagios, Icinga, Grafana, Datadog), so that the one
 * Alert shape is also filtered, paged and followed the same way everywhere:
 * - severity normalization from each tool's own words;
 * - the node an alert is about, from a configured label (`instance`, `host`, ...);
 * - alert.list filters (state, severity, node, labels, Alertmanager-style matchers, receiver, inhibited);
 * - keyset pages newest first;
 * - a change feed for alert.stream, fed by looking at the source when someone follows it.
 */
import type { Static } from '@sinclair/typebox';
import type { AlertChange, AlertFilter, AlertStreamParams, AlertStreamResult } from './alert.js';
import type { Alert } from './records.js';
import { Errors, fieldError, type RequestPart } from '../core/errors.js';

export type AlertT = Static<typeof Alert>;
export type AlertState = AlertT['state'];
export type AlertSeverity = AlertT['severity'];
export type AlertChangeT = Static<typeof AlertChange>;
type Filter = Static<typeof AlertFilter>;

const SEVERITY_WORDS: Record<string, AlertSeverity> = {
  critical: 'critical', crit: 'critical', fatal: 'critical', emergency: 'critical', emerg: 'critical', alert: 'critical', page: 'critical',
  disaster: 'critical', p1: 'critical', high: 'error',
  error: 'error', err: 'error', major: 'error', p2: 'error',
  warning: 'warning', warn: 'warning', minor: 'warning', medium: 'warning', average: 'warning', p3: 'warning',
  info: 'info', information: 'info', informational: 'info', notice: 'info', low: 'info', none: 'info', ok: 'info', p4: 'info', p5: 'info', debug: 'info',
};

/**
 * A source's severity word (case-insensitive: `critical`, `crit`, `P1`, `warn`, `major`, `info`, ...) as one
 * of critical | error | warning | info; `fallback` for a missing or unknown word.
 */
export function normalizeSeverity(raw: string | undefined, fallback: AlertSeverity = 'warning'): AlertSeverity {
  if (!raw) return fallback;
  return SEVERITY_WORDS[raw.trim().toLowerCase()] ?? fallback;
}

/**
 * The host part of a label value: `web1.example.com:9100` -> `web1.example.com`, `http://web1:8080/metrics` ->
 * `web1`, `[::1]:9100` -> `::1`. Undefined for an empty value.
 */
export function hostOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  let v = value.trim();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(v);
  if (scheme) v = v.slice(scheme[0].length).split(/[/?#]/, 1)[0].replace(/^[^@]*@/, '');
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(v);
  if (bracketed) return bracketed[1];
  // One colon: host:port. More than one: a bare IPv6 address, kept whole.
  if ((v.match(/:/g) ?? []).length === 1) v = v.replace(/:\d*$/, '');
  return v || undefined;
}

/** The node an alert is about: the host part of the first of `labelNames` the labels carry; null when none does. */
export function nodeFromLabels(labels: Record<string, string>, labelNames: readonly string[]): string | null {
  for (const name of labelNames) {
    const host = hostOf(labels[name]);
    if (host) return host;
  }
  return null;
}

/** One label matcher, Prometheus/Alertmanager syntax. */
export interface LabelMatcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
  test: (actual: string) => boolean;
}

/** Reads a matcher value: bare, or double-quoted with `\"` and `\\` escapes. */
function matcherValue(raw: string): string | undefined {
  const v = raw.trim();
  if (!v.startsWith('"')) return v;
  if (v.length < 2 || !v.endsWith('"')) return undefined;
  let out = '';
  for (let i = 1; i < v.length - 1; i++) {
    const c = v[i];
    if (c === '\\') {
      const n = v[++i];
      if (i >= v.length - 1) return undefined;
      out += n === 'n' ? '\n' : n;
    } else if (c === '"') return undefined;
    else out += c;
  }
  return out;
}

/**
 * Parses `name=value`, `name!=value`, `name=~regex`, `name!~regex` (value bare or double-quoted). Regexes are
 * anchored at both ends, as in Alertmanager. A missing label counts as the empty string.
 * @throws Errors.Validation (400) pointing at `pointer` in `part` for bad syntax or a bad regex.
 */
export function parseMatcher(text: string, part: RequestPart = 'query', pointer = '/matchers'): LabelMatcher {
  const bad = (why: string) => new Errors.Validation(`Matcher '${text.slice(0, 100)}' is invalid: ${why}.`, { extra: { errors: [fieldError(part, pointer, why)] } });
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)(.*)$/s.exec(text);
  if (!m) throw bad('expected name=value, name!=value, name=~regex or name!~regex');
  const [, name, op, rest] = m as unknown as [string, string, LabelMatcher['op'], string];
  const value = matcherValue(rest);
  if (value === undefined) throw bad('unterminated or malformed quoted value');
  if (op === '=' || op === '!=') {
    return { name, op, value, test: op === '=' ? (a) => a === value : (a) => a !== value };
  }
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${value})$`, 's');
  } catch (err) {
    throw bad(`not a valid regular expression (${(err as Error).message})`);
  }
  return { name, op, value, test: op === '=~' ? (a) => re.test(a) : (a) => !re.test(a) };
}

/** The states listed when a filter names none: every state but resolved. */
export const DEFAULT_STATES: readonly AlertState[] = ['firing', 'acknowledged', 'silenced'];

/**
 * A filter (alert.list, alert.stream, subscriptions) as a predicate over alerts.
 * @throws Errors.Validation (400) for a bad matcher or receiver regex (pointer under `base`).
 */
export function compileAlertFilter(filter: Filter, part: RequestPart = 'query', base = ''): (alert: AlertT) => boolean {
  const states = new Set<AlertState>(filter.state ?? DEFAULT_STATES);
  const severities = filter.severity ? new Set(filter.severity) : undefined;
  const nodes = filter.node !== undefined || filter.nodes ? new Set([...(filter.node ? [filter.node] : []), ...(filter.nodes ?? [])].map((n) => n.toLowerCase())) : undefined;
  const labels = Object.entries(filter.labels ?? {});
  const matchers = (filter.matchers ?? []).map((m, i) => parseMatcher(m, part, `${base}/matchers/${i}`));
  let receiver: RegExp | undefined;
  if (filter.receiver !== undefined) {
    try {
      receiver = new RegExp(`^(?:${filter.receiver})$`);
    } catch (err) {
      throw new Errors.Validation(`receiver '${filter.receiver.slice(0, 100)}' is not a valid regular expression.`, {
        extra: { errors: [fieldError(part, `${base}/receiver`, (err as Error).message)] },
      });
    }
  }
  const onlyInhibited = (a: AlertT) => a.state === 'silenced' && (a.silencedBy ?? []).length > 0 && a.silencedBy!.every((s) => s.kind === 'inhibition');
  return (a) => states.has(a.state)
    && (!severities || severities.has(a.severity))
    && (nodes === undefined || (a.node !== null && nodes.has(a.node.toLowerCase())))
    && labels.every(([k, v]) => a.labels[k] === v)
    && matchers.every((m) => m.test(a.labels[m.name] ?? ''))
    && (!receiver || (a.receivers ?? []).some((r) => receiver!.test(r)))
    && (filter.inhibited !== false || !onlyInhibited(a));
}

/** Newest first by `since`, then by id (descending), the order of every alert page. */
export function compareAlerts(a: AlertT, b: AlertT): number {
  const t = Date.parse(b.since) - Date.parse(a.since);
  if (t !== 0) return t;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function badCursor(text: string): Error {
  return new Errors.Validation(`'${text.slice(0, 64)}' is not a cursor of this alert source.`, { extra: { errors: [fieldError('query', '/cursor', 'invalid cursor')] } });
}

/**
 * One page of a source's alerts: filtered, newest first, after the keyset cursor (`since` + id of the last
 * alert sent, base64url JSON). `total` counts every match.
 * @throws Errors.Validation (400) for a bad filter or cursor.
 */
export function pageAlerts(alerts: AlertT[], params: Filter & { limit?: number; cursor?: string }): { alerts: AlertT[]; nextCursor: string | null; total: number } {
  const matches = alerts.filter(compileAlertFilter(params)).sort(compareAlerts);
  let start = 0;
  if (params.cursor !== undefined) {
    let key: unknown;
    try {
      key = JSON.parse(Buffer.from(params.cursor, 'base64url').toString('utf8'));
    } catch {
      throw badCursor(params.cursor);
    }
    if (!Array.isArray(key) || typeof key[0] !== 'string' || typeof key[1] !== 'string' || Number.isNaN(Date.parse(key[0]))) throw badCursor(params.cursor);
    const pivot = { since: key[0], id: key[1] } as AlertT;
    start = matches.findIndex((a) => compareAlerts(pivot, a) < 0);
    if (start < 0) start = matches.length;
  }
  const limit = params.limit ?? 100;
  const page = matches.slice(start, start + limit);
  const last = page[page.length - 1];
  const more = start + limit < matches.length;
  return {
    alerts: page,
    nextCursor: more ? Buffer.from(JSON.stringify([last.since, last.id])).toString('base64url') : null,
    total: matches.length,
  };
}

export interface AlertChangeFeedOptions {
  /** Everything the source knows now (resolved alerts included when it keeps them). */
  read: () => Promise<AlertT[]>;
  /** Looks closer together than this reuse the last look (ms; default 2000). */
  minIntervalMs?: number;
  /** Changes kept for followers (default 10,000; older ones are dropped, oldest first). */
  capacity?: number;
  /** Clock (tests). */
  now?: () => number;
}

/**
 * The changes of one source's alerts, for alert.stream: each look at the source (at most one per
 * minIntervalMs, only when someone follows) is compared with the previous one; an alert seen for the first
 * time, one whose state changed, and one gone (as `resolved`) become changes with increasing ids
 * `<feed epoch>.<sequence>`. The first look only sets the baseline: alerts already firing are not changes.
 * A cursor from an earlier feed (a restart) resumes at the oldest change kept.
 */
export class AlertChangeFeed {
  private readonly epoch: string;
  private seq = 0;
  private readonly changes: AlertChangeT[] = [];
  private known: Map<string, AlertT> | undefined;
  private lastLook = 0;
  private looking: Promise<void> | undefined;
  private readonly minIntervalMs: number;
  private readonly capacity: number;
  private readonly now: () => number;

  constructor(private readonly options: AlertChangeFeedOptions) {
    this.minIntervalMs = options.minIntervalMs ?? 2000;
    this.capacity = options.capacity ?? 10_000;
    this.now = options.now ?? Date.now;
    this.epoch = this.now().toString(36);
  }

  /** Looks at the source unless the last look is recent; concurrent callers share one look. Read errors propagate. */
  async refresh(force = false): Promise<void> {
    if (this.looking) return this.looking;
    if (!force && this.known && this.now() - this.lastLook < this.minIntervalMs) return;
    this.looking = (async () => {
      try {
        const current = await this.options.read();
        this.lastLook = this.now();
        this.observe(current);
      } finally {
        this.looking = undefined;
      }
    })();
    return this.looking;
  }

  /** Compares a look with the previous one and records the changes (exposed for sources that are pushed alerts). */
  observe(current: AlertT[]): void {
    const next = new Map(current.map((a) => [a.id, a]));
    const previous = this.known;
    this.known = next;
    if (!previous) return;
    const at = new Date(this.now()).toISOString();
    for (const a of current) {
      const before = previous.get(a.id);
      if (before?.state === a.state) continue;
      if (!before && a.state === 'resolved') continue;
      this.push({ at, from: before?.state ?? null, to: a.state, alert: a });
    }
    for (const [id, before] of previous) {
      if (next.has(id) || before.state === 'resolved') continue;
      this.push({ at, from: before.state, to: 'resolved', alert: { ...before, state: 'resolved', endsAt: at } });
    }
  }

  private push(change: Omit<AlertChangeT, 'id'>): void {
    this.changes.push({ id: `${this.epoch}.${++this.seq}`, ...change });
    if (this.changes.length > this.capacity) this.changes.splice(0, this.changes.length - this.capacity);
  }

  /**
   * alert.stream: the changes after `after` matching the filter, oldest first, at most `limit`, and the cursor
   * to resume from. Without `after`: no changes, the cursor of now. Without `state`: changes to every state,
   * `resolved` included.
   * @throws Errors.Validation (400) for a malformed cursor or filter; the source's read errors.
   */
  async stream(params: Static<typeof AlertStreamParams>): Promise<Static<typeof AlertStreamResult>> {
    const { after, limit = 100, ...filter } = params;
    // Without a state filter a follower sees every change, resolutions included (a list's default leaves
    // resolved alerts out; a stream that did would never tell that an alert ended).
    const matches = compileAlertFilter({ ...filter, state: filter.state ?? [...DEFAULT_STATES, 'resolved'] });
    await this.refresh();
    const head = `${this.epoch}.${this.seq}`;
    if (after === undefined) return { changes: [], cursor: head };
    const m = /^([0-9a-z]+)\.(\d+)$/.exec(after);
    if (!m) throw new Errors.Validation(`'${after.slice(0, 64)}' is not a cursor of this alert source.`, { extra: { errors: [fieldError('query', '/after', 'invalid cursor')] } });
    const from = m[1] === this.epoch ? Number(m[2]) : 0;
    const out: AlertChangeT[] = [];
    let cursor = after;
    for (const c of this.changes) {
      const seq = Number(c.id.slice(this.epoch.length + 1));
      if (seq <= from) continue;
      cursor = c.id;
      if (!matches(c.alert)) continue;
      out.push(c);
      if (out.length >= limit) break;
    }
    // Nothing new: a foreign-epoch cursor moves to this feed's head so the next call does not rescan.
    return { changes: out, cursor: out.length || cursor !== after ? cursor : (m[1] === this.epoch ? after : head) };
  }
}
