/**
 * `npm start` runs compiled JavaScript (issue 14): the server process is `node dist/src/server.js`, its plugins
 * are the compiled index.js files, and what it reads from disk next to its code (the SQL migrations) is found
 * under dist/. The build (scripts/build.mjs, run by `npm ci` and before each start) skips itself when dist/ is
 * current. Tests and `npm run dev` keep running the .ts sources through tsx.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { startServer } from '../server-process.js';

const ROOT = join(import.meta.dirname, '..', '..');

t.test('npm start runs dist/src/server.js with compiled plugins and migrations', async (t) => {
  const server = await startServer(t);
  const listening = server.log().split('\n').find((l) => l.includes('Server listening'))!;
  const pid = JSON.parse(listening).pid as number;
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  t.equal(argv.at(-1), 'dist/src/server.js', 'the main module is the compiled server');
  t.notOk(argv.some((a) => a.includes('tsx')), 'no tsx loader in the server process');
  // Every compiled plugin is loaded (the ssh plugin is on by default) and the store was migrated from dist/.
  const plugins = await (await fetch(`${server.baseUrl}/api/v1/plugins`)).json() as any;
  const ssh = (plugins.items ?? plugins).find((p: any) => (p.id ?? p.name) === 'ssh');
  t.ok(ssh, 'the ssh plugin is listed');
  const migrations = readdirSync(join(ROOT, 'src/store/sqlite/migrations')).filter((f) => f.endsWith('.sql')).sort();
  t.same(readdirSync(join(ROOT, 'dist/src/store/sqlite/migrations')).sort(), migrations, 'the migrations are copied next to the compiled store');
  const created = await fetch(`${server.baseUrl}/api/v1/executions`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ capability: 'command.execute', targets: ['localhost'], params: { command: 'echo compiled' } }),
  });
  t.equal(created.status, 202);
  const { id } = await created.json() as any;
  const done = await (await fetch(`${server.baseUrl}/api/v1/executions/${id}/wait?timeout=30`)).json() as any;
  t.equal(done.status, 'succeeded', 'a run goes through the compiled store, queue and ssh plugin');
});

t.test('the build is skipped when dist/ is current', async (t) => {
  const { execa } = await import('execa');
  const r = await execa(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT });
  t.equal(r.exitCode, 0);
  t.notMatch(r.stderr, /built in/, 'nothing rebuilt');
  t.match(readFileSync(join(ROOT, 'dist/.build-stamp'), 'utf8'), /^[0-9a-f]{64}$/);
});
