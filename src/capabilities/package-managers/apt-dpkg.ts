/** dpkg-query's view of installed packages, as the apt manager asks for it (dpkg-query(1), dpkg 1.21). */
import type { Installed } from './types.js';

/** `${db:Status-Abbrev}` then name, version, architecture, tab-separated (dpkg-query(1) "--showformat"). */
export const DPKG_FORMAT = '${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\n';

/** A package dpkg knows: installed, or (`configOnly`) removed with its configuration files left (state `rc`). */
export interface DpkgPackage extends Installed {
  held: boolean;
  /** dpkg state `c` (config-files): removed, not purged; only read when asked for (parseDpkgLines' `configFiles`). */
  configOnly?: true;
}

/**
 * Reads `dpkg-query -W -f=DPKG_FORMAT` lines: the packages whose state is installed (not `n`ot-installed), and
 * with `configFiles` also those in state `c` (config-files: `rc`, `deinstall ok config-files`, flagged
 * `configOnly`), which apt-get purge still changes. Lines of other forms (dpkg-query's "no packages found
 * matching" on stderr) are skipped.
 */
export function parseDpkgLines(lines: string[], opts: { configFiles?: boolean } = {}): DpkgPackage[] {
  const out: DpkgPackage[] = [];
  for (const l of lines) {
    const m = /^([a-z])([a-zA-Z])[ R]?\t([^\t]+)\t([^\t]*)\t([^\t]*)$/.exec(l);
    if (!m || m[2] === 'n' || !m[4]) continue;
    if (m[2] === 'c' && !opts.configFiles) continue;
    out.push({ name: m[3], version: m[4], ...(m[5] ? { arch: m[5] } : {}), held: m[1] === 'h', ...(m[2] === 'c' ? { configOnly: true as const } : {}) });
  }
  return out;
}

/** `name:arch` as apt and dpkg print a package of a given architecture: the name and the architecture (package names have no `:`). */
export function splitArch(n: string): [string, string | undefined] {
  const i = n.indexOf(':');
  return i < 0 ? [n, undefined] : [n.slice(0, i), n.slice(i + 1)];
}
