/**
 * The apt manager: its commands (argv-safe, non-interactive), the dpkg lock messages, and its parsers on real
 * outputs recorded from a Debian bookworm test host (fixtures/apt/: README.md says how; scenarios.ts lists the
 * operations in the order they ran, each seeing what the ones before left).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { apt, aptLockHeld } from '../../../src/capabilities/package-managers/apt.js';
import { compareDebVersions } from '../../../src/capabilities/package-managers/deb-version.js';
import { globRegExp, searchRegexes } from '../../../src/capabilities/package-managers/apt-queries.js';
import type { PackageOp } from '../../../src/capabilities/package-managers/types.js';
import { SCENARIOS } from './fixtures/apt/scenarios.js';
import { LOCAL_SCENARIOS } from './fixtures/apt/scenarios-local.js';

const MARKER = 'capstan-pkg-rec';
const dir = fileURLToPath(new URL('./fixtures/apt/', import.meta.url));

/** A recorded output split as the provider's delegate splits it: marked lines by tag, the rest in order. */
function recorded(name: string) {
  const all = readFileSync(`${dir}${name}.out`, 'utf8').replace(/\n$/, '').split('\n');
  const tagged = (tag: string) => all.filter((l) => l.startsWith(`${MARKER}:${tag} `)).map((l) => l.slice(MARKER.length + tag.length + 2));
  const output = all.filter((l) => !l.startsWith(`${MARKER}:`));
  const exit = tagged('exit').map(Number).find((c) => c !== 0) ?? 0;
  const op = [...SCENARIOS, ...LOCAL_SCENARIOS].find((s) => s.name === name)!.op;
  return { op, output, exit, before: apt.parseInstalled(tagged('before')), after: apt.parseInstalled(tagged('after')) };
}

function changes(name: string) {
  const r = recorded(name);
  return { ...r, changes: apt.parseChanges(r.op as Extract<PackageOp, { kind: 'install' | 'uninstall' | 'update' }>, r.output, r.exit, r.before, r.after) };
}
const brief = (cs: { name: string; versionBefore: string | null; versionAfter: string | null; action: string }[]) =>
  cs.map((c) => [c.name, c.versionBefore, c.versionAfter, c.action]);

t.test('commands: non-interactive apt-get, every name after --, pins allow downgrades', async (t) => {
  const base = ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', '-y', '-q', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold', '-o', 'Dpkg::Use-Pty=0', '-o', 'APT::Cmd::Pattern-Only=true'];
  // Every name is first checked to be a package apt knows exactly (the fixed script, then the names).
  const exact = (names: string[]) => (c: string[][]) => { t.same(c[0].slice(0, 2), ['sh', '-c']); t.same(c[0].slice(3), ['capstan-exact-names', ...names]); return c.slice(1); };
  const install = apt.commands({ kind: 'install', packages: [{ name: 'nginx' }, { name: 'curl', version: '7.88.1-10' }], refresh: true, dryRun: false });
  t.same(install[0], ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', '-q', 'update']);
  t.same(exact(['nginx', 'curl'])(install.slice(1)), [[...base, '--allow-downgrades', 'install', '--', 'nginx', 'curl=7.88.1-10']]);
  t.same(exact(['telnet'])(apt.commands({ kind: 'uninstall', names: ['telnet'], purge: true, dryRun: true })), [[...base, '-s', 'purge', '--', 'telnet']]);
  t.same(apt.commands({ kind: 'update', securityOnly: false, refresh: false, dryRun: false }), [[...base, 'upgrade', '--with-new-pkgs']]);
  t.same(exact(['openssl'])(apt.commands({ kind: 'update', packages: [{ name: 'openssl' }], securityOnly: false, refresh: false, dryRun: true })), [[...base, '-s', 'install', '--only-upgrade', '--', 'openssl']]);
  const sec = apt.commands({ kind: 'update', securityOnly: true, refresh: false, dryRun: true });
  t.same(sec[0].slice(0, 2), ['sh', '-c']);
  t.same(sec[0].slice(3), ['capstan-security-upgrade', ...base.slice(3), '-s', '--'], 'the fixed script gets the options, then the names');
  const dotted = apt.commands({ kind: 'install', packages: [{ name: 'g++' }, { name: 'libc6.1' }, { name: 'tb-demo' }], refresh: false, dryRun: false });
  t.same(dotted[0].slice(0, 2), ['sh', '-c']);
  t.same(dotted[0].slice(3), ['capstan-exact-names', 'g++', 'libc6.1', 'tb-demo'], 'every name is checked to be exact first: apt could read it as a pattern or as remove/install (a trailing - or +)');
  t.same(apt.queryInstalled(['tb-demo']), ['dpkg-query', '-W', '-f=${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\n', '--', 'tb-demo']);
  t.same(apt.queryInstalled([]).slice(-1), ['-f=${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\n']);
  t.same(apt.commands({ kind: 'search', query: '-o x', limit: 5 })[0].slice(3), ['capstan-apt-search', '5', '--', '-o', 'x'], 'search words are regexes after --');
});

t.test('lockHeld: apt\'s own lock messages, with and without the holder', async (t) => {
  t.equal(aptLockHeld(['E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 1234 (apt-get)', 'N: Be aware that removing the lock file is not a solution and may break your system.'], 100),
    '/var/lib/dpkg/lock-frontend held by process 1234 (apt-get)');
  t.equal(aptLockHeld(['E: Could not get lock /var/lib/dpkg/lock - open (11: Resource temporarily unavailable)'], 100), '/var/lib/dpkg/lock held by another process');
  t.equal(aptLockHeld(['E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?'], 100), '/var/lib/dpkg/lock-frontend held by another process');
  t.equal(aptLockHeld(['E: Unable to lock directory /var/lib/apt/lists/'], 100), undefined, 'alone, apt-get update says it after a permission error too');
  // Recorded on a bookworm host (apt 2.6.1): a python3 process holding the lock, then the same run as user nobody.
  t.equal(aptLockHeld(['Reading package lists...', 'E: Could not get lock /var/lib/apt/lists/lock. It is held by process 11284 (python3)', 'E: Unable to lock directory /var/lib/apt/lists/'], 100),
    '/var/lib/apt/lists/lock held by process 11284 (python3)');
  t.equal(aptLockHeld(['E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)', 'E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?'], 100), undefined, 'not root: fails at once');
  t.equal(aptLockHeld(['Reading package lists...', 'E: Could not open lock file /var/lib/apt/lists/lock - open (13: Permission denied)', 'E: Unable to lock directory /var/lib/apt/lists/'], 100), undefined, 'apt-get update, not root');
  t.equal(aptLockHeld(['E: Unable to lock the administration directory (/var/lib/dpkg/), are you root?'], 100), undefined);
  t.equal(aptLockHeld(['E: Unable to lock the administration directory (/var/lib/dpkg/), is another process using it?'], 100), '/var/lib/dpkg/ held by another process');
  t.equal(aptLockHeld(['Waiting for cache lock: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 77 (apt)'], 100), '/var/lib/dpkg/lock-frontend held by process 77 (apt)');
  t.equal(aptLockHeld(['E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 1234 (apt-get)'], 0), undefined, 'a run that succeeded was not locked');
  t.equal(aptLockHeld(['E: Unable to locate package x'], 100), undefined);
  const r = recorded('install-locked');
  t.match(apt.lockHeld(r.output, r.exit), /^\/var\/lib\/dpkg\/lock-frontend held by process \d+ \(python3\)$/, 'recorded');
});

t.test('compareDebVersions: deb-version(7) ordering', async (t) => {
  const ordered = ['1.0~rc1', '1.0', '1.0-1', '1.0-1ubuntu1', '1.0.1', '1.1', '1.10', '1:0.9'];
  for (let i = 1; i < ordered.length; i++) t.ok(compareDebVersions(ordered[i - 1], ordered[i]) < 0, `${ordered[i - 1]} < ${ordered[i]}`);
  t.equal(compareDebVersions('3.0.11-1~deb12u2', '3.0.11-1~deb12u2'), 0);
  t.ok(compareDebVersions('3.0.11-1~deb12u2', '3.0.11-1') < 0);
  t.ok(compareDebVersions('1.0a', '1.0+') < 0, 'letters sort before other characters');
  t.ok(compareDebVersions('01.2', '1.10') < 0);
});

t.test('globs and search regexes', async (t) => {
  t.ok(globRegExp('tb-*').test('tb-demo'));
  t.notOk(globRegExp('tb-*').test('xtb-demo'));
  t.ok(globRegExp('lib[!x]?.so').test('libc6.so'));
  t.same(searchRegexes('nginx  extras'), ['nginx', 'extras']);
  t.same(searchRegexes('python3-*'), ['^python3-.*$']);
  t.same(searchRegexes('g++'), ['g\\+\\+']);
});

t.test('parseChanges on the recorded runs', async (t) => {
  const want: [string, number, (string | null)[][]][] = [
    ['install-pinned-refresh', 0, [['tb-demo', null, '1.0', 'installed']]],
    ['update-named-dry', 0, [['tb-demo', '1.0', '1.1', 'upgraded'], ['tb-lib', null, '0.5', 'installed']]],
    ['update-named', 0, [['tb-demo', '1.0', '1.1', 'upgraded'], ['tb-lib', null, '0.5', 'installed']]],
    ['install-downgrade', 0, [['tb-demo', '1.1', '1.0', 'downgraded']]],
    ['install-missing', 100, [['tb-nope', null, null, 'not_found'], ['tb-extra', null, null, 'failed']]],
    ['install-version-missing', 100, [['tb-demo', '1.0', '1.0', 'not_found']]],
    ['install-pattern-name', 100, [['tb.demo', null, null, 'not_found']]],
    ['install-new', 0, [['tb-extra', null, '2.0', 'installed']]],
    ['install-current', 0, [['tb-extra', '2.0', '2.0', 'current']]],
    ['update-not-installed', 0, [['tb-slow', null, null, 'not_found']]],
    ['uninstall-dry', 0, [['tb-extra', '2.0', null, 'removed']]],
    ['uninstall', 0, [['tb-extra', '2.0', null, 'removed']]],
    ['uninstall-absent', 100, [['tb-extra', null, null, 'not_found'], ['tb-nope', null, null, 'not_found']]],
    ['update-all-held', 0, [['tb-demo', '1.0', '1.0', 'held']]],
    ['update-all-dry', 0, [['tb-demo', '1.0', '1.1', 'upgraded']]],
    ['update-all', 0, [['tb-demo', '1.0', '1.1', 'upgraded']]],
    ['install-held', 100, [['tb-demo', '1.1', '1.1', 'held']]],
    ['install-locked', 100, [['tb-extra', null, null, 'failed']]],
    ['update-security-none', 0, []],
    ['uninstall-purge', 0, [['tb-demo', '1.1', null, 'removed']]],
  ];
  for (const [name, exit, expected] of want) {
    const r = changes(name);
    t.equal(r.exit, exit, `${name}: exit code`);
    t.same(brief(r.changes), expected, name);
  }
  const msg = (name: string, pkg: string) => changes(name).changes.find((c) => c.name === pkg)?.message ?? '';
  t.match(msg('install-missing', 'tb-nope'), /^E: Unable to locate package tb-nope$/m);
  t.match(msg('install-missing', 'tb-extra'), /Unable to locate package tb-nope/, 'why the other one was not installed');
  t.match(msg('install-version-missing', 'tb-demo'), /E: Version '9\.9' for 'tb-demo' was not found/);
  t.match(msg('install-pattern-name', 'tb.demo'), /Unable to locate package tb\.demo \(capstan: no package has exactly this name/);
  t.match(msg('install-current', 'tb-extra'), /tb-extra is already the newest version \(2\.0\)\./);
  t.match(msg('update-named', 'tb-demo'), /Unpacking tb-demo \(1\.1\) over \(1\.0\) \.\.\./);
  t.match(msg('update-named-dry', 'tb-demo'), /^Inst tb-demo \[1\.0\] \(1\.1 /);
  t.match(msg('uninstall', 'tb-extra'), /Removing tb-extra \(2\.0\) \.\.\./);
  t.match(msg('update-not-installed', 'tb-slow'), /Skipping tb-slow, it is not installed and only upgrades are requested\./);
  t.equal(changes('install-new').changes[0].arch, 'all');
  t.match(msg('install-held', 'tb-demo'), /^E: Held packages were changed and -y was used without --allow-change-held-packages\.$/);
  t.match(msg('update-all-held', 'tb-demo'), /^kept back by apt-get/);
});

t.test('parseList and parseSearch on the recorded queries', async (t) => {
  const list = (name: string) => { const r = recorded(name); return apt.parseList(r.op as Extract<PackageOp, { kind: 'list' }>, r.output); };
  const search = (name: string) => { const r = recorded(name); return apt.parseSearch(r.op as Extract<PackageOp, { kind: 'search' }>, r.output); };
  const up = list('list-upgradable');
  t.ok(up.length > 50, `every installed package (${up.length})`);
  t.same(up.filter((p) => p.status === 'upgradable'), [{ name: 'tb-demo', version: '1.0', architecture: 'all', status: 'upgradable', availableVersion: '1.1', repository: 'localhost' }], 'repository: the origin apt names (a flat repository without a Release file: localhost)');
  t.match(up.find((p) => p.name === 'dpkg'), { status: 'installed', version: /^1\.21\./, architecture: 'amd64' });
  t.same(list('list-installed').map((p) => [p.name, p.version, p.status]), [['tb-demo', '1.0', 'installed']], 'glob tb-* applied');
  const found = search('search-words');
  t.same(found.map((p) => [p.name, p.status, p.version, p.availableVersion]), [
    ['tb-demo', 'upgradable', '1.0', '1.1'], ['tb-extra', 'available', '2.0', undefined], ['tb-lib', 'available', '0.5', undefined], ['tb-slow', 'available', '1.0', undefined],
  ]);
  t.match(found[1], { repository: 'file:/srv/tbrepo', description: 'extra package without dependencies' });
  t.same(search('search-glob').map((p) => p.name), ['tb-demo']);
  t.same(apt.parseSearch({ kind: 'search', query: 'tb-', limit: 2 }, recorded('search-words').output).length, 2, 'limit');
});

t.test('scratch-root recordings: name:arch, rc purge, virtual names', async (t) => {
  t.same(apt.queryInstalled(['tbh1-multi:i386', 'tbh1-multi', 'x:amd64']).slice(3), ['--', 'tbh1-multi', 'x'], 'dpkg-query of every architecture of each name');
  const r = recorded('multiarch-update');
  t.same(r.before.map((i) => i.arch), ['amd64', 'i386']);
  const get = (name: string) => changes(name).changes;
  t.same(get('multiarch-remove-dry'), [{ name: 'tbh1-multi:i386', arch: 'i386', versionBefore: '1.0', versionAfter: null, action: 'removed', message: 'Remv tbh1-multi:i386 [1.0]' }]);
  t.same(get('multiarch-update').map((c) => [c.name, c.arch, c.versionBefore, c.versionAfter, c.action]), [
    ['tbh1-multi:i386', 'i386', '1.0', '1.1', 'upgraded'], ['tbh1-multi', 'amd64', '1.0', '1.1', 'upgraded'],
  ], 'the i386 one as requested, the amd64 one apt upgraded with it (Multi-Arch: same)');
  t.match(get('multiarch-update')[0].message, /^Unpacking tbh1-multi:i386 \(1\.1\) over \(1\.0\)/m);
  t.notMatch(get('multiarch-update')[0].message, /amd64/, 'not confused with the amd64 one');
  t.same(get('multiarch-remove'), [{ name: 'tbh1-multi:i386', arch: 'i386', versionBefore: '1.1', versionAfter: null, action: 'removed', message: 'Removing tbh1-multi:i386 (1.1) ...' }],
    'the amd64 one still installed, the i386 one left in state rc: removed');
  t.same(get('rc-purge-dry'), [{ name: 'tbh1-rc', arch: 'amd64', versionBefore: '2.0', versionAfter: null, action: 'removed', message: 'Purg tbh1-rc' }], 'a purge of an rc package is a change');
  t.same(get('rc-remove'), [{ name: 'tbh1-rc', versionBefore: null, versionAfter: null, action: 'not_found', message: "Package 'tbh1-rc' is not installed, so not removed" }], 'a plain remove of it is not');
  t.same(get('rc-purge'), [{ name: 'tbh1-rc', arch: 'amd64', versionBefore: '2.0', versionAfter: null, action: 'removed', message: 'Purging configuration files for tbh1-rc:amd64 (2.0) ...' }]);
  const rc = recorded('rc-purge');
  t.same(apt.parseChanges(rc.op as Extract<PackageOp, { kind: 'uninstall' }>, rc.output, 0, rc.before, undefined).map((c) => c.action), ['removed'], 'after unknown: from dpkg\'s Purging line');
  t.match(get('arch-unknown')[0], { name: 'tbh1-multi:arm64', action: 'not_found', message: /architecture arm64 is not configured/ });
  t.match(get('virtual-install').find((c) => c.name === 'tbh1-lib1'), { action: 'installed', versionAfter: '1.0' });
  // With apt's Note (printed at quiet level 0; apt-private/private-cacheset.cc), the request maps to what apt installed.
  const v = recorded('virtual-install');
  const out = v.output.flatMap((l) => (l.startsWith('The following NEW') ? ["Note, selecting 'tbh1-lib1' instead of 'tbh1-lib'", l] : [l]));
  const noted = apt.parseChanges(v.op as Extract<PackageOp, { kind: 'install' }>, out, 0, v.before, v.after);
  t.same(noted.map((c) => [c.name, c.arch, c.versionBefore, c.versionAfter, c.action]), [['tbh1-lib', 'amd64', null, '1.0', 'installed']]);
  t.match(noted[0].message, /^Note, selecting 'tbh1-lib1' instead of 'tbh1-lib'\nUnpacking tbh1-lib1:amd64 \(1\.0\)/);
  const current = apt.parseChanges(v.op as Extract<PackageOp, { kind: 'install' }>, ["Note, selecting 'tbh1-lib1' instead of 'tbh1-lib'", 'tbh1-lib1 is already the newest version (1.0).'], 0, [], []);
  t.match(current, [{ name: 'tbh1-lib', versionBefore: '1.0', versionAfter: '1.0', action: 'current' }]);
  // Both architectures installed and listed: each row its own.
  const both = ['ii \ttbh1-multi\t1.0\tamd64', 'ii \ttbh1-multi\t1.0\ti386', 'Inst tbh1-multi:i386 [1.0] (1.1 localhost [i386])'];
  t.same(apt.parseList({ kind: 'list', upgradable: true }, both).map((p) => [p.name, p.architecture, p.status, p.availableVersion]), [
    ['tbh1-multi', 'amd64', 'installed', undefined], ['tbh1-multi', 'i386', 'upgradable', '1.1'],
  ]);
});

t.test('a bracket expression apt cannot match is a validation error before anything runs', async (t) => {
  t.ok(globRegExp('tb-[a-c]*').test('tb-bar'));
  t.ok(globRegExp('tb-[!x]*').test('tb-demo'));
  for (const bad of ['[b-a]*', '[[:alpha:]]*', 'tb-[]x]']) {
    t.throws(() => globRegExp(bad), { code: 'CAPSTAN_ERR_REQUEST_VALIDATION', extra: { errors: [{ in: 'query', pointer: '/name' }] } }, bad);
  }
  t.throws(() => apt.parseList({ kind: 'list', name: '[b-a]*', upgradable: false }, []), { code: 'CAPSTAN_ERR_REQUEST_VALIDATION' }, 'list: the provider parses an empty answer first');
  t.throws(() => searchRegexes('[b-a]*'), { code: 'CAPSTAN_ERR_REQUEST_VALIDATION', extra: { errors: [{ pointer: '/q' }] } }, 'search');
});
