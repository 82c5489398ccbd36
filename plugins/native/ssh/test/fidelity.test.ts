/**
 * Output and process fidelity, the same cases on every transport of the ssh plugin: local (cgroup scope),
 * local with the process-group + cookie fallback (execution.cgroups false), and ssh against the real testbed
 * hosts (127.0.53.x). Partial lines arrive while the command still runs; long lines stay whole; the one rule
 * for background processes (drain then end output holders, detached daemons survive, cancel/timeout end
 * even processes that left the group); signal deaths have exit codes; script directories never stay behind.
 * Every wait is bounded and waits on stored events or process state; gates are files the test creates.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import t, { type Test } from 'tap';
import { stringify } from 'yaml';
import { buildTestApp, waitForExecution } from '../../../../test/helper.js';
import { sshTestbedUnavailableReason, startSshHosts } from '../../../../test/testbed/ssh-hosts.js';
import { events, lines, marker, pgrep, submit, until, type StoredEvent } from './fixtures/helpers.js';

const NET = '127.0.53';
const EXEC = { cancelGraceMs: 1000, drainSeconds: 1 };

/** A directory every test user can use for gates (the ssh user is not root). */
function gateDir(t: Test): string {
  const d = mkdtempSync(join(os.tmpdir(), 'capstan-fidelity-'));
  chmodSync(d, 0o777);
  t.teardown(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

async function text(app: FastifyInstance, id: string): Promise<string> {
  return (await app.inject({ method: 'GET', url: `/api/v1/executions/${id}/output?format=text&limit=10000` })).body;
}

async function stored(app: FastifyInstance, id: string, what: string, pred: (e: StoredEvent) => boolean, ms = 10_000): Promise<StoredEvent> {
  return until(what, async () => (await events(app, id)).find(pred), ms);
}

const gone = (mark: string, ms = 15_000) => until(`no process holding ${mark}`, async () => (await pgrep(mark)).length === 0, ms);

interface Kind {
  name: string;
  target: string;
  /** The transport knows the signal that killed the top-level process (local only). */
  signals: boolean;
}

function cases(t: Test, kind: Kind, appOf: () => FastifyInstance): void {
  const { target } = kind;
  const run = (command: string, extra: Record<string, unknown> = {}) => submit(appOf(), { capability: 'command.execute', targets: [target], params: { command }, ...extra });

  t.test(`${kind.name}: a prompt without newline arrives as a partial piece within 1 s, while the command waits`, async (t) => {
    const app = appOf();
    const d = gateDir(t);
    const created = await run(`printf 'waiting... '; date +%s%3N > ${d}/t1; while [ ! -e ${d}/gate ]; do sleep 0.05; done; echo acquired`);
    const piece = await stored(app, created.id, 'the partial prompt', (e) => e.type === 'stdout' && e.data.line === 'waiting... ');
    t.equal(piece.data.partial, true, 'marked partial');
    const printedAt = Number(readFileSync(`${d}/t1`, 'utf8'));
    const lag = Date.parse((piece as StoredEvent & { at: string }).at) - printedAt;
    t.ok(lag < 1000, `stored ${lag} ms after it was printed`);
    t.equal((await app.inject({ method: 'GET', url: `/api/v1/executions/${created.id}` })).json().status, 'running', 'the command still waits');
    writeFileSync(`${d}/gate`, '');
    t.equal((await waitForExecution(app, created.id, 30)).status, 'succeeded');
    t.same(lines(await events(app, created.id), 'stdout'), ['waiting... acquired'], 'the pieces join into one line');
    t.equal(await text(app, created.id), 'waiting... acquired\n', 'text output: each byte once');
  });

  t.test(`${kind.name}: a \\r progress bar shows each update live; the text output is exact`, async (t) => {
    const app = appOf();
    const d = gateDir(t);
    const created = await run(`for i in 1 2 3; do printf "progress \${i}0%%\\r"; while [ ! -e ${d}/g$i ]; do sleep 0.05; done; done; echo done`);
    for (const i of [1, 2, 3]) {
      await stored(app, created.id, `progress ${i}0%`, (e) => e.type === 'stdout' && String(e.data.line).includes(`progress ${i}0%`));
      writeFileSync(`${d}/g${i}`, '');
    }
    t.equal((await waitForExecution(app, created.id, 30)).status, 'succeeded');
    t.equal(await text(app, created.id), 'progress 10%\rprogress 20%\rprogress 30%\rdone\n');
  });

  t.test(`${kind.name}: a 200 KB line and 5,000 short lines arrive whole`, async (t) => {
    const app = appOf();
    const created = await run(`head -c 200000 /dev/zero | tr '\\0' a; echo; seq 1 5000; printf end`);
    t.equal((await waitForExecution(app, created.id, 60)).status, 'succeeded');
    const out = lines(await events(app, created.id), 'stdout');
    t.equal(out[0], 'a'.repeat(200_000), 'the long line, joined from its pieces');
    t.equal(out.length, 5_002);
    t.equal(out[5_000], '5000');
    t.equal(out[5_001], 'end', 'the last text without newline is kept');
    const body = await text(app, created.id);
    t.equal(body, `${'a'.repeat(200_000)}\n${Array.from({ length: 5_000 }, (_, i) => `${i + 1}\n`).join('')}end`, 'text output: each byte once, no newline invented');
  });

  t.test(`${kind.name}: a background child holding the output is ended after the drain; the exit code is the top-level's`, async (t) => {
    const app = appOf();
    const mark = marker('hold');
    const started = Date.now();
    const created = await run(`sh -c 'sleep 30; : ${mark}' & echo started; exit 3`);
    const done = await waitForExecution(app, created.id, 30);
    t.ok(Date.now() - started < 15_000, `ended in ${Date.now() - started} ms, not after the child's 30 s`);
    t.same([done.status, done.results[0].exitCode], ['failed', 3]);
    const evs = await events(app, created.id);
    t.same(lines(evs, 'stdout'), ['started']);
    const notice = evs.find((e) => e.type === 'notice');
    t.match(notice?.data, { target, message: /still held its output after 1 s/ }, 'a notice says so');
    t.ok(evs.findIndex((e) => e.type === 'notice') < evs.findIndex((e) => e.type === 'target_result'), 'the notice comes before the result');
    await gone(mark);
    t.pass('the holder is gone');
  });

  t.test(`${kind.name}: a properly detached daemon survives a run that ends normally`, async (t) => {
    const app = appOf();
    const mark = marker('daemon');
    t.teardown(async () => { for (const p of await pgrep(mark)) try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } });
    const created = await run(`nohup sh -c 'sleep 60; : ${mark}' >/dev/null 2>&1 & setsid sh -c 'sleep 60; : ${mark}' </dev/null >/dev/null 2>&1 & echo ok`);
    const done = await waitForExecution(app, created.id, 30);
    t.same([done.status, done.results[0].exitCode], ['succeeded', 0]);
    t.notOk((await events(app, created.id)).some((e) => e.type === 'notice'), 'nothing held the output: no notice');
    // Both were forked before the run ended; give them the moment to exec their `sh -c` (bounded).
    await until('both daemons running', async () => (await pgrep(`sleep 60; : ${mark}`)).length === 2, 5000);
    t.pass('both daemons still run after the run ended');
  });

  for (const how of ['cancel', 'timeout'] as const) {
    t.test(`${kind.name}: ${how} ends every process of the run, also those that left the process group`, async (t) => {
      const app = appOf();
      const mark = marker(how);
      const cmd = `setsid sh -c 'sleep 60; : ${mark}a' </dev/null >/dev/null 2>&1 & (sh -c 'sleep 60; : ${mark}b' </dev/null >/dev/null 2>&1 &); `
        + `nohup sh -c 'sleep 60; : ${mark}c' >/dev/null 2>&1 & echo ready; sleep 60`;
      const created = await run(cmd, how === 'timeout' ? { timeoutSeconds: 3 } : {});
      await stored(app, created.id, 'ready', (e) => e.type === 'stdout' && e.data.line === 'ready');
      for (const x of ['a', 'b', 'c']) await until(`escapee ${x} started`, async () => (await pgrep(`${mark}${x}'`)).length > 0 || (await pgrep(`: ${mark}${x}`)).length > 0);
      if (how === 'cancel') t.equal((await app.inject({ method: 'POST', url: `/api/v1/executions/${created.id}/cancel` })).statusCode, 202);
      const done = await waitForExecution(app, created.id, 30);
      t.equal(done.status, how === 'cancel' ? 'canceled' : 'timed_out');
      await gone(mark);
      t.pass('the setsid, double-forked and nohup children are gone');
    });
  }

  t.test(`${kind.name}: a top-level shell killed by a signal reports 128+n${kind.signals ? ' and the signal name' : ''}`, async (t) => {
    const app = appOf();
    for (const [sig, code] of [['KILL', 137], ['SEGV', 139]] as const) {
      const done = await waitForExecution(app, (await run(`echo before; kill -${sig} $$`)).id, 30);
      const r = done.results[0];
      t.same([done.status, r.exitCode], ['failed', code], `SIG${sig}: exit code ${code}`);
      if (kind.signals) {
        t.equal(r.signal, `SIG${sig}`);
        t.match(r.error.detail, new RegExp(`killed by signal SIG${sig} \\(exit code ${code}\\)`));
      } else t.match(r.error.detail, new RegExp(`code ${code}`));
    }
  });

  for (const how of ['cancel', 'timeout'] as const) {
    t.test(`${kind.name}: script.execute leaves no script directory behind on ${how}, even when the script ignores SIGTERM`, async (t) => {
      const app = appOf();
      const mark = marker('script');
      const script = `#!/bin/sh\n# ${mark}\ntrap '' TERM\necho ready\nwhile :; do sleep 0.1; done\n`;
      const created = await submit(app, { capability: 'script.execute', targets: [target], params: { script }, ...(how === 'timeout' ? { timeoutSeconds: 3 } : {}) });
      await stored(app, created.id, 'ready', (e) => e.type === 'stdout' && e.data.line === 'ready');
      const holding = () => [...new Set([os.tmpdir(), '/tmp'])].flatMap((dir) => readdirSync(dir).filter((f) => f.startsWith('capstan.'))
        .map((f) => join(dir, f, 'script')).filter((f) => existsSync(f) && readFileSync(f, 'utf8').includes(mark)));
      t.equal(holding().length, 1, 'the script is stored while it runs');
      if (how === 'cancel') await app.inject({ method: 'POST', url: `/api/v1/executions/${created.id}/cancel` });
      t.equal((await waitForExecution(app, created.id, 30)).status, how === 'cancel' ? 'canceled' : 'timed_out');
      await until('the script directory removed', () => holding().length === 0, 10_000);
      t.pass('no capstan.* directory holds the script');
    });
  }
}

t.test('local transport, cgroup scope where available', async (t) => {
  const app = await buildTestApp(t, { execution: EXEC });
  cases(t, { name: 'local', target: 'localhost', signals: true }, () => app);
});

t.test('local transport, process group + cookie fallback (execution.cgroups false)', async (t) => {
  const app = await buildTestApp(t, { execution: { ...EXEC, cgroups: false } });
  cases(t, { name: 'local-fallback', target: 'localhost', signals: true }, () => app);
});

t.test('ssh transport against the real testbed hosts', { skip: sshTestbedUnavailableReason() ?? false }, async (t) => {
  const tb = await startSshHosts(t, { net: NET });
  const ssh = { user: tb.user, port: tb.port, 'private-key': tb.privateKey, 'host-key-check': true };
  const inventoryFile = join(tb.dir, 'inventory.yaml');
  writeFileSync(inventoryFile, stringify({ version: 2, config: { transport: 'ssh', ssh }, targets: [{ name: tb.hosts[0].name, uri: tb.hosts[0].address }] }));
  const app = await buildTestApp(t, {
    execution: EXEC,
    plugins: { ssh: { inventoryFile, knownHostsFile: tb.knownHosts, hostKeyCheck: 'yes', remoteKillGraceSeconds: 1 } },
  });
  cases(t, { name: 'ssh', target: tb.hosts[0].name, signals: false }, () => app);
});
