/**
 * DNS rebinding defence: a request must name this server in its Host header. A page on an attacker's domain
 * whose name was re-pointed at 127.0.0.1 reaches a loopback server with `Host: evil.example`; refusing
 * unknown names stops it even where no token is needed (auth off). Imports nothing.
 */

/** The host name of a Host header (lower case, no port, no trailing dot; IPv6 in brackets), or undefined. */
export function hostName(header: string | undefined): string | undefined {
  const h = (header ?? '').trim().toLowerCase();
  if (!h) return undefined;
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    if (end < 0 || !/^(:\d*)?$/.test(h.slice(end + 1))) return undefined;
    return h.slice(0, end + 1);
  }
  const m = /^([^:\s]+)(:\d*)?$/.exec(h);
  return m ? m[1].replace(/\.$/, '') : undefined;
}

/** localhost, 127.0.0.0/8 and ::1 (with or without brackets). */
export function isLoopbackName(name: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  if (n === 'localhost' || n === '::1' || n === '[::1]') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(n);
  return !!m && m.slice(1).every((o) => Number(o) <= 255);
}

/** Wildcard listen addresses: they are not names a client uses. */
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

/**
 * The Host names a server accepts: loopback names, `allowedHosts` and its own listen address (unless a
 * wildcard). `*` in allowedHosts accepts any name (the check is then off).
 */
export function hostAllowed(header: string | undefined, allowedHosts: readonly string[], listenHost: string): boolean {
  if (allowedHosts.includes('*')) return true;
  const name = hostName(header);
  if (name === undefined) return false;
  if (isLoopbackName(name)) return true;
  const own = listenHost.toLowerCase();
  if (!WILDCARDS.has(own) && (name === own || name === `[${own}]`)) return true;
  return allowedHosts.some((a) => {
    const allowed = a.toLowerCase().replace(/\.$/, '');
    return name === allowed || name === `[${allowed}]`;
  });
}
