/**
 * Issue 16 item 5, the review's bypass: invented bearer strings must not evict another client's rate-limit
 * counter. Its own file: 10 000 requests are slow on a loaded runner, and tap times out per file.
 */
import t from 'tap';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildTestApp } from '../helper.js';

const ADMIN = 'rate-limit-admin-token-0123456789';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function from(app: FastifyInstance, ip: string) {
  return (opts: InjectOptions) => app.inject({ remoteAddress: ip, ...opts });
}

t.test('invented bearer strings do not reset another client\'s counter', async (t) => {
  // The counters keep 10 000 keys each: before the fix every invented bearer string was a new key, so 10 000
  // of them evicted the victim's counter and gave it a fresh budget. A long window: the test may run slowly.
  const victim = 'rate-limit-victim-token-0123456789';
  const app = await buildTestApp(t, { token: ADMIN, tokens: [{ name: 'victim', token: victim, permissions: ['*'] }], rateLimit: { max: 3, ipMax: 5, authFailuresMax: 0, timeWindowMs: 3_600_000 } });
  const victimIp = from(app, '192.0.2.77');
  for (let i = 0; i < 3; i++) t.equal((await victimIp({ url: '/api/v1/plugins', headers: bearer(victim) })).statusCode, 200);
  const spent = await victimIp({ url: '/api/v1/plugins', headers: bearer(victim) });
  t.equal(spent.statusCode, 429, 'the victim past its budget');
  t.equal(spent.json().limit, 'requests');
  // One attacker address, a new bearer string each time (in batches: inject is in-process).
  const attacker = from(app, '203.0.113.66');
  const statuses = new Set<number>();
  for (let b = 0; b < 10_050; b += 1000) {
    const batch = await Promise.all(Array.from({ length: Math.min(1000, 10_050 - b) }, (_, i) => attacker({ url: '/api/v1/plugins', headers: bearer(`invented-${b + i}`) })));
    for (const r of batch) statuses.add(r.statusCode);
  }
  t.ok([...statuses].every((c) => c === 401 || c === 429) && statuses.has(429), 'the attacker: refused, its IP budget spent');
  const after = await from(app, '192.0.2.78')({ url: '/api/v1/plugins', headers: bearer(victim) });
  t.equal(after.statusCode, 429, 'the victim token after 10 050 invented bearer strings: still refused');
  t.equal(after.json().limit, 'requests', 'by its own counter, not evicted');
});
