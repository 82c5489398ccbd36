/**
 * Who a per-client limit or tally counts: the rate limits (routes/rate-limit.ts) and the coalescing of denial
 * records (audit/hooks.ts) use this one key, so a client that is one client to the limiter is one client to
 * the audit trail too.
 */
import { isIPv6 } from 'node:net';

/**
 * The client of an address (request.ip: the TCP peer, or the client a trusted proxy names): the IPv4 address,
 * or the /64 of an IPv6 one (`2001:db8:0:1::/64`; one host usually owns a whole /64, so rotating addresses
 * within it does not make a new client). An IPv4-mapped IPv6 address is its IPv4 address.
 */
export function clientKey(ip: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4) return v4[1];
  if (!isIPv6(ip)) return ip;
  const [head, tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
