/**
 * A tiny offline apt repository built in the test: .deb files made with dpkg-deb from generated control files,
 * and a flat `Packages` index (deb-control fields + Filename, Size, MD5sum, SHA256, as dpkg-scanpackages would
 * write them), so apt reads it as `deb [trusted=yes] file:/<dir> ./` without dpkg-dev or any mirror.
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export interface DebSpec {
  name: string;
  version: string;
  depends?: string;
  description?: string;
  /** A postinst maintainer script body (sh), e.g. `sleep 30` for a slow package. */
  postinst?: string;
}

/** The packages the apt tests use: two versions of tb-demo (1.1 pulls tb-lib), tb-extra, tb-lib, tb-slow. */
export const TB_PACKAGES: DebSpec[] = [
  { name: 'tb-demo', version: '1.0', description: 'demo package for package-management tests' },
  { name: 'tb-demo', version: '1.1', depends: 'tb-lib', description: 'demo package for package-management tests' },
  { name: 'tb-extra', version: '2.0', description: 'extra package without dependencies' },
  { name: 'tb-lib', version: '0.5', description: 'library the newer tb-demo needs' },
  { name: 'tb-slow', version: '1.0', description: 'package whose postinst takes a while', postinst: 'sleep 60' },
];

/**
 * Builds the repository into `dir` (created) and returns it. With `suite`, a Release file names it (apt-get -s shows
 * it in each package's origin as `<Label>:<Version>/<Suite>`: `Capstan tests:1/<suite>`) and lists the index's hashes.
 */
export async function buildDebRepo(dir: string, specs: DebSpec[] = TB_PACKAGES, opts: { suite?: string } = {}): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'capstan-deb-'));
  const index: string[] = [];
  try {
    for (const s of specs) {
      const root = join(work, `${s.name}_${s.version}`);
      mkdirSync(join(root, 'DEBIAN'), { recursive: true });
      mkdirSync(join(root, 'usr/share', s.name), { recursive: true });
      writeFileSync(join(root, 'usr/share', s.name, 'VERSION'), `${s.version}\n`);
      const control = [
        `Package: ${s.name}`, `Version: ${s.version}`, 'Architecture: all', 'Maintainer: capstan tests <tests@localhost>',
        'Section: misc', 'Priority: optional', ...(s.depends ? [`Depends: ${s.depends}`] : []),
        `Description: ${s.description ?? 'test package'}`,
      ];
      writeFileSync(join(root, 'DEBIAN/control'), `${control.join('\n')}\n`);
      if (s.postinst) {
        writeFileSync(join(root, 'DEBIAN/postinst'), `#!/bin/sh\nset -e\n${s.postinst}\n`);
        chmodSync(join(root, 'DEBIAN/postinst'), 0o755);
      }
      const file = `${s.name}_${s.version}_all.deb`;
      await execa('dpkg-deb', ['--root-owner-group', '-Zgzip', '-b', root, join(dir, file)]);
      const bytes = readFileSync(join(dir, file));
      index.push([
        ...control.slice(0, -1), `Filename: ./${file}`, `Size: ${statSync(join(dir, file)).size}`,
        `MD5sum: ${createHash('md5').update(bytes).digest('hex')}`, `SHA256: ${createHash('sha256').update(bytes).digest('hex')}`,
        control[control.length - 1],
      ].join('\n'));
    }
    const packages = `${index.join('\n\n')}\n`;
    writeFileSync(join(dir, 'Packages'), packages);
    if (opts.suite) {
      const sha = createHash('sha256').update(packages).digest('hex');
      writeFileSync(join(dir, 'Release'), [
        'Origin: Capstan', 'Label: Capstan tests', `Suite: ${opts.suite}`, `Codename: ${opts.suite}`, 'Version: 1',
        `Date: ${new Date().toUTCString().replace('GMT', 'UTC')}`, 'SHA256:', ` ${sha} ${Buffer.byteLength(packages)} Packages`, '',
      ].join('\n'));
    }
    return dir;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
