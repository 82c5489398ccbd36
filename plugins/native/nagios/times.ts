/**
 * Times for cmd.cgi's downtime commands (55 host, 56 service). cmd.cgi reads `start_time` and `end_time` in
 * nagios.cfg's `date_format` and in the CGI's local time zone, neither of which a client can ask. Its own form
 * (GET cmd.cgi?cmd_typ=56) prefills `start_time` with the server's "now" in exactly that format and zone, so a
 * fixed downtime of N seconds from now is: start = that text, end = that text read as a wall-clock time, plus N
 * seconds, written back in the same format (a DST change inside the window shifts its end by the change).
 *
 * Nagios date formats (nagios.cfg date_format): us `MM-DD-YYYY HH:MM:SS` (Debian's default), euro
 * `DD-MM-YYYY HH:MM:SS`, iso8601 `YYYY-MM-DD HH:MM:SS`, strict-iso8601 `YYYY-MM-DDTHH:MM:SS`. us and euro
 * look alike: the one whose date is within a day of our own clock wins (equal day and month read the same).
 */
import { Errors } from '../../../src/core/errors.js';

export type NagiosDateFormat = 'us' | 'euro' | 'iso8601' | 'strict-iso8601';

/** A wall-clock time as the fields of a UTC instant (the zone does not matter: it is only shifted and rewritten). */
interface WallClock { format: NagiosDateFormat; ms: number }

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Reads a time written by cmd.cgi; undefined when it is in none of Nagios's formats. */
export function readServerTime(text: string, nowMs = Date.now()): WallClock | undefined {
  const iso = /^(\d{4})-(\d\d)-(\d\d)([ T])(\d\d):(\d\d):(\d\d)$/.exec(text.trim());
  if (iso) {
    const [, y, mo, d, sep, h, mi, s] = iso;
    return { format: sep === 'T' ? 'strict-iso8601' : 'iso8601', ms: Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) };
  }
  const dmy = /^(\d\d)-(\d\d)-(\d{4}) (\d\d):(\d\d):(\d\d)$/.exec(text.trim());
  if (!dmy) return undefined;
  const [, a, b, y, h, mi, s] = dmy.map(Number);
  const us = Date.UTC(y, a - 1, b, h, mi, s);
  const euro = Date.UTC(y, b - 1, a, h, mi, s);
  const usOk = a >= 1 && a <= 12;
  const euroOk = b >= 1 && b <= 12;
  if (usOk && (!euroOk || Math.abs(us - nowMs) <= Math.abs(euro - nowMs))) return { format: 'us', ms: us };
  return euroOk ? { format: 'euro', ms: euro } : undefined;
}

/** A wall-clock time written in a Nagios date format. */
export function writeServerTime(format: NagiosDateFormat, ms: number): string {
  const d = new Date(ms);
  const date = { y: pad(d.getUTCFullYear(), 4), m: pad(d.getUTCMonth() + 1), d: pad(d.getUTCDate()) };
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  switch (format) {
    case 'us': return `${date.m}-${date.d}-${date.y} ${time}`;
    case 'euro': return `${date.d}-${date.m}-${date.y} ${time}`;
    case 'iso8601': return `${date.y}-${date.m}-${date.d} ${time}`;
    default: return `${date.y}-${date.m}-${date.d}T${time}`;
  }
}

/**
 * The fields of a fixed downtime of `seconds` starting now, from a downtime form page's prefilled start_time.
 * @throws Errors.Upstream when the form has no start_time in a known format.
 */
export function fixedWindow(formStart: string | undefined, seconds: number, nowMs = Date.now()): Record<string, string> {
  const start = formStart === undefined ? undefined : readServerTime(formStart, nowMs);
  if (!formStart || !start) {
    throw new Errors.Upstream(`cmd.cgi's downtime form has no start_time in a Nagios date format (got ${JSON.stringify(formStart ?? null)}): cannot write the downtime's times`);
  }
  return {
    start_time: formStart,
    end_time: writeServerTime(start.format, start.ms + seconds * 1000),
    fixed: '1',
    hours: String(Math.floor(seconds / 3600)),
    minutes: String(Math.floor((seconds % 3600) / 60)),
  };
}
