/**
 * Issue 16, the corners of target reach found in review: queries naming a node under another param name
 * (certificate `name`), writes that name no node, an Idempotency-Key reused by another caller, and queued
 * runs whose API token was revoked or narrowed before they started. Also: a configured token must say what
 * it grants.
 */
import t, { type Test } from 'tap';
import { certificateSign, commandExecute, configServerFlush, inventoryList } from '../../src/capabilities/index.js';
import { loadConfig } from '../../src/config/load.js';
import { implement, type ExecutionContext } from '../../src/core/types.js';
import { fakeModule, nodes } from '../core/fixtures/fake-plugins.js';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, tempDir } from '../helper.js';

const ADMIN = 'admin-token-of-reach-tests';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const waitForExecution = async (app: FastifyInstance, id: string) =>
  (await app.inject({ url: `/api/v1/executions/${id}/wait?timeout=30`, headers: bearer(ADMIN) })).json();

/** Runs wait for `release()`; `started` counts the runs that reached the runner. */
let started = 0;
let gate: Promise<void> = Promise.resolve();
let release: () => void = () => {};
const hold = () => { gate = new Promise((r) => { release = r; }); };

const world = fakeModule({
  id: 'world', integrationTypes: ['inventory', 'remote_execution', 'configuration_management'],
  capabilities: [
    implement(inventoryList, async () => nodes('world', 'web1', 'db1')),
    implement(commandExecute, async (_p: unknown, ctx: ExecutionContext) => {
      started++;
      await gate;
      return { results: (ctx.targets ?? []).map((n) => ({ target: n.name, status: 'succeeded' as const, exitCode: 0 })) };
    }),
    implement(certificateSign, async (p: { name: string }) => ({ name: p.name, state: 'signed' }) as never),
    implement(configServerFlush, async () => ({ flushed: true }) as never),
  ],
});

async function reachApp(t: Test) {
  const app = await buildTestApp(t, {
    auth: 'on', token: ADMIN, dataDir: tempDir(),
    roles: { webca: { permissions: ['certificate.*', 'configserver.*', 'risk:read'], targets: ['web*'] } },
    execution: { perNodeConcurrency: 1 },
  }, { plugins: [world] });
  const make = async (name: string, roles: string[], scope?: string[]) => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: bearer(ADMIN), payload: { name, roles, ...(scope ? { scope } : {}) } });
    t.equal(res.statusCode, 201, 'token created');
    return res.json() as { id: string; token: string };
  };
  const invoke = (token: string, capability: string, params: object) =>
    app.inject({ method: 'POST', url: `/api/v1/capabilities/${capability}/invoke`, headers: bearer(token), payload: params });
  const run = (token: string, targets: string[], key?: string) => app.inject({
    method: 'POST', url: '/api/v1/executions', headers: { ...bearer(token), ...(key ? { 'idempotency-key': key } : {}) },
    payload: { capability: 'command.execute', targets, params: { command: 'uptime' } },
  });
  return { app, make, invoke, run };
}


t.test('a query naming a node under its own param name (certificate `name`) is checked like `node`', async (t) => {
  const { make, invoke } = await reachApp(t);
  const ca = await make('web-ca', ['webca']);
  const out = await invoke(ca.token, 'certificate.sign', { name: 'db1' });
  t.equal(out.statusCode, 403, 'signing db1\'s certificate is outside web*');
  t.match(out.json(), { code: 'CAPSTAN_ERR_AUTH_TARGET_OUTSIDE_SCOPE', capability: 'certificate.sign', targets: ['db1'] });
  t.not((await invoke(ca.token, 'certificate.sign', { name: 'web1' })).statusCode, 403, 'web1 is inside');
  const flush = await invoke(ca.token, 'configserver.flush', {});
  t.equal(flush.statusCode, 403, 'a write naming no node needs the capability on every node');
  t.match(flush.json().detail, /names no node.*every node/);
  t.not((await invoke(ADMIN, 'configserver.flush', {})).statusCode, 403, 'the admin flushes');
});

t.test('an Idempotency-Key answers only the caller that used it', async (t) => {
  hold();
  const { app, make, run } = await reachApp(t);
  const a = await make('alice', ['operator']);
  const b = await make('bob', ['operator']);
  const first = await run(a.token, ['web1'], 'key-1');
  t.equal(first.statusCode, 202);
  const again = await run(a.token, ['web1'], 'key-1');
  t.equal(again.statusCode, 200, 'the same caller replays');
  t.equal(again.json().id, first.json().id);
  const other = await run(b.token, ['web1'], 'key-1');
  t.equal(other.statusCode, 409, 'another caller gets a conflict');
  t.equal(other.json().code, 'CAPSTAN_ERR_IDEMPOTENCY_KEY_CONFLICT');
  t.notMatch(other.body, first.json().id, 'and never learns the other run\'s id');
  const otherBody = await app.inject({
    method: 'POST', url: '/api/v1/executions', headers: { ...bearer(b.token), 'idempotency-key': 'key-1' },
    payload: { capability: 'command.execute', targets: ['db1'], params: { command: 'id' } },
  });
  t.notMatch(otherBody.body, first.json().id, 'not with another body either');
  release();
  await waitForExecution(app, first.json().id);
});

t.test('a queued run starts only while its token is valid and still reaches its nodes', async (t) => {
  hold();
  const { app, make, run } = await reachApp(t);
  const blocker = await run(ADMIN, ['web1']);
  t.equal(blocker.statusCode, 202);
  while (started === 0) await new Promise((r) => setTimeout(r, 20));
  const before = started;
  const revoked = await make('soon-revoked', ['operator']);
  const narrowed = await make('soon-narrowed', ['operator']);
  const fine = await make('fine', ['operator']);
  const q1 = (await run(revoked.token, ['web1'])).json().id;
  const q2 = (await run(narrowed.token, ['web1'])).json().id;
  const q3 = (await run(fine.token, ['web1'])).json().id;
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/tokens/${revoked.id}`, headers: bearer(ADMIN) })).statusCode, 204);
  t.equal((await app.inject({ method: 'PATCH', url: `/api/v1/tokens/${narrowed.id}`, headers: bearer(ADMIN), payload: { scope: ['db1'] } })).statusCode, 200);
  release();
  const [r1, r2, r3] = [await waitForExecution(app, q1), await waitForExecution(app, q2), await waitForExecution(app, q3)];
  t.match(r1, { status: 'canceled', reason: /not started: the API token that submitted it is no longer valid \(revoked\)/ });
  t.match(r2, { status: 'canceled', reason: /not started: .*may no longer run it.*web1/ });
  t.equal(r3.status, 'succeeded', 'a token still allowed runs');
  t.equal(started, before + 1, 'only the allowed run reached the runner');
});

t.test('config: a token must name roles or permissions (deny by default)', async (t) => {
  t.throws(() => loadConfig({ env: {}, overrides: { dataDir: tempDir(), tokens: [{ name: 'bare', token: 'a-long-enough-token-1' }] } }), /tokens\/0: give the token roles or permissions/);
});
