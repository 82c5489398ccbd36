/**
 * Chocolatey (src/capabilities/package-managers/chocolatey.ts) on the lines Chocolatey CLI's own pester and
 * integration tests expect (test/packages/fixtures/chocolatey/SOURCES.md names each source).
 */
import t from 'tap';
import { chocolatey as choco } from '../../src/capabilities/package-managers/chocolatey.js';
import { lines } from './fixtures.js';

const C = ['-y', '--no-progress'];

t.test('commands: argv for every operation, pins, dry runs; no refresh, purge or security filter', async (t) => {
  t.same(choco.commands({ kind: 'install', packages: [{ name: 'git' }, { name: 'nodejs', version: '20.11.1' }, { name: '7zip' }], refresh: true, dryRun: false }), [
    ['choco', 'install', 'git', '7zip', ...C],
    ['choco', 'install', 'nodejs', '--version', '20.11.1', ...C],
  ], '--version applies to a whole command: one per pin');
  t.same(choco.commands({ kind: 'install', packages: [{ name: 'git' }], refresh: false, dryRun: true }), [['choco', 'install', 'git', ...C, '--noop']]);
  t.same(choco.commands({ kind: 'uninstall', names: ['git', 'nodejs'], purge: true, dryRun: true }), [['choco', 'uninstall', 'git', 'nodejs', ...C, '--noop']]);
  t.same(choco.commands({ kind: 'update', packages: [{ name: 'git' }, { name: 'nodejs', version: '18.19.0' }], securityOnly: false, refresh: false, dryRun: false }), [
    ['choco', 'upgrade', 'git', '--fail-on-not-installed', ...C],
    ['choco', 'upgrade', 'nodejs', '--version', '18.19.0', '--allow-downgrade', '--fail-on-not-installed', ...C],
  ]);
  t.same(choco.commands({ kind: 'update', securityOnly: false, refresh: true, dryRun: true }), [['choco', 'upgrade', 'all', ...C, '--noop']]);
  t.throws(() => choco.commands({ kind: 'update', securityOnly: true, refresh: false, dryRun: false }), { code: 'CAPSTAN_ERR_REQUEST_VALIDATION' });
  t.same(choco.commands({ kind: 'list', upgradable: false }), [['choco', 'list', '--local-only', '--limit-output']]);
  t.same(choco.commands({ kind: 'list', upgradable: true }), [['choco', 'list', '--local-only', '--limit-output'], ['choco', 'outdated', '--limit-output']]);
  t.same(choco.commands({ kind: 'search', query: 'package13', limit: 5 }), [['choco', 'search', 'package13', '--limit-output']]);
  t.throws(() => choco.commands({ kind: 'search', query: 'a"b', limit: 5 }), { code: 'CAPSTAN_ERR_REQUEST_VALIDATION' }, 'a double quote cannot reach choco intact');
  t.throws(() => choco.commands({ kind: 'search', query: '--source=evil', limit: 5 }), { code: 'CAPSTAN_ERR_REQUEST_VALIDATION' }, 'a query that choco would take for an option');
  t.throws(() => choco.commands({ kind: 'search', query: '/s', limit: 5 }), { code: 'CAPSTAN_ERR_REQUEST_VALIDATION' });
  t.same(choco.queryInstalled(['git']), ['choco', 'list', '--local-only', '--limit-output']);
  t.equal(choco.shell, 'powershell');
  t.same(choco.continueOn, [1641, 3010]);
});

t.test('parseInstalled: name|version rows only', async (t) => {
  t.same(choco.parseInstalled(['Chocolatey v2.2.2', 'chocolatey|2.2.2', 'git|2.43.0', '2 packages installed.']), [
    { name: 'chocolatey', version: '2.2.2' }, { name: 'git', version: '2.43.0' },
  ]);
  t.same(choco.parseInstalled(lines('chocolatey', 'search-limit-output.txt')), [{ name: 'package13', version: '10.10.10' }]);
});

t.test('parseChanges: already installed, installed, upgraded (names compare case-insensitively)', async (t) => {
  const ip = { name: 'installpackage', version: '1.0.0' };
  const already = choco.parseChanges({ kind: 'install', packages: [{ name: 'installpackage', version: '1.0.0' }], refresh: false, dryRun: false }, lines('chocolatey', 'install-already.txt'), 0, [ip], [ip]);
  t.same(already, [{ name: 'installpackage', versionBefore: '1.0.0', versionAfter: '1.0.0', action: 'current', message: 'installpackage v1.0.0 already installed.' }]);
  const fresh = choco.parseChanges({ kind: 'install', packages: [{ name: 'Git' }], refresh: false, dryRun: false }, ['Chocolatey installed 1/1 packages.'], 0, [], [{ name: 'git', version: '2.43.0' }]);
  t.match(fresh[0], { name: 'Git', versionBefore: null, versionAfter: '2.43.0', action: 'installed' });
  const up = choco.parseChanges({ kind: 'update', packages: [{ name: 'upgradepackage' }], securityOnly: false, refresh: false, dryRun: false },
    ['You have upgradepackage v1.0.0 installed. Version 1.1.0 is available based on your source(s).', 'Chocolatey upgraded 1/1 packages.'], 3010,
    [{ name: 'upgradepackage', version: '1.0.0' }], [{ name: 'upgradepackage', version: '1.1.0' }]);
  t.match(up[0], { versionBefore: '1.0.0', versionAfter: '1.1.0', action: 'upgraded' });
  t.ok(choco.succeeded!({ kind: 'update', securityOnly: false, refresh: false, dryRun: false }, [], 3010), '3010: success, reboot pending');
  t.notOk(choco.succeeded!({ kind: 'update', securityOnly: false, refresh: false, dryRun: false }, [], 1));
});

t.test('parseChanges: not found, not installed, pinned', async (t) => {
  const rm = choco.parseChanges({ kind: 'uninstall', names: ['packageA', 'uninstallfailure', 'packageB', 'installpackage'], purge: false, dryRun: false },
    lines('chocolatey', 'uninstall-missing.txt'), -1, [{ name: 'uninstallfailure', version: '1.0.0' }, { name: 'installpackage', version: '1.0.0' }], [{ name: 'uninstallfailure', version: '1.0.0' }]);
  t.same(rm.map((c) => [c.name, c.action]), [['packageA', 'not_found'], ['uninstallfailure', 'failed'], ['packageB', 'not_found'], ['installpackage', 'removed']]);
  t.equal(rm[0].message, 'packageA is not installed. Cannot uninstall a non-existent package.');
  const pinned = choco.parseChanges({ kind: 'update', packages: [{ name: 'git' }], securityOnly: false, refresh: false, dryRun: false }, ['git is pinned. Skipping pinned package.'], 0,
    [{ name: 'git', version: '2.40.0' }], [{ name: 'git', version: '2.40.0' }]);
  t.equal(pinned[0].action, 'held');
});

t.test('dry runs (--noop)', async (t) => {
  const nf = choco.parseChanges({ kind: 'install', packages: [{ name: 'somethingnonexisting' }], refresh: false, dryRun: true }, lines('chocolatey', 'install-noop-not-found.txt'), 0, [], []);
  t.same(nf, [{ name: 'somethingnonexisting', versionBefore: null, versionAfter: null, action: 'not_found', message: 'somethingnonexisting not installed. The package was not found with the source(s) listed.' }]);
  const up = choco.parseChanges({ kind: 'update', packages: [{ name: 'upgradepackage' }, { name: 'installpackage' }], securityOnly: false, refresh: false, dryRun: true },
    lines('chocolatey', 'upgrade-noop.txt'), 0, [{ name: 'upgradepackage', version: '1.0.0' }, { name: 'installpackage', version: '1.0.0' }], []);
  t.same(up.map((c) => [c.name, c.versionBefore, c.versionAfter, c.action]), [['upgradepackage', '1.0.0', '1.1.0', 'upgraded'], ['installpackage', '1.0.0', '1.0.0', 'current']]);
  const install = choco.parseChanges({ kind: 'install', packages: [{ name: 'git' }], refresh: false, dryRun: true },
    ['Chocolatey would have used NuGet to install packages (if they are not already installed):', 'git', '', 'git v2.43.0', "Would have run 'chocolateyinstall.ps1':"], 0, [], []);
  t.match(install[0], { name: 'git', versionBefore: null, versionAfter: '2.43.0', action: 'installed' });
  const rm = choco.parseChanges({ kind: 'uninstall', names: ['git'], purge: false, dryRun: true }, ['Would have uninstalled git v2.43.0.'], 0, [{ name: 'git', version: '2.43.0' }], []);
  t.match(rm[0], { versionBefore: '2.43.0', versionAfter: null, action: 'removed' });
});

t.test('lockHeld: the pending file, NuGet\'s lock, Windows Installer 1618', async (t) => {
  t.equal(choco.lockHeld(["The process cannot access the file 'C:\\ProgramData\\chocolatey\\lib\\git\\.chocolateyPending' because it is being used by another process."], 1),
    'C:\\ProgramData\\chocolatey\\lib\\git\\.chocolateyPending held by another Chocolatey process');
  t.ok(choco.lockHeld(["Unable to obtain lock file access on 'C:\\ProgramData\\chocolatey\\lib\\x' for operations on 'y'."], 1));
  t.ok(choco.lockHeld([], 1618));
  t.notOk(choco.lockHeld(lines('chocolatey', 'uninstall-missing.txt'), 1));
});

t.test('parseList and parseSearch', async (t) => {
  const list = choco.parseList({ kind: 'list', upgradable: true }, ['git|2.40.0', 'nodejs|20.11.1', 'git|2.40.0|2.43.0|false']);
  t.same(list, [{ name: 'git', version: '2.40.0', status: 'upgradable', availableVersion: '2.43.0' }, { name: 'nodejs', version: '20.11.1', status: 'installed' }]);
  t.same(choco.parseList({ kind: 'list', name: 'NODE*', upgradable: false }, ['git|2.40.0', 'nodejs|20.11.1']).map((p) => p.name), ['nodejs'], 'globs ignore case');
  t.same(choco.parseSearch({ kind: 'search', query: 'package13', limit: 5 }, lines('chocolatey', 'search-limit-output.txt')), [{ name: 'package13', version: '10.10.10', status: 'available' }]);
});

t.test('NuGet version order decides upgraded / downgraded (1.2.0-beta1 < 1.2.0)', async (t) => {
  const op = { kind: 'update' as const, packages: [{ name: 'pkg' }], securityOnly: false, refresh: false, dryRun: false };
  t.match(choco.parseChanges(op, [], 0, [{ name: 'pkg', version: '1.2.0-beta1' }], [{ name: 'pkg', version: '1.2.0' }]), [{ action: 'upgraded' }]);
  t.match(choco.parseChanges(op, [], 0, [{ name: 'pkg', version: '1.2.0-beta' }], [{ name: 'pkg', version: '1.2.0-alpha' }]), [{ action: 'downgraded' }]);
  t.match(choco.parseChanges(op, [], 0, [{ name: 'pkg', version: '1.2.3' }], [{ name: 'pkg', version: '1.2.3.1' }]), [{ action: 'upgraded' }], 'four-part versions');
  const noop = choco.parseChanges({ ...op, dryRun: true }, ['You have pkg v1.2.0 installed. Version 1.2.0-rc1 is available based on your source(s).'], 0, [{ name: 'pkg', version: '1.2.0' }], []);
  t.match(noop, [{ versionBefore: '1.2.0', versionAfter: '1.2.0-rc1', action: 'downgraded' }], 'a pinned pre-release below the installed release');
});

t.test('lockHeld: no administrator rights is never a lock', async (t) => {
  t.notOk(choco.lockHeld(["Access to the path 'C:\\ProgramData\\chocolatey\\lib\\git\\.chocolateyPending' is denied."], 1));
  t.notOk(choco.lockHeld(['Chocolatey detected you are not running from an elevated command shell', ' (cmd/powershell).', "Access to the path 'C:\\ProgramData\\chocolatey\\lib-bad' is denied."], 1));
  t.notOk(choco.lockHeld(['Chocolatey detected you are not running from an elevated command shell', ' (cmd/powershell).'], 1618), 'not even with 1618');
  t.ok(choco.lockHeld(["The process cannot access the file 'C:\\ProgramData\\chocolatey\\lib\\git\\.chocolateyPending' because it is being used by another process."], 1), 'a lock still is one');
});

t.test('after-state unknown: what choco said it did, else failed; never removed', async (t) => {
  const install = ['Installing the following packages:', 'git', 'git v2.43.0 [Approved]', 'git package files install completed. Performing other installation steps.', ' The install of git was successful.', 'Chocolatey installed 1/1 packages.'];
  t.match(choco.parseChanges({ kind: 'install', packages: [{ name: 'Git' }], refresh: false, dryRun: false }, install, 0, [], undefined),
    [{ name: 'Git', versionBefore: null, versionAfter: '2.43.0', action: 'installed', message: /could not be read/ }]);
  const up = ['You have git v2.40.0 installed. Version 2.43.0 is available based on your source(s).', 'git v2.43.0 [Approved]', ' The upgrade of git was successful.'];
  t.match(choco.parseChanges({ kind: 'update', packages: [{ name: 'git' }], securityOnly: false, refresh: false, dryRun: false }, up, 0, [{ name: 'git', version: '2.40.0' }], undefined),
    [{ versionBefore: '2.40.0', versionAfter: '2.43.0', action: 'upgraded' }]);
  const rm = choco.parseChanges({ kind: 'uninstall', names: ['packageA', 'installpackage'], purge: false, dryRun: false }, lines('chocolatey', 'uninstall-missing.txt'), -1,
    [{ name: 'installpackage', version: '1.0.0' }], undefined);
  t.same(rm.map((c) => [c.name, c.action]), [['packageA', 'not_found'], ['installpackage', 'failed']], 'a failed run: its plan is not trusted');
  const rmOk = choco.parseChanges({ kind: 'uninstall', names: ['installpackage'], purge: false, dryRun: false }, ['installpackage has been successfully uninstalled.'], 0, [{ name: 'installpackage', version: '1.0.0' }], undefined);
  t.match(rmOk, [{ name: 'installpackage', versionBefore: '1.0.0', versionAfter: null, action: 'removed' }]);
  const none = choco.parseChanges({ kind: 'uninstall', names: ['git'], purge: false, dryRun: false }, [], 0, [{ name: 'git', version: '2.43.0' }], undefined);
  t.match(none, [{ name: 'git', action: 'failed', versionAfter: null, message: /^the installed versions after the run could not be read/ }]);
});

t.test('update of a package not installed before (--fail-on-not-installed): not_found', async (t) => {
  const op = { kind: 'update' as const, packages: [{ name: 'git' }], securityOnly: false, refresh: false, dryRun: false };
  const out = ['git is not installed. Cannot upgrade a non-existent package.', 'Chocolatey upgraded 0/1 packages. 1 packages failed.'];
  t.match(choco.parseChanges(op, out, 1, [], []), [{ name: 'git', action: 'not_found', message: 'git is not installed. Cannot upgrade a non-existent package.' }]);
  t.match(choco.parseChanges(op, out, 1, [], undefined), [{ name: 'git', action: 'not_found' }]);
});
