/**
 * Issue 16, "Bad input and attacks": every way of knocking without the right key, against one auth-on server
 * with rate limits on. Each gets a clear 4xx problem+json, leaves a `denied` record in the audit trail, and
 * runs nothing (no execution row, the runner never called).
 */
import t from 'tap';
import type { LightMyRequestResponse } from 'fastify';
import { commandExecute, inventoryList } from '../../src/capabilities/index.js';
import { implement, type ExecutionContext } from '../../src/core/types.js';
import { fakeModule, nodes } from '../core/fixtures/fake-plugins.js';
import { buildTestApp, tempDir } from '../helper.js';

const ADMIN = 'admin-token-of-the-attack-tests';
let runs = 0;
const runner = fakeModule({
  id: 'runner', integrationTypes: ['remote_execution'],
  capabilities: [
    implement(inventoryList, async () => nodes('runner', 'web1', 'db1')),
    implement(commandExecute, async (_p: unknown, ctx: ExecutionContext) => {
      runs++;
      return { results: (ctx.targets ?? []).map((n) => ({ target: n.name, status: 'succeeded' as const, exitCode: 0 })) };
    }),
  ],
});

t.test('missing, garbled, expired and revoked tokens, low roles, scopes, tickets, Host, brute force', async (t) => {
  let clock = Date.now();
  const app = await buildTestApp(t, {
    auth: 'on', token: ADMIN, dataDir: tempDir(), logLevel: 'silent',
    rateLimit: { enabled: true, max: 0, authFailuresMax: 12, timeWindowMs: 60_000 },
  }, { plugins: [runner], streamTickets: { ttlMs: 30_000, now: () => clock } });

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const RUN = { capability: 'command.execute', targets: ['web1'], params: { command: 'uptime' } };
  const submit = (headers: Record<string, string>, payload: object = RUN) => app.inject({ method: 'POST', url: '/api/v1/executions', headers, payload });
  const executions = () => app.store.listExecutions({}, 1000).length;
  const audit = () => app.store.audit.list({}, 10_000);

  async function token(roles: string[], extra: Record<string, unknown> = {}): Promise<{ id: string; token: string }> {
    const res = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: bearer(ADMIN), payload: { name: `t${Math.random().toString(36).slice(2, 8)}`, roles, ...extra } });
    t.equal(res.statusCode, 201, 'token created');
    t.equal(res.headers['cache-control'], 'no-store', 'no cache keeps a secret');
    return res.json();
  }

  /** Asserts a refusal: status, problem+json with that code, a new denied audit record, nothing run. */
  async function refused(label: string, attempt: () => Promise<LightMyRequestResponse>, status: number, code: string, action: string): Promise<LightMyRequestResponse> {
    const [rows, execs, ran] = [audit().length, executions(), runs];
    const res = await attempt();
    t.equal(res.statusCode, status, `${label}: ${status}`);
    t.match(res.headers['content-type'], /^application\/problem\+json/, `${label}: problem+json`);
    t.equal(res.json().code, code, `${label}: ${code}`);
    t.equal(res.json().status, status, `${label}: status in the body`);
    const added = audit().slice(0, audit().length - rows);
    t.ok(added.some((r) => r.action === action && r.outcome === 'denied' && r.status === status), `${label}: audited as ${action}`);
    t.equal(executions(), execs, `${label}: no execution row`);
    t.equal(runs, ran, `${label}: nothing ran`);
    return res;
  }

  const viewer = await token(['viewer']);
  const scoped = await token(['operator'], { scope: ['web*'] });
  const revoked = await token(['operator']);
  await app.inject({ method: 'DELETE', url: `/api/v1/tokens/${revoked.id}`, headers: bearer(ADMIN) });
  const expiring = await token(['operator'], { expiresAt: new Date(Date.now() + 1500).toISOString() });
  await new Promise((r) => setTimeout(r, 1600));

  const unauthorized = 'CAPSTAN_ERR_AUTH_REQUIRED';
  await refused('no token', () => submit({}), 401, unauthorized, 'auth.failed');
  await refused('garbled token', () => submit({ authorization: 'Bearer cap_%%%not-a-token' }), 401, unauthorized, 'auth.failed');
  // From another address: to the audit trail it is the same refusal as 'no token' (same reason), and repeats
  // of one kind from one client are coalesced into one record a minute.
  await refused('another scheme', () => app.inject({ method: 'POST', url: '/api/v1/executions', remoteAddress: '192.0.2.200', headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN}`).toString('base64')}` }, payload: RUN }), 401, unauthorized, 'auth.failed');
  const rev = await refused('revoked token', () => submit(bearer(revoked.token)), 401, unauthorized, 'auth.failed');
  t.match(rev.json().detail, /revoked/);
  const exp = await refused('expired token', () => submit(bearer(expiring.token)), 401, unauthorized, 'auth.failed');
  t.match(exp.json().detail, /expired/);

  const low = await refused('a role below the capability\'s risk', () => submit(bearer(viewer.token)), 403, 'CAPSTAN_ERR_AUTH_FORBIDDEN', 'auth.forbidden');
  t.same(low.json().missingPermissions, ['command.execute']);
  const invoke = await refused('the same through the generic invoke', () => app.inject({
    method: 'POST', url: '/api/v1/capabilities/command.execute/invoke', headers: bearer(viewer.token), payload: { targets: ['web1'], params: { command: 'id' } },
  }), 403, 'CAPSTAN_ERR_AUTH_FORBIDDEN', 'auth.forbidden');
  t.equal(invoke.json().capability, 'command.execute');
  const out = await refused('targets outside the scope', () => submit(bearer(scoped.token), { ...RUN, targets: ['web1', 'db1'] }), 403, 'CAPSTAN_ERR_AUTH_TARGET_OUTSIDE_SCOPE', 'auth.forbidden');
  t.same(out.json().targets, ['db1']);
  t.match(audit()[0], { capability: 'command.execute', targets: ['web1', 'db1'] }, 'the record names the capability and the targets asked');

  await refused('a foreign Host header', () => app.inject({ method: 'POST', url: '/api/v1/executions', headers: { ...bearer(ADMIN), host: 'evil.example.com' }, payload: RUN }), 421, 'CAPSTAN_ERR_REQUEST_HOST_NOT_ALLOWED', 'request.host_refused');

  // A run to stream, then its ticket replayed and another one expired.
  const ok = await submit(bearer(ADMIN));
  t.equal(ok.statusCode, 202, 'the admin runs');
  await app.inject({ url: `/api/v1/executions/${ok.json().id}/wait?timeout=30`, headers: bearer(ADMIN) });
  const ticketOf = async () => {
    const res = await app.inject({ method: 'POST', url: `/api/v1/executions/${ok.json().id}/stream-ticket`, headers: bearer(viewer.token) });
    t.equal(res.headers['cache-control'], 'no-store', 'no cache keeps a ticket');
    return res.json() as { url: string; ticket: string };
  };
  const first = await ticketOf();
  t.equal((await app.inject({ url: first.url })).statusCode, 200, 'a ticket opens the stream once');
  const replay = await refused('a replayed ticket', () => app.inject({ url: first.url }), 401, unauthorized, 'auth.failed');
  t.match(replay.json().detail, /already used/);
  t.notMatch(JSON.stringify(audit()), first.ticket, 'the ticket is in no audit record');
  const late = await ticketOf();
  clock += 31_000;
  const expired = await refused('an expired ticket', () => app.inject({ url: late.url }), 401, unauthorized, 'auth.failed');
  t.match(expired.json().detail, /expired/);

  // Brute force: guesses from one address until the failed-authentication budget (12 a minute) is spent.
  const before = { execs: executions(), runs };
  let limited: LightMyRequestResponse | undefined;
  for (let i = 0; i < 40 && !limited; i++) {
    const res = await submit(bearer(`cap_${Math.random().toString(36).slice(2).padEnd(43, 'x')}`));
    if (res.statusCode === 429) limited = res;
    else t.equal(res.statusCode, 401, 'a guess is a 401 until the budget is spent');
  }
  t.ok(limited, 'brute force hits the rate limit');
  t.match(limited!.headers['content-type'], /^application\/problem\+json/);
  t.equal(limited!.json().code, 'CAPSTAN_ERR_RATE_LIMITED');
  t.ok(Number(limited!.headers['retry-after']) > 0, 'Retry-After tells when to come back');
  t.equal((await submit(bearer(ADMIN))).statusCode, 429, 'the address is refused even with a valid token until the window ends');
  t.ok(audit().some((r) => r.action === 'request.rate_limited' && r.outcome === 'denied'), 'the limit is audited');
  const floods = await Promise.all(Array.from({ length: 50 }, () => submit(bearer('cap_flood'))));
  t.ok(floods.every((r) => r.statusCode === 429), 'a flood past the limit: 429s');
  t.ok(audit().filter((r) => r.action === 'request.rate_limited').length <= 3, 'and a handful of coalesced records, not one per request');
  t.equal(executions(), before.execs, 'nothing was created by the brute force');
  t.equal(runs, before.runs, 'nothing ran');
  t.equal((await app.inject({ url: '/health/live' })).statusCode, 200, 'probes stay open');
});
