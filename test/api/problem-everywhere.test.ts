/**
 * Every error answer is problem+json, also on the paths Fastify or Node answer by themselves: the HTTP
 * parser's client errors (raw bytes on a real socket), the 503 while the server closes, errors met before
 * routing, the /docs routes, and a stream that fails after it started.
 */
import net from 'node:net';
import t, { type Test } from 'tap';
import type { FastifyInstance } from 'fastify';
import { commandExecute, inventoryList } from '../../src/capabilities/index.js';
import { clientErrorResponse } from '../../src/core/client-error.js';
import { CLOSING_RETRY_AFTER_SECONDS } from '../../src/core/closing.js';
import { implement } from '../../src/core/types.js';
import { buildTestApp } from '../helper.js';
import { connectSse, type SseFrame } from '../sse-client.js';
import { fakeModule, nodes } from '../core/fixtures/fake-plugins.js';

const PROBLEM_FIELDS = ['type', 'title', 'status', 'detail', 'instance', 'category', 'code', 'requestId'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Reads HTTP/1.1 responses off one socket, in order (Content-Length framed, as every answer here is). */
class RawConnection {
  private buf = Buffer.alloc(0);
  private waiting?: () => void;
  closed = false;
  readonly socket: net.Socket;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (c) => { this.buf = Buffer.concat([this.buf, c]); this.waiting?.(); });
    socket.on('close', () => { this.closed = true; this.waiting?.(); });
    // The server may close while a large request is still being written (EPIPE, ECONNRESET): the answer
    // already read is what the test checks.
    socket.on('error', () => {});
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  write(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  /** The next whole response; rejects when the connection closes first. */
  async response(): Promise<RawResponse> {
    for (;;) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end >= 0) {
        const head = this.buf.subarray(0, end).toString('latin1').split('\r\n');
        const headers: Record<string, string> = {};
        for (const line of head.slice(1)) {
          const i = line.indexOf(':');
          headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
        }
        const length = Number(headers['content-length'] ?? 0);
        if (this.buf.length >= end + 4 + length) {
          const body = this.buf.subarray(end + 4, end + 4 + length).toString('utf8');
          this.buf = this.buf.subarray(end + 4 + length);
          return { status: Number(head[0].split(' ')[1]), headers, body };
        }
      }
      if (this.closed) throw new Error(`connection closed before a whole response (${this.buf.length} bytes: ${this.buf.toString('latin1').slice(0, 200)})`);
      await new Promise<void>((r) => (this.waiting = r));
      this.waiting = undefined;
    }
  }

  /** Resolves once the server closed the connection. */
  async end(): Promise<void> {
    while (!this.closed) {
      await new Promise<void>((r) => (this.waiting = r));
      this.waiting = undefined;
    }
  }
}

/** One request on a fresh connection: its response, and whether the server then closed the connection. */
async function rawExchange(port: number, bytes: string | Buffer): Promise<RawResponse> {
  const conn = await RawConnection.open(port);
  conn.write(bytes);
  const res = await conn.response();
  await conn.end();
  return res;
}

/** Asserts a problem+json answer with this status and code; returns the body. */
function problem(t: Test, res: { status: number; headers: Record<string, unknown>; body: string }, status: number, code: string, label: string): Record<string, any> {
  t.equal(res.status, status, `${label}: status ${status}`);
  t.match(String(res.headers['content-type']), /^application\/problem\+json/, `${label}: problem+json`);
  const body = JSON.parse(res.body);
  for (const f of PROBLEM_FIELDS) t.ok(f in body, `${label}: has ${f}`);
  t.equal(body.status, status, `${label}: body.status`);
  t.equal(body.code, code, `${label}: ${code}`);
  t.equal(body.requestId, res.headers['x-request-id'], `${label}: requestId is the X-Request-Id header`);
  t.notOk('statusCode' in body || 'error' in body, `${label}: not Fastify's own error body`);
  return body;
}

async function listen(app: FastifyInstance): Promise<number> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return (app.server.address() as net.AddressInfo).port;
}

t.test("Node's HTTP parser errors are problem+json on the socket, with a generated request id", async (t) => {
  const app = await buildTestApp(t);
  const port = await listen(app);

  const ctl = problem(t, await rawExchange(port, 'GET /health/live HTTP/1.1\r\nHost: x\r\nX-Note: a\x01b\r\n\r\n'), 400, 'CAPSTAN_ERR_REQUEST_MALFORMED_HTTP', 'control character in a header value');
  t.match(ctl.requestId, UUID, 'a generated request id');
  t.equal(ctl.instance, '/health/live', 'instance is the request target');
  t.equal(ctl.category, 'validation');
  t.match(ctl.detail, /could not be parsed/);

  const big = problem(t, await rawExchange(port, `GET /api/v1/plugins HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`), 431, 'CAPSTAN_ERR_REQUEST_HEADERS_TOO_LARGE', 'headers over the limit');
  t.match(big.requestId, UUID);
  t.match(big.detail, /16384 bytes/);

  const line = problem(t, await rawExchange(port, 'THIS IS NOT HTTP\r\n\r\n'), 400, 'CAPSTAN_ERR_REQUEST_MALFORMED_HTTP', 'malformed request line');
  t.equal(line.instance, `urn:capstan:request:${line.requestId}`, 'no readable target: the request id as instance');

  const framing = 'POST /api/v1/executions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n';
  problem(t, await rawExchange(port, framing), 400, 'CAPSTAN_ERR_REQUEST_MALFORMED_HTTP', 'bad chunked framing');

  const expect = problem(t, await rawExchange(port, 'GET /health/live HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nX-Request-Id: expect-1\r\n\r\n'), 417, 'CAPSTAN_ERR_REQUEST_EXPECTATION_FAILED', 'Expect other than 100-continue');
  t.equal(expect.requestId, 'expect-1', 'headers were read: X-Request-Id honoured');
  t.equal(expect.instance, '/health/live');

  const ids = new Set([ctl.requestId, big.requestId, line.requestId]);
  t.equal(ids.size, 3, 'each answer has its own request id');

  // A well-formed request on a new connection still works.
  const ok = await rawExchange(port, 'GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  t.equal(ok.status, 200);
});

t.test('a request not received in time is a 408 problem (as Node reports it to the handler)', async (t) => {
  const { status, text } = clientErrorResponse(Object.assign(new Error('timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), 'req-408');
  t.equal(status, 408);
  const [head, body] = text.split('\r\n\r\n');
  t.match(head, /^HTTP\/1\.1 408 Request Timeout\r\n/);
  t.match(head, /\r\nConnection: close(\r\n|$)/);
  t.equal(Number(/Content-Length: (\d+)/.exec(head)![1]), Buffer.byteLength(body));
  t.match(JSON.parse(body), { status: 408, code: 'CAPSTAN_ERR_REQUEST_TIMEOUT', category: 'timeout', requestId: 'req-408', instance: 'urn:capstan:request:req-408' });
});

t.test('a request arriving while the server closes: 503 problem+json with Retry-After, not Fastify\'s body', async (t) => {
  let started!: () => void;
  const running = new Promise<void>((r) => (started = r));
  let aborted!: () => void;
  const abortSeen = new Promise<void>((r) => (aborted = r));
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const app = await buildTestApp(t, {}, {
    plugins: [
      fakeModule({ id: 'inv', capabilities: [implement(inventoryList, async () => nodes('inv', 'localhost'))] }),
      fakeModule({
        id: 'slow', integrationTypes: ['remote_execution'],
        // Runs until aborted, then holds the shutdown (preClose) open until the test releases it.
        capabilities: [implement(commandExecute, async (_p, ctx) => {
          started();
          await new Promise((r) => ctx.signal.addEventListener('abort', r, { once: true }));
          aborted();
          await released;
          return { results: [{ target: 'localhost', status: 'canceled' as const, exitCode: null }] };
        })],
      }),
    ],
  });
  const port = await listen(app);
  const conn = await RawConnection.open(port);
  conn.write('GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n');
  t.equal((await conn.response()).status, 200, 'a keep-alive connection is open');
  const sub = await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['localhost'], params: { command: 'x' } } });
  t.equal(sub.statusCode, 202);
  await running;

  const closing = app.close();
  await abortSeen; // the server is inside its graceful close now
  conn.write('GET /api/v1/plugins HTTP/1.1\r\nHost: x\r\nX-Request-Id: while-closing-1\r\n\r\n');
  const res = await conn.response();
  const body = problem(t, res, 503, 'CAPSTAN_ERR_SERVER_CLOSING', 'while closing');
  t.equal(body.requestId, 'while-closing-1');
  t.equal(body.category, 'unavailable');
  t.equal(body.instance, '/api/v1/plugins');
  t.equal(res.headers['retry-after'], String(CLOSING_RETRY_AFTER_SECONDS), 'Retry-After');
  t.equal(res.headers.connection, 'close', 'Connection: close');
  await conn.end();
  release();
  await closing;
});

t.test('errors met before routing are problem+json (bad percent-encoding, a path parameter over the limit)', async (t) => {
  const app = await buildTestApp(t);
  for (const url of ['/api/v1/executions/%E0%A4%A', '/api/v1/executions/%zz', `/api/v1/executions/${'x'.repeat(600)}`, `/api/v1/nodes/${'n'.repeat(513)}/facts`]) {
    const res = await app.inject({ url, headers: { 'x-request-id': 'pre-route-1' } });
    const body = problem(t, { status: res.statusCode, headers: res.headers, body: res.body }, 400, 'CAPSTAN_ERR_REQUEST_VALIDATION', url.slice(0, 40));
    t.equal(body.requestId, 'pre-route-1');
    t.same(body.errors?.[0], { in: 'path', pointer: '', message: body.errors?.[0]?.message }, 'the path as a whole');
  }
});

t.test('probe: every error answer of the usual suspects is problem+json', async (t) => {
  const app = await buildTestApp(t, { bodyLimit: 1024 });
  const probes: { what: string; method?: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: string; headers?: Record<string, string>; payload?: string }[] = [
    { what: 'unknown route', url: '/nope' },
    { what: 'unknown /docs asset', url: '/docs/static/does-not-exist.js' },
    { what: '/docs traversal', url: '/docs/static/%2e%2e/%2e%2e/package.json' },
    { what: '/docs/json with a body', method: 'POST', url: '/docs/json', headers: { 'content-type': 'application/json' }, payload: '{' },
    { what: '415', method: 'POST', url: '/api/v1/executions', headers: { 'content-type': 'text/csv' }, payload: 'a,b' },
    { what: '413', method: 'POST', url: '/api/v1/executions', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ x: 'y'.repeat(2000) }) },
    { what: 'bad JSON', method: 'POST', url: '/api/v1/executions', headers: { 'content-type': 'application/json' }, payload: '{"a":' },
    { what: 'method not routed', method: 'PUT', url: '/api/v1/executions' },
    { what: 'unknown execution stream', url: '/api/v1/executions/nope/stream' },
    { what: 'bad Last-Event-ID', url: '/api/v1/executions/nope/stream', headers: { 'last-event-id': 'x' } },
  ];
  for (const p of probes) {
    const res = await app.inject({ method: p.method ?? 'GET', url: p.url, headers: p.headers, payload: p.payload });
    t.ok(res.statusCode >= 400 && res.statusCode < 500, `${p.what}: a 4xx (${res.statusCode})`);
    problem(t, { status: res.statusCode, headers: res.headers, body: res.body }, res.statusCode, res.json().code, p.what);
  }
});

t.test('a stream that fails after it started ends with an `event: problem` frame; the server keeps answering', async (t) => {
  const app = await buildTestApp(t);
  const port = await listen(app);
  // A run as a crashed server leaves it (running, no process here), so the stream waits for more events.
  const { row } = app.store.createExecution({
    id: 'stream-fails', capability: 'command.execute', status: 'running', targets: ['localhost'], nodes: ['localhost'],
    params: { command: 'true' }, provider: 'ssh', timeoutSeconds: 60, createdAt: new Date().toISOString(), startedAt: new Date().toISOString(),
    finishedAt: null, reason: null, idempotencyKey: null, requestHash: 'x', principal: 'anonymous', correlationId: 'c',
  }, new Date(0).toISOString());
  app.store.appendEvent(row.id, 'stdout', { target: 'localhost', line: 'first' });

  const readEvents = app.store.readEvents.bind(app.store);
  t.teardown(() => { app.store.readEvents = readEvents; });
  let firstSeen!: () => void;
  const first = new Promise<void>((r) => (firstSeen = r));
  const conn = await connectSse(`http://127.0.0.1:${port}/api/v1/executions/${row.id}/stream`, { 'x-request-id': 'sse-fail-1' }, (f: SseFrame) => {
    if (f.event === 'stdout') firstSeen();
  });
  t.equal(conn.status, 200);
  await first;
  // The store fails while the stream is live (a disk error): the next read throws.
  app.store.readEvents = () => { throw new Error('SQLITE_IOERR: disk I/O error at /secret/path'); };
  app.hub.notify(row.id);
  const frames = await conn.done;
  const last = frames[frames.length - 1];
  t.equal(last.event, 'problem', 'the last frame is a problem');
  const body = JSON.parse(last.data!);
  t.match(body, { status: 500, category: 'internal', code: 'CAPSTAN_ERR_INTERNAL', requestId: 'sse-fail-1', instance: `/api/v1/executions/${row.id}/stream` });
  t.notMatch(last.data!, /secret|SQLITE/, 'the cause stays in the log');
  app.store.readEvents = readEvents;
  t.equal((await app.inject({ url: '/health/live' })).statusCode, 200, 'the server still answers');
  t.equal(app.hub.activeSubscribers, 0, 'the subscriber is gone');
});
