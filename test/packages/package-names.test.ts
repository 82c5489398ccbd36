/**
 * Package names and versions the contract accepts: never an option (leading `-`), never a name apt-get would
 * read as "remove it" or a pattern end (trailing `-`, `.`, `:`, `@`); real names such as `g++` stay valid.
 */
import t from 'tap';
import { Value } from '@sinclair/typebox/value';
import { PackageSpec } from '../../src/capabilities/package.js';

t.test('names and versions', async (t) => {
  for (const name of ['nginx', 'g++', 'libstdc++6', 'python3.11', 'libc6:i386', 'tb-demo', 'a']) t.ok(Value.Check(PackageSpec, { name }), name);
  for (const name of ['openssh-server-', '-oDebug::pkgProblemResolver=1', '--purge', 'nginx.', 'libc6:', 'x@', '']) t.notOk(Value.Check(PackageSpec, { name }), name);
  // Names a manager reads as a local package file (dnf/zypper .rpm, apk .apk, choco .nupkg / packages.config).
  for (const name of ['foo.rpm', 'tb-demo_1.0_all.deb', 'x.apk', 'git.2.40.nupkg', 'packages.config', 'X.NuPkg', 'FOO.RPM', 'setup.exe', 'a.nuspec', 'b.msi', 'all', 'ALL', 'All']) t.notOk(Value.Check(PackageSpec, { name }), name);
  for (const name of ['rpm', 'rpmdevtools', 'python3-rpm', 'dpkg-deb', 'apk-tools', 'nuget.commandline', 'configobj', 'deb.rpmx', 'allegro', 'install-all', 'all2']) t.ok(Value.Check(PackageSpec, { name }), name);
  for (const version of ['1.22.1-1', '1:2.3~rc1', '3.0.11-1~deb12u2', '2.0+dfsg']) t.ok(Value.Check(PackageSpec, { name: 'nginx', version }), version);
  for (const version of ['1.22.1-', '-1', '1.', '1:']) t.notOk(Value.Check(PackageSpec, { name: 'nginx', version }), version);
});
