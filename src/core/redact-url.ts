/**
 * Request targets without credentials: a stream ticket (`?ticket=`) is a bearer credential for 30 s, so it
 * never reaches a log line nor an answer's problem `instance`.
 */

/** Query parameters whose values are credentials (a stream ticket) and never reach a log line. */
const SECRET_QUERY_KEYS = new Set(['ticket']);

function decodedKey(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    return key.toLowerCase();
  }
}

/**
 * A request target with the value of every credential query parameter replaced by `[redacted]`. Keys are
 * compared decoded, as the query parser reads them (`?%74icket=` is a ticket too).
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const pairs = url.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    return SECRET_QUERY_KEYS.has(decodedKey(key)) ? `${key}=[redacted]` : pair;
  });
  return `${url.slice(0, q)}?${pairs.join('&')}`;
}
