/**
 * Issue 16 item 5: secrets are never logged, streamed, answered or left at rest. With auth on and logs at
 * `trace`, this plants every kind of secret the server handles: the configured admin token (CAPSTAN_TOKEN), a
 * created API token's secret, near-miss guesses of a token (brute force up to the rate limit), a sensitive
 * `env` value of a command that prints it, and a secret-named task parameter (`password`) of a task. Then it
 * reads everything a client or an operator can: every answer (bodies and headers), the output, the SSE stream,
 * every captured log line, and every file of the data dir (the SQLite database, its WAL and shm: the runs,
 * their output, the tokens, and any audit table in there) once the runs are over. The only places a secret
 * may appear: the one answer that creates an API token (its secret, shown once) and, while a run is queued
 * or running, the store (a run re-queued after a restart needs its params).
 *
 * No SSH password is planted: the ssh plugin takes keys or an agent only (BatchMode), no password setting.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import t from 'tap';
import { Type } from '@sinclair/typebox';
import type { InjectOptions } from 'fastify';
import { taskExecute } from '../../src/capabilities/index.js';
import type { NativePluginOptions, PluginModule } from '../../src/core/loader.js';
import { BasePlugin, implement } from '../../src/core/types.js';
import { buildTestApp, tempDir } from '../helper.js';

const ADMIN = `admin-secret-${randomUUID()}`;
const ENV_SECRET = `env-secret-${randomUUID()}`;
const TASK_PASSWORD = `task-password-${randomUUID()}`;
const GUESS = `guess-secret-${randomUUID()}`;
const as = (token: string) => ({ authorization: `Bearer ${token}` });

/** A task.execute provider that prints what it got, as a careless task would (its output must be masked). */
function echoingTasks(): PluginModule {
  const task = implement(taskExecute, async (p, ctx) => {
    const password = String((p.parameters as Record<string, unknown>).password);
    ctx.logger.debug({ parameters: p.parameters }, 'task got its parameters');
    for (const n of ctx.targets ?? []) {
      ctx.emit({ type: 'stdout', target: n.name, line: `connecting with password=${password}` });
      ctx.emit({ type: 'stderr', target: n.name, line: `warning: ${password} is visible` });
    }
    return { results: (ctx.targets ?? []).map((n) => ({ target: n.name, status: 'succeeded' as const, exitCode: 0 })) };
  });
  class Echo extends BasePlugin {
    readonly metadata = { name: 'echo-tasks', version: '1.0.0', description: 'prints its parameters', integrationTypes: [] };
    capabilities() { return [task]; }
  }
  return {
    manifest: { id: 'echo-tasks', version: '1.0.0', description: 'prints its parameters', provides: ['task.execute'], configSchema: Type.Object({}), enabledByDefault: true },
    default: async (_app: unknown, opts: NativePluginOptions) => opts.host.add(new Echo()),
  };
}

/** Every file under `dir`, recursively. */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
}

t.test('planted secrets appear in no log line, answer, stream or file of the data dir', async (t) => {
  const dataDir = tempDir();
  const raw: string[] = [];
  const logStream = new Writable({ write(chunk, _enc, done) { raw.push(String(chunk)); done(); } });
  const app = await buildTestApp(t, { dataDir, token: ADMIN, logLevel: 'trace', rateLimit: { authFailuresMax: 3 } }, { extraPlugins: [echoingTasks()], logStream });
  const seen: { where: string; text: string }[] = [];
  const call = async (where: string, opts: InjectOptions, token: string | undefined = ADMIN) => {
    const res = await app.inject({ ...opts, headers: { ...(token ? as(token) : {}), ...(opts.headers ?? {}) } });
    seen.push({ where, text: `${JSON.stringify(res.headers)}\n${res.body}` });
    return res;
  };

  // An API token: its secret is in the creating answer only (kept out of `seen`).
  const created = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: as(ADMIN), payload: { name: 'ci', roles: ['admin'] } });
  t.equal(created.statusCode, 201);
  const API = created.json().token as string;
  const SECRETS = { admin: ADMIN, apiToken: API, env: ENV_SECRET, taskPassword: TASK_PASSWORD, guess: GUESS };

  // Brute force with near misses of the real tokens: 401s, then 429s; neither echoes what was sent.
  for (const guess of [GUESS, `${ADMIN}x`, `${API}x`, GUESS, GUESS]) await call('guess', { url: '/api/v1/executions', remoteAddress: '198.51.100.1' }, guess);
  t.match(seen.slice(-2).map((s) => s.text), [/"status":429/, /"status":429/], 'the guesses were rate limited');
  t.equal(app.store.listExecutions({}, 10).length, 0);

  // A command printing its secret env value (stdout and stderr), and a task printing its password.
  const command = await call('POST command', {
    method: 'POST', url: '/api/v1/executions',
    payload: { capability: 'command.execute', targets: ['localhost'], params: { command: 'echo "db=$DB_PASSWORD"; echo "$DB_PASSWORD" >&2; printf %s "$DB_PASSWORD" | wc -c', env: { DB_PASSWORD: ENV_SECRET } } },
  }, API);
  t.equal(command.statusCode, 202, command.body);
  const task = await call('POST task', {
    method: 'POST', url: '/api/v1/executions',
    payload: { capability: 'task.execute', targets: ['localhost'], params: { task: 'db::migrate', parameters: { database: 'shop', password: TASK_PASSWORD } } },
  }, API);
  t.equal(task.statusCode, 202, task.body);
  const ids = [command.json().id as string, task.json().id as string];
  for (const id of ids) {
    const done = await call('wait', { url: `/api/v1/executions/${id}/wait?timeout=60` }, API);
    t.equal(done.json().status, 'succeeded', `${id} ran`);
  }

  await t.test('the runs got their secrets, and printed them masked', async (t) => {
    const out = (await call('output text', { url: `/api/v1/executions/${ids[0]}/output?format=text` }, API)).body;
    t.match(out, /db=\*\*\*/, 'stdout masked');
    t.match(out, new RegExp(`^${ENV_SECRET.length}$`, 'm'), 'the process had the whole secret');
    const taskOut = (await call('task output', { url: `/api/v1/executions/${ids[1]}/output` }, API)).json();
    t.match(JSON.stringify(taskOut), /password=\*\*\*/, 'the task output is masked');
  });

  await t.test('every read a client makes', async (t) => {
    for (const id of ids) {
      for (const url of [`/api/v1/executions/${id}`, `/api/v1/executions/${id}/output`, `/api/v1/executions/${id}/output?format=text`, `/api/v1/executions/${id}/wait?timeout=0`]) {
        t.equal((await call(`GET ${url}`, { url }, API)).statusCode, 200, url);
      }
    }
    for (const url of ['/api/v1/executions?limit=100', '/api/v1/nodes/localhost/journal', '/api/v1/queue', '/api/v1/tokens', '/metrics', '/docs/json']) {
      t.equal((await call(`GET ${url}`, { url })).statusCode, 200, url);
    }
  });

  await t.test('the SSE stream', async (t) => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    for (const id of ids) {
      const text = await (await fetch(`http://127.0.0.1:${port}/api/v1/executions/${id}/stream`, { headers: as(API) })).text();
      t.match(text, /event: complete\n/, 'the whole stream');
      t.match(text, /\*\*\*/, 'with the masked lines');
      seen.push({ where: `SSE ${id}`, text });
    }
  });

  await t.test('nowhere: answers, stream, logs, data dir', async (t) => {
    for (const [name, secret] of Object.entries(SECRETS)) {
      const forms = [secret, JSON.stringify(secret).slice(1, -1)];
      const leaks = (text: string) => forms.some((f) => text.includes(f));
      t.same(seen.filter((s) => leaks(s.text)).map((s) => s.where), [], `${name}: no answer or stream shows it`);
      t.same(raw.filter(leaks), [], `${name}: no log line shows it`);
      for (const f of files(dataDir)) t.notOk(readFileSync(f).includes(secret), `${name}: not in ${f.slice(dataDir.length + 1)}`);
    }
    t.ok(raw.length > 50, 'logs were captured at trace level');
    t.ok(files(dataDir).some((f) => f.endsWith('capstan.db')), 'the database was grepped');
  });
});

t.test('the first admin token (no configured token): in its file and its one start-up line, nowhere else', async (t) => {
  const dataDir = tempDir();
  const raw: string[] = [];
  const logStream = new Writable({ write(chunk, _enc, done) { raw.push(String(chunk)); done(); } });
  const app = await buildTestApp(t, { dataDir, auth: 'on', logLevel: 'trace', rateLimit: { authFailuresMax: 3 } }, { logStream });
  const admin = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
  const res = await app.inject({ method: 'POST', url: '/api/v1/executions', headers: as(admin), payload: { capability: 'command.execute', targets: ['localhost'], params: { command: 'true' } } });
  t.equal(res.statusCode, 202);
  t.notOk(res.body.includes(admin));
  const done = await app.inject({ url: `/api/v1/executions/${res.json().id}/wait?timeout=60`, headers: as(admin) });
  t.equal(done.json().status, 'succeeded');
  t.equal(raw.filter((l) => l.includes(admin)).length, 1, 'the one start-up line');
  t.match(raw.find((l) => l.includes(admin)), /created the first admin token/);
  t.same(files(dataDir).filter((f) => readFileSync(f).includes(admin)).map((f) => f.slice(dataDir.length + 1)), ['admin-token'], 'only its file (0600)');
});
