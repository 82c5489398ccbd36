/**
 * Local runs and the server's own OS account (issue 12): without plugins.ssh.localUser a local run needs the
 * admin permission; with it every local run is another account that cannot read the server's environment,
 * config or data, and cancel still ends what the run started. The account tests need root (they create a
 * real account `capstan-local-<pid>` and remove it in teardown) and run a real server process, so that
 * `/proc/$PPID/environ` is the server's own environment with its token.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { buildTestApp, tempDir } from '../../../../test/helper.js';
import { startServer } from '../../../../test/server-process.js';
import { ACCOUNT_PATH, accountEnv, parsePasswd, resolveLocalUser, switchArgv, type LocalAccount } from '../local-user.js';
import { pgrep, until } from './fixtures/helpers.js';

const ADMIN = `admin-${process.pid}-0123456789abcdef`;
const RUNNER = `runner-${process.pid}-0123456789abcdef`;
const READER = `reader-${process.pid}-0123456789abcdef`;
const TOKENS = [
  { name: 'runner', token: RUNNER, permissions: ['command.execute', 'script.execute'] },
  { name: 'reader', token: READER, permissions: ['risk:read'] },
];

const has = (cmd: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const rootSkip = process.getuid?.() !== 0 ? 'needs root: only root can switch local runs to another account'
  : !has('setpriv') ? 'needs setpriv (util-linux)' : !has('useradd') ? 'needs useradd (passwd) to create the test account' : false;

t.test('switch argv, environment and passwd entries (no root needed)', async (t) => {
  const a: LocalAccount = { name: 'runner', uid: 1234, gid: 2345, home: '/home/runner', shell: '/bin/bash', setpriv: '/usr/bin/setpriv' };
  t.same(switchArgv(a, '/bin/sh', ['-c', 'id']), { file: '/usr/bin/setpriv', args: ['--reuid=1234', '--regid=2345', '--init-groups', '--', '/bin/sh', '-c', 'id'] });
  t.same(accountEnv(a, { HOME: '/root', USER: 'root', LANG: 'C.UTF-8', TMPDIR: '/srv/tmp', SSH_AUTH_SOCK: '/tmp/agent', CAPSTAN_TOKEN: 'x', PATH: '/opt/server/bin' }),
    { LANG: 'C.UTF-8', HOME: '/home/runner', USER: 'runner', LOGNAME: 'runner', SHELL: '/bin/bash', PATH: ACCOUNT_PATH },
    'the account\'s own HOME/USER/PATH; locale kept; nothing else of the server');
  t.same(parsePasswd('runner:x:1234:2345:Runner,,,:/home/runner:/bin/bash\n'), { name: 'runner', uid: 1234, gid: 2345, home: '/home/runner', shell: '/bin/bash' });
  t.equal(parsePasswd('garbage'), undefined);
  await t.rejects(resolveLocalUser('someone', { serverUid: 1000, secrets: [] }),
    /plugins\.ssh\.localUser = 'someone': switching local runs to another account needs the server to run as root \(it runs as uid 1000\)/);
  await t.rejects(resolveLocalUser('someone', { serverUid: 0, secrets: [], searchPath: '/nonexistent' }), /plugins\.ssh\.localUser = 'someone': setpriv/);
});

t.test('without localUser: local runs need the admin permission', async (t) => {
  const app = await buildTestApp(t, { token: ADMIN, tokens: TOKENS });
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const post = (url: string, token: string, payload: unknown) => app.inject({ method: 'POST', url, headers: as(token), payload: payload as object });
  const run = { capability: 'command.execute', targets: ['localhost'], params: { command: 'cat /proc/$PPID/environ' } };

  const denied = await post('/api/v1/executions', RUNNER, run);
  t.equal(denied.statusCode, 403, 'POST /executions');
  t.same([denied.json().code, denied.json().missingPermissions, denied.json().targets], ['CAPSTAN_ERR_AUTH_FORBIDDEN', ['*'], ['localhost']]);
  t.match(denied.json().detail, /server's own OS account.*admin permission '\*'/);
  t.equal((await post('/api/v1/capabilities/command.execute/invoke', RUNNER, { targets: ['localhost'], params: run.params })).statusCode, 403, '/invoke');
  t.equal((await post('/api/v1/executions', RUNNER, { ...run, targets: ['all'] })).statusCode, 403, 'through a group');
  const script = await post('/api/v1/executions', RUNNER, { capability: 'script.execute', targets: ['localhost'], params: { script: '#!/bin/sh\nid\n' } });
  t.equal(script.statusCode, 403, 'script.execute');
  t.same((await app.inject({ url: '/api/v1/executions', headers: as(ADMIN) })).json().items, [], 'nothing was started');

  const facts = await post('/api/v1/nodes/localhost/facts', READER, undefined);
  t.equal(facts.statusCode, 200, 'facts (a fixed script) need only their read permission');
  t.equal(facts.json().hostname, os.hostname());

  const ok = await post('/api/v1/executions', ADMIN, { ...run, params: { command: 'id -un' } });
  t.equal(ok.statusCode, 202, 'the admin token still runs locally');
  const done = (await app.inject({ url: `/api/v1/executions/${ok.json().id}/wait?timeout=30`, headers: as(ADMIN) })).json();
  t.equal(done.status, 'succeeded');
  const out = (await app.inject({ url: `/api/v1/executions/${ok.json().id}/output?format=text`, headers: as(ADMIN) })).body;
  t.equal(out.trim(), os.userInfo().username, 'as the server\'s own account');
});

t.test('with localUser', { skip: rootSkip }, async (t) => {
  const account = `capstan-local-${process.pid}`;
  const home = `/home/${account}`;
  execFileSync('useradd', ['--system', '--create-home', '--home-dir', home, '--shell', '/bin/sh', account]);
  t.teardown(() => {
    // Only what this test created; its runs are all ended by now.
    execFileSync('userdel', ['--remove', account], { stdio: 'ignore' });
  });
  const uid = Number(execFileSync('id', ['-u', account], { encoding: 'utf8' }).trim());

  t.test('start checks: the plugin refuses to start, naming the key', async (t) => {
    const refused = async (localUser: string, dataDir: string | undefined, why: RegExp) => {
      const app = await buildTestApp(t, { ...(dataDir ? { dataDir } : {}), plugins: { ssh: { localUser } } });
      const ssh = (await app.inject({ url: '/api/v1/plugins/ssh' })).json();
      t.equal(ssh.state, 'failed', `${localUser}: failed`);
      t.match(ssh.error, why);
      const res = await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['localhost'], params: { command: 'id' } } });
      t.not(res.statusCode, 202, 'and nothing runs locally through it');
    };
    await refused(`capstan-nosuch-${process.pid}`, undefined, /plugins\.ssh\.localUser = 'capstan-nosuch-\d+': no such OS account/);
    await refused('root', undefined, /plugins\.ssh\.localUser = 'root': the account has uid 0/);
    const open = tempDir();
    chmodSync(open, 0o755);
    await refused(account, open, new RegExp(`the account can reach what only the server may: ${open}`));
  });

  for (const cgroups of [true, false]) {
    t.test(`a real server (execution.cgroups ${cgroups})`, async (t) => {
      const dataDir = tempDir();
      const cfgDir = mkdtempSync(join(os.tmpdir(), 'capstan-cfg-'));
      t.teardown(() => rmSync(cfgDir, { recursive: true, force: true }));
      chmodSync(cfgDir, 0o755);
      const configFile = join(cfgDir, 'capstan.yaml');
      writeFileSync(configFile, `tokens:\n${TOKENS.map((k) => `  - { name: ${k.name}, token: "${k.token}", permissions: ${JSON.stringify(k.permissions)} }`).join('\n')}\n`, { mode: 0o600 });
      const server = await startServer(t, {
        CAPSTAN_CONFIG: configFile, CAPSTAN_TOKEN: ADMIN, CAPSTAN_PLUGINS_SSH_LOCAL_USER: account,
        CAPSTAN_EXECUTION_CGROUPS: String(cgroups), CAPSTAN_EXECUTION_CANCEL_GRACE_MS: '1000',
      }, dataDir);
      const api = async (token: string, method: string, path: string, body?: unknown) => {
        const res = await fetch(`${server.baseUrl}${path}`, {
          method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        });
        const text = await res.text();
        return { status: res.status, text, json: () => JSON.parse(text) };
      };
      const start = async (token: string, capability: string, params: Record<string, unknown>) => {
        const res = await api(token, 'POST', '/api/v1/executions', { capability, targets: ['localhost'], params });
        if (res.status !== 202) throw new Error(`submit answered ${res.status}: ${res.text}`);
        return res.json().id as string;
      };
      const finish = async (id: string) => {
        const done = (await api(ADMIN, 'GET', `/api/v1/executions/${id}/wait?timeout=60`)).json();
        const items = (await api(ADMIN, 'GET', `/api/v1/executions/${id}/output?limit=10000`)).json().items as { type: string; data: any }[];
        const text = (type: string) => items.filter((e) => e.type === type).map((e) => e.data.line);
        return { done, stdout: text('stdout'), stderr: text('stderr'), all: JSON.stringify(items) };
      };
      const runAs = async (token: string, params: Record<string, unknown>, capability = 'command.execute') => finish(await start(token, capability, params));

      const ssh = (await api(ADMIN, 'GET', '/api/v1/plugins/ssh')).json();
      t.equal(ssh.state, 'ready', `the ssh plugin started: ${ssh.error ?? ''}`);

      t.test('a non-admin token runs locally, as the account, in its own environment', async (t) => {
        const r = await runAs(RUNNER, { command: 'id -un; id -u; pwd; env' });
        t.equal(r.done.status, 'succeeded');
        t.same(r.stdout.slice(0, 3), [account, String(uid), home], 'id -un prints the account; the run starts in its home');
        const env = new Map(r.stdout.slice(3).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
        t.same([env.get('HOME'), env.get('USER'), env.get('LOGNAME'), env.get('PATH')], [home, account, account, ACCOUNT_PATH]);
        t.match(env.get('CAPSTAN_RUN'), /\S/, 'the run\'s cookie is kept');
        t.notOk(['CAPSTAN_TOKEN', 'CAPSTAN_CONFIG', 'TMPDIR', 'SSH_AUTH_SOCK'].some((k) => env.has(k)), 'nothing else of the server');
        const admin = await runAs(ADMIN, { command: 'id -un' });
        t.same(admin.stdout, [account], 'the admin token\'s local runs switch too');
      });

      t.test('the server\'s environment, config file and data dir are out of reach', async (t) => {
        const paths = ['/proc/$PPID/environ', configFile, dataDir, join(dataDir, 'capstan.db')];
        const r = await runAs(RUNNER, {
          command: [
            'tr "\\0" " " </proc/$PPID/cmdline; echo',
            `for p in ${paths.map((p) => `"${p}"`).join(' ')}; do`,
            '  if { if [ -d "$p" ]; then ls -A "$p"; else cat "$p"; fi; } >/dev/null 2>&1; then echo "READ $p"; else echo "DENIED $p"; fi',
            'done',
            'cat /proc/$PPID/environ',
          ].join('\n'),
        });
        t.match(r.stdout[0], /src\/server\.(ts|js)\b/, '$PPID is the server process (npm start: dist/src/server.js)');
        t.match(r.stdout[1], /^DENIED \/proc\/\d+\/environ$/, 'the server\'s environment is denied');
        t.same(r.stdout.slice(2), paths.slice(1).map((p) => `DENIED ${p}`), 'the config file, data dir and database are denied');
        t.equal(r.done.status, 'failed', 'cat /proc/$PPID/environ fails');
        t.match(r.stderr.join('\n'), /Permission denied/);
        t.notOk(r.all.includes(ADMIN) || r.all.includes(RUNNER), 'no token appears in the output');
      });

      t.test('cwd, scripts and facts', async (t) => {
        t.same((await runAs(RUNNER, { command: 'pwd', cwd: '/tmp' })).stdout, ['/tmp'], 'cwd is a cd as the account');
        const priv = await runAs(RUNNER, { command: 'pwd', cwd: dataDir });
        t.equal(priv.done.status, 'failed', 'into the data dir it may not go');
        const script = await runAs(RUNNER, { script: '#!/bin/sh\nid -un\necho "$0"\n' }, 'script.execute');
        t.equal(script.done.status, 'succeeded');
        t.equal(script.stdout[0], account);
        t.match(script.stdout[1], /\/capstan\.[^/]+\/script$/);
        const facts = await api(READER, 'POST', '/api/v1/nodes/localhost/facts');
        t.equal(facts.status, 200, 'facts as the account, with the read permission');
        t.equal(facts.json().hostname, os.hostname());
      });

      t.test('cancel ends setsid\'ed children of the account', async (t) => {
        const a = `41.${Math.floor(Math.random() * 1e6)}`;
        const b = `42.${Math.floor(Math.random() * 1e6)}`;
        const id = await start(RUNNER, 'command.execute', { command: `setsid sleep ${a} & setsid sh -c 'sleep ${b}' & echo started; wait` });
        const pids = await until('both sleeps to run', async () => {
          const p = await pgrep(`^sleep (${a}|${b})$`);
          return p.length >= 2 ? p : undefined;
        }, 20_000);
        const [top] = await pgrep(`^/bin/sh -c setsid sleep ${a} `);
        const ps = (field: string, pid: number) => execFileSync('ps', ['-o', `${field}=`, '-p', String(pid)], { encoding: 'utf8' }).trim();
        t.ok(top, 'the run\'s top-level shell is found');
        for (const p of pids) {
          t.equal(ps('user', p), account, `sleep ${p} runs as the account`);
          t.not(ps('sid', p), ps('sid', top), 'in a session of its own (it left the run\'s process group)');
          t.match(readFileSync(`/proc/${p}/environ`, 'utf8'), /(^|\0)CAPSTAN_RUN=/, 'carrying the run\'s cookie');
        }
        const res = await api(RUNNER, 'POST', `/api/v1/executions/${id}/cancel`, {});
        t.equal(res.status, 202);
        t.equal((await finish(id)).done.status, 'canceled');
        await until('the setsid\'ed sleeps to be gone', async () => (await pgrep(`^sleep (${a}|${b})$`)).length === 0, 10_000);
        t.pass('cancel ended them');
      });
    });
  }

  t.test('a config file the account can read: refused at start', async (t) => {
    const cfgDir = mkdtempSync(join(os.tmpdir(), 'capstan-cfg-'));
    t.teardown(() => rmSync(cfgDir, { recursive: true, force: true }));
    chmodSync(cfgDir, 0o755);
    const configFile = join(cfgDir, 'capstan.yaml');
    writeFileSync(configFile, 'logLevel: info\n', { mode: 0o644 });
    const server = await startServer(t, { CAPSTAN_CONFIG: configFile, CAPSTAN_TOKEN: ADMIN, CAPSTAN_PLUGINS_SSH_LOCAL_USER: account });
    const ssh = await (await fetch(`${server.baseUrl}/api/v1/plugins/ssh`, { headers: { authorization: `Bearer ${ADMIN}` } })).json() as any;
    t.equal(ssh.state, 'failed');
    t.match(ssh.error, new RegExp(`plugins\\.ssh\\.localUser = '${account}': the account can reach what only the server may: ${configFile}`));
  });
});
