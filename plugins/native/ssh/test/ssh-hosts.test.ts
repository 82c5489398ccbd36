/**
 * The ssh plugin over the system OpenSSH client against the real testbed hosts (scripts/testbed/README.md),
 * through the HTTP API: a group of three hosts, unreachable host, host-key mismatch, auth failure, exit codes,
 * facts, scripts, timeout and cancel (the local ssh client gone), and 30 targets in parallel.
 * Runs on its own addresses (127.0.51.x) so it never collides with another file's testbed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { stringify } from 'yaml';
import { buildTestApp, waitForExecution } from '../../../../test/helper.js';
import { sshTestbedUnavailableReason, startSshHosts } from '../../../../test/testbed/ssh-hosts.js';
import { events, lines, marker, pgrep, runningWithLine, submit, until } from './fixtures/helpers.js';

const NET = '127.0.51';
const unavailable = sshTestbedUnavailableReason();

t.test('ssh plugin against real sshd hosts', { skip: unavailable ?? false }, async (t) => {
  const tb = await startSshHosts(t, { net: NET });
  const ssh = { user: tb.user, port: tb.port, 'private-key': tb.privateKey, 'host-key-check': true };
  const [n1, n2, n3] = tb.hosts;
  const many = tb.hosts.flatMap((h) => Array.from({ length: 10 }, (_, i) => ({ name: `${h.name}-x${String(i).padStart(2, '0')}`, uri: h.address })));
  const inventoryFile = join(tb.dir, 'inventory.yaml');
  writeFileSync(inventoryFile, stringify({
    version: 2,
    config: { transport: 'ssh', ssh },
    groups: [
      { name: 'web', config: { ssh }, targets: tb.hosts.map((h) => ({ name: h.name, uri: h.address })) },
      { name: 'many', targets: many },
    ],
    targets: [
      { name: tb.impostor.name, uri: tb.impostor.address },
      { name: tb.unreachable.name, uri: tb.unreachable.address },
      { name: 'tb-wronguser', uri: n1.address, config: { ssh: { user: 'nobody' } } },
      { name: 'tb-uriuser', uri: `ssh://nobody@${n2.address}:${tb.port}` },
    ],
  }));
  const app = await buildTestApp(t, { plugins: { ssh: { inventoryFile, knownHostsFile: tb.knownHosts, hostKeyCheck: 'yes' } } });

  const run = async (targets: string[], params: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const created = await submit(app, { capability: 'command.execute', targets, params, ...extra });
    return { created, done: await waitForExecution(app, created.id, 60) };
  };
  const result = (done: any, target: string) => done.results.find((r: any) => r.target === target);

  t.test('inventory lists the testbed targets over ssh', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/inventory?group=web' });
    t.same(res.json().items.map((n: any) => [n.name, n.transport, n.uri]), tb.hosts.map((h) => [h.name, 'ssh', h.address]));
  });

  t.test('hostname on group web: succeeded, each target prints its own name', async (t) => {
    const { created, done } = await run(['web'], { command: 'hostname' });
    t.equal(done.status, 'succeeded');
    const evs = await events(app, created.id);
    for (const h of tb.hosts) {
      t.same(lines(evs, 'stdout', h.name), [h.name], `${h.name} says its hostname`);
      t.same([result(done, h.name).status, result(done, h.name).exitCode], ['succeeded', 0]);
    }
    t.same(lines(evs, 'stderr'), [], 'no stderr noise from ssh (LogLevel=ERROR)');
  });

  t.test('unreachable host in a mix: partial, unavailable', async (t) => {
    const { done } = await run([n1.name, tb.unreachable.name], { command: 'hostname' });
    t.equal(done.status, 'partial');
    t.equal(result(done, n1.name).status, 'succeeded');
    const down = result(done, tb.unreachable.name);
    t.same([down.status, down.exitCode, down.error.category, down.error.code], ['failed', null, 'unavailable', 'CAPSTAN_ERR_TARGET_CONNECT_FAILED']);
    t.match(down.error.detail, /Connection refused/);
  });

  t.test('host key mismatch: forbidden', async (t) => {
    const { created, done } = await run([tb.impostor.name], { command: 'touch /tmp/should-not-run' });
    t.equal(done.status, 'failed');
    const r = result(done, tb.impostor.name);
    t.same([r.status, r.exitCode, r.error.category, r.error.code], ['failed', null, 'forbidden', 'CAPSTAN_ERR_TARGET_HOST_KEY_MISMATCH']);
    t.match(r.error.detail, /Host key/i);
    t.ok(lines(await events(app, created.id), 'stderr').some((l) => /Host key verification failed/.test(l)), "ssh's message is in the stderr stream");
  });

  t.test('auth failure: unauthorized (config user and URI user)', async (t) => {
    const { done } = await run(['tb-wronguser', 'tb-uriuser'], { command: 'true' });
    t.equal(done.status, 'failed');
    for (const name of ['tb-wronguser', 'tb-uriuser']) {
      const r = result(done, name);
      t.same([r.status, r.exitCode, r.error.category, r.error.code], ['failed', null, 'unauthorized', 'CAPSTAN_ERR_TARGET_AUTH_FAILED'], name);
      t.match(r.error.detail, /nobody@.*Permission denied/, `${name} logged in as nobody`);
    }
  });

  t.test('non-zero exit: failed, exitCode 3, execution_failed; exit 255 of the command itself', async (t) => {
    const { done } = await run([n2.name], { command: 'echo "some stderr" >&2; exit 3' });
    t.equal(done.status, 'failed');
    const r = result(done, n2.name);
    t.same([r.status, r.exitCode, r.error.category], ['failed', 3, 'execution_failed']);
    const { done: d255 } = await run([n2.name], { command: 'exit 255' });
    t.same([result(d255, n2.name).exitCode, result(d255, n2.name).error.category], [255, 'execution_failed'], 'exit 255 without an ssh message is the command');
  });

  t.test('env, cwd and multi-line commands over ssh', async (t) => {
    const value = `a'b "c" $(id) \`x\``;
    // Env values are secrets, masked in output: the value is shown base64-encoded to compare it.
    const { created, done } = await run([n3.name], { command: 'pwd\nprintf "%s" "$V" | base64 -w0; echo', env: { V: value }, cwd: '/tmp' });
    t.equal(done.status, 'succeeded', JSON.stringify(done.results));
    t.same(lines(await events(app, created.id), 'stdout'), ['/tmp', Buffer.from(value).toString('base64')]);
    // The testbed user's login shell is bash: with env set the command still runs in it, not in sh.
    const bashism = await run([n3.name], { command: '[[ $V == x* ]] && echo "login shell kept"', env: { V: 'xyz' } });
    t.same(lines(await events(app, bashism.created.id), 'stdout'), ['login shell kept'], 'env does not switch the shell');
  });

  t.test('facts over ssh', async (t) => {
    const res = await app.inject({ method: 'GET', url: `/api/v1/nodes/${n1.name}/facts` });
    t.equal(res.statusCode, 200, res.body);
    const f = res.json();
    t.equal(f.hostname, 'tb-node1');
    t.equal(f.kernel, 'Linux');
    t.ok(f.os.family, `os family ${f.os.family}`);
    t.ok(f.processors.count > 0 && f.memory.totalBytes > 0, 'processors and memory');
    const down = await app.inject({ method: 'GET', url: `/api/v1/nodes/${tb.unreachable.name}/facts` });
    t.same([down.statusCode, down.json().category], [503, 'unavailable'], 'facts of an unreachable host: 503 unavailable');
    const imp = await app.inject({ method: 'GET', url: `/api/v1/nodes/${tb.impostor.name}/facts` });
    t.equal(imp.json().category, 'forbidden', 'facts of the impostor: forbidden');
  });

  t.test('script.execute over ssh', async (t) => {
    const created = await submit(app, {
      capability: 'script.execute', targets: ['web'],
      params: { script: '#!/bin/sh\necho "$(hostname) $1 $#"\n', arguments: ["it's here", 'x'] },
    });
    const done = await waitForExecution(app, created.id, 60);
    t.equal(done.status, 'succeeded', JSON.stringify(done.results));
    const evs = await events(app, created.id);
    for (const h of tb.hosts) t.same(lines(evs, 'stdout', h.name), [`${h.name} it's here 2`]);
  });

  t.test('timeout over ssh: timed_out, the local ssh client is gone', async (t) => {
    const mark = marker('sshto');
    const { created } = { created: await submit(app, { capability: 'command.execute', targets: [n1.name], timeoutSeconds: 1, params: { command: `: ${mark}; echo started; sleep 30` } }) };
    await runningWithLine(app, created.id, 'started');
    const done = await waitForExecution(app, created.id, 60);
    t.equal(done.status, 'timed_out');
    t.same([result(done, n1.name).status, result(done, n1.name).error.category], ['timed_out', 'timeout']);
    await until('the ssh client to be gone', async () => (await pgrep(`^ssh .*${mark}`)).length === 0, 3000);
    t.pass('no local ssh client of the run remains');
  });

  t.test('cancel during sleep over ssh: canceled, the local ssh client and the remote command are gone', async (t) => {
    const mark = marker('sshcx');
    const seconds = `30.${Math.floor(Math.random() * 1e6)}`;
    const created = await submit(app, { capability: 'command.execute', targets: ['web'], params: { command: `: ${mark}; echo started; sleep ${seconds}` } });
    await runningWithLine(app, created.id, 'started');
    await until('three ssh clients', async () => (await pgrep(`^ssh .*${mark}`)).length === 3, 5000);
    const res = await app.inject({ method: 'POST', url: `/api/v1/executions/${created.id}/cancel`, payload: {} });
    t.equal(res.statusCode, 202);
    const done = await waitForExecution(app, created.id, 60);
    t.equal(done.status, 'canceled');
    t.same(done.results.map((r: any) => r.status), ['canceled', 'canceled', 'canceled']);
    await until('the ssh clients to be gone', async () => (await pgrep(`^ssh .*${mark}`)).length === 0, 3000);
    t.pass('no local ssh client of the run remains');
    // Without a tty sshd would leave the remote command running; the watchdog kills it once the session is gone.
    await until('the remote commands to be gone', async () => (await pgrep(`^sleep ${seconds}`)).length === 0, 10_000);
    t.pass('no remote command of the run remains');
  });

  t.test('30 targets (3 hosts x 10 names) in parallel', async (t) => {
    const started = Date.now();
    const { created, done } = await run(['many'], { command: 'hostname' });
    const wall = Date.now() - started;
    t.equal(done.status, 'succeeded', JSON.stringify(done.results.filter((r: any) => r.status !== 'succeeded')));
    t.equal(done.results.length, 30);
    const evs = await events(app, created.id);
    t.ok(many.every((m) => lines(evs, 'stdout', m.name)[0] === m.name.replace(/-x\d+$/, '')), 'every target prints its host name');
    const sum = done.results.reduce((s: number, r: any) => s + r.durationMs, 0);
    t.ok(sum > 2 * wall, `targets overlap: sum of target durations ${sum} ms > 2 x wall time ${wall} ms`);
  });
});
