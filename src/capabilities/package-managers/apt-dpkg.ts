/** dpkg-query's view of installed packages, as the apt manager asks for it (dpkg-query(1), dpkg 1.21). */
import type { Installed } from './types.js';

/** `${db:Status-Abbrev}` then name, version, architecture, tab-separated (dpkg-query(1) "--showformat"). */
export const DPKG_FORMAT = '${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\n';

/** Reads `dpkg-query -W -f=DPKG_FORMAT` lines: only packages whose state is installed (not `n`ot-installed nor `c`onfig-files only). */
export function parseDpkgLines(lines: string[]): (Installed & { held: boolean })[] {
  const out: (Installed & { held: boolean })[] = [];
  for (const l of lines) {
    const m = /^([a-z])([a-zA-Z])[ R]?\t([^\t]+)\t([^\t]*)\t([^\t]*)$/.exec(l);
    if (!m || m[2] === 'n' || m[2] === 'c' || !m[4]) continue;
    out.push({ name: m[3], version: m[4], ...(m[5] ? { arch: m[5] } : {}), held: m[1] === 'h' });
  }
  return out;
}
