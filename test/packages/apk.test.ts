/**
 * apk (src/capabilities/package-managers/apk.ts) on recorded outputs: apk-tools' own solver test
 * expectations (produced with --simulate) and `apk list --installed` from its query test
 * (test/packages/fixtures/apk/SOURCES.md names each source).
 */
import t from 'tap';
import { apk, parseApkList, parseSteps, splitApk } from '../../src/capabilities/package-managers/apk.js';
import { compareApkVersions } from '../../src/capabilities/package-managers/apk-version.js';
import { lines } from './fixtures.js';

t.test('commands: argv for every operation, pins, purge, dry runs, refresh', async (t) => {
  t.same(apk.commands({ kind: 'install', packages: [{ name: 'a' }, { name: 'b', version: '2' }], refresh: true, dryRun: false }), [['apk', 'update'], ['apk', 'add', '--', 'a', 'b=2']]);
  t.same(apk.commands({ kind: 'install', packages: [{ name: 'a' }], refresh: false, dryRun: true }), [['apk', 'add', '--simulate', '--', 'a']]);
  t.same(apk.commands({ kind: 'uninstall', names: ['a'], purge: true, dryRun: true }), [['apk', 'del', '--purge', '--simulate', '--', 'a']]);
  t.same(apk.commands({ kind: 'uninstall', names: ['a'], purge: false, dryRun: false }), [['apk', 'del', '--', 'a']]);
  t.same(apk.commands({ kind: 'update', packages: [{ name: 'a' }], securityOnly: false, refresh: false, dryRun: false }), [['apk', 'upgrade', '--', 'a']]);
  t.same(apk.commands({ kind: 'update', packages: [{ name: 'a', version: '2' }], securityOnly: false, refresh: false, dryRun: true }), [['apk', 'add', '--upgrade', '--simulate', '--', 'a=2']]);
  t.same(apk.commands({ kind: 'update', securityOnly: false, refresh: true, dryRun: true }), [['apk', 'update'], ['apk', 'upgrade', '--simulate']]);
  t.throws(() => apk.commands({ kind: 'update', securityOnly: true, refresh: false, dryRun: false }), { code: 'CAPSTAN_ERR_REQUEST_VALIDATION' }, 'apk has no security-only updates');
  t.same(apk.commands({ kind: 'list', upgradable: false, name: 'apk*' }), [['apk', 'list', '--installed', '--', 'apk*']]);
  t.same(apk.commands({ kind: 'list', upgradable: true }), [['apk', 'list', '--upgradable'], ['apk', 'list', '--installed']]);
  t.same(apk.commands({ kind: 'search', query: 'alpine', limit: 5 }), [['apk', 'list', '--available', '--', '*alpine*']]);
  t.same(apk.queryInstalled(['a', 'b']), ['apk', 'list', '--installed', '--', 'a', 'b']);
  t.same(apk.queryInstalled([]), ['apk', 'list', '--installed']);
});

t.test('splitApk and parseInstalled', async (t) => {
  t.same(splitApk('alpine-baselayout-data-3.6.8-r1'), { name: 'alpine-baselayout-data', version: '3.6.8-r1' });
  t.same(splitApk('musl-1.2.5_git20230424-r9'), { name: 'musl', version: '1.2.5_git20230424-r9' });
  t.equal(splitApk('nonsense'), undefined);
  const installed = apk.parseInstalled(lines('apk', 'list-installed.txt'));
  t.equal(installed.length, 8);
  t.same(installed[6], { name: 'apk-tools', version: '2.14.6-r3', arch: 'x86_64' });
  t.same(parseApkList(['b-2 x86_64 {b} (MIT) [upgradable from: b-1]']), [], 'a version without -r<N> is not an apk version');
  t.same(parseApkList(['b-2-r0 x86_64 {b} (MIT) [upgradable from: b-1-r0]']), [{ name: 'b', version: '2-r0', arch: 'x86_64', origin: 'b', installed: false, upgradableFrom: '1-r0' }]);
});

t.test('parseSteps: install, upgrade, replace, purge', async (t) => {
  t.same([...parseSteps(lines('apk', 'simulate-add.txt'))].map(([n, p]) => [n, p.action, p.versionAfter]), [['b', 'installed', '2'], ['a', 'installed', '2']]);
  t.same(parseSteps(lines('apk', 'simulate-upgrade.txt')).get('a'), { action: 'upgraded', versionBefore: '1', versionAfter: '2', message: '(2/2) Upgrading a (1 -> 2)' });
  t.equal(parseSteps(lines('apk', 'simulate-replace.txt')).get('a')?.action, 'current', 'the same version again');
  t.same(parseSteps(lines('apk', 'simulate-del.txt')).get('b'), { action: 'removed', versionBefore: '2', versionAfter: null, message: '(2/2) Purging b (2)' });
});

t.test('parseChanges: dry runs (--simulate) from the steps', async (t) => {
  const add = apk.parseChanges({ kind: 'install', packages: [{ name: 'a' }], refresh: false, dryRun: true }, lines('apk', 'simulate-add.txt'), 0, [], []);
  t.same(add, [
    { name: 'a', versionBefore: null, versionAfter: '2', action: 'installed', message: '(2/2) Installing a (2)' },
    { name: 'b', versionBefore: null, versionAfter: '2', action: 'installed', message: '(1/2) Installing b (2)' },
  ], 'the asked-for package first, its dependency after');
  const up = apk.parseChanges({ kind: 'update', securityOnly: false, refresh: false, dryRun: true }, lines('apk', 'simulate-upgrade.txt'), 0, [], []);
  t.same(up.map((c) => [c.name, c.versionBefore, c.versionAfter, c.action]), [['a', '1', '2', 'upgraded'], ['b', '1', '2', 'upgraded']]);
  const del = apk.parseChanges({ kind: 'uninstall', names: ['a'], purge: true, dryRun: true }, lines('apk', 'simulate-del.txt'), 0, [{ name: 'a', version: '2' }], []);
  t.same(del.map((c) => [c.name, c.versionBefore, c.versionAfter, c.action]), [['a', '2', null, 'removed'], ['b', '2', null, 'removed']]);
});

t.test('parseChanges: real runs from apk list before and after; current; not found', async (t) => {
  const a1 = { name: 'a', version: '1-r0', arch: 'x86_64' };
  const up = apk.parseChanges({ kind: 'update', packages: [{ name: 'a' }], securityOnly: false, refresh: false, dryRun: false }, ['(1/1) Upgrading a (1-r0 -> 2-r0)', 'OK: 2 B in 2 packages'], 0, [a1], [{ ...a1, version: '2-r0' }]);
  t.same(up, [{ name: 'a', arch: 'x86_64', versionBefore: '1-r0', versionAfter: '2-r0', action: 'upgraded', message: '(1/1) Upgrading a (1-r0 -> 2-r0)' }]);
  const fresh = apk.parseChanges({ kind: 'install', packages: [{ name: 'b', version: '2-r0' }], refresh: false, dryRun: false }, ['(1/1) Installing b (2-r0)', 'OK: 2 B in 2 packages'], 0, [], [{ name: 'b', version: '2-r0', arch: 'x86_64' }]);
  t.same(fresh, [{ name: 'b', arch: 'x86_64', versionBefore: null, versionAfter: '2-r0', action: 'installed', message: '(1/1) Installing b (2-r0)' }]);
  const removed = apk.parseChanges({ kind: 'uninstall', names: ['a'], purge: false, dryRun: false }, ['(1/1) Purging a (1-r0)', 'OK: 0 B in 0 packages'], 0, [a1], []);
  t.same(removed, [{ name: 'a', arch: 'x86_64', versionBefore: '1-r0', versionAfter: null, action: 'removed', message: '(1/1) Purging a (1-r0)' }]);
  const current = apk.parseChanges({ kind: 'install', packages: [{ name: 'a' }], refresh: false, dryRun: false }, ['OK: 2 B in 2 packages'], 0, [a1], [a1]);
  t.same(current, [{ name: 'a', arch: 'x86_64', versionBefore: '1-r0', versionAfter: '1-r0', action: 'current' }]);
  const nf = apk.parseChanges({ kind: 'install', packages: [{ name: 'a' }, { name: 'nonexistant' }], refresh: false, dryRun: false }, lines('apk', 'not-found.txt'), 1, [], []);
  t.same(nf.map((c) => [c.name, c.action]), [['a', 'failed'], ['nonexistant', 'not_found']]);
  t.equal(nf[1].message, 'nonexistant (no such package):\nrequired by: world[nonexistant]');
  const v2 = apk.parseChanges({ kind: 'install', packages: [{ name: 'missing' }], refresh: false, dryRun: true }, ['ERROR: unable to select packages:', '  missing (no such package)', '    required by: world[missing]'], 1, [], []);
  t.equal(v2[0].action, 'not_found', 'apk-tools 2 prints no final colon');
  const pin = apk.parseChanges({ kind: 'install', packages: [{ name: 'busybox', version: '9.9-r0' }], refresh: false, dryRun: false },
    ['ERROR: unable to select packages:', '  busybox-1.36.1-r2:', '    breaks: world[busybox=9.9-r0]'], 1, [], []);
  t.match(pin[0], { action: 'not_found', message: 'breaks: world[busybox=9.9-r0]' }, 'a pinned version the repositories lack');
  const gone = apk.parseChanges({ kind: 'uninstall', names: ['ghost'], purge: false, dryRun: false }, ['OK: 2 B in 2 packages'], 0, [], []);
  t.equal(gone[0].action, 'not_found', 'removing what is not installed');
});

t.test('lockHeld', async (t) => {
  t.equal(apk.lockHeld(['ERROR: Unable to lock database: temporary error (try again later)', 'ERROR: Failed to open apk database: temporary error (try again later)'], 99),
    '/lib/apk/db/lock held by another apk process (Unable to lock database: temporary error (try again later))');
  t.notOk(apk.lockHeld(lines('apk', 'not-found.txt'), 1));
});

t.test('parseList and parseSearch', async (t) => {
  const out = [...['apk-tools-2.14.7-r0 x86_64 {apk-tools} (GPL-2.0-only) [upgradable from: apk-tools-2.14.6-r3]'], ...lines('apk', 'list-installed.txt')];
  const list = apk.parseList({ kind: 'list', upgradable: true, name: 'apk-tools*' }, out);
  t.same(list, [
    { name: 'apk-tools', version: '2.14.6-r3', architecture: 'x86_64', status: 'upgradable', availableVersion: '2.14.7-r0' },
    { name: 'apk-tools-doc', version: '2.14.6-r3', architecture: 'x86_64', status: 'installed' },
  ]);
  const found = apk.parseSearch({ kind: 'search', query: 'alpine', limit: 3 }, ['alpine-conf-3.19.2-r0 x86_64 {alpine-conf} (MIT)', 'alpine-keys-2.5-r0 x86_64 {alpine-keys} (MIT) [installed]']);
  t.same(found, [
    { name: 'alpine-conf', version: '3.19.2-r0', architecture: 'x86_64', status: 'available' },
    { name: 'alpine-keys', version: '2.5-r0', architecture: 'x86_64', status: 'installed' },
  ]);
});

t.test('lockHeld: only a lock another apk holds (EAGAIN), never a permission error', async (t) => {
  t.match(apk.lockHeld(['ERROR: Unable to lock database: Resource temporarily unavailable', 'ERROR: Failed to open apk database: Resource temporarily unavailable'], 99), /^\/lib\/apk\/db\/lock held by another apk process/, 'apk-tools 3 (strerror)');
  t.equal(apk.lockHeld(['ERROR: Unable to lock database: Permission denied', 'ERROR: Failed to open apk database: Permission denied'], 99), undefined, 'not root');
  t.equal(apk.lockHeld(['ERROR: Unable to open database: Permission denied'], 1), undefined);
  t.equal(apk.lockHeld(['ERROR: Unable to lock database: Read-only file system'], 99), undefined);
});

t.test('compareApkVersions: apk-tools test/unit/version.data (selection) and suffix order', async (t) => {
  const data = lines('apk', 'version-order.txt').map((l) => l.split('#')[0].trim()).filter(Boolean);
  t.ok(data.length > 30);
  for (const l of data) {
    const [a, op, b] = l.split(/\s+/);
    const r = compareApkVersions(a, b);
    t.ok(op === '<' ? r < 0 : op === '>' ? r > 0 : r === 0, l);
  }
  const order = ['1.0_alpha', '1.0_alpha2', '1.0_beta', '1.0_pre1', '1.0_rc1', '1.0', '1.0-r1', '1.0_cvs', '1.0_svn', '1.0_git20230424', '1.0_hg', '1.0_p1', '1.0a', '1.0.1'];
  for (let i = 1; i < order.length; i++) t.ok(compareApkVersions(order[i - 1], order[i]) < 0, `${order[i - 1]} < ${order[i]}`);
  t.equal(compareApkVersions('1.0-r0', '1.0-r0'), 0);
  t.ok(compareApkVersions('1.0-r10', '1.0-r9') > 0, 'revisions as numbers');
});

t.test('parseChanges: upgraded/downgraded in apk order (1.0_rc1 -> 1.0 is an upgrade)', async (t) => {
  const op = { kind: 'update' as const, packages: [{ name: 'a' }], securityOnly: false, refresh: false, dryRun: false };
  const rc = { name: 'a', version: '1.0_rc1-r0', arch: 'x86_64' };
  const up = apk.parseChanges(op, ['OK: 2 B in 2 packages'], 0, [rc], [{ ...rc, version: '1.0-r0' }]);
  t.equal(up[0].action, 'upgraded', 'no step line: apk order');
  const down = apk.parseChanges(op, [], 0, [{ ...rc, version: '1.0_p1-r0' }], [{ ...rc, version: '1.0-r0' }]);
  t.equal(down[0].action, 'downgraded', '_p is after the release');
  const verb = apk.parseChanges(op, ['(1/1) Upgrading a (1.0_rc1-r0 -> 1.0-r0)'], 0, [rc], [{ ...rc, version: '1.0-r0' }]);
  t.equal(verb[0].action, 'upgraded');
});

t.test('parseSearch: the highest version apk offers, installed and upgradable ones', async (t) => {
  const found = apk.parseSearch({ kind: 'search', query: 'tool', limit: 10 }, [
    'tool-1.0-r0 x86_64 {tool} (MIT)', 'tool-1.0_rc1-r0 x86_64 {tool} (MIT)',
    'kit-2.0_p1-r0 x86_64 {kit} (MIT)', 'kit-2.0-r0 x86_64 {kit} (MIT) [installed]',
  ]);
  t.same(found, [
    { name: 'kit', version: '2.0-r0', architecture: 'x86_64', status: 'upgradable', availableVersion: '2.0_p1-r0' },
    { name: 'tool', version: '1.0-r0', architecture: 'x86_64', status: 'available' },
  ]);
});
