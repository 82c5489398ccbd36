/**
 * Stream tickets (issue 16): POST .../stream-ticket answers a single-use, 30 s ticket that opens one SSE
 * stream as `?ticket=` instead of the Authorization header. With auth on: it works once, a replay, an expired
 * ticket, one for another execution or another stream, and a ticket on any other route are 401s; a viewer may
 * ask for one; the ticket never reaches a log line. With auth off the routes work as well.
 */
import t, { type Test } from 'tap';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { StreamTickets } from '../../src/core/stream-tickets.js';
import { redactUrl } from '../../src/core/redact-url.js';
import { buildTestApp, waitForExecution, type Overrides, type TestContext } from '../helper.js';
import { captureLogs, type LogCapture } from '../observability.js';
import { World, recordPlugins } from '../records/fixtures/providers.js';
import { connectSse } from '../sse-client.js';

const ADMIN = 'admin-token-stream-tickets-0123456789';
const TICKET = /^capt_[A-Za-z0-9_-]{43}$/;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

interface Setup {
  app: FastifyInstance;
  base: string;
  logs: LogCapture;
  /** Moves the ticket store's clock forward (ms). */
  advance(ms: number): void;
  /** Injects with `token` as bearer (none when null). */
  as(token: string | null, opts: InjectOptions): Promise<LightMyRequestResponse>;
}

/** An auth-on app (admin `token`), listening on an ephemeral loopback port, with the record fakes and a movable ticket clock. */
async function setup(t: TestContext, overrides: Overrides = { token: ADMIN }): Promise<Setup> {
  let offset = 0;
  const logs = captureLogs();
  const app = await buildTestApp(t, { logLevel: 'info', ...overrides }, {
    logStream: logs.stream, extraPlugins: recordPlugins(new World()), streamTickets: { now: () => Date.now() + offset },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return {
    app, logs, base: `http://127.0.0.1:${port}`,
    advance: (ms) => { offset += ms; },
    as: (token, opts) => app.inject({ ...opts, headers: { ...(token ? bearer(token) : {}), ...(opts.headers ?? {}) } }),
  };
}

/** A finished run of `command` on localhost (needs `*`: the admin token). */
async function finishedRun(s: Setup, command: string): Promise<string> {
  const res = await s.as(ADMIN, { method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['localhost'], params: { command } } });
  if (res.statusCode !== 202) throw new Error(`submit answered ${res.statusCode}: ${res.body}`);
  const { id } = res.json();
  await waitForExecution({ inject: (o: InjectOptions) => s.as(ADMIN, o) } as unknown as FastifyInstance, id);
  return id;
}

const executionTicket = async (s: Setup, id: string, token: string | null = ADMIN) =>
  s.as(token, { method: 'POST', url: `/api/v1/executions/${id}/stream-ticket` });
const eventsTicket = async (s: Setup, token: string | null = ADMIN) => s.as(token, { method: 'POST', url: '/api/v1/events/stream-ticket' });

/** Asserts a 401 problem with `error="invalid_token"` whose detail matches `detail`. */
function invalidTicket(t: Test, res: LightMyRequestResponse, detail: RegExp, label: string): void {
  t.equal(res.statusCode, 401, `${label}: 401`);
  t.match(res.headers['content-type'], /^application\/problem\+json/, `${label}: problem+json`);
  t.match(res.headers['www-authenticate'], /^Bearer realm="capstan", error="invalid_token"/, `${label}: invalid_token`);
  t.match(res.json(), { code: 'CAPSTAN_ERR_AUTH_REQUIRED', detail }, `${label}: ${detail}`);
  t.notMatch(res.json().instance, /ticket=capt_/, `${label}: the problem's instance does not echo the ticket`);
}

t.test('an execution ticket opens that stream once: real SSE output, then a replay is a 401', async (t) => {
  const s = await setup(t);
  const id = await finishedRun(s, 'echo one; echo two');
  const res = await executionTicket(s, id);
  t.equal(res.statusCode, 201);
  const body = res.json();
  t.match(body.ticket, TICKET, 'capt_ + 256 bits in base64url');
  t.equal(body.url, `/api/v1/executions/${id}/stream?ticket=${body.ticket}`, 'url: the stream path with ?ticket=');
  const ttl = Date.parse(body.expiresAt) - Date.now();
  t.ok(ttl > 25_000 && ttl <= 30_000, `valid 30 s (${ttl} ms left)`);

  const conn = await connectSse(`${s.base}${body.url}`);
  t.equal(conn.status, 200, 'no Authorization header needed');
  t.match(conn.headers['content-type'], /^text\/event-stream/);
  const frames = await conn.done;
  t.same(frames.filter((f) => f.event === 'stdout').map((f) => JSON.parse(f.data!).line), ['one', 'two'], 'the run\'s output');
  t.equal(frames[frames.length - 1].event, 'complete', 'ends with complete');

  invalidTicket(t, await s.app.inject({ url: body.url }), /already used/, 'replay');
  // ?after= of the stream itself goes alongside a (fresh) ticket.
  const again = (await executionTicket(s, id)).json();
  const resumed = await (await connectSse(`${s.base}${again.url}&after=4`)).done;
  const resumedIds = resumed.filter((f) => f.id).map((f) => Number(f.id));
  t.ok(resumedIds.length > 0 && resumedIds.every((n) => n > 4), `?after= still works next to ticket (${resumedIds.join(',')})`);
  // The Bearer header keeps working, and wins over a ticket (which it leaves unspent).
  const third = (await executionTicket(s, id)).json();
  t.equal((await s.as(ADMIN, { url: third.url })).statusCode, 200, 'Bearer header with a ticket: the header is used');
  t.equal((await s.app.inject({ url: third.url })).statusCode, 200, 'that ticket still opens the stream once');
});

t.test('an expired ticket is a 401 (30 s)', async (t) => {
  const s = await setup(t);
  const id = await finishedRun(s, 'echo x');
  const late = (await executionTicket(s, id)).json();
  const inTime = (await executionTicket(s, id)).json();
  s.advance(29_000);
  t.equal((await s.app.inject({ url: inTime.url })).statusCode, 200, 'used after 29 s: fine');
  s.advance(1_000);
  invalidTicket(t, await s.app.inject({ url: late.url }), /expired/, 'used after 30 s');
  invalidTicket(t, await s.app.inject({ url: late.url }), /expired/, 'and again (remembered as expired)');
  s.advance(10 * 60_000);
  invalidTicket(t, await s.app.inject({ url: late.url }), /not valid/, 'long after: forgotten, an unknown ticket');
});

t.test('a ticket is bound to its stream: another execution, the events stream, other routes', async (t) => {
  const s = await setup(t);
  const a = await finishedRun(s, 'echo a');
  const b = await finishedRun(s, 'echo b');

  const forA = (await executionTicket(s, a)).json();
  invalidTicket(t, await s.app.inject({ url: `/api/v1/executions/${b}/stream?ticket=${forA.ticket}` }), /another stream/, 'A\'s ticket on B');
  invalidTicket(t, await s.app.inject({ url: forA.url }), /already used/, 'tried on the wrong stream, it is spent');

  const exec = (await executionTicket(s, a)).json();
  invalidTicket(t, await s.app.inject({ url: `/api/v1/events/stream?follow=false&ticket=${exec.ticket}` }), /another stream/, 'an execution ticket on the events stream');
  const events = (await eventsTicket(s)).json();
  invalidTicket(t, await s.app.inject({ url: `/api/v1/executions/${a}/stream?ticket=${events.ticket}` }), /another stream/, 'an events ticket on an execution stream');

  // Any other route: a ticket is no credential at all (the bare challenge), and is not spent there.
  const fresh = (await executionTicket(s, a)).json();
  for (const url of [`/api/v1/executions/${a}`, `/api/v1/executions/${a}/output`, '/api/v1/inventory', '/api/v1/tokens']) {
    const res = await s.app.inject({ url: `${url}?ticket=${fresh.ticket}` });
    t.equal(res.statusCode, 401, `${url}?ticket=: 401`);
    t.equal(res.headers['www-authenticate'], 'Bearer realm="capstan"', `${url}: as without credentials`);
  }
  t.equal((await s.app.inject({ method: 'POST', url: `/api/v1/executions/${a}/cancel?ticket=${fresh.ticket}` })).statusCode, 401, 'POST cancel?ticket=: 401');
  t.equal((await s.app.inject({ method: 'POST', url: `/api/v1/executions/${a}/stream-ticket?ticket=${fresh.ticket}` })).statusCode, 401, 'a ticket does not buy a ticket');
  t.equal((await s.app.inject({ url: fresh.url })).statusCode, 200, 'still good for its own stream');

  invalidTicket(t, await s.app.inject({ url: `/api/v1/executions/${a}/stream?ticket=capt_${'A'.repeat(43)}` }), /not valid/, 'an unknown ticket');
  invalidTicket(t, await s.app.inject({ url: `/api/v1/executions/${a}/stream?ticket=${ADMIN}` }), /not valid/, 'a bearer token is not a ticket');
  const asBearer = await s.as(fresh.ticket, { url: `/api/v1/executions/${a}/stream` });
  t.equal(asBearer.statusCode, 401, 'a ticket is not a bearer token');
  t.equal((await s.app.inject({ url: `/api/v1/executions/${a}/stream` })).statusCode, 401, 'no ticket, no header: 401');
});

t.test('the events stream takes its own ticket, with its query params alongside', async (t) => {
  const s = await setup(t);
  const res = await eventsTicket(s);
  t.equal(res.statusCode, 201);
  const body = res.json();
  t.match(body.ticket, TICKET);
  t.equal(body.url, `/api/v1/events/stream?ticket=${body.ticket}`);
  const stream = await s.app.inject({ url: `${body.url}&follow=false` });
  t.equal(stream.statusCode, 200, 'opened with the ticket');
  t.match(stream.headers['content-type'], /^text\/event-stream/);
  t.match(stream.body, /event: caught_up/, 'follow=false is honoured: the stream ends once caught up');
  invalidTicket(t, await s.app.inject({ url: `${body.url}&follow=false` }), /already used/, 'replay');
});

t.test('who may ask: a viewer token reads (201); no token or a bad one is a 401; an unknown execution a 404', async (t) => {
  const s = await setup(t);
  const id = await finishedRun(s, 'echo seen');
  const viewer = (await s.as(ADMIN, { method: 'POST', url: '/api/v1/tokens', payload: { name: 'dash', roles: ['viewer'], scope: ['risk:read'] } })).json().token as string;
  const res = await executionTicket(s, id, viewer);
  t.equal(res.statusCode, 201, 'viewer: 201');
  const frames = await (await connectSse(`${s.base}${res.json().url}`)).done;
  t.ok(frames.some((f) => f.event === 'stdout' && JSON.parse(f.data!).line === 'seen'), 'the viewer\'s ticket streams');
  t.equal((await eventsTicket(s, viewer)).statusCode, 201, 'viewer: events ticket too');

  for (const [label, token] of [['no token', null], ['a bad token', 'cap_nope']] as const) {
    const denied = await executionTicket(s, id, token);
    t.equal(denied.statusCode, 401, `${label}: 401`);
    t.equal((await eventsTicket(s, token)).statusCode, 401, `${label}: 401 (events)`);
  }
  const missing = await executionTicket(s, 'no-such-execution');
  t.equal(missing.statusCode, 404);
  t.equal(missing.json().code, 'CAPSTAN_ERR_EXECUTION_NOT_FOUND', 'as GET /executions/{id}');
  t.equal((await s.as(ADMIN, { method: 'POST', url: `/api/v1/executions/${id}/stream-ticket`, payload: {} })).statusCode, 201, 'a `{}` body is accepted');
  t.equal((await s.as(ADMIN, { method: 'POST', url: `/api/v1/executions/${id}/stream-ticket`, payload: { x: 1 } })).statusCode, 400, 'any other body is not');
});

t.test('a ticket never reaches a log line: the logged URL reads ticket=[redacted]', async (t) => {
  const s = await setup(t);
  const id = await finishedRun(s, 'echo logged');
  const tickets = [(await executionTicket(s, id)).json(), (await executionTicket(s, id)).json(), (await eventsTicket(s)).json()];
  await (await connectSse(`${s.base}${tickets[0].url}`)).done; // accepted
  await s.app.inject({ url: tickets[0].url }); // replayed: 401
  await s.app.inject({ url: `/api/v1/executions/${id}?ticket=${tickets[1].ticket}&x=1` }); // another route: 401
  await s.app.inject({ url: `/api/v1/events/stream?%74icket=${tickets[2].ticket}&follow=false` }); // an encoded key is a ticket too
  const text = s.logs.lines.map((l) => JSON.stringify(l)).join('\n');
  for (const { ticket } of tickets) t.notOk(text.includes(ticket) || text.includes(ticket.slice(5)), 'the ticket is in no log line');
  const urls = s.logs.lines.map((l) => l.req?.url).filter((u): u is string => typeof u === 'string' && /icket=/.test(u));
  t.ok(urls.length >= 4, `requests with a ticket are logged (${urls.length})`);
  t.ok(urls.every((u) => /icket=\[redacted\]/.test(u)), 'each with its value redacted');
  t.ok(urls.some((u) => u.endsWith('?ticket=[redacted]&x=1')), 'the rest of the query is kept');
  t.equal(redactUrl('/a?b=1&ticket=capt_x&c=2'), '/a?b=1&ticket=[redacted]&c=2');
  t.equal(redactUrl('/a?b=1'), '/a?b=1');
  t.equal(redactUrl('/a'), '/a');
});

t.test('auth off: the ticket routes answer and the stream takes the ticket (every caller is admin)', async (t) => {
  const s = await setup(t, { auth: 'off' });
  const id = await finishedRun(s, 'echo open');
  const res = await executionTicket(s, id, null);
  t.equal(res.statusCode, 201);
  const frames = await (await connectSse(`${s.base}${res.json().url}`)).done;
  t.ok(frames.some((f) => f.event === 'stdout' && JSON.parse(f.data!).line === 'open'), 'the stream opens with the ticket');
  const events = (await eventsTicket(s, null)).json();
  t.equal((await s.app.inject({ url: `${events.url}&follow=false` })).statusCode, 200, 'events stream too');
});

t.test('the ticket store: copies the principal, bounded, single use', async (t) => {
  let now = 1_000_000;
  const store = new StreamTickets({ ttlMs: 1000, maxTickets: 2, now: () => now });
  const target = { route: '/api/v1/executions/:id/stream', params: { id: 'e1' } };
  const principal = { id: 'dash', permissions: ['risk:read'], scope: ['inventory.*'] };
  const { ticket, expiresAt } = store.issue(principal, target);
  t.equal(expiresAt.getTime(), now + 1000);
  principal.permissions.push('*');
  principal.scope.push('*');
  const got = store.redeem(ticket, { route: target.route, params: { id: 'e1' } });
  t.same(got, { ok: true, principal: { id: 'dash', permissions: ['risk:read'], scope: ['inventory.*'] } }, 'a snapshot taken at issue, scope included');
  t.match(store.redeem(ticket, target), { ok: false, reason: /already used/ });
  t.match(store.redeem(ticket.slice(0, -1), target), { ok: false, reason: /not valid/ });

  const [one, two, three] = [store.issue(principal, target), store.issue(principal, target), store.issue(principal, target)];
  t.equal(store.size, 2, 'bounded: the oldest is dropped');
  t.match(store.redeem(one.ticket, target), { ok: false });
  t.match(store.redeem(two.ticket, target), { ok: true });
  now += 1000;
  t.match(store.redeem(three.ticket, target), { ok: false, reason: /expired/ });
  t.equal(store.size, 0, 'swept');
});

t.test('the document: both operations, the StreamTicket schema, the ticket parameter of both streams', async (t) => {
  const app = await buildTestApp(t);
  const doc = (await app.inject({ url: '/openapi.json' })).json();
  const exec = doc.paths['/api/v1/executions/{id}/stream-ticket'].post;
  const events = doc.paths['/api/v1/events/stream-ticket'].post;
  t.match(exec, { operationId: 'createExecutionStreamTicket', tags: ['executions'], responses: { 201: { content: { 'application/json': { schema: { $ref: '#/components/schemas/StreamTicket' } } } }, 404: {}, 401: {} } });
  t.match(events, { operationId: 'createEventsStreamTicket', tags: ['records'], responses: { 201: { content: { 'application/json': { schema: { $ref: '#/components/schemas/StreamTicket' } } } }, 401: {} } });
  t.ok(exec.security && events.security, 'security listed');
  t.same(Object.keys(doc.components.schemas.StreamTicket.properties), ['ticket', 'expiresAt', 'url']);
  for (const path of ['/api/v1/executions/{id}/stream', '/api/v1/events/stream']) {
    const param = doc.paths[path].get.parameters.find((p: any) => p.name === 'ticket');
    t.match(param, { in: 'query', required: false, description: /single-use, valid 30 s, from the stream-ticket operation/ }, `${path}: ticket`);
  }
});
