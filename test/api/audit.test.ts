/**
 * Issue 16 item 4: the audit trail, auth on. Refusals (401 of every kind, 403, 421) are recorded with who,
 * from where and for what, and nothing runs; token create/revoke and run submit/replay/cancel are recorded
 * without a secret (params as a digest of their redacted form); GET /api/v1/audit is admin only, filtered and
 * keyset-paged; the table refuses UPDATE and DELETE; a submit's record is written in the execution's own
 * transaction, and a record that cannot be written never turns a refusal into a 500.
 */
import { randomUUID } from 'node:crypto';
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { paramsDigest } from '../../src/audit/actions.js';
import { DenialRecords } from '../../src/audit/hooks.js';
import { redactParams } from '../../src/capabilities/index.js';
import { createToken } from '../../src/core/tokens.js';
import { hash } from '../../src/execution/fingerprint.js';
import type { SqliteStore } from '../../src/store/sqlite/store.js';
import { buildTestApp, type TestContext } from '../helper.js';

const ADMIN = 'audit-admin-token-0123456789';
const as = (token: string) => ({ authorization: `Bearer ${token}` });
const SECRET = `s3cr3t-${randomUUID()}`;

async function authApp(t: TestContext): Promise<FastifyInstance> {
  return buildTestApp(t, { auth: 'on', token: ADMIN });
}

const db = (app: FastifyInstance) => (app.store as SqliteStore).db;
/** Every audit row as the table holds it (raw columns), oldest first. */
const rawRows = (app: FastifyInstance) => db(app).prepare('SELECT * FROM audit_events ORDER BY seq').all() as Record<string, any>[];
const makeToken = async (app: FastifyInstance, name: string, roles: string[]) => {
  const res = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: as(ADMIN), payload: { name, roles } });
  return res.json() as { id: string; token: string };
};
const audit = async (app: FastifyInstance, query = '') => {
  const res = await app.inject({ url: `/api/v1/audit${query}`, headers: as(ADMIN) });
  if (res.statusCode !== 200) throw new Error(res.body);
  return res.json() as { items: any[]; nextCursor: string | null };
};

t.test('401s of every kind are recorded (no token, garbled, unknown, revoked, expired); the query string is not', async (t) => {
  const app = await authApp(t);
  const revoked = await makeToken(app, 'gone', ['viewer']);
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/tokens/${revoked.id}`, headers: as(ADMIN) })).statusCode, 204);
  const expired = createToken(app.store.tokens, { name: 'old', owner: 'test', roles: ['viewer'], expiresAt: '2020-01-01T00:00:00Z' });
  const cases: Array<[string, Record<string, string>, string | null]> = [
    ['missing', {}, null],
    ['garbled', { authorization: 'Bearer' }, null],
    ['other scheme', { authorization: 'Basic dXNlcjpwYXNz' }, null],
    ['unknown', as('cap_AAAAnotarealtokenAAAA'), null],
    ['revoked', as(revoked.token), revoked.id],
    ['expired', as(expired.secret), expired.row.id],
  ];
  // Each from its own address: repeats of one kind of refusal from one client are coalesced (tested below).
  for (const [i, [label, headers, tokenId]] of cases.entries()) {
    const res = await app.inject({ url: '/api/v1/inventory?ticket=TICKET-IN-QUERY', remoteAddress: `192.0.2.${i + 1}`, headers: { ...headers, 'x-request-id': `req-${label.replace(' ', '-')}` } });
    t.equal(res.statusCode, 401, label);
    const [row] = (await audit(app, `?action=auth.failed&limit=1`)).items;
    t.match(row, {
      action: 'auth.failed', outcome: 'denied', status: 401, principal: null, tokenId, method: 'GET', path: '/api/v1/inventory',
      sourceIp: `192.0.2.${i + 1}`, requestId: `req-${label.replace(' ', '-')}`, code: 'CAPSTAN_ERR_AUTH_REQUIRED', detail: res.json().detail,
    }, label);
  }
  const all = JSON.stringify(rawRows(app));
  t.notOk(all.includes('TICKET-IN-QUERY'), 'no query string in the trail');
  t.notOk(all.includes(revoked.token) || all.includes(expired.secret), 'no presented secret in the trail');
  t.equal((await audit(app, '?action=auth.failed')).items.length, cases.length, 'one record per refusal');

  // An unmatched path is refused (401) and recorded by its path, still without the query string.
  t.equal((await app.inject({ url: '/api/v1/nope?ticket=x' })).statusCode, 401);
  t.match((await audit(app, '?action=auth.failed&limit=1')).items[0], { path: '/api/v1/nope' });
});

t.test('a viewer running a command: 403 recorded with capability, targets and params digest; nothing executed', async (t) => {
  const app = await authApp(t);
  const viewer = await makeToken(app, 'viewer', ['viewer']);
  const params = { command: 'touch /tmp/never', env: { API_TOKEN: SECRET } };
  const res = await app.inject({ method: 'POST', url: '/api/v1/executions', headers: as(viewer.token), payload: { capability: 'command.execute', targets: ['localhost'], params } });
  t.equal(res.statusCode, 403);
  const [row] = (await audit(app, '?action=auth.forbidden')).items;
  t.match(row, {
    action: 'auth.forbidden', outcome: 'denied', status: 403, principal: 'viewer', tokenId: viewer.id, capability: 'command.execute',
    targets: ['localhost'], paramsDigest: paramsDigest('command.execute', params), method: 'POST', path: '/api/v1/executions',
    code: 'CAPSTAN_ERR_AUTH_FORBIDDEN', executionId: null,
  });
  t.same(app.store.listExecutions({}, 10), [], 'no execution row');
  t.notOk(JSON.stringify(rawRows(app)).includes(SECRET), 'the secret is not in the trail');

  // The invoke route: the capability is the path parameter.
  const invoke = await app.inject({ method: 'POST', url: '/api/v1/capabilities/command.execute/invoke', headers: as(viewer.token), payload: { targets: ['web1'], params: { command: 'id' } } });
  t.equal(invoke.statusCode, 403);
  t.match((await audit(app, '?action=auth.forbidden&limit=1')).items[0], { capability: 'command.execute', targets: ['web1'], path: '/api/v1/capabilities/:name/invoke' });
  t.same(app.store.listExecutions({}, 10), [], 'still none');

  // Non-admins may not read the trail; that refusal is recorded too.
  const read = await app.inject({ url: '/api/v1/audit', headers: as(viewer.token) });
  t.equal(read.statusCode, 403);
  t.same(read.json().missingPermissions, ['*']);
  t.match((await audit(app, '?action=auth.forbidden&limit=1')).items[0], { principal: 'viewer', path: '/api/v1/audit', method: 'GET' });
});

t.test('a foreign Host header: 421 recorded', async (t) => {
  const app = await authApp(t);
  const res = await app.inject({ url: '/api/v1/plugins', headers: { host: 'rebound.evil.example', ...as(ADMIN) } });
  t.equal(res.statusCode, 421);
  t.match((await audit(app, '?action=request.host_refused')).items, [{
    action: 'request.host_refused', outcome: 'denied', status: 421, code: 'CAPSTAN_ERR_REQUEST_HOST_NOT_ALLOWED', path: '/api/v1/plugins',
  }]);
});

t.test('token create and revoke are recorded, without the secret', async (t) => {
  const app = await authApp(t);
  const made = await makeToken(app, 'ci-deploy', ['operator']);
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/tokens/${made.id}`, headers: as(ADMIN) })).statusCode, 204);
  t.equal((await app.inject({ method: 'DELETE', url: '/api/v1/tokens/no-such', headers: as(ADMIN) })).statusCode, 404, 'unknown id');
  const { items } = await audit(app, '?principal=admin');
  t.match(items.map((i) => [i.action, i.outcome, i.tokenId, i.status]), [['token.revoked', 'accepted', made.id, 204], ['token.created', 'accepted', made.id, 201]], 'a 404 records nothing');
  t.match(JSON.parse(items[1].detail), { name: 'ci-deploy', roles: ['operator'], owner: 'admin' });
  const all = JSON.stringify(rawRows(app));
  t.notOk(all.includes(made.token) || all.includes(made.token.slice(4)), 'no secret in any row');
  t.notOk(all.includes(app.store.tokens.byId(made.id)!.secretHash), 'nor its hash');
});

t.test('submit, replay and cancel: recorded with the params digest, never the secret', async (t) => {
  const app = await authApp(t);
  const params = { command: 'sleep 30', env: { API_TOKEN: SECRET } };
  const body = { capability: 'command.execute', targets: ['localhost'], params };
  const headers = { ...as(ADMIN), 'idempotency-key': 'audit-key-1', 'x-request-id': 'submit-1' };
  const sub = await app.inject({ method: 'POST', url: '/api/v1/executions', headers, payload: body });
  t.equal(sub.statusCode, 202, sub.body);
  const id = sub.json().id;
  const replay = await app.inject({ method: 'POST', url: '/api/v1/executions', headers: { ...headers, 'x-request-id': 'submit-2' }, payload: body });
  t.equal(replay.statusCode, 200, 'replayed');
  const cancel = await app.inject({ method: 'POST', url: `/api/v1/executions/${id}/cancel`, headers: { ...as(ADMIN), 'x-request-id': 'cancel-1' } });
  t.equal(cancel.statusCode, 202);
  await app.inject({ url: `/api/v1/executions/${id}/wait?timeout=30`, headers: as(ADMIN) });

  const digest = paramsDigest('command.execute', params);
  t.equal(digest, hash({ command: 'sleep 30', env: { API_TOKEN: '***' } }), 'the digest of the redacted params');
  t.equal(digest, paramsDigest('command.execute', { ...params, env: { API_TOKEN: 'another' } }), 'independent of the secret value');
  t.not(digest, paramsDigest('command.execute', { ...params, command: 'sleep 31' }), 'but not of the other params');
  t.same(redactParams('command.execute', params).env, { API_TOKEN: '***' });

  const { items } = await audit(app, `?executionId=${id}`);
  const common = { principal: 'admin', capability: 'command.execute', targets: ['localhost'], paramsDigest: digest, executionId: id, sourceIp: '127.0.0.1' };
  t.match(items, [
    { ...common, action: 'execution.cancelled', outcome: 'accepted', requestId: 'cancel-1', status: 202, method: 'POST', path: '/api/v1/executions/:id/cancel' },
    { ...common, action: 'execution.submitted', outcome: 'replayed', requestId: 'submit-2', status: 200 },
    { ...common, action: 'execution.submitted', outcome: 'accepted', requestId: 'submit-1', status: 202, method: 'POST', path: '/api/v1/executions', detail: '1 node(s)' },
  ]);
  t.notOk(JSON.stringify(rawRows(app)).includes(SECRET), 'the secret value is not in the audit table');
  t.equal((await audit(app, '?action=execution.submitted&outcome=replayed')).items.length, 1, 'filter by action and outcome');
});

t.test('keyset pages (newest first) and filters', async (t) => {
  const app = await authApp(t);
  for (let i = 0; i < 7; i++) await app.inject({ url: '/api/v1/plugins', remoteAddress: `192.0.2.${i + 1}`, headers: { 'x-request-id': `page-${i}` } });
  const seen: any[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: { items: any[]; nextCursor: string | null } = await audit(app, `?action=auth.failed&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
    t.ok(page.items.length <= 3);
    seen.push(...page.items);
    cursor = page.nextCursor;
    pages++;
  } while (cursor);
  t.equal(pages, 3);
  t.same(seen.map((r) => r.requestId), [6, 5, 4, 3, 2, 1, 0].map((i) => `page-${i}`), 'every record once, newest first');
  for (let i = 1; i < seen.length; i++) t.ok(seen[i - 1].seq > seen[i].seq);

  const mid = seen[3].at;
  const since = (await audit(app, `?action=auth.failed&since=${encodeURIComponent(mid)}`)).items;
  t.ok(since.length >= 4 && since.every((r) => r.at >= mid), 'since is inclusive');
  const until = (await audit(app, `?action=auth.failed&until=${encodeURIComponent(mid)}`)).items;
  t.ok(until.every((r) => r.at < mid), 'until is exclusive');
  t.equal(since.length + until.length, 7);
  t.same((await audit(app, '?principal=nobody')).items, []);
  t.same((await audit(app, '?outcome=accepted')).items, []);
  t.equal((await app.inject({ url: '/api/v1/audit?action=made.up', headers: as(ADMIN) })).statusCode, 400, 'actions are a closed set');
  t.equal((await app.inject({ url: '/api/v1/audit?limit=1001', headers: as(ADMIN) })).statusCode, 400);
  t.equal((await app.inject({ url: '/api/v1/audit?cursor=bogus', headers: as(ADMIN) })).statusCode, 400);
  t.equal((await app.inject({ url: '/api/v1/audit?ticket=1', headers: as(ADMIN) })).statusCode, 400, 'unknown filters refused');
});

t.test('append-only: UPDATE and DELETE raise', async (t) => {
  const app = await authApp(t);
  await app.inject({ url: '/api/v1/plugins' });
  t.throws(() => db(app).prepare("UPDATE audit_events SET outcome = 'accepted'").run(), /append-only/);
  t.throws(() => db(app).prepare('DELETE FROM audit_events').run(), /append-only/);
  t.equal(rawRows(app).length, 1, 'the record is still there');
  t.equal(rawRows(app)[0].outcome, 'denied', 'unchanged');
});

t.test("a submit's record is in the execution's transaction; a failed record write never turns a refusal into a 500", async (t) => {
  const app = await authApp(t);
  // The record cannot be written: the submit fails as a whole, no execution row is left.
  db(app).exec("CREATE TEMP TRIGGER refuse_submit BEFORE INSERT ON audit_events WHEN NEW.action = 'execution.submitted' BEGIN SELECT RAISE(ABORT, 'no audit'); END");
  const res = await app.inject({ method: 'POST', url: '/api/v1/executions', headers: as(ADMIN), payload: { capability: 'command.execute', targets: ['localhost'], params: { command: 'true' } } });
  t.equal(res.statusCode, 500);
  t.same(app.store.listExecutions({}, 10), [], 'no execution without its record');
  db(app).exec('DROP TRIGGER refuse_submit');

  // The execution row cannot be written (its id is taken): no record either.
  const row = {
    id: randomUUID(), capability: 'command.execute', status: 'queued' as const, targets: ['x'], nodes: ['x'], params: {}, provider: null,
    timeoutSeconds: 5, createdAt: new Date().toISOString(), startedAt: null, finishedAt: null, reason: null, idempotencyKey: null,
    requestHash: null, principal: 'test', correlationId: 'tx-test',
  };
  const entry = () => ({ action: 'execution.submitted', outcome: 'accepted', principal: 'test', requestId: 'tx-test' });
  app.store.createExecution(row, undefined, entry);
  t.throws(() => app.store.createExecution(row, undefined, entry), /UNIQUE/);
  t.equal(rawRows(app).filter((r) => r.request_id === 'tx-test').length, 1, 'only the first insert has a record');

  // A refusal whose record cannot be written is still the refusal.
  db(app).exec("CREATE TEMP TRIGGER refuse_denial BEFORE INSERT ON audit_events WHEN NEW.outcome = 'denied' BEGIN SELECT RAISE(ABORT, 'no audit'); END");
  const denied = await app.inject({ url: '/api/v1/plugins' });
  t.equal(denied.statusCode, 401);
  t.equal(denied.json().code, 'CAPSTAN_ERR_AUTH_REQUIRED');
});

t.test('a full queue (429) is recorded as request.rate_limited; cancelling a queued run is recorded', async (t) => {
  const app = await buildTestApp(t, { auth: 'on', token: ADMIN, execution: { concurrency: 1, maxQueued: 1 } });
  const post = () => app.inject({ method: 'POST', url: '/api/v1/executions', headers: as(ADMIN), payload: { capability: 'command.execute', targets: ['localhost'], params: { command: 'sleep 30' } } });
  const running = (await post()).json().id;
  const queued = await post();
  t.equal(queued.statusCode, 202);
  const full = await post();
  t.equal(full.statusCode, 429, full.body);
  t.match((await audit(app, '?action=request.rate_limited')).items, [{
    outcome: 'denied', status: 429, principal: 'admin', capability: 'command.execute', targets: ['localhost'], code: 'CAPSTAN_ERR_QUEUE_FULL',
    paramsDigest: paramsDigest('command.execute', { command: 'sleep 30' }),
  }]);
  t.equal(app.store.listExecutions({}, 10).length, 2, 'the refused run was not stored');
  for (const id of [queued.json().id, running]) {
    t.equal((await app.inject({ method: 'POST', url: `/api/v1/executions/${id}/cancel`, headers: as(ADMIN) })).statusCode, 202);
  }
  for (const id of [queued.json().id, running]) await app.inject({ url: `/api/v1/executions/${id}/wait?timeout=30`, headers: as(ADMIN) });
  t.match((await audit(app, '?action=execution.cancelled')).items.map((i) => [i.executionId, i.detail]), [
    [running, /while running/], [queued.json().id, 'canceled while queued'],
  ]);
});

t.test('denial floods are coalesced: one record per client and kind a minute, with the count; other kinds still recorded', async (t) => {
  await t.test('200 requests with a foreign Host (no token needed), on random paths: at most 2 records', async (t) => {
    const app = await authApp(t);
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => app.inject({ url: i % 2 ? '/api/v1/plugins' : `/x/${randomUUID()}`, remoteAddress: '198.51.100.20', headers: { host: 'rebound.evil.example' } })));
    t.ok(answers.every((res) => res.statusCode === 421), 'all 421');
    const rows = rawRows(app).filter((r) => r.action === 'request.host_refused');
    t.ok(rows.length >= 1 && rows.length <= 2, `${rows.length} record(s)`);
  });

  await t.test('200 garbage tokens with authFailuresMax 0 (no 429 to stop them): at most 2 records', async (t) => {
    const app = await buildTestApp(t, { auth: 'on', token: ADMIN, rateLimit: { authFailuresMax: 0 } });
    const answers = await Promise.all(Array.from({ length: 200 }, () => app.inject({ url: '/api/v1/inventory', remoteAddress: '198.51.100.21', headers: as(`garbage-${randomUUID()}`) })));
    t.ok(answers.every((res) => res.statusCode === 401), 'all 401');
    const rows = rawRows(app).filter((r) => r.action === 'auth.failed');
    t.ok(rows.length >= 1 && rows.length <= 2, `${rows.length} record(s)`);
    // IPv6 rotation within a /64 is one client here as in the rate limits.
    await Promise.all(Array.from({ length: 50 }, (_, i) => app.inject({ url: '/api/v1/inventory', remoteAddress: `2001:db8:0:7::${(i + 1).toString(16)}`, headers: as('garbage') })));
    t.equal(rawRows(app).filter((r) => r.action === 'auth.failed').length, rows.length + 1, 'one more record for the whole /64');
  });

  await t.test("a viewer's 403 after 401s from the same address is still recorded, and so is a revoked token", async (t) => {
    const app = await authApp(t);
    const viewer = await makeToken(app, 'viewer', ['viewer']);
    const revoked = await makeToken(app, 'gone', ['viewer']);
    t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/tokens/${revoked.id}`, headers: as(ADMIN) })).statusCode, 204);
    const ip = '198.51.100.22';
    for (let i = 0; i < 5; i++) t.equal((await app.inject({ url: '/api/v1/inventory', remoteAddress: ip, headers: as(`garbage-${i}`) })).statusCode, 401);
    t.equal((await app.inject({ url: '/api/v1/inventory', remoteAddress: ip, headers: as(revoked.token) })).statusCode, 401);
    const res = await app.inject({ method: 'POST', url: '/api/v1/executions', remoteAddress: ip, headers: as(viewer.token), payload: { capability: 'command.execute', targets: ['localhost'], params: { command: 'id' } } });
    t.equal(res.statusCode, 403);
    const rows = rawRows(app).filter((r) => r.source_ip === ip);
    t.equal(rows.filter((r) => r.action === 'auth.failed' && r.token_id === null).length, 1, 'the garbage tokens: one record');
    t.equal(rows.filter((r) => r.action === 'auth.failed' && r.token_id === revoked.id).length, 1, 'the revoked token: its own record');
    t.match(rows.filter((r) => r.action === 'auth.forbidden'), [{ principal: 'viewer', status: 403, capability: 'command.execute' }], 'the 403: its own record');
  });

  await t.test('the next record after the window says how many refusals it stands for; the map is bounded', async (t) => {
    const records = new DenialRecords(60_000, 3);
    t.same(records.admit('a', 0), { record: true, refused: 1 });
    for (let i = 1; i <= 9; i++) t.same(records.admit('a', i * 1000), { record: false, refused: i });
    t.same(records.admit('a', 60_000), { record: true, refused: 10 }, 'itself and the 9 skipped');
    t.same(records.admit('a', 60_001), { record: false, refused: 1 });
    for (const k of ['b', 'c', 'd', 'e']) records.admit(k, 60_002);
    t.equal(records.size, 3, 'at most maxKeys kinds held (oldest forgotten)');
  });
});
