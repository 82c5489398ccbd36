/**
 * The contract against the server, through the eyes of a validating proxy: a short walkthrough (inventory ->
 * facts -> run -> wait -> output as JSON and text -> stream -> cancel) goes through Prism's proxy in `--errors`
 * mode over openapi/openapi.json to a real `npm start` server, and no request or response may violate the
 * document. Prism reports each violation in an `sl-violations` header, and in `--errors` mode answers a
 * response violation with its own 500 problem (`https://stoplight.io/prism/errors#VIOLATIONS`). When Prism
 * cannot start here, the test is skipped with the reason.
 */
import { freeLoopbackPort } from '../ports.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { execa } from 'execa';
import { startServer } from '../server-process.js';

const ROOT = join(import.meta.dirname, '..', '..');
const doc = JSON.parse(readFileSync(join(ROOT, 'openapi', 'openapi.json'), 'utf8'));

const freePort = freeLoopbackPort;

/** Starts `prism proxy --errors` in front of `upstream`; its URL, or why it could not start. */
async function startPrism(t: { teardown(fn: () => unknown): void }, upstream: string): Promise<{ url: string } | { skip: string }> {
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
      if (/Prism is listening on/.test(output)) { clearTimeout(timer); resolve({ url: `http://127.0.0.1:${port}` }); }
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
