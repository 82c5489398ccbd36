/**
 * The part of an alert filter Alertmanager can apply itself (GET /api/v2/alerts `active`, `silenced`,
 * `inhibited`, `filter`), so fewer alerts travel. Only conditions whose meaning is exactly Capstan's are sent;
 * the whole filter is always applied again by compileAlertFilter, so sending less is never wrong.
 */
import type { Static } from '@sinclair/typebox';
import type { AlertFilter } from '../../../src/capabilities/alert.js';
import { DEFAULT_STATES, parseMatcher } from '../../../src/capabilities/alert-source.js';

type Filter = Static<typeof AlertFilter>;

/** Query params of GET /api/v2/alerts; `null` when no alert Alertmanager lists can match (only `resolved` asked). */
export type ServerQuery = Record<string, string | string[] | boolean> | null;

/**
 * Values sent to Alertmanager's `filter` untouched: its matcher parsers (0.25's and the UTF-8 one of 0.27+)
 * read these the same way Capstan does. Others stay client-side.
 */
const PLAIN_VALUE = /^[A-Za-z0-9_.:/@+-]*$/;

/**
 * Maps a filter to Alertmanager's query params:
 * - no `silenced`/`acknowledged` state asked -> `silenced=false&inhibited=false` (both are Alertmanager's `suppressed`);
 * - no `firing` -> `active=false` (firing is `active`, or `unprocessed` which the client-side filter drops);
 * - `labels` and `=` / `!=` matchers with plain values -> `filter` (Alertmanager matcher syntax, value quoted).
 * Receivers and regex matchers stay client-side: Alertmanager's RE2 and JavaScript regexes differ at the edges.
 * @throws Errors.Validation for a bad matcher (parseMatcher).
 */
export function serverQuery(f: Filter): ServerQuery {
  const states = new Set(f.state ?? DEFAULT_STATES);
  if (!states.has('firing') && !states.has('silenced') && !states.has('acknowledged')) return null;
  const q: Record<string, string | string[] | boolean> = {};
  if (!states.has('silenced') && !states.has('acknowledged')) Object.assign(q, { silenced: false, inhibited: false });
  if (!states.has('firing')) q.active = false;
  const filter: string[] = [];
  for (const [name, value] of Object.entries(f.labels ?? {})) {
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && PLAIN_VALUE.test(value)) filter.push(`${name}="${value}"`);
  }
  (f.matchers ?? []).forEach((text, i) => {
    const m = parseMatcher(text, 'query', `/matchers/${i}`);
    if ((m.op === '=' || m.op === '!=') && PLAIN_VALUE.test(m.value)) filter.push(`${m.name}${m.op}"${m.value}"`);
  });
  if (filter.length) q.filter = filter;
  return q;
}
