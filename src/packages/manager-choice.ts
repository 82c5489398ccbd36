/**
 * Which package manager a node uses: the request's `manager`, else the node's facts (`os.family` as Facter and
 * the ssh/bolt/ansible facts name it, `os.release` for RedHat 7 and older: yum), else a probe run on the node
 * that looks for the managers' binaries.
 */
import type { ManagerName } from '../capabilities/package-managers/types.js';

/** A manager from facts; undefined when they do not tell. */
export function managerFromFacts(facts: { os?: { family?: string; name?: string; release?: string }; kernel?: string }): ManagerName | undefined {
  const family = (facts.os?.family ?? '').toLowerCase();
  const name = (facts.os?.name ?? '').toLowerCase();
  const major = Number.parseInt(facts.os?.release ?? '', 10);
  if (family === 'debian' || /debian|ubuntu|mint|raspbian/.test(name)) return 'apt';
  if (family === 'redhat' || /red ?hat|rhel|centos|rocky|alma|fedora|oracle|amazon/.test(name)) {
    return !/fedora/.test(name) && Number.isFinite(major) && major > 0 && major < 8 ? 'yum' : 'dnf';
  }
  if (family === 'suse' || /suse|sles/.test(name)) return 'zypper';
  if (family === 'alpine' || /alpine/.test(name)) return 'apk';
  if (family === 'windows' || (facts.kernel ?? '').toLowerCase() === 'windows') return 'chocolatey';
  return undefined;
}

/** A sh script printing `<marker>:manager <name>` for the first manager found on the node (dnf before yum). */
export function probeScript(marker: string): string {
  return [
    '#!/bin/sh',
    `for m in apt-get:apt dnf:dnf yum:yum zypper:zypper apk:apk choco:chocolatey; do`,
    '  if command -v "${m%%:*}" >/dev/null 2>&1; then printf \'%s:manager %s\\n\' ' + `'${marker}'` + ' "${m#*:}"; exit 0; fi',
    'done',
    `printf '%s:manager none\\n' '${marker}'`,
    '',
  ].join('\n');
}
