/**
 * Secrets are write-only: `env` values and params a contract marks sensitive reach the run (proved by the
 * run itself: a hash of the secret, a provider that records what it got), while no answer shows them, for
 * every kind of token, admin included: execution bodies (submit, replay, read, list, wait, cancel, invoke),
 * output (JSON and text), the SSE stream, the node journal, the queue and every captured log line. The
 * Idempotency-Key fingerprint still covers them, and a run re-queued after a restart still gets them.
 */
import { createHash, randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import t from 'tap';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from '../../src/app.js';
import { REDACTED, taskExecute } from '../../src/capabilities/index.js';
import type { NativePluginOptions, PluginModule } from '../../src/core/loader.js';
import { BasePlugin, implement } from '../../src/core/types.js';
import { buildTestApp, tempDir, testConfig, waitForExecution } from '../helper.js';

// Quotes, a backslash and a `$`: the secret must survive shell quoting and JSON escaping both ways.
const SECRET = `pa'ss"wo\\rd $HOME-${randomUUID()}`;
const SHA = createHash('sha256').update(SECRET).digest('hex');
const ADMIN = 'admin-token-secrets-0123456789';
const TOKENS = [
  { name: 'star', token: 'star-token-secrets-0123456789', permissions: ['*'] },
  { name: 'runner', token: 'runner-token-secrets-0123456789', permissions: ['command.execute'] },
  { name: 'family', token: 'family-token-secrets-0123456789', permissions: ['command.*'] },
  { name: 'reader', token: 'reader-token-secrets-0123456789', permissions: ['risk:read'] },
  { name: 'other', token: 'other-token-secrets-0123456789', permissions: ['reports.list'] },
];
const KINDS = [{ kind: 'admin token', token: ADMIN }, ...TOKENS.map((k) => ({ kind: `${k.name} (${k.permissions.join(',')})`, token: k.token }))];
const as = (token: string) => ({ authorization: `Bearer ${token}` });

/** Every form the secret could take in a text: as is, and inside a JSON string. */
function leaks(text: string): boolean {
  return text.includes(SECRET) || text.includes(JSON.stringify(SECRET).slice(1, -1));
}

/** A task.execute provider that keeps the params it was handed and logs them (the logs must not show the secret). */
function taskPlugin(received: unknown[]): PluginModule {
  const task = implement(taskExecute, async (p, ctx) => {
    received.push(structuredClone(p));
    ctx.logger.info({ parameters: p.parameters }, 'task got its parameters');
    return { results: (ctx.targets ?? []).map((n) => ({ target: n.name, status: 'succeeded' as const, exitCode: 0 })) };
  });
  class Fake extends BasePlugin {
    readonly metadata = { name: 'fake-tasks', version: '1.0.0', description: 'records task params', integrationTypes: [] };
    capabilities() { return [task]; }
  }
  return {
    manifest: { id: 'fake-tasks', version: '1.0.0', description: 'records task params', provides: ['task.execute'], configSchema: Type.Object({}), enabledByDefault: true },
    default: async (_app: unknown, opts: NativePluginOptions) => opts.host.add(new Fake()),
  };
}

function logCapture(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { lines.push(...String(chunk).split('\n').filter(Boolean)); done(); } });
  return { stream, lines };
}

t.test('secret params reach the run and no answer or log line shows them, for every token kind', async (t) => {
  const received: unknown[] = [];
  const logs = logCapture();
  const app = await buildTestApp(t, { token: ADMIN, tokens: TOKENS, logLevel: 'debug' }, { extraPlugins: [taskPlugin(received)], logStream: logs.stream });
  const seen: { where: string; text: string }[] = [];
  const call = async (where: string, opts: InjectOptions, token = ADMIN) => {
    const res = await app.inject({ ...opts, headers: { ...as(token), ...(opts.headers ?? {}) } });
    seen.push({ where, text: `${JSON.stringify(res.headers)}\n${res.body}` });
    return res;
  };
  const env = { DB_PASSWORD: SECRET, PLAIN: 'not-a-secret-but-in-env' };
  const commandBody = { capability: 'command.execute', targets: ['localhost'], params: { command: 'printf %s "$DB_PASSWORD" | sha256sum', env } };
  const scriptBody = { targets: ['localhost'], params: { script: '#!/bin/sh\nprintf %s "$DB_PASSWORD" | sha256sum\n', env } };
  const taskBody = { capability: 'task.execute', targets: ['localhost'], params: { task: 'mysql::sql', parameters: { database: 'shop', db_password: SECRET, nested: { apiToken: SECRET } } } };

  const command = await call('POST /executions', { method: 'POST', url: '/api/v1/executions', payload: commandBody, headers: { 'idempotency-key': 'secret-run-1' } });
  t.equal(command.statusCode, 202);
  const script = await call('POST /capabilities/script.execute/invoke', { method: 'POST', url: '/api/v1/capabilities/script.execute/invoke', payload: scriptBody });
  t.equal(script.statusCode, 202);
  const task = await call('POST /executions (task)', { method: 'POST', url: '/api/v1/executions', payload: taskBody });
  t.equal(task.statusCode, 202);
  const ids = [command, script, task].map((r) => r.json().id as string);
  for (const id of ids) t.equal((await waitForExecution({ inject: (o: InjectOptions) => call('wait', o) } as unknown as FastifyInstance, id)).status, 'succeeded');

  await t.test('the secret reached the runs', async (t) => {
    for (const id of ids.slice(0, 2)) {
      const out = (await app.inject({ url: `/api/v1/executions/${id}/output?format=text`, headers: as(ADMIN) })).body;
      t.match(out, new RegExp(`^${SHA}  -$`, 'm'), 'the process hashed the secret it got in its environment');
    }
    t.match(received, [{ parameters: { db_password: SECRET, nested: { apiToken: SECRET } } }], 'the provider got the task parameters as sent');
  });

  await t.test('the answer shows REDACTED in the place of each secret', async (t) => {
    t.equal(REDACTED, '***');
    t.same(command.json().params, { command: commandBody.params.command, env: { DB_PASSWORD: '***', PLAIN: '***' } }, 'env values are hidden as a whole; names and other params stay');
    t.same(script.json().params.env, { DB_PASSWORD: '***', PLAIN: '***' });
    t.same(task.json().params.parameters, { database: 'shop', db_password: '***', nested: { apiToken: '***' } }, 'secret-named task parameters are hidden');
  });

  // A running run with a secret, canceled: the cancel answer is an execution body too.
  const sleeper = await call('POST /executions (to cancel)', { method: 'POST', url: '/api/v1/executions', payload: { ...commandBody, params: { command: 'sleep 30', env } } });
  const canceled = await call('POST /executions/{id}/cancel', { method: 'POST', url: `/api/v1/executions/${sleeper.json().id}/cancel` });
  t.equal(canceled.statusCode, 202);
  t.same(canceled.json().params.env, { DB_PASSWORD: '***', PLAIN: '***' });
  await waitForExecution({ inject: (o: InjectOptions) => call('wait', o) } as unknown as FastifyInstance, sleeper.json().id);

  await t.test('Idempotency-Key: a replay is redacted; a different secret under the same key is a 409', async (t) => {
    const replay = await call('replay', { method: 'POST', url: '/api/v1/executions', payload: commandBody, headers: { 'idempotency-key': 'secret-run-1' } });
    t.equal(replay.statusCode, 200, 'replayed');
    t.equal(replay.headers['idempotent-replayed'], 'true');
    t.equal(replay.json().id, ids[0]);
    t.same(replay.json().params.env, { DB_PASSWORD: '***', PLAIN: '***' });
    const foreign = await call(`replay as ${KINDS[2].kind}`, { method: 'POST', url: '/api/v1/executions', payload: commandBody, headers: { 'idempotency-key': 'secret-run-1' } }, KINDS[2].token);
    t.equal(foreign.statusCode, 409, 'another caller reusing the key gets a conflict, not the run');
    t.notOk(leaks(foreign.body), 'and no secret');
    const other = { ...commandBody, params: { ...commandBody.params, env: { ...env, DB_PASSWORD: `${SECRET}-changed` } } };
    const conflict = await call('conflict', { method: 'POST', url: '/api/v1/executions', payload: other, headers: { 'idempotency-key': 'secret-run-1' } });
    t.equal(conflict.statusCode, 409, 'the fingerprint covers the secret');
    t.equal(conflict.json().code, 'CAPSTAN_ERR_IDEMPOTENCY_KEY_CONFLICT');
  });

  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const READS: { route: string; url: (id: string) => string; body?: (b: any, id: string) => any; readers?: boolean }[] = [
    { route: 'GET /executions/{id}', url: (id) => `/api/v1/executions/${id}`, body: (b) => b },
    { route: 'GET /executions/{id}/wait', url: (id) => `/api/v1/executions/${id}/wait?timeout=0`, body: (b) => b },
    { route: 'GET /executions', url: () => '/api/v1/executions?limit=100', body: (b, id) => b.items.find((e: any) => e.id === id) },
    { route: 'GET /executions?capability=', url: (id) => `/api/v1/executions?capability=${id === ids[2] ? 'task.execute' : 'command.execute'}`, body: (b, id) => b.items.find((e: any) => e.id === id) },
    { route: 'GET /executions/{id}/output', url: (id) => `/api/v1/executions/${id}/output` },
    { route: 'GET /executions/{id}/output?format=text', url: (id) => `/api/v1/executions/${id}/output?format=text` },
    // The journal is a capability (journal.list, a read): tokens without a read permission get a 403 (below).
    { route: 'GET /nodes/{id}/journal', url: () => '/api/v1/nodes/localhost/journal', readers: true },
    { route: 'GET /queue', url: () => '/api/v1/queue' },
  ];
  for (const r of READS) {
    await t.test(r.route, async (t) => {
      for (const k of KINDS) {
        const reads = !r.readers || k.token === ADMIN || /\(\*\)$|risk:read/.test(k.kind);
        for (const id of [ids[0], ids[2]]) {
          const res = await call(`${r.route} as ${k.kind}`, { url: r.url(id) }, k.token);
          t.equal(res.statusCode, reads ? 200 : 403, `${k.kind}: ${reads ? 200 : 403}`);
          t.notOk(leaks(res.body), `${k.kind}: no secret in the answer`);
          const exec = r.body?.(res.json(), id);
          if (!exec) continue;
          if (id === ids[0]) t.same(exec.params.env, { DB_PASSWORD: '***', PLAIN: '***' }, `${k.kind}: env redacted`);
          else t.same(exec.params.parameters, { database: 'shop', db_password: '***', nested: { apiToken: '***' } }, `${k.kind}: task secrets redacted`);
        }
      }
    });
  }

  await t.test('GET /executions/{id}/stream (SSE, start event included)', async (t) => {
    for (const k of KINDS) {
      for (const id of ids) {
        const text = await (await fetch(`http://127.0.0.1:${port}/api/v1/executions/${id}/stream`, { headers: as(k.token) })).text();
        seen.push({ where: `SSE as ${k.kind}`, text });
        t.match(text, /event: start\n/, `${k.kind}: replayed from the start`);
        t.match(text, /event: complete\n/);
        t.notOk(leaks(text), `${k.kind}: no secret in the stream`);
      }
    }
  });

  await t.test('no answer and no log line shows the secret', async (t) => {
    t.same(seen.filter((s) => leaks(s.text)).map((s) => s.where), [], 'every answer of this test');
    const journal = app.store.journal.list({ nodes: ['localhost'] }, 100);
    t.ok(journal.length >= ids.length, 'the runs are journaled');
    t.notOk(leaks(JSON.stringify(journal)), 'journal entries');
    t.ok(logs.lines.length > 0, 'logs were captured');
    t.same(logs.lines.filter(leaks), [], 'log lines');
    const scrubbed = logs.lines.find((l) => l.includes('task got its parameters'));
    t.ok(scrubbed, 'the provider logged the parameters it got');
    t.same(JSON.parse(scrubbed!).parameters, { database: 'shop', db_password: '***', nested: { apiToken: '***' } }, 'scrubbed to REDACTED, the line still JSON');
  });
});

t.test('a queued run re-queued after a restart still gets its secret; the store keeps it, answers never show it', async (t) => {
  const dataDir = tempDir();
  const env = { DB_PASSWORD: SECRET };
  const first = await buildApp(testConfig(dataDir));
  let closed = false;
  t.teardown(async () => { if (!closed) await first.close(); });
  await first.ready();
  const submit = (command: string) => first.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['localhost'], params: { command, env } } });
  // Holds localhost (one mutating run per node): the second run stays queued until the server stops.
  const blocker = (await submit('sleep 60')).json();
  const queued = (await submit('printf %s "$DB_PASSWORD" | sha256sum')).json();
  t.equal(queued.status, 'queued');
  t.equal((first.store.getExecution(queued.id)!.params as any).env.DB_PASSWORD, SECRET, 'the store keeps the secret (a re-queued run needs it)');
  t.equal((statSync(join(dataDir, 'capstan.db')).mode & 0o777).toString(8), '600', 'so the db file it creates is private');
  await first.close();
  closed = true;

  const second = await buildTestApp(t, { dataDir });
  const done = await waitForExecution(second, queued.id);
  t.equal(done.status, 'succeeded', 're-queued and run after the restart');
  t.same(done.params.env, { DB_PASSWORD: '***' });
  const out = await second.inject({ url: `/api/v1/executions/${queued.id}/output?format=text` });
  t.match(out.body, new RegExp(`^${SHA}  -$`, 'm'), 'the re-queued run got the secret from the store');
  t.notOk(leaks(out.body));
  const interrupted = (await second.inject({ url: `/api/v1/executions/${blocker.id}` })).json();
  t.notOk(leaks(JSON.stringify(interrupted)));
});
