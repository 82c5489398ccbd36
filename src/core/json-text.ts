/**
 * Rules every JSON value crossing the API obeys, as small pure functions: a nesting bound checked on the raw
 * text before parsing, a search for strings (values and member names) breaking a rule, answered as a JSON
 * pointer, and well-formed Unicode on the way out.
 *
 * Why: `JSON.parse` accepts `"\ud800"` (a lone UTF-16 surrogate, which is no Unicode text) and any nesting
 * its stack allows; stored and echoed back, a lone surrogate breaks strict parsers such as jq 1.6, and deep
 * nesting overflows the stack of the recursive code after the parser (validation, cloning, hashing).
 */

/**
 * Deepest nesting of objects and arrays a JSON body may have; the top-level value counts as one
 * (`{"a":[1]}` is 2 deep). The catalogue entry REQUEST_JSON_TOO_DEEP and the README repeat this number.
 */
export const MAX_JSON_DEPTH = 64;

/** A lone (unpaired) UTF-16 surrogate; in `u` mode a valid pair is one code point and does not match. */
const LONE_SURROGATE = /\p{Cs}/u;
const LONE_SURROGATES = /\p{Cs}/gu;

/** True when the string is well-formed Unicode (no lone surrogate); String.prototype.isWellFormed of ES2024. */
export function isWellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/** The string with each lone surrogate replaced by U+FFFD; String.prototype.toWellFormed of ES2024. */
export function toWellFormed(s: string): string {
  return isWellFormed(s) ? s : s.replace(LONE_SURROGATES, '\uFFFD');
}

/**
 * True when the JSON text nests objects and arrays deeper than `max`. A linear scan that skips string
 * contents; it runs before parsing, so no recursive code ever sees a deeper value. Malformed text is left
 * to the parser.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** One reference token of a JSON pointer (RFC 6901: `~` -> `~0`, `/` -> `~1`), made well-formed for display. */
export function pointerToken(key: string): string {
  return toWellFormed(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The JSON pointer (relative to `value`, `''` for the value itself) of the first string value or member name
 * for which `bad` is true, depth first in document order; undefined when there is none. Iterative, so any
 * nesting is safe.
 */
export function findString(value: unknown, bad: (s: string) => boolean): string | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length) {
    const [v, at] = stack.pop()!;
    if (typeof v === 'string') {
      if (bad(v)) return at;
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${at}/${i}`]);
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, x] = entries[i];
        const here = `${at}/${pointerToken(k)}`;
        if (bad(k)) return here;
        stack.push([x, here]);
      }
    }
  }
  return undefined;
}

const known = new WeakSet<object>();

/**
 * Records that `value` is a result of wellFormed (checked once), so later answers that include it skip the
 * walk: the inventory's indexed snapshots are checked when built, not on every page. The caller must never
 * mutate the value afterwards.
 */
export function markWellFormed<T extends object>(value: T): T {
  known.add(value);
  return value;
}

/**
 * The value with every lone surrogate in its strings and member names replaced by U+FFFD. Copy on write:
 * a value without any is returned as is (the same object), so the common case allocates nothing.
 * Values that are not plain JSON data (Dates, Buffers, class instances) are left alone.
 */
export function wellFormed<T>(value: T): T {
  if (typeof value === 'string') return toWellFormed(value) as T;
  if (typeof value === 'object' && value !== null && known.has(value)) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const x = wellFormed(value[i]);
      if (x !== value[i]) (out ??= value.slice())[i] = x;
    }
    return (out ?? value) as T;
  }
  if (value !== null && typeof value === 'object' && isPlainObject(value)) {
    const source = value as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    for (const [k, x] of Object.entries(source)) {
      const key = toWellFormed(k);
      const y = wellFormed(x);
      if (key === k && y === x) continue;
      out ??= { ...source };
      if (key !== k) delete out[k];
      // defineProperty, not assignment: a member named `__proto__` stays a member.
      Object.defineProperty(out, key, { value: y, enumerable: true, writable: true, configurable: true });
    }
    return (out ?? value) as T;
  }
  return value;
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** JSON.stringify of the value made well-formed: the text never holds a `\udXXX` escape of a lone surrogate. */
export function stringifyWellFormed(value: unknown): string {
  return JSON.stringify(wellFormed(value));
}
