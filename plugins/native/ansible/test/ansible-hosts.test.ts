/**
 * The ansible plugin with ansible-core against the real loopback sshd testbed (127.0.54.x only), through the
 * HTTP API: inventory, facts, a command on three hosts, a playbook that changes one host, fails one and
 * finds one unreachable, check mode, extra vars never templated, and cancel mid-playbook with nothing left.
 */
import { existsSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import t from 'tap';
import { buildTestApp, waitForExecution } from '../../../../test/helper.js';
import { sshTestbedUnavailableReason, startSshHosts } from '../../../../test/testbed/ssh-hosts.js';
import { ansibleUnavailableReason, events, lines, pgrep, submit, until, writeIniInventory, writeProject, writeVault } from './fixtures/helpers.js';

const NET = '127.0.54';
const unavailable = ansibleUnavailableReason() ?? sshTestbedUnavailableReason();

t.test('ansible plugin against real sshd hosts', { skip: unavailable ?? false }, async (t) => {
  const tb = await startSshHosts(t, { net: NET });
  const [n1, n2, n3] = tb.hosts;
  const down = tb.unreachable;
  const inventory = writeIniInventory(tb, tb.dir);
  const projectDir = writeProject(tb.dir);
  const vaultPasswordFile = await writeVault(tb.dir);
  const app = await buildTestApp(t, { plugins: { ansible: { inventory, projectDir, vaultPasswordFile, connectTimeoutSeconds: 5 } } } as any);
  const result = (done: any, target: string) => done.results.find((r: any) => r.target === target);
  const run = async (body: Record<string, unknown>) => {
    const created = await submit(app, body);
    return { created, done: await waitForExecution(app, created.id, 120) };
  };

  t.test('inventory: hosts of the ini file with uri and groups', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/inventory?group=web' });
    t.equal(res.statusCode, 200);
    t.same(res.json().items.map((n: any) => [n.name, n.uri, n.transport]), tb.hosts.map((h) => [h.name, `${h.address}:${tb.port}`, 'ssh']));
  });

  t.test('command on group web: each host prints its own name', async (t) => {
    const { created, done } = await run({ capability: 'command.execute', targets: ['web'], params: { command: 'hostname; echo err >&2' } });
    t.equal(done.status, 'succeeded');
    const evs = await events(app, created.id);
    for (const h of tb.hosts) {
      t.same(lines(evs, 'stdout', h.name), [h.name], `${h.name} says its hostname`);
      t.same(lines(evs, 'stderr', h.name), ['err']);
      t.same([result(done, h.name).status, result(done, h.name).exitCode], ['succeeded', 0]);
    }
  });

  // Other test files may run ansible meanwhile (their run dirs come and go): only dirs made since `before` count,
  // and they must be gone within a bounded wait.
  const runDirs = () => new Set(readdirSync(tmpdir()).filter((d) => d.startsWith('capstan-ansible-')));
  const newRunDirsGone = (before: Set<string>) => until('the run dirs made since to be removed', () => ([...runDirs()].every((d) => before.has(d)) ? true : undefined), 10_000);

  t.test('a finished run leaves no ssh ControlPersist master and no run dir', async (t) => {
    const before = runDirs();
    const { done } = await run({ capability: 'command.execute', targets: ['web'], params: { command: 'true' } });
    t.equal(done.status, 'succeeded');
    t.same(await pgrep('capstan-ansible-'), [], 'no process with the run dir in its command line (ssh -o ControlPath=...)');
    t.ok(await newRunDirsGone(before), 'run dirs removed');
  });

  t.test('timeout mid-command: timed_out, nothing left', async (t) => {
    const marker = `t${process.pid}x${Math.random().toString(36).slice(2, 8)}`;
    const { done } = await run({ capability: 'command.execute', targets: [n1.name, n2.name], params: { command: `echo ${marker}; sleep 30` }, timeoutSeconds: 3 });
    t.equal(done.status, 'timed_out');
    t.same(done.results.map((r: any) => r.status), ['timed_out', 'timed_out']);
    await until('no ansible or ssh process of the run', async () => ((await pgrep('capstan-ansible-')).length === 0 ? true : undefined), 20_000);
    t.pass('no process of the run left');
  });

  t.test('command: exit code, env, cwd, templating kept literal, unreachable host', async (t) => {
    const { created, done } = await run({
      capability: 'command.execute', targets: [n1.name, down.name],
      params: { command: 'pwd; echo "$GREETING" "{{ lookup(\'pipe\', \'id\') }}"; exit 3', env: { GREETING: "it's me" }, cwd: '/tmp' },
    });
    t.equal(done.status, 'failed');
    const r1 = result(done, n1.name);
    t.same([r1.status, r1.exitCode, r1.error.category], ['failed', 3, 'execution_failed']);
    t.same(lines(await events(app, created.id), 'stdout', n1.name), ['/tmp', "*** {{ lookup('pipe', 'id') }}"], 'env value (masked by the server) and braces kept literal');
    const rd = result(done, down.name);
    t.same([rd.status, rd.exitCode, rd.error.category, rd.error.code], ['failed', null, 'unavailable', 'CAPSTAN_ERR_TARGET_CONNECT_FAILED']);
  });

  t.test('script with arguments keeps their quoting', async (t) => {
    const { created, done } = await run({ capability: 'script.execute', targets: [n2.name], params: { script: '#!/bin/sh\nfor a in "$@"; do echo "[$a]"; done\n', arguments: ['a b', '$HOME', "it's"] } });
    t.equal(done.status, 'succeeded');
    t.same(lines(await events(app, created.id), 'stdout', n2.name), ['[a b]', '[$HOME]', "[it's]"]);
  });

  t.test('facts from the setup module', async (t) => {
    const res = await app.inject({ method: 'GET', url: `/api/v1/nodes/${n1.name}/facts` });
    t.equal(res.statusCode, 200);
    const f = res.json();
    t.equal(f.kernel, 'Linux');
    t.ok(f.os.family, 'os family');
    t.ok(f.raw.ansible_hostname);
    t.ok(f.memory.totalBytes > 0);
  });

  t.test('playbook: changes one host, fails one, one unreachable; tags and extra vars', async (t) => {
    const runId = `r${process.pid}${Date.now()}`;
    const { created, done } = await run({
      capability: 'plan.execute', targets: [n1.name, n2.name, n3.name, down.name],
      params: { plan: 'site', parameters: { vars: { run_id: runId, first_host: n1.name, fail_host: n2.name }, tags: ['all', 'extra'] } },
    });
    t.teardown(() => rmSync(`/tmp/capstan-pbmark-${runId}`, { force: true }));
    t.equal(done.status, 'partial');
    t.same([result(done, n1.name).status, result(done, n1.name).changed], ['succeeded', true]);
    t.ok(existsSync(`/tmp/capstan-pbmark-${runId}`), 'the change happened (the hosts share this /tmp)');
    t.same([result(done, n2.name).status, result(done, n2.name).error.category], ['failed', 'execution_failed']);
    t.match(result(done, n2.name).error.detail, /fail the second host/);
    t.same([result(done, n3.name).status, result(done, n3.name).changed ?? false], ['succeeded', false]);
    t.same([result(done, down.name).status, result(done, down.name).error.category], ['failed', 'unavailable']);
    const out = lines(await events(app, created.id), 'stdout', n1.name);
    t.ok(out.includes('TASK [mark the first host] changed'), out.join('\n'));
    t.ok(out.includes('TASK [tagged only] ok'));
  });

  t.test('check mode changes nothing', async (t) => {
    const runId = `c${process.pid}${Date.now()}`;
    const { done } = await run({ capability: 'plan.execute', targets: [n1.name], params: { plan: 'site', parameters: { vars: { run_id: runId, first_host: n1.name, fail_host: 'none' }, check: true } } });
    t.equal(done.status, 'succeeded');
    t.equal(result(done, n1.name).value.check, true);
    // command tasks are skipped in check mode: the file is not made.
    const ls = await run({ capability: 'command.execute', targets: [n1.name], params: { command: `test ! -e /tmp/capstan-pbmark-${runId}` } });
    t.equal(ls.done.status, 'succeeded');
  });

  t.test('vault: a vaulted variable decrypts with vaultPasswordFile and shows as *** in the inventory', async (t) => {
    const { done } = await run({ capability: 'plan.execute', targets: [n3.name], params: { plan: 'vault' } });
    t.equal(done.status, 'succeeded', JSON.stringify(done.results));
    const node = (await app.inject({ method: 'GET', url: `/api/v1/inventory/nodes/${n3.name}` })).json();
    t.equal(node.vars.db_pass, '***');
    t.notMatch(JSON.stringify(node), /ANSIBLE_VAULT|dbpass123/);
  });

  t.test('unknown playbook and escapes are refused', async (t) => {
    const unknown = await run({ capability: 'plan.execute', targets: [n1.name], params: { plan: 'nope' } });
    t.equal(unknown.done.status, 'failed');
    t.equal(unknown.done.results[0].error.code, 'CAPSTAN_ERR_TASK_NOT_FOUND');
    writeFileSync(join(tb.dir, 'outside.yml'), '- hosts: all\n  tasks: []\n');
    symlinkSync(join(tb.dir, 'outside.yml'), join(projectDir, 'evil.yml'));
    const escape = await run({ capability: 'plan.execute', targets: [n1.name], params: { plan: 'evil' } });
    t.equal(escape.done.status, 'failed');
    t.match(escape.done.results[0].error.detail, /outside the project directory/);
    const dotdot = await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'plan.execute', targets: [n1.name], params: { plan: '../outside' } } });
    t.equal(dotdot.statusCode, 400, 'a path is not a plan name');
    const badTag = await run({ capability: 'plan.execute', targets: [n1.name], params: { plan: 'site', parameters: { tags: ['--check'] } } });
    t.equal(badTag.done.results[0].error.category, 'validation');
  });

  t.test('facts of an unreachable host: unavailable', async (t) => {
    const res = await app.inject({ method: 'GET', url: `/api/v1/nodes/${down.name}/facts` });
    t.equal(res.json().category, 'unavailable', res.body.slice(0, 300));
  });

  t.test('cancel mid-playbook: nothing of the run left', async (t) => {
    const marker = `m${process.pid}x${Math.random().toString(36).slice(2, 8)}`;
    const before = runDirs();
    const created = await submit(app, { capability: 'plan.execute', targets: ['web'], params: { plan: 'ops::slow', parameters: { vars: { marker } } } });
    await until('the playbook to start sleeping on the hosts', async () => (await pgrep(`sleep 60`)).length >= 3 && (await pgrep(`started-${marker}`)).length >= 1, 60_000);
    const res = await app.inject({ method: 'POST', url: `/api/v1/executions/${created.id}/cancel` });
    t.ok(res.statusCode < 300, `cancel answered ${res.statusCode}`);
    const done = await waitForExecution(app, created.id, 60);
    t.equal(done.status, 'canceled');
    t.same(done.results.map((r: any) => r.status), ['canceled', 'canceled', 'canceled']);
    await until('the run to leave no ansible or ssh process behind', async () => {
      const left = [...await pgrep('ansible-playbook'), ...await pgrep(`ssh.*${NET}`), ...await pgrep('capstan-ansible-')];
      return left.length === 0 ? true : undefined;
    }, 20_000);
    t.same(await pgrep(`ssh.*capstan-ansible-`), [], 'no ssh ControlPersist master of the run');
    t.ok(await newRunDirsGone(before), 'the run dir was removed');
  });
});
