/**
 * zypper (src/capabilities/package-managers/zypper.ts) on recorded outputs: install, remove, update,
 * list-updates and search as KernelTalks recorded them on SLES 12 SP3, a newer summary, libzypp's lock
 * message (test/packages/fixtures/zypper/SOURCES.md names each source).
 */
import t from 'tap';
import { zypper, parseSummary, parseTable } from '../../src/capabilities/package-managers/zypper.js';
import { RPM_QUERY_FORMAT as QF } from '../../src/capabilities/package-managers/rpm.js';
import { lines } from './fixtures.js';

const Z = ['zypper', '--non-interactive', '--no-color'];

t.test('commands: argv for every operation, pins, security, dry runs, refresh', async (t) => {
  t.same(zypper.commands({ kind: 'install', packages: [{ name: 'telnet' }, { name: 'rsync', version: '3.1.0-13.10.1' }], refresh: true, dryRun: false }), [
    [...Z, 'refresh'],
    [...Z, 'install', '--auto-agree-with-licenses', '--', 'telnet', 'rsync=3.1.0-13.10.1'],
  ]);
  t.same(zypper.commands({ kind: 'install', packages: [{ name: 'telnet' }], refresh: false, dryRun: true }), [[...Z, 'install', '--auto-agree-with-licenses', '--dry-run', '--details', '--', 'telnet']]);
  t.same(zypper.commands({ kind: 'uninstall', names: ['telnet'], purge: true, dryRun: true }), [[...Z, 'remove', '--dry-run', '--details', '--', 'telnet']]);
  t.same(zypper.commands({ kind: 'update', packages: [{ name: 'rsync' }], securityOnly: false, refresh: false, dryRun: false }), [[...Z, 'update', '--auto-agree-with-licenses', '--', 'rsync']]);
  t.same(zypper.commands({ kind: 'update', packages: [{ name: 'rsync', version: '3.1.0-12.1' }], securityOnly: false, refresh: false, dryRun: false }),
    [[...Z, 'install', '--auto-agree-with-licenses', '--oldpackage', '--', 'rsync=3.1.0-12.1']], 'a pinned update installs that version');
  t.same(zypper.commands({ kind: 'update', securityOnly: false, refresh: true, dryRun: false }), [[...Z, 'refresh'], [...Z, 'update', '--auto-agree-with-licenses']]);
  t.same(zypper.commands({ kind: 'update', securityOnly: true, refresh: false, dryRun: true }), [[...Z, 'patch', '--category', 'security', '--auto-agree-with-licenses', '--dry-run', '--details']]);
  t.throws(() => zypper.commands({ kind: 'update', packages: [{ name: 'rsync' }], securityOnly: true, refresh: false, dryRun: false }), { code: 'CAPSTAN_ERR_REQUEST_VALIDATION' });
  t.same(zypper.commands({ kind: 'list', upgradable: true, name: 'rsync' }), [['rpm', '-qa', '--qf', QF, '--', 'rsync'], [...Z, 'list-updates']]);
  t.same(zypper.commands({ kind: 'search', query: 'lvm', limit: 5 }), [[...Z, 'search', '--details', '--type', 'package', '--', 'lvm']]);
  t.same(zypper.queryInstalled(['telnet']), ['rpm', '-q', '--qf', QF, '--', 'telnet']);
});

t.test('parseSummary: names-only summaries, the commit lines, --details rows', async (t) => {
  t.same(parseSummary(lines('zypper', 'install-telnet.txt')).get('telnet'), { action: 'installed', versionAfter: '1.2-165.63', arch: 'x86_64' });
  t.same(parseSummary(lines('zypper', 'remove-telnet.txt')).get('telnet'), { action: 'removed', versionBefore: '1.2-165.63', versionAfter: null, arch: 'x86_64' });
  t.same(parseSummary(lines('zypper', 'update-rsync.txt')).get('rsync'), { action: 'upgraded', versionAfter: '3.1.0-13.10.1', arch: 'x86_64' });
  const bind = parseSummary(lines('zypper', 'upgrade-bind.txt'));
  t.same([...bind].map(([n, p]) => [n, p.action]), [['bind-utils', 'upgraded'], ['NetworkManager-dns-bind', 'installed'], ['bind', 'installed']]);
  // Layout of zypper's src/Summary.cc with --details (no recorded sample found): name, old -> new, arch, repository.
  t.same(parseSummary(['The following package is going to be upgraded:', '  rsync  3.1.0-12.1 -> 3.1.0-13.10.1  x86_64  SLES12-SP3-Updates', ''] ).get('rsync'),
    { action: 'upgraded', versionBefore: '3.1.0-12.1', versionAfter: '3.1.0-13.10.1', arch: 'x86_64' });
  t.same(parseSummary(['The following NEW package is going to be installed:', '  telnet  1.2-165.63  x86_64  SLES12-SP3-Pool', '']).get('telnet'),
    { action: 'installed', versionAfter: '1.2-165.63', arch: 'x86_64' });
});

t.test('parseChanges: install, remove, update (real runs) from rpm before and after', async (t) => {
  const telnet = { name: 'telnet', version: '1.2-165.63', arch: 'x86_64' };
  const installed = zypper.parseChanges({ kind: 'install', packages: [{ name: 'telnet' }], refresh: false, dryRun: false }, lines('zypper', 'install-telnet.txt'), 0, [], [telnet]);
  t.match(installed[0], { name: 'telnet', arch: 'x86_64', versionBefore: null, versionAfter: '1.2-165.63', action: 'installed' });
  t.match(installed[0].message, /\(1\/1\) Installing: telnet-1\.2-165\.63\.x86_64/, 'zypper\'s own lines about it');
  t.equal(installed.length, 1);
  t.match(zypper.parseChanges({ kind: 'uninstall', names: ['telnet'], purge: false, dryRun: false }, lines('zypper', 'remove-telnet.txt'), 0, [telnet], [])[0],
    { name: 'telnet', versionBefore: '1.2-165.63', versionAfter: null, action: 'removed' });
  const rsync = { name: 'rsync', version: '3.1.0-12.1', arch: 'x86_64' };
  t.match(zypper.parseChanges({ kind: 'update', packages: [{ name: 'rsync' }], securityOnly: false, refresh: false, dryRun: false }, lines('zypper', 'update-rsync.txt'), 0, [rsync], [{ ...rsync, version: '3.1.0-13.10.1' }])[0],
    { versionBefore: '3.1.0-12.1', versionAfter: '3.1.0-13.10.1', action: 'upgraded' });
  const current = zypper.parseChanges({ kind: 'install', packages: [{ name: 'telnet' }], refresh: false, dryRun: false }, ["'telnet' is already installed.", 'Nothing to do.'], 0, [telnet], [telnet]);
  t.match(current[0], { action: 'current', message: "'telnet' is already installed." });
});

t.test('parseChanges: not found, not installed, locked packages', async (t) => {
  const nf = zypper.parseChanges({ kind: 'install', packages: [{ name: 'nosuch' }, { name: 'rsync', version: '9.9' }], refresh: false, dryRun: false },
    ["'nosuch' not found in package names. Trying capabilities.", "No provider of 'nosuch' found.", "No provider of 'rsync=9.9' found."], 104, [], []);
  t.same(nf.map((c) => [c.name, c.action, c.message]), [['nosuch', 'not_found', "No provider of 'nosuch' found."], ['rsync', 'not_found', "No provider of 'rsync=9.9' found."]]);
  t.notOk(zypper.succeeded!({ kind: 'install', packages: [{ name: 'nosuch' }], refresh: false, dryRun: false }, [], 104), '104: a capability was not found');
  const rm = zypper.parseChanges({ kind: 'uninstall', names: ['nosuch'], purge: false, dryRun: false }, ["Package 'nosuch' is not installed."], 0, [], []);
  t.match(rm[0], { action: 'not_found', message: "Package 'nosuch' is not installed." });
  const held = zypper.parseChanges({ kind: 'update', packages: [{ name: 'rsync' }], securityOnly: false, refresh: false, dryRun: false },
    ["There is an update candidate for 'rsync', but it is locked. Use 'zypper removelock rsync' to unlock it."], 0, [{ name: 'rsync', version: '3.1.0-12.1' }], [{ name: 'rsync', version: '3.1.0-12.1' }]);
  t.equal(held[0].action, 'held');
});

t.test('dry run: the summary is the plan; exit codes 100-103 and 106 are successes', async (t) => {
  const op = { kind: 'update' as const, securityOnly: false, refresh: false, dryRun: true };
  const changes = zypper.parseChanges(op, lines('zypper', 'upgrade-bind.txt'), 0, [], []);
  t.same(changes.map((c) => [c.name, c.action]), [['NetworkManager-dns-bind', 'installed'], ['bind', 'installed'], ['bind-utils', 'upgraded']]);
  for (const code of [0, 100, 101, 102, 103, 106]) t.ok(zypper.succeeded!(op, [], code), `exit ${code}`);
  for (const code of [1, 4, 5, 7, 104, 107]) t.notOk(zypper.succeeded!(op, [], code), `exit ${code}`);
});

t.test('exit 103 (ZYPPER_EXIT_INF_RESTART_NEEDED): rerun by the script; still 103 after the reruns is a failure', async (t) => {
  t.same(zypper.rerunOn, [103], 'the script runs the command again (zypper(8) EXIT CODES: "needs to be executed once again")');
  const real = { kind: 'update' as const, securityOnly: true, refresh: false, dryRun: false };
  t.notOk(zypper.succeeded!(real, [], 103), 'a real run ending on 103 did not finish');
  for (const code of [0, 100, 101, 102, 106]) t.ok(zypper.succeeded!(real, [], code), `exit ${code}`);
  const warning = 'Warning: One of the installed patches affects the package manager itself. Run this command once more to install any other needed patches.';
  const rsync = { name: 'rsync', version: '3.1.0-12.1', arch: 'x86_64' };
  const zyp = { name: 'zypper', version: '1.14.10-1.1', arch: 'x86_64' };
  const op = { kind: 'update' as const, packages: [{ name: 'zypper' }, { name: 'rsync' }], securityOnly: false, refresh: false, dryRun: false };
  const changes = zypper.parseChanges(op, [warning], 103, [zyp, rsync], [{ ...zyp, version: '1.14.11-1.1' }, rsync]);
  t.same(changes.map((c) => [c.name, c.action]), [['zypper', 'upgraded'], ['rsync', 'failed']]);
  t.equal(changes[1].message, warning, "zypper's own message");
  t.match(zypper.parseChanges(op, [], 103, [rsync], [rsync])[1], { action: 'failed', message: /103/ });
});

t.test('lockHeld: privileges are never a lock', async (t) => {
  t.notOk(zypper.lockHeld(['Root privileges are required for installing or uninstalling packages.'], 5), 'ZYPPER_EXIT_ERR_PRIVILEGES');
  t.notOk(zypper.lockHeld([], 5));
  t.notOk(zypper.lockHeld(["Root privileges are required for refreshing system repositories."], 7), 'a permission text wins over the code');
  t.ok(zypper.lockHeld(lines('zypper', 'locked.txt'), 7), 'the lock message still is one');
});

t.test('arch-qualified names: foo.i586 and foo.x86_64 are told apart; names with other dots stay names', async (t) => {
  t.same(zypper.commands({ kind: 'install', packages: [{ name: 'glibc.i586', version: '2.26-13.8.1' }], refresh: false, dryRun: false }),
    [[...Z, 'install', '--auto-agree-with-licenses', '--', 'glibc.i586=2.26-13.8.1']], 'zypper(8): NAME[.ARCH][OP<VERSION>]');
  const x64 = { name: 'glibc', version: '2.26-13.8.1', arch: 'x86_64' };
  const i586 = { name: 'glibc', version: '2.26-13.8.1', arch: 'i586' };
  const out = ['The following NEW package is going to be installed:', '  glibc', '', '(1/1) Installing: glibc-2.26-13.8.1.i586 ..................[done]'];
  const inst = zypper.parseChanges({ kind: 'install', packages: [{ name: 'glibc.i586' }], refresh: false, dryRun: false }, out, 0, [x64], [x64, i586]);
  t.same(inst.map((c) => [c.name, c.arch, c.versionBefore, c.versionAfter, c.action]), [['glibc.i586', 'i586', null, '2.26-13.8.1', 'installed']]);
  const cur = zypper.parseChanges({ kind: 'install', packages: [{ name: 'glibc.x86_64' }], refresh: false, dryRun: false }, ["'glibc.x86_64' is already installed."], 0, [x64, i586], [x64, i586]);
  t.same(cur.map((c) => [c.name, c.arch, c.action]), [['glibc.x86_64', 'x86_64', 'current']]);
  const two = parseSummary(['(1/2) Installing: glibc-2.26-13.8.1.x86_64 ..[done]', '(2/2) Installing: glibc-2.26-13.8.1.i586 ..[done]']);
  t.same([...two.keys()], ['glibc', 'glibc.i586'], 'a second architecture of one name gets its own key');
  t.same(two.get('glibc.i586'), { name: 'glibc', action: 'installed', versionAfter: '2.26-13.8.1', arch: 'i586' });
  const py = zypper.parseChanges({ kind: 'install', packages: [{ name: 'python3.11' }], refresh: false, dryRun: false }, [], 0, [], [{ name: 'python3.11', version: '3.11.9-1.1', arch: 'x86_64' }]);
  t.match(py, [{ name: 'python3.11', arch: 'x86_64', action: 'installed' }]);
});

t.test('after-state unknown: the summary and commit lines of a successful run, else failed; never removed', async (t) => {
  const telnet = { name: 'telnet', version: '1.2-165.63', arch: 'x86_64' };
  const inst = zypper.parseChanges({ kind: 'install', packages: [{ name: 'telnet' }], refresh: false, dryRun: false }, lines('zypper', 'install-telnet.txt'), 0, [], undefined);
  t.match(inst, [{ name: 'telnet', arch: 'x86_64', versionBefore: null, versionAfter: '1.2-165.63', action: 'installed', message: /could not be read/ }]);
  const rm = zypper.parseChanges({ kind: 'uninstall', names: ['telnet'], purge: false, dryRun: false }, lines('zypper', 'remove-telnet.txt'), 0, [telnet], undefined);
  t.match(rm, [{ name: 'telnet', versionBefore: '1.2-165.63', versionAfter: null, action: 'removed' }], 'removed because zypper said so');
  const cut = zypper.parseChanges({ kind: 'uninstall', names: ['telnet'], purge: false, dryRun: false }, ['Loading repository data...'], 0, [telnet], undefined);
  t.match(cut, [{ name: 'telnet', action: 'failed', versionAfter: null, message: /could not be read/ }]);
  const failedRun = zypper.parseChanges({ kind: 'install', packages: [{ name: 'telnet' }], refresh: false, dryRun: false }, lines('zypper', 'install-telnet.txt'), 8, [], undefined);
  t.match(failedRun, [{ name: 'telnet', action: 'failed', message: /planned: installed/ }], 'an unsuccessful run: the plan is not what happened');
});

t.test('update of a package not installed before: not_found', async (t) => {
  const op = { kind: 'update' as const, packages: [{ name: 'rsync' }], securityOnly: false, refresh: false, dryRun: false };
  t.match(zypper.parseChanges(op, ["Package 'rsync' is not installed."], 0, [], []), [{ name: 'rsync', action: 'not_found', message: "Package 'rsync' is not installed." }]);
  t.match(zypper.parseChanges(op, ["No provider of 'rsync' is installed."], 104, [], undefined), [{ name: 'rsync', action: 'not_found' }]);
  t.match(zypper.parseChanges(op, [], 0, [], []), [{ name: 'rsync', action: 'not_found' }]);
});

t.test('lockHeld: libzypp\'s message and exit 7', async (t) => {
  t.equal(zypper.lockHeld(lines('zypper', 'locked.txt'), 7), '/run/zypp.pid held by process 4242 (zypper)');
  t.ok(zypper.lockHeld([], 7));
  t.notOk(zypper.lockHeld(lines('zypper', 'install-telnet.txt'), 0));
});

t.test('parseList and parseSearch: zypper tables by their headers', async (t) => {
  const rpm = ['rsync\t3.1.0-12.1\tx86_64', 'telnet\t1.2-165.63\tx86_64'];
  const list = zypper.parseList({ kind: 'list', upgradable: true }, [...rpm, ...lines('zypper', 'list-updates.txt')]);
  t.same(list.find((p) => p.name === 'rsync'), { name: 'rsync', version: '3.1.0-12.1', architecture: 'x86_64', status: 'upgradable', availableVersion: '3.1.0-13.10.1', repository: 'SLES12-SP3-Updates' });
  t.same(list.find((p) => p.name === 'telnet'), { name: 'telnet', version: '1.2-165.63', architecture: 'x86_64', status: 'installed' });
  t.equal(list.filter((p) => p.status === 'upgradable').length, 6);
  t.same(zypper.parseList({ kind: 'list', name: 'tel*', upgradable: false }, rpm).map((p) => p.name), ['telnet']);
  const found = zypper.parseSearch({ kind: 'search', query: 'lvm', limit: 10 }, lines('zypper', 'search-lvm.txt'));
  t.equal(found.length, 6, 'the srcpackage row is left out');
  t.same(found.find((p) => p.name === 'lvm2'), { name: 'lvm2', status: 'installed', description: 'Logical Volume Manager Tools' });
  t.same(found[0], { name: 'libLLVM', status: 'available', description: 'Libraries for LLVM' });
  t.same(parseTable(['S | Name | Type | Version | Arch | Repository', '--+------+------+---------+------+-----------', 'v | rsync | package | 3.1.0-13.10.1 | x86_64 | SLES12-SP3-Updates'])[0],
    { s: 'v', name: 'rsync', type: 'package', version: '3.1.0-13.10.1', arch: 'x86_64', repository: 'SLES12-SP3-Updates' }, 'search --details columns');
});
