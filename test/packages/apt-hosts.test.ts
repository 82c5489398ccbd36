/**
 * The package provider with apt on real Debian hosts, through the HTTP API: three hosts with their own rootfs
 * and dpkg state (test/testbed/rootfs-hosts.ts: debootstrap rootfs, overlay per host, sshd chrooted on
 * 127.0.57.11-13), reached by the ssh plugin as root, with the offline repository built here
 * (test/testbed/deb-repo.ts). Install, list, search, dry run, upgrade, pinned downgrade, a missing package,
 * remove, update-all, a held lock, option-like names, the node journal and cancel mid-run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { buildTestApp, waitForExecution } from '../helper.js';
import { events, lines } from '../executions-api.js';
import { until } from '../until.js';
import { buildDebRepo } from '../testbed/deb-repo.js';
import { rootfsTestbedUnavailableReason, startRootfsHosts, type RootfsHost } from '../testbed/rootfs-hosts.js';

// A machine without the rootfs builds it in the first test that needs it (~1 min, within tap's per-file
// timeout); .ci/run builds it before the tests.
const unavailable = rootfsTestbedUnavailableReason();

t.test('apt through the package provider on real hosts', { skip: unavailable ?? false }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'capstan-apt-hosts-'));
  t.teardown(() => rmSync(work, { recursive: true, force: true }));
  const repoDir = await buildDebRepo(join(work, 'repo'));
  // Two more repositories for securityOnly, added on one host only: a fix from a `*-security` archive and a
  // plain update.
  await buildDebRepo(join(repoDir, 'security'), [{ name: 'tb-extra', version: '2.1', description: 'extra package without dependencies' }], { suite: 'tb-security' });
  await buildDebRepo(join(repoDir, 'updates'), [{ name: 'tb-lib', version: '0.6', description: 'library the newer tb-demo needs' }], { suite: 'tb-updates' });
  const tb = await startRootfsHosts(t, { repoDir });
  const [n1, n2, n3] = tb.hosts;
  const inventoryFile = join(work, 'inventory.yaml');
  writeFileSync(inventoryFile, stringify({
    version: 2,
    config: { transport: 'ssh', ssh: { user: 'root', port: tb.port, 'private-key': tb.privateKey, 'host-key-check': true } },
    groups: [{ name: 'apt', targets: tb.hosts.map((h) => ({ name: h.name, uri: h.address })) }],
  }));
  const app = await buildTestApp(t, { plugins: { ssh: { inventoryFile, knownHostsFile: tb.knownHosts, hostKeyCheck: 'yes' } } });

  const post = async (verb: string, targets: string[], params: Record<string, unknown>, timeoutSeconds = 180) => {
    const res = await app.inject({ method: 'POST', url: `/api/v1/packages/${verb}`, payload: { targets, params, timeoutSeconds } });
    if (res.statusCode !== 202) throw new Error(`POST /packages/${verb} answered ${res.statusCode}: ${res.body}`);
    return res.json();
  };
  const run = async (verb: string, targets: string[], params: Record<string, unknown>) => {
    const created = await post(verb, targets, params);
    return { created, done: await waitForExecution(app, created.id, 240) };
  };
  const result = (done: any, h: RootfsHost) => done.results.find((r: any) => r.target === h.name);
  const change = (done: any, h: RootfsHost, name: string) => result(done, h).value.changes.find((c: any) => c.name === name);
  const dpkg = async (h: RootfsHost) => (await tb.ssh(h, "dpkg-query -W -f='${db:Status-Abbrev} ${Package} ${Version}\\n' 'tb-*' 2>/dev/null; true")).stdout;
  const runs: string[] = [];
  const brief = (cs: any[]) => cs.map((c) => [c.name, c.versionBefore, c.versionAfter, c.action]);

  t.test('install two packages on three hosts (one pinned), refreshing the index first', async (t) => {
    const { created, done } = await run('install', ['apt'], { packages: [{ name: 'tb-demo', version: '1.0' }, { name: 'tb-extra' }], refresh: true });
    runs.push(created.id);
    t.equal(done.status, 'succeeded');
    for (const h of tb.hosts) {
      const r = result(done, h);
      t.same([r.status, r.exitCode, r.changed, r.value.manager, r.value.dryRun, r.value.lockWaits], ['succeeded', 0, true, 'apt', false, []], h.name);
      t.same(r.value.changes.map((c: any) => [c.name, c.arch, c.versionBefore, c.versionAfter, c.action]), [
        ['tb-demo', 'all', null, '1.0', 'installed'], ['tb-extra', 'all', null, '2.0', 'installed'],
      ], `${h.name}: per-package results`);
      t.match(change(done, h, 'tb-extra').message, /Setting up tb-extra \(2\.0\)/);
      t.match(await dpkg(h), /^ii  tb-demo 1\.0$/m);
    }
    const out = lines(await events(app, created.id), 'stdout', n1.name);
    t.ok(out.some((l) => l.startsWith('Unpacking tb-demo (1.0)')), 'apt-get output streams');
    t.notOk(out.some((l) => l.startsWith('capstan-pkg-')), 'the script\'s marker lines are not streamed');
  });

  t.test('package.list: installed, filtered by glob, and upgradable with the candidate', async (t) => {
    const all = await app.inject({ url: `/api/v1/packages?node=${n1.name}&name=tb-*` });
    t.equal(all.statusCode, 200);
    t.same(all.json().items.map((p: any) => [p.name, p.version, p.status, p.source]), [['tb-demo', '1.0', 'installed', 'packages'], ['tb-extra', '2.0', 'installed', 'packages']]);
    t.match(all.json().sources, [{ source: 'packages', status: 'ok' }]);
    const up = await app.inject({ url: `/api/v1/packages?node=${n1.name}&name=tb-*&status=upgradable` });
    t.same(up.json().items.map((p: any) => [p.name, p.version, p.status, p.availableVersion]), [['tb-demo', '1.0', 'upgradable', '1.1']]);
  });

  t.test('package.search: the node\'s repositories with candidates; without node a 400 pointing at it', async (t) => {
    const res = await app.inject({ url: `/api/v1/packages/search?q=tb-&node=${n1.name}` });
    t.equal(res.statusCode, 200);
    const by = new Map(res.json().items.map((p: any) => [p.name, p]));
    t.match(by.get('tb-demo'), { status: 'upgradable', version: '1.0', availableVersion: '1.1', source: 'packages' });
    t.match(by.get('tb-extra'), { status: 'installed', version: '2.0' });
    t.match(by.get('tb-lib'), { status: 'available', version: '0.5', description: /library/ });
    const glob = await app.inject({ url: `/api/v1/packages/search?q=tb-?e*&node=${n1.name}` });
    t.same(glob.json().items.map((p: any) => p.name).sort(), ['tb-demo']);
    const none = await app.inject({ url: '/api/v1/packages/search?q=tb-' });
    t.equal(none.statusCode, 400);
    t.match(none.json(), { code: 'CAPSTAN_ERR_REQUEST_VALIDATION', errors: [{ in: 'query', pointer: '/node' }] });
  });

  t.test('dry run: the plan as actions, nothing changes', async (t) => {
    const before = await dpkg(n1);
    const { done } = await run('update', [n1.name], { packages: [{ name: 'tb-demo' }], refresh: false, dryRun: true });
    t.equal(done.status, 'succeeded');
    const r = result(done, n1);
    t.same([r.value.dryRun, r.changed], [true, false]);
    t.same(r.value.changes.map((c: any) => [c.name, c.versionBefore, c.versionAfter, c.action]), [
      ['tb-demo', '1.0', '1.1', 'upgraded'], ['tb-lib', null, '0.5', 'installed'],
    ]);
    t.match(change(done, n1, 'tb-demo').message, /^Inst tb-demo \[1\.0\] \(1\.1 /);
    t.equal(await dpkg(n1), before, 'dpkg state unchanged');
  });

  t.test('upgrade tb-demo 1.0 -> 1.1, its new dependency reported after it', async (t) => {
    const { created, done } = await run('update', [n1.name], { packages: [{ name: 'tb-demo' }], refresh: false });
    runs.push(created.id);
    t.equal(done.status, 'succeeded');
    t.same(result(done, n1).value.changes.map((c: any) => [c.name, c.versionBefore, c.versionAfter, c.action]), [
      ['tb-demo', '1.0', '1.1', 'upgraded'], ['tb-lib', null, '0.5', 'installed'],
    ]);
    t.match(change(done, n1, 'tb-demo').message, /Unpacking tb-demo \(1\.1\) over \(1\.0\)/);
  });

  t.test('a version pin below the installed one downgrades', async (t) => {
    const { done } = await run('install', [n1.name], { packages: [{ name: 'tb-demo', version: '1.0' }] });
    t.equal(done.status, 'succeeded');
    t.match(change(done, n1, 'tb-demo'), { versionBefore: '1.1', versionAfter: '1.0', action: 'downgraded' });
  });

  t.test('a missing package: not_found, the target fails, the other package is reported', async (t) => {
    const { done } = await run('install', [n2.name], { packages: [{ name: 'tb-nope' }, { name: 'tb-lib' }] });
    t.equal(done.status, 'failed');
    const r = result(done, n2);
    t.same([r.status, r.exitCode], ['failed', 100]);
    t.same(r.value.changes.map((c: any) => [c.name, c.versionBefore, c.versionAfter, c.action]), [
      ['tb-nope', null, null, 'not_found'], ['tb-lib', null, null, 'failed'],
    ]);
    t.match(r.value.changes[0].message, /Unable to locate package tb-nope/);
    t.match(r.value.changes[1].message, /Unable to locate package tb-nope/, 'why apt-get did not install it');
  });

  t.test('remove', async (t) => {
    const { done } = await run('uninstall', [n1.name], { packages: ['tb-extra'] });
    t.equal(done.status, 'succeeded');
    t.match(change(done, n1, 'tb-extra'), { versionBefore: '2.0', versionAfter: null, action: 'removed', message: /Removing tb-extra \(2\.0\)/ });
    t.notMatch(await dpkg(n1), /ii +tb-extra/);
  });

  t.test('update-all: every upgradable package', async (t) => {
    const { done } = await run('update', [n2.name], {});
    t.equal(done.status, 'succeeded');
    t.same(result(done, n2).value.changes.map((c: any) => [c.name, c.versionBefore, c.versionAfter, c.action]).sort(), [
      ['tb-demo', '1.0', '1.1', 'upgraded'], ['tb-lib', null, '0.5', 'installed'],
    ]);
  });

  t.test('securityOnly: only what a *-security archive offers, dry run first', async (t) => {
    const added = await tb.ssh(n2, "printf 'deb [trusted=yes] file:/srv/tbrepo/security ./\\ndeb [trusted=yes] file:/srv/tbrepo/updates ./\\n' > /etc/apt/sources.list.d/tb-more.list");
    t.equal(added.exitCode, 0, added.stderr);
    const dry = await run('update', [n2.name], { securityOnly: true, dryRun: true });
    t.equal(dry.done.status, 'succeeded');
    t.same(brief(result(dry.done, n2).value.changes), [['tb-extra', '2.0', '2.1', 'upgraded']], 'tb-lib 0.6 (tb-updates) is left out');
    t.match(change(dry.done, n2, 'tb-extra').message, /^Inst tb-extra \[2\.0\] \(2\.1 Capstan tests:1\/tb-security \[all\]\)/);
    const { done } = await run('update', [n2.name], { securityOnly: true });
    t.equal(done.status, 'succeeded');
    t.same(brief(result(done, n2).value.changes), [['tb-extra', '2.0', '2.1', 'upgraded']]);
    t.match(await dpkg(n2), /^ii  tb-lib 0\.5$/m, 'the plain update was not applied');
    const all = await run('update', [n2.name], { dryRun: true });
    t.same(brief(result(all.done, n2).value.changes), [['tb-lib', '0.5', '0.6', 'upgraded']], 'update-all would take it');
  });

  t.test('a held dpkg lock is reported and waited out, then the run succeeds', async (t) => {
    const locker = execa('ssh', [...tb.sshArgs(n3), `python3 -c 'import fcntl,time; f=open("/var/lib/dpkg/lock-frontend","w"); fcntl.lockf(f, fcntl.LOCK_EX); print("locked", flush=True); time.sleep(3)'`], { reject: false });
    t.teardown(() => { locker.kill(); });
    const locked = new Promise<void>((resolve) => locker.stdout!.on('data', (d: Buffer) => { if (String(d).includes('locked')) resolve(); }));
    await Promise.race([locked, locker.then((r) => { throw new Error(`the locker ended: ${r.stderr}`); })]);
    const { created, done } = await run('install', [n3.name], { packages: [{ name: 'tb-lib' }] });
    await locker;
    t.equal(done.status, 'succeeded');
    const r = result(done, n3);
    t.ok(r.value.lockWaits.length >= 1, 'at least one wait');
    t.match(r.value.lockWaits[0], /^\/var\/lib\/dpkg\/lock-frontend held by process \d+ \(python3\)$/);
    const notices = (await events(app, created.id)).filter((e) => e.type === 'notice').map((e) => e.data.message);
    t.match(notices[0], /package database locked: \/var\/lib\/dpkg\/lock-frontend held by process \d+ \(python3\); trying again in \d+ s/);
    t.match(change(done, n3, 'tb-lib'), { versionAfter: '0.5', action: 'installed' });
  });

  t.test('names that look like options are refused (400), nothing runs', async (t) => {
    for (const [verb, params] of [
      ['install', { packages: [{ name: '-oDebug::pkgProblemResolver=1' }] }],
      ['install', { packages: [{ name: 'tb-demo', version: '--force' }] }],
      ['uninstall', { packages: ['--purge'] }],
      ['update', { packages: [{ name: '-s' }] }],
    ] as const) {
      const res = await app.inject({ method: 'POST', url: `/api/v1/packages/${verb}`, payload: { targets: [n1.name], params } });
      t.equal(res.statusCode, 400, `${verb} ${JSON.stringify(params)}`);
      t.match(res.json(), { category: 'validation' });
    }
  });

  t.test('the node journal has the package runs', async (t) => {
    const res = await app.inject({ url: `/api/v1/nodes/${n1.name}/journal?limit=100` });
    t.equal(res.statusCode, 200);
    const entries = res.json().items ?? res.json().entries;
    for (const id of runs) t.ok(entries.some((e: any) => e.executionId === id && e.kind === 'package'), `journal entry of ${id}`);
  });

  t.test('cancel mid-run: canceled, nothing left running on the host', async (t) => {
    const created = await post('install', [n3.name], { packages: [{ name: 'tb-slow' }] });
    await until('tb-slow\'s postinst to run', async () => {
      const evs = await events(app, created.id);
      if (evs.some((e) => e.type === 'complete')) throw new Error(`ended early: ${JSON.stringify(evs.slice(-3))}`);
      return lines(evs, 'stdout', n3.name).some((l) => l.startsWith('Setting up tb-slow'));
    }, 60_000);
    const res = await app.inject({ method: 'POST', url: `/api/v1/executions/${created.id}/cancel` });
    t.ok([200, 202].includes(res.statusCode), `cancel answered ${res.statusCode}`);
    const done = await waitForExecution(app, created.id, 60);
    t.equal(done.status, 'canceled');
    const left = await until('no process of the run left on the host', () => (tb.processes(n3).length === 0 ? true : undefined), 20_000).catch(() => false);
    t.ok(left, `processes left: ${tb.processes(n3).join(' ')}`);
  });
});
