/**
 * dnf and yum (src/capabilities/package-managers/dnf.ts) on recorded outputs: dnf 4 and dnf 5 transaction
 * tables, not-found and abort messages from rpm-software-management/ci-dnf-stack's behave features, a yum
 * lock wait as yum 3 prints it (test/packages/fixtures/dnf/SOURCES.md names each source).
 */
import t from 'tap';
import { dnf, yum, parseTransaction } from '../../src/capabilities/package-managers/dnf.js';
import { RPM_QUERY_FORMAT } from '../../src/capabilities/package-managers/rpm.js';
import { lines } from './fixtures.js';

const QF = RPM_QUERY_FORMAT;
const NW = '--setopt=exit_on_lock=True';

t.test('commands: argv for every operation, pins, security, dry runs, refresh', async (t) => {
  t.same(dnf.commands({ kind: 'install', packages: [{ name: 'nginx' }, { name: 'curl', version: '7.76.1-26.el9' }], refresh: true, dryRun: false }), [
    ['dnf', NW, 'makecache'],
    ['dnf', '-y', NW, 'install', '--', 'nginx', 'curl-7.76.1-26.el9'],
  ]);
  t.same(dnf.commands({ kind: 'install', packages: [{ name: 'nginx' }], refresh: false, dryRun: true }), [['dnf', '--assumeno', NW, 'install', '--', 'nginx']]);
  t.same(dnf.commands({ kind: 'uninstall', names: ['telnet', 'ftp'], purge: true, dryRun: false }), [['dnf', '-y', NW, 'remove', '--', 'telnet', 'ftp']], 'rpm has no purge');
  t.same(dnf.commands({ kind: 'uninstall', names: ['telnet'], purge: false, dryRun: true }), [['dnf', '--assumeno', NW, 'remove', '--', 'telnet']]);
  t.same(dnf.commands({ kind: 'update', packages: [{ name: 'openssl', version: '1:3.0.7-27.el9' }], securityOnly: true, refresh: false, dryRun: false }), [
    ['dnf', '-y', NW, 'upgrade', '--security', '--', 'openssl-1:3.0.7-27.el9'],
  ]);
  t.same(dnf.commands({ kind: 'update', securityOnly: false, refresh: true, dryRun: true }), [['dnf', NW, 'makecache'], ['dnf', '--assumeno', NW, 'upgrade']], 'update-all');
  t.same(yum.commands({ kind: 'update', securityOnly: true, refresh: false, dryRun: false }), [['yum', '-y', NW, 'update', '--security']]);
  t.same(yum.commands({ kind: 'install', packages: [{ name: 'nginx' }], refresh: true, dryRun: true }), [
    ['yum', NW, 'makecache'],
    ['yum', '--assumeno', NW, 'install', '--', 'nginx'],
  ]);
  t.same(dnf.commands({ kind: 'list', upgradable: false }), [['rpm', '-qa', '--qf', QF]]);
  t.same(dnf.commands({ kind: 'list', name: 'openssl*', upgradable: true }), [['rpm', '-qa', '--qf', QF, '--', 'openssl*'], ['dnf', '-q', 'list', '--upgrades', '--', 'openssl*']]);
  t.same(yum.commands({ kind: 'list', upgradable: true }), [['rpm', '-qa', '--qf', QF], ['yum', '-q', 'list', 'updates']]);
  t.same(dnf.commands({ kind: 'search', query: 'nginx', limit: 10 }), [['dnf', '-q', 'list', '--available', '--', '*nginx*']]);
  t.same(yum.commands({ kind: 'search', query: 'python3-*', limit: 10 }), [['yum', '-q', 'list', 'available', '--', 'python3-*']]);
  t.same(dnf.queryInstalled(['setup', 'glibc']), ['rpm', '-q', '--qf', QF, '--', 'setup', 'glibc']);
  t.same(dnf.queryInstalled([]), ['rpm', '-qa', '--qf', QF]);
  t.equal(QF, '%{NAME}\\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\t%{ARCH}\\n', 'rpm reads \\t and \\n itself');
});

t.test('parseInstalled: rpm query lines; "is not installed" and (none) arches', async (t) => {
  t.same(dnf.parseInstalled(lines('dnf', 'rpm-query.txt')), [
    { name: 'setup', version: '2.12.1-1.fc29', arch: 'noarch' },
    { name: 'glibc', version: '2.28-9.fc29', arch: 'x86_64' },
    { name: 'gpg-pubkey', version: '3c3359c4-5c6ae44d' },
  ]);
});

t.test('parseTransaction: dnf 4 and dnf 5 tables give the same plan', async (t) => {
  const four = parseTransaction(lines('dnf', 'dnf4-install.txt'));
  const five = parseTransaction(lines('dnf', 'dnf5-install.txt'));
  t.equal(four.size, 11);
  t.same([...four.keys()].sort(), [...five.keys()].sort());
  t.same(four.get('wget.x86_64'), { name: 'wget', action: 'installed', arch: 'x86_64', versionAfter: '1.19.5-5.fc29' });
  t.same(five.get('wget.x86_64'), { name: 'wget', action: 'installed', arch: 'x86_64', versionAfter: '1.19.5-5.fc29' }, 'dnf 5\'s 0: epoch dropped');
  t.same(four.get('FlacBetterEncoder.x86_64'), { name: 'FlacBetterEncoder', action: 'installed', arch: 'x86_64', versionAfter: '1.0-1' }, 'weak dependencies');
  t.same(parseTransaction(lines('dnf', 'dnf4-upgrade-section.txt')).get('SuperRipper.x86_64'), { name: 'SuperRipper', action: 'upgraded', arch: 'x86_64', versionAfter: '1.2-1' });
  t.same(parseTransaction(['Removing:', ' telnet   x86_64   1:0.17-85.el9   @appstream   119 k', '']).get('telnet.x86_64'),
    { name: 'telnet', action: 'removed', arch: 'x86_64', versionBefore: '1:0.17-85.el9', versionAfter: null }, 'an epoch other than 0 is kept');
  t.same(parseTransaction(['Upgrading:', ' SuperRipper x86_64 0:1.2-1 dnf-ci-thirdparty-updates 0.0 B', '   replacing SuperRipper x86_64 0:1.0-1 @System 0.0 B']).get('SuperRipper.x86_64'),
    { name: 'SuperRipper', action: 'upgraded', arch: 'x86_64', versionAfter: '1.2-1', versionBefore: '1.0-1' }, 'dnf 5 "replacing" gives the version before');
  t.same(parseTransaction(['Installing:', ' forTestingPurposesWeEvenHaveReallyLongVersions', '        x86_64   1435347658326856238756823658aaaa-1   dnf-ci-thirdparty   6.0 k']).get('forTestingPurposesWeEvenHaveReallyLongVersions.x86_64'),
    { name: 'forTestingPurposesWeEvenHaveReallyLongVersions', action: 'installed', arch: 'x86_64', versionAfter: '1435347658326856238756823658aaaa-1' }, 'a name too long for its column wraps');
});

t.test('parseChanges: install (real run), from versions before and after, dependencies from the table', async (t) => {
  const op = { kind: 'install' as const, packages: [{ name: 'wget' }, { name: 'setup' }], refresh: false, dryRun: false };
  const before = [{ name: 'setup', version: '2.12.1-1.fc29', arch: 'noarch' }];
  const after = [...before, { name: 'wget', version: '1.19.5-5.fc29', arch: 'x86_64' }];
  const changes = dnf.parseChanges(op, lines('dnf', 'dnf4-install.txt'), 0, before, after);
  t.same(changes.slice(0, 2).map((c) => [c.name, c.versionBefore, c.versionAfter, c.action]), [
    ['wget', null, '1.19.5-5.fc29', 'installed'],
    ['setup', '2.12.1-1.fc29', '2.12.1-1.fc29', 'current'],
  ]);
  t.equal(changes.length, 11, 'the other packages of the transaction follow');
  t.same(changes.find((c) => c.name === 'glibc'), { name: 'glibc', arch: 'x86_64', versionBefore: null, versionAfter: '2.28-9.fc29', action: 'installed' });
});

t.test('parseChanges: upgrade, downgrade, remove, update of a package not installed', async (t) => {
  const s = { name: 'SuperRipper', version: '1.0-1', arch: 'x86_64' };
  const up = dnf.parseChanges({ kind: 'update', packages: [{ name: 'SuperRipper' }], securityOnly: false, refresh: false, dryRun: false }, lines('dnf', 'dnf4-upgrade-section.txt'), 0, [s], [{ ...s, version: '1.2-1' }]);
  t.match(up[0], { name: 'SuperRipper', versionBefore: '1.0-1', versionAfter: '1.2-1', action: 'upgraded' });
  const down = dnf.parseChanges({ kind: 'install', packages: [{ name: 'SuperRipper', version: '1.0-1' }], refresh: false, dryRun: false }, [], 0, [{ ...s, version: '1.2-1' }], [s]);
  t.match(down[0], { versionBefore: '1.2-1', versionAfter: '1.0-1', action: 'downgraded' });
  const rm = dnf.parseChanges({ kind: 'uninstall', names: ['SuperRipper', 'ghost'], purge: false, dryRun: false }, [], 0, [s], []);
  t.same(rm.map((c) => [c.name, c.action, c.versionAfter]), [['SuperRipper', 'removed', null], ['ghost', 'not_found', null]]);
  const missing = dnf.parseChanges({ kind: 'update', packages: [{ name: 'wget' }], securityOnly: false, refresh: false, dryRun: false },
    ['Package wget available, but not installed.', 'No match for argument: wget', 'Error: No packages marked for upgrade.'], 1, [], []);
  t.match(missing[0], { name: 'wget', action: 'not_found', message: 'Package wget available, but not installed.' });
});

t.test('parseChanges: not found (dnf 4, dnf 5, yum), the others of a failed transaction fail', async (t) => {
  const op = { kind: 'install' as const, packages: [{ name: 'setup' }, { name: 'non-existent-package' }], refresh: false, dryRun: false };
  const changes = dnf.parseChanges(op, lines('dnf', 'dnf4-not-found.txt'), 1, [], []);
  t.same(changes.map((c) => [c.name, c.action]), [['setup', 'failed'], ['non-existent-package', 'not_found']]);
  t.equal(changes[1].message, 'No match for argument: non-existent-package');
  const five = dnf.parseChanges({ ...op, packages: [{ name: 'dnf-ci-testgroup' }] }, ['Failed to resolve the transaction:', 'No match for argument: dnf-ci-testgroup'], 1, [], []);
  t.equal(five[0].action, 'not_found');
  const pinned = dnf.parseChanges({ ...op, packages: [{ name: 'wget', version: '9.9' }] }, ['Error: Unable to find a match: wget-9.9'], 1, [], []);
  t.match(pinned[0], { name: 'wget', action: 'not_found', message: 'Error: Unable to find a match: wget-9.9' }, 'a pin the repositories lack');
  const y = yum.parseChanges({ ...op, packages: [{ name: 'nosuch' }] }, ['No package nosuch available.', 'Error: Nothing to do'], 1, [], []);
  t.equal(y[0].action, 'not_found');
  const rm5 = dnf.parseChanges({ kind: 'uninstall', names: ['nosuch'], purge: false, dryRun: false }, ['No packages to remove for argument: nosuch'], 0, [], []);
  t.match(rm5[0], { action: 'not_found', message: 'No packages to remove for argument: nosuch' });
});

t.test('dry run (--assumeno): exit 1 after the abort is a success; the table is the plan', async (t) => {
  const op = { kind: 'install' as const, packages: [{ name: 'wget' }, { name: 'setup' }], refresh: false, dryRun: true };
  const out5 = lines('dnf', 'dnf5-install.txt');
  t.ok(dnf.succeeded!(op, out5, 1), 'dnf 5 "Operation aborted by the user."');
  const out4 = [...lines('dnf', 'dnf4-install.txt').slice(0, 21), 'Operation aborted.'];
  t.ok(dnf.succeeded!(op, out4, 1), 'dnf 4 "Operation aborted."');
  t.ok(yum.succeeded!(op, ['Exiting on user command', 'Your transaction was saved, rerun it with:'], 1), 'yum');
  t.notOk(dnf.succeeded!(op, lines('dnf', 'dnf4-not-found.txt'), 1), 'an error is not a declined prompt');
  t.notOk(dnf.succeeded!({ ...op, dryRun: false }, out5, 1), 'only dry runs');
  t.notOk(dnf.lockHeld(out5, 1), 'not a lock');
  const changes = dnf.parseChanges(op, out5, 1, [], []);
  t.same(changes[0], { name: 'wget', arch: 'x86_64', versionBefore: null, versionAfter: '1.19.5-5.fc29', action: 'installed', message: ' wget                x86_64 0:1.19.5-5.fc29 dnf-ci-fedora       0.0   B'.trim() });
  t.match(changes[1], { name: 'setup', arch: 'noarch', versionBefore: null, versionAfter: '2.12.1-1.fc29', action: 'installed' }, 'the plan says what would be done');
  t.equal(changes.length, 11);
  const nothing = dnf.parseChanges({ kind: 'update', packages: [{ name: 'setup' }], securityOnly: false, refresh: false, dryRun: true }, ['Dependencies resolved.', 'Nothing to do.', 'Complete!'], 0,
    [{ name: 'setup', version: '2.12.1-1.fc29', arch: 'noarch' }], []);
  t.match(nothing[0], { action: 'current', versionAfter: '2.12.1-1.fc29' }, 'nothing to do: current');
});

t.test('lockHeld: held by another process only (exit_on_lock answers of dnf 4 and yum, dnf 5\'s rpm lock)', async (t) => {
  t.equal(yum.lockHeld(lines('dnf', 'yum-lock.txt'), 200), 'yum lock (/var/run/yum.pid) held by PackageKit (pid 2922)');
  t.equal(yum.lockHeld(['Existing lock /var/run/yum.pid: another copy is running as pid 2922.', 'Another app is currently holding the yum lock; exiting as configured by exit_on_lock'], 1),
    'yum lock (/var/run/yum.pid) held by another process (pid 2922)', 'yum 3 with exit_on_lock exits 1');
  t.equal(dnf.lockHeld(lines('dnf', 'dnf4-exit-on-lock.txt'), 200), 'dnf RPMDB lock held by process 4242 (dnf)', 'dnf 4 with exit_on_lock exits 200');
  t.equal(dnf.lockHeld(['metadata already locked by 77', 'Unable to find information about the locking process (PID 77)'], 200), 'dnf metadata lock held by process 77', 'makecache: the metadata lock');
  t.equal(dnf.lockHeld(['Waiting for process with pid 1234 to finish.'], 1), 'dnf lock held by process 1234');
  t.equal(dnf.lockHeld(['Failed to obtain rpm transaction lock. Another transaction is in progress.'], 1), 'rpm transaction lock held by another process', 'dnf 5');
  t.notOk(dnf.lockHeld(['Waiting for process with pid 1234 to finish.', 'Complete!'], 0), 'it waited and went on');
  t.notOk(dnf.lockHeld(lines('dnf', 'dnf4-not-found.txt'), 1));
});

t.test('lockHeld: permission errors are never locks, whatever the exit code', async (t) => {
  t.notOk(dnf.lockHeld([], 200), 'exit 200 alone says nothing of who holds what');
  t.notOk(dnf.lockHeld(['Error: This command has to be run with superuser privileges (under the root user on most systems).'], 1));
  t.notOk(dnf.lockHeld(['Error: This command has to be run with superuser privileges (under the root user on most systems).'], 200));
  t.notOk(yum.lockHeld(['You need to be root to perform this command.'], 1));
  t.notOk(yum.lockHeld(["Could not create lock at /var/run/yum.pid: [Errno 13] Permission denied: '/var/run/yum.pid' ", "Can't create lock file; exiting"], 1));
  t.notOk(dnf.lockHeld(['Malformed lock file found: /var/cache/dnf/metadata_lock.pid.', 'Ensure no other dnf process is running and remove the lock file manually or run systemd-tmpfiles --remove dnf.conf.'], 200));
  t.notOk(dnf.lockHeld(["[Errno 13] Permission denied: '/var/cache/dnf/metadata_lock.pid'"], 1));
});

t.test('parseList and parseSearch', async (t) => {
  const rpm = lines('dnf', 'rpm-query.txt');
  t.same(dnf.parseList({ kind: 'list', upgradable: false }, rpm).map((p) => p.name), ['setup', 'glibc', 'gpg-pubkey']);
  t.same(dnf.parseList({ kind: 'list', name: 'g*', upgradable: false }, rpm).map((p) => p.name), ['glibc', 'gpg-pubkey'], 'name glob');
  const up = dnf.parseList({ kind: 'list', upgradable: true }, [...rpm, 'Available Upgrades', ...lines('dnf', 'dnf4-check-update.txt')]);
  t.same(up.find((p) => p.name === 'glibc'), { name: 'glibc', version: '2.28-9.fc29', architecture: 'x86_64', status: 'upgradable', availableVersion: '2.28-26.fc29', repository: 'dnf-ci-fedora-updates' });
  t.same(up.find((p) => p.name === 'setup'), { name: 'setup', version: '2.12.1-1.fc29', architecture: 'noarch', status: 'installed' });
  t.same(dnf.parseSearch({ kind: 'search', query: 'glibc', limit: 5 }, lines('dnf', 'dnf4-list-available.txt')), [
    { name: 'setup', version: '2.12.1-1.fc29', architecture: 'noarch', status: 'available', repository: 'dnf-ci-fedora' },
    { name: 'basesystem', version: '11-6.fc29', architecture: 'noarch', status: 'available', repository: 'dnf-ci-fedora' },
    { name: 'glibc', version: '2.28-9.fc29', architecture: 'x86_64', status: 'available', repository: 'dnf-ci-fedora' },
  ]);
});

t.test('arch-qualified names: name.arch pins, lookups by name and architecture, names with other dots', async (t) => {
  t.same(dnf.commands({ kind: 'install', packages: [{ name: 'glibc.i686', version: '2.28-26.fc29' }, { name: 'python3.11', version: '3.11.4-1.fc38' }], refresh: false, dryRun: false }),
    [['dnf', '-y', NW, 'install', '--', 'glibc-2.28-26.fc29.i686', 'python3.11-3.11.4-1.fc38']], 'a pin of name.arch is name-version.arch; python3.11 is a name');
  const x64 = { name: 'glibc', version: '2.28-9.fc29', arch: 'x86_64' };
  const i686 = { name: 'glibc', version: '2.28-9.fc29', arch: 'i686' };
  const install = dnf.parseChanges({ kind: 'install', packages: [{ name: 'glibc.i686' }], refresh: false, dryRun: false },
    ['Installing:', ' glibc      i686     2.28-9.fc29     dnf-ci-fedora     3.3 M', ''], 0, [x64], [x64, i686]);
  t.same(install, [{ name: 'glibc.i686', arch: 'i686', versionBefore: null, versionAfter: '2.28-9.fc29', action: 'installed' }],
    'installed although glibc.x86_64 was there; nothing else reported');
  const current = dnf.parseChanges({ kind: 'install', packages: [{ name: 'glibc.x86_64' }], refresh: false, dryRun: false }, ['Package glibc-2.28-9.fc29.x86_64 is already installed.'], 0, [x64, i686], [x64, i686]);
  t.match(current, [{ name: 'glibc.x86_64', arch: 'x86_64', action: 'current' }]);
  t.equal(current.length, 1);
  const rm = dnf.parseChanges({ kind: 'uninstall', names: ['glibc.i686'], purge: false, dryRun: false }, [], 0, [x64, i686], [x64]);
  t.same(rm, [{ name: 'glibc.i686', arch: 'i686', versionBefore: '2.28-9.fc29', versionAfter: null, action: 'removed' }], 'the x86_64 one stays and is not reported');
  const newer = { ...i686, version: '2.28-26.fc29' };
  const up = dnf.parseChanges({ kind: 'update', packages: [{ name: 'glibc.x86_64' }], securityOnly: false, refresh: false, dryRun: false }, [], 0,
    [x64, newer], [{ ...x64, version: '2.28-26.fc29' }, newer]);
  t.same(up, [{ name: 'glibc.x86_64', arch: 'x86_64', versionBefore: '2.28-9.fc29', versionAfter: '2.28-26.fc29', action: 'upgraded' }], 'not confused with the newer i686 one');
  const both = dnf.parseChanges({ kind: 'uninstall', names: ['glibc'], purge: false, dryRun: false }, [], 0, [x64, i686], []);
  t.same(both.map((c) => [c.name, c.arch, c.action]), [['glibc', 'x86_64', 'removed'], ['glibc', 'i686', 'removed']], 'a plain name removing both: each architecture reported');
  const py = dnf.parseChanges({ kind: 'install', packages: [{ name: 'python3.11' }], refresh: false, dryRun: false }, [], 0, [], [{ name: 'python3.11', version: '3.11.4-1.fc38', arch: 'x86_64' }]);
  t.match(py, [{ name: 'python3.11', arch: 'x86_64', action: 'installed' }]);
  const nf = dnf.parseChanges({ kind: 'install', packages: [{ name: 'glibc.i686', version: '9.9-1' }], refresh: false, dryRun: false }, ['No match for argument: glibc-9.9-1.i686', 'Error: Unable to find a match: glibc-9.9-1.i686'], 1, [x64], [x64]);
  t.match(nf, [{ name: 'glibc.i686', action: 'not_found', message: 'No match for argument: glibc-9.9-1.i686' }]);
  const dry = dnf.parseChanges({ kind: 'install', packages: [{ name: 'glibc.i686' }], refresh: false, dryRun: true },
    ['Upgrading:', ' glibc      x86_64   2.28-26.fc29     updates     3.3 M', 'Installing:', ' glibc      i686     2.28-26.fc29     updates     3.3 M', '', 'Operation aborted.'], 1, [x64], undefined);
  t.same(dry.map((c) => [c.name, c.arch, c.action]), [['glibc.i686', 'i686', 'installed'], ['glibc', 'x86_64', 'upgraded']], 'both arches of one name in one table');
});

t.test('after-state unknown: the transaction table of a successful run, else failed; never removed', async (t) => {
  const op = { kind: 'install' as const, packages: [{ name: 'wget' }], refresh: false, dryRun: false };
  const changes = dnf.parseChanges(op, lines('dnf', 'dnf4-install.txt'), 0, [], undefined);
  t.match(changes[0], { name: 'wget', arch: 'x86_64', versionBefore: null, versionAfter: '1.19.5-5.fc29', action: 'installed' });
  t.match(changes[0].message, /could not be read/);
  t.equal(changes.length, 11, 'the others of the table follow');
  const failedRun = dnf.parseChanges({ ...op, packages: [{ name: 'setup' }, { name: 'non-existent-package' }] }, lines('dnf', 'dnf4-not-found.txt'), 1, [], undefined);
  t.same(failedRun.map((c) => [c.name, c.action]), [['setup', 'failed'], ['non-existent-package', 'not_found']]);
  t.match(failedRun[0].message, /^the installed versions after the run could not be read/);
  const rm = dnf.parseChanges({ kind: 'uninstall', names: ['telnet'], purge: false, dryRun: false }, [], 0, [{ name: 'telnet', version: '1:0.17-85.el9', arch: 'x86_64' }], undefined);
  t.match(rm, [{ name: 'telnet', action: 'failed', versionBefore: '1:0.17-85.el9', versionAfter: null, message: /could not be read/ }], 'no output and no after: failed, not removed');
  const rmPlan = dnf.parseChanges({ kind: 'uninstall', names: ['telnet'], purge: false, dryRun: false }, ['Removing:', ' telnet   x86_64   1:0.17-85.el9   @appstream   119 k', '', 'Complete!'], 0,
    [{ name: 'telnet', version: '1:0.17-85.el9', arch: 'x86_64' }], undefined);
  t.match(rmPlan, [{ name: 'telnet', action: 'removed', versionAfter: null }], 'removed because dnf said so');
});

t.test('update of a package not installed before: not_found (after known or not)', async (t) => {
  const op = { kind: 'update' as const, packages: [{ name: 'wget' }], securityOnly: false, refresh: false, dryRun: false };
  const out = ['Package wget available, but not installed.', 'No match for argument: wget', 'Error: No packages marked for upgrade.'];
  t.match(dnf.parseChanges(op, out, 1, [], []), [{ name: 'wget', action: 'not_found' }]);
  t.match(dnf.parseChanges(op, out, 1, [], undefined), [{ name: 'wget', action: 'not_found' }]);
  t.match(dnf.parseChanges(op, [], 0, [], []), [{ name: 'wget', action: 'not_found', message: 'not installed' }], 'no message: not installed');
});
