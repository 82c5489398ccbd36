/**
 * SSE behind a reverse proxy: every SSE response carries `X-Accel-Buffering: no` (and `Cache-Control:
 * no-cache`), documented in OpenAPI; through the REAL nginx, with the README's config and with nginx's own
 * defaults (HTTP/1.0, buffering on), a stdout line, a partial piece and an event reach the client while the
 * run (or the stream) is still open; a control shows the same nginx ignoring the header holds the line until
 * the run ends, so these tests fail when the stream is buffered. The README snippet is the tested file.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import type { FastifyInstance } from 'fastify';
import { ConfigSchema } from '../../src/config/schema.js';
import { isTerminal } from '../../src/execution/states.js';
import { generateOpenApi } from '../../src/openapi/generate.js';
import { buildTestApp } from '../helper.js';
import { World, recordPlugins } from '../records/fixtures/providers.js';
import { connectSse, type SseConnection, type SseFrame } from '../sse-client.js';
import { until } from '../until.js';
import { CONF_FILE, NGINX_BIN, startNginx, type Nginx } from './nginx.js';

const README = join(import.meta.dirname, '..', '..', 'README.md');
const STREAM_LOCATION = /location ~ (\S+) \{([^}]*)\}/;
const noNginx = NGINX_BIN ? false : 'nginx is not installed (Debian package nginx; .ci/run installs it)';

/** Capstan on a real loopback port (with fake events sources), optionally nginx in front; one ordered teardown. */
async function stack(t: Test, proxy?: { edit?: (conf: string) => string }) {
  const world = new World();
  const appTeardown: (() => unknown)[] = [];
  const app: FastifyInstance = await buildTestApp({ teardown: (fn) => appTeardown.push(fn) }, {}, { extraPlugins: recordPlugins(world, ['puppetdb']) });
  const clients = new Set<SseConnection>();
  let nginx: Nginx | undefined;
  let gate = '';
  // Registered before t.testdir() so that it runs before the dir is removed: clients first, then nginx (by
  // its pid), then Capstan (whose own teardown checks for leaked runs and subscribers).
  t.teardown(async () => {
    try {
      if (gate) writeFileSync(gate, '');
      for (const c of clients) c.close();
    } finally {
      await nginx?.stop();
      for (const fn of appTeardown) await fn();
    }
  });
  const dir = t.testdir();
  gate = join(dir, 'gate');
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const direct = `http://127.0.0.1:${port}`;
  if (proxy) nginx = await startNginx(join(dir, 'nginx'), port, proxy.edit);
  return {
    app, world, direct, gate,
    proxied: nginx?.base ?? '',
    release: () => writeFileSync(gate, ''),
    async sse(url: string, onFrame?: (f: SseFrame) => void): Promise<SseConnection> {
      const conn = await connectSse(url, {}, onFrame && ((f) => onFrame(f)));
      clients.add(conn);
      return conn;
    },
    /** Submits a shell command through `base` (the proxy or Capstan itself). */
    async submit(base: string, command: string): Promise<string> {
      const res = await fetch(`${base}/api/v1/executions`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ capability: 'command.execute', targets: ['localhost'], params: { command }, timeoutSeconds: 120 }),
      });
      t.equal(res.status, 202, 'submitted');
      return ((await res.json()) as { id: string }).id;
    },
  };
}

/** `p`, or a rejection after `ms`: a bound on a wait, never an assertion by sleeping. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} did not come within ${ms} ms`)), ms); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** `onFrame` for an SSE client, and a promise of the first frame matching `pred`. */
function frameWaiter(pred: (f: SseFrame) => boolean) {
  let hit!: (f: SseFrame) => void;
  const arrived = new Promise<SseFrame>((resolve) => (hit = resolve));
  return { onFrame: (f: SseFrame) => { if (pred(f)) hit(f); }, arrived };
}

const THROUGH = 20_000;

/** Shell: wait until the gate file exists (the test creates it once it saw what it waits for). */
const waitGate = (gate: string) => `while [ ! -e '${gate}' ]; do sleep 0.05; done`;

t.test('the README snippet is docs/nginx-capstan.conf, and that file does what SSE needs', async (t) => {
  const readme = readFileSync(README, 'utf8');
  const section = readme.split(/^## Behind a reverse proxy \(nginx\)$/m)[1];
  t.ok(section, 'README has the section "Behind a reverse proxy (nginx)"');
  const block = /```nginx\n([\s\S]*?)```/.exec(section ?? '')?.[1];
  t.equal(block, readFileSync(CONF_FILE, 'utf8'), 'the README shows docs/nginx-capstan.conf verbatim');

  const conf = readFileSync(CONF_FILE, 'utf8');
  t.match(conf, /^\s*proxy_http_version 1\.1;/m, 'HTTP/1.1 to Capstan');
  t.match(conf, /^\s*proxy_set_header Connection "";/m, 'no Connection: close passed on');
  const [, pattern, body] = STREAM_LOCATION.exec(conf) ?? [];
  t.ok(pattern, 'a regex location for the streams');
  t.match(body, /proxy_pass http:\/\/capstan;/);
  t.match(body, /proxy_buffering off;/, 'buffering off for the streams');
  const timeout = Number(/proxy_read_timeout (\d+)s;/.exec(body ?? '')?.[1]);
  const maxHeartbeat = ConfigSchema.properties.execution.properties.heartbeatSeconds.maximum!;
  t.ok(timeout > maxHeartbeat, `proxy_read_timeout ${timeout}s is above the longest heartbeat (${maxHeartbeat}s)`);

  // Every SSE route of the API falls in that location (a new stream route must be added there too).
  const doc = await generateOpenApi() as { paths: Record<string, Record<string, any>> };
  const sseRoutes = Object.entries(doc.paths).filter(([, m]) => m.get?.responses?.['200']?.content?.['text/event-stream']).map(([p]) => p);
  t.ok(sseRoutes.length >= 2, `SSE routes found: ${sseRoutes.join(', ')}`);
  for (const p of sseRoutes) t.match(p.replace(/\{[^}]+\}/g, 'x1'), new RegExp(pattern), `${p} is proxied unbuffered`);
  t.notMatch('/api/v1/executions/x1/output', new RegExp(pattern), 'plain reads keep the default buffering');
});

t.test('every SSE route sends X-Accel-Buffering: no and Cache-Control: no-cache, and documents them', async (t) => {
  const s = await stack(t);
  const id = await s.submit(s.direct, 'echo hi');
  const exec = await s.sse(`${s.direct}/api/v1/executions/${id}/stream`);
  const firstPoll = s.world.nextCall('puppetdb', 'events.stream');
  const events = await s.sse(`${s.direct}/api/v1/events/stream`);
  for (const [route, conn] of [['executions/{id}/stream', exec], ['events/stream', events]] as const) {
    t.equal(conn.status, 200, `${route} 200`);
    t.equal(conn.headers['x-accel-buffering'], 'no', `${route} X-Accel-Buffering: no`);
    t.match(conn.headers['cache-control'], /(^|,)\s*no-cache\s*(,|$)/, `${route} Cache-Control: no-cache`);
    t.match(conn.headers['content-type'], /^text\/event-stream/, `${route} is text/event-stream`);
  }
  t.ok((await exec.done).some((f) => f.event === 'complete'), 'the execution stream ran to its end');
  await firstPoll;
  events.close();

  const doc = await generateOpenApi() as { paths: Record<string, Record<string, any>> };
  for (const [path, methods] of Object.entries(doc.paths)) {
    const ok = methods.get?.responses?.['200'];
    if (!ok?.content?.['text/event-stream']) continue;
    // src/routes/executions.ts still writes its 200 by hand; it needs `200: sseResponse(ref(StreamEventDoc))`.
    t.same(ok.headers?.['X-Accel-Buffering']?.schema, { type: 'string', const: 'no' }, `${path} documents X-Accel-Buffering`);
    t.ok(ok.headers?.['Cache-Control'], `${path} documents Cache-Control`);
  }
});

/** Edits the shipped config, insisting that each piece is there. */
function without(conf: string, ...lines: RegExp[]): string {
  for (const re of lines) {
    if (!re.test(conf)) throw new Error(`docs/nginx-capstan.conf: no ${re}`);
    conf = conf.replace(re, '');
  }
  return conf;
}

/**
 * A config that leaves nginx's defaults: HTTP/1.0 to the upstream and proxy_buffering on. Without chunked
 * encoding nginx holds a response in its buffers until they fill or the upstream ends, so here only Capstan's
 * header keeps a stream live. (With the README's HTTP/1.1, nginx 1.22 forwards each chunk even when buffering.)
 */
const nginxDefaults = (conf: string) => without(conf, /^\s*proxy_http_version 1\.1;\n/m, /^\s*proxy_set_header Connection "";\n/m, /^\s*proxy_buffering off;\n/m);

const CONFIGS: [string, ((conf: string) => string) | undefined][] = [
  ['README config', undefined],
  ['nginx defaults, HTTP/1.0 and buffering on', nginxDefaults],
];

/**
 * Submits `printf 'one\n'`, a gate, `echo two` through the proxy and follows its stream through the proxy;
 * tells the run's status at the moment `one` reached the client. `seen`: the gate opens only once `one` came
 * through (a buffering proxy makes that wait run out); `stored`: once Capstan has stored the line.
 */
async function firstLineThroughProxy(s: Awaited<ReturnType<typeof stack>>, releaseWhen: 'seen' | 'stored') {
  const id = await s.submit(s.proxied, `printf 'one\\n'; ${waitGate(s.gate)}; echo two`);
  let statusAtOne = '';
  let gateAtOne = true;
  const one = frameWaiter((f) => f.event === 'stdout');
  // Not awaited yet: a buffering nginx holds even the response headers back until it sends body bytes.
  const connecting = s.sse(`${s.proxied}/api/v1/executions/${id}/stream`, (f) => {
    if (f.event === 'stdout' && !statusAtOne) { statusAtOne = s.app.executions.get(id).status; gateAtOne = existsSync(s.gate); }
    one.onFrame(f);
  });
  if (releaseWhen === 'seen') await within(one.arrived, THROUGH, "stdout 'one' through nginx (is it buffering?)");
  else await until('the line to be stored', () => s.app.store.readEvents(id, 0, 100).some((e) => e.type === 'stdout'));
  s.release();
  const conn = await connecting;
  const frames = await conn.done;
  return {
    conn, statusAtOne, gateAtOne, first: JSON.parse((await one.arrived).data!),
    lines: frames.filter((f) => f.event === 'stdout').map((f) => JSON.parse(f.data!).line),
    last: frames.at(-1)?.event, final: s.app.executions.get(id).status,
  };
}

for (const [name, edit] of CONFIGS) {
  t.test(`through nginx (${name}): a stdout line arrives while the run still waits on it`, { skip: noNginx }, async (t) => {
    const s = await stack(t, { edit });
    const r = await firstLineThroughProxy(s, 'seen');
    t.equal(r.conn.status, 200);
    t.match(r.conn.headers['content-type'], /^text\/event-stream/);
    t.same(r.first, { target: 'localhost', line: 'one' });
    t.equal(r.statusAtOne, 'running', 'the line came through while the run waited');
    t.notOk(r.gateAtOne, 'the gate was still closed then');
    t.same(r.lines, ['one', 'two'], 'then the rest, in order');
    t.equal(r.last, 'complete', 'and the stream ends with complete');
    t.equal(r.final, 'succeeded');
  });

  t.test(`through nginx (${name}): a partial line (no newline yet) arrives while the run waits`, { skip: noNginx }, async (t) => {
    const s = await stack(t, { edit });
    const id = await s.submit(s.proxied, `printf 'waiting... '; ${waitGate(s.gate)}; echo done`);
    const piece = frameWaiter((f) => f.event === 'stdout' && JSON.parse(f.data!).partial === true);
    const connecting = s.sse(`${s.proxied}/api/v1/executions/${id}/stream`, piece.onFrame);
    const frame = await within(piece.arrived, THROUGH, 'the partial piece through nginx (is it buffering?)');
    t.same(JSON.parse(frame.data!), { target: 'localhost', line: 'waiting... ', partial: true }, 'the stored partial piece');
    t.equal(s.app.executions.get(id).status, 'running', 'the run still waits');
    s.release();
    const frames = await (await connecting).done;
    t.same(frames.filter((f) => f.event === 'stdout').map((f) => JSON.parse(f.data!)).at(-1), { target: 'localhost', line: 'done' }, 'the line ends after the release');
    t.equal(frames.at(-1)?.event, 'complete');
  });

  t.test(`through nginx (${name}): the events stream delivers an event while it stays open`, { skip: noNginx }, async (t) => {
    const s = await stack(t, { edit });
    const firstPoll = s.world.nextCall('puppetdb', 'events.stream');
    const ev = frameWaiter((f) => f.event === 'event');
    const connecting = s.sse(`${s.proxied}/api/v1/events/stream`, ev.onFrame);
    await firstPoll; // the stream starts after what the source already held
    s.world.push('puppetdb', 'Service[nginx] restarted (proxied)');
    t.equal(JSON.parse((await within(ev.arrived, THROUGH, 'the event through nginx (is it buffering?)')).data!).message, 'Service[nginx] restarted (proxied)');
    (await connecting).close();
  });
}

t.test('control: nginx defaults ignoring X-Accel-Buffering hold the line until the run has ended', { skip: noNginx }, async (t) => {
  // What the "nginx defaults" tests above would see without the header: their waits would run out.
  const s = await stack(t, { edit: (c) => nginxDefaults(c).replace('proxy_cache off;', 'proxy_cache off;\n        proxy_ignore_headers X-Accel-Buffering;') });
  const r = await firstLineThroughProxy(s, 'stored');
  t.same(r.lines, ['one', 'two']);
  t.equal(r.last, 'complete', 'the stream did end');
  t.ok(isTerminal(r.statusAtOne as never), `the first line reached the client only after the run ended (status then: ${r.statusAtOne})`);
});
