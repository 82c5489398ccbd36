/**
 * The contract against the server, through the eyes of a validating proxy: a short walkthrough (inventory ->
 * facts -> run -> wait -> output as JSON and text -> stream -> cancel) goes through Prism's proxy in `--errors`
 * mode over openapi/openapi.json to a real `npm start` server, and no request or response may violate the
 * document. Prism reports each violation in an `sl-violations` header, and in `--errors` mode answers a
 * response violation with its own 500 problem (`https://stoplight.io/prism/errors#VIOLATIONS`). When Prism
 * cannot start here, the test is skipped with the reason.
 *
 * The second test replays the public walkthrough (../shared/acceptance/walkthrough.sh) through the proxy: every
 * step passes except three where Prism itself answers instead of the server (listed in PRISM_ANSWERS, each with
 * the reason), and Prism logs no violation at all.
 */
import { freeLoopbackPort } from '../ports.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { execa } from 'execa';
import { startServer } from '../server-process.js';
import { buildTestApp } from '../helper.js';
import { World, recordPlugins } from '../records/fixtures/providers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const doc = JSON.parse(readFileSync(join(ROOT, 'openapi', 'openapi.json'), 'utf8'));

const freePort = freeLoopbackPort;

/** Starts `prism proxy --errors` in front of `upstream`; its URL and its log so far, or why it could not start. */
async function startPrism(t: { teardown(fn: () => unknown): void }, upstream: string): Promise<{ url: string; log: () => string } | { skip: string }> {
  const port = await freePort();
  const child = execa('npx', ['--no-install', 'prism', 'proxy', '--errors', '-h', '127.0.0.1', '-p', String(port), 'openapi/openapi.json', upstream], {
    cwd: ROOT, reject: false, all: true, buffer: false, detached: true, env: { NODE_ENV: 'test' },
  });
  t.teardown(async () => {
    try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* gone */ }
    await child;
  });
  let output = '';
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ skip: `prism did not start in 60 s: ${output.slice(-500)}` }), 60_000);
    child.all!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/Prism is listening on/.test(output)) { clearTimeout(timer); resolve({ url: `http://127.0.0.1:${port}`, log: () => output }); }
    });
    void child.then((r) => { clearTimeout(timer); resolve({ skip: `prism exited (${r.exitCode}) before listening: ${output.slice(-500)}` }); });
  });
}

interface Answer { status: number; type: string; text: string; json?: any; violations: unknown[] }

/** One request through the proxy, with every violation Prism reported on it. */
async function call(base: string, method: string, path: string, init: { body?: unknown; accept?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = { accept: init.accept ?? 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  const json = /json/.test(type) ? JSON.parse(text) : undefined;
  const violations: unknown[] = [];
  const header = res.headers.get('sl-violations');
  if (header) violations.push(...(header.startsWith('[') ? JSON.parse(header) : [header]));
  if (typeof json?.type === 'string' && json.type.includes('stoplight.io/prism')) violations.push(json);
  return { status: res.status, type, text, json, violations };
}

t.test('the walkthrough through prism proxy --errors has no violation', async (t) => {
  const server = await startServer(t);
  const prism = await startPrism(t, server.baseUrl);
  if ('skip' in prism) { t.pass('prism proxy', { skip: prism.skip }); return; }
  const base = prism.url;
  const step = async (name: string, method: string, path: string, want: number, init?: { body?: unknown; accept?: string; todo?: string }) => {
    const a = await call(base, method, path, init);
    const extra = init?.todo ? { todo: init.todo } : {};
    t.same(a.violations, [], `${name}: no violation`, extra);
    t.equal(a.status, want, `${name}: ${want}`, extra);
    return a;
  };

  const inventory = await step('inventory', 'GET', '/api/v1/inventory', 200);
  t.ok(inventory.json?.items?.some((n: { name: string }) => n.name === 'localhost'), 'localhost is in the inventory');
  await step('facts', 'GET', '/api/v1/nodes/localhost/facts', 200);

  const run = await step('run', 'POST', '/api/v1/executions', 202, {
    body: { capability: 'command.execute', targets: ['localhost'], params: { command: 'echo prism-walkthrough' } },
  });
  const id = run.json.id as string;
  const done = await step('wait', 'GET', `/api/v1/executions/${id}/wait?timeout=60`, 200);
  t.equal(done.json?.status, 'succeeded');
  await step('get', 'GET', `/api/v1/executions/${id}`, 200);
  const page = await step('output (json)', 'GET', `/api/v1/executions/${id}/output`, 200);
  t.ok(page.json?.items?.some((e: { data: { line?: string } }) => e.data.line === 'prism-walkthrough'), 'the line is in the JSON output');
  // Documenting the text/plain answer of /output is another item of issue 13; until it lands this step is a todo.
  const textDocumented = Boolean(doc.paths['/api/v1/executions/{id}/output'].get.responses['200'].content['text/plain']);
  const textTodo = textDocumented ? {} : { todo: 'issue 13 item 2: /output does not document text/plain yet' };
  const text = await step('output (text)', 'GET', `/api/v1/executions/${id}/output?format=text`, 200, { accept: 'text/plain', ...textTodo });
  t.match(text.text, /prism-walkthrough/, 'the line is in the text output', textTodo);
  // A finished run's stream replays its events and ends (with `complete`), so the proxy can read it whole.
  const stream = await step('stream', 'GET', `/api/v1/executions/${id}/stream`, 200, { accept: 'text/event-stream' });
  t.match(stream.type, /^text\/event-stream/);
  t.match(stream.text, /event: complete\n/, 'the stream ends with complete');
  const long = await step('run (long)', 'POST', '/api/v1/executions', 202, {
    body: { capability: 'command.execute', targets: ['localhost'], params: { command: 'sleep 60' } },
  });
  await step('cancel', 'POST', `/api/v1/executions/${long.json.id}/cancel`, 202);
  const canceled = await step('wait (canceled)', 'GET', `/api/v1/executions/${long.json.id}/wait?timeout=60`, 200);
  t.equal(canceled.json?.status, 'canceled');
});

t.test('the events stream through prism proxy --errors: ?follow=false reads every source and ends with caught_up', async (t) => {
  // npm start's defaults have no events.stream provider (501): the fake record sources of the records tests give one.
  const world = new World();
  const app = await buildTestApp(t, {}, { extraPlugins: recordPlugins(world) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const prism = await startPrism(t, `http://127.0.0.1:${port}`);
  if ('skip' in prism) { t.pass('prism proxy', { skip: prism.skip }); return; }
  // A following stream never ends, and the proxy validates whole responses: ?follow=false ends once caught up.
  const first = await call(prism.url, 'GET', '/api/v1/events/stream?follow=false', { accept: 'text/event-stream' });
  t.same(first.violations, [], 'first read: no violation');
  t.equal(first.status, 200);
  const cursor = /id: ([A-Za-z0-9_-]+)\nevent: caught_up\n/.exec(first.text)?.[1];
  t.ok(cursor, 'it ends with caught_up and its cursor');
  world.push('puppetdb', 'Service[nginx] restarted through prism');
  const next = await call(prism.url, 'GET', `/api/v1/events/stream?follow=false&after=${cursor}`, { accept: 'text/event-stream' });
  t.same(next.violations, [], 'second read: no violation');
  t.match(next.text, /event: event\n(?:.*\n)*?data: .*Service\[nginx\] restarted through prism/, 'the new event');
  t.match(next.text, /event: caught_up\ndata: \{"events":1\}\n\n$/, 'then caught_up');
  t.same(prism.log().split('\n').filter((l) => /violation/i.test(l)), [], 'prism logged no violation');
});

/**
 * Walkthrough steps where Prism, not the server, answers: the contract is not at fault, and what the step
 * checks is verified directly against the server by test/acceptance/walkthrough.test.ts.
 */
const PRISM_ANSWERS: Record<string, string> = {
  // README "Out of the contract": Swagger UI is served, but not described by the document, so a validating proxy
  // has no route for it (404 NO_PATH_MATCHED_ERROR).
  'server: Swagger UI at /docs/': 'out of the contract by design',
  // Prism's own HTTP server fails to parse a malformed JSON body before validation or forwarding and never
  // answers (stoplightio/prism#2664); curl gives up after its 30 s limit (HTTP 000).
  'server: malformed JSON -> 400 problem+json': 'prism cannot parse the body it should forward',
  // Prism's proxy treats an upstream 501 Not Implemented as "not built yet" and answers with a mock of the
  // operation's success response instead (its log: "Upstream call ... has returned 501").
  'contracts: capability with no provider -> 501 problem+json naming it': 'prism replaces an upstream 501 by a mock',
};

const WALKTHROUGH = join(ROOT, '..', 'shared', 'acceptance', 'walkthrough.sh');

t.test('the public walkthrough through prism proxy --errors: no violation', { skip: existsSync(WALKTHROUGH) ? false : `${WALKTHROUGH} not found`, timeout: 170_000 }, async (t) => {
  const server = await startServer(t);
  const prism = await startPrism(t, server.baseUrl);
  if ('skip' in prism) { t.pass('prism proxy', { skip: prism.skip }); return; }
  const run = await execa('bash', [WALKTHROUGH, prism.url], { reject: false, all: true, timeout: 150_000 });
  const seen = new Set<string>();
  for (const line of run.all.split('\n')) {
    const m = /^(ok|not ok) - (.*?)(?:: (HTTP .*))?$/.exec(line);
    if (!m) continue;
    const [, verdict, name, why] = m;
    seen.add(name);
    if (name in PRISM_ANSWERS) t.equal(verdict, 'not ok', `${name}: answered by prism (${PRISM_ANSWERS[name]})`);
    else t.equal(verdict, 'ok', `${name}${why ? `: ${why.slice(0, 300)}` : ''}`);
  }
  t.ok(seen.size >= 25, `the walkthrough ran its steps (${seen.size})`);
  const violations = prism.log().split('\n').filter((l) => /violation/i.test(l));
  t.same(violations, [], 'prism logged no request or response violation');
});
