/**
 * The rpm database query dnf, yum and zypper share, and rpm's NEVRA names.
 *
 * The query prints one line per installed package, `NAME<TAB>[EPOCH:]VERSION-RELEASE<TAB>ARCH`, with the
 * epoch only when the package has one (rpm's query-format conditional `%|EPOCH?{...}:{...}|`, rpm(8)
 * "--queryformat" and https://rpm-software-management.github.io/rpm/manual/queryformat.html). For a name
 * that is not installed `rpm -q` prints `package NAME is not installed` on stdout and exits 1: such lines
 * have no tab and are ignored.
 */
import type { Installed } from './types.js';

export const RPM_QUERY_FORMAT = '%{NAME}\\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\t%{ARCH}\\n';

/** `rpm -q` of the named packages (all of them with `-qa` when none is named); `--` ends rpm's options. */
export function rpmQuery(names: string[]): string[] {
  return names.length ? ['rpm', '-q', '--qf', RPM_QUERY_FORMAT, '--', ...names] : ['rpm', '-qa', '--qf', RPM_QUERY_FORMAT];
}

/** `rpm -qa` filtered by an optional name glob (rpm matches it itself). */
export function rpmList(glob?: string): string[] {
  return ['rpm', '-qa', '--qf', RPM_QUERY_FORMAT, ...(glob ? ['--', glob] : [])];
}

/** Reads `rpmQuery` output; `(none)` as the arch (gpg-pubkey) is left out. */
export function parseRpmQuery(lines: string[]): Installed[] {
  const out: Installed[] = [];
  for (const line of lines) {
    const f = line.split('\t');
    if (f.length !== 3 || !f[0] || !f[1]) continue;
    const arch = f[2].trim();
    out.push({ name: f[0], version: f[1], ...(arch && arch !== '(none)' ? { arch } : {}) });
  }
  return out;
}

/** Is this line one of `rpmQuery`'s? */
export function isRpmQueryLine(line: string): boolean {
  return line.split('\t').length === 3;
}

/**
 * Splits `name-[epoch:]version-release.arch` (as dnf, yum and zypper print a package) into its parts;
 * undefined when it has no version-release. `0:` epochs are dropped (dnf5 prints them; rpm does not).
 */
export function splitNevra(nevra: string): Installed | undefined {
  const m = /^(.+)-((?:\d+:)?[^-]+-[^-]+?)(?:\.([A-Za-z0-9_]+))?$/.exec(nevra);
  if (!m) return undefined;
  return { name: m[1], version: m[2].replace(/^0:/, ''), ...(m[3] ? { arch: m[3] } : {}) };
}

/** A version as rpm prints it: without a `0:` epoch. */
export function rpmVersion(v: string): string {
  return v.replace(/^0:/, '');
}

/**
 * The architectures rpm knows (rpm's rpmrc `arch_canon` and `buildarchtranslate` names, with `noarch`):
 * what may follow the last `.` of a requested `name.arch` (dnf(8) and yum(8) "Specifying Packages", zypper(8)
 * capability `NAME[.ARCH][OP<VERSION>]`).
 */
export const RPM_ARCHES: ReadonlySet<string> = new Set([
  'noarch', 'x86_64', 'x86_64_v2', 'x86_64_v3', 'x86_64_v4', 'amd64', 'ia32e', 'i386', 'i486', 'i586', 'i686', 'athlon', 'geode', 'pentium3', 'pentium4',
  'aarch64', 'armv5tel', 'armv5tejl', 'armv6l', 'armv6hl', 'armv7l', 'armv7hl', 'armv7hnl', 'armv8l', 'armv8hl',
  'ppc', 'ppc64', 'ppc64le', 'ppc64p7', 'ppc64pseries', 'ppc64iseries', 's390', 's390x', 'riscv64', 'loongarch64',
  'mips', 'mipsel', 'mips64', 'mips64el', 'ia64', 'sparc', 'sparcv9', 'sparc64', 'alpha', 'sh4', 'm68k',
]);

/**
 * A requested `name.arch` as name and architecture, rpm-style: only a known architecture after the last
 * `.` splits (`python3.11` and `libstdc++.so` stay names); undefined when there is none.
 */
export function splitRpmArch(spec: string): { name: string; arch: string } | undefined {
  const dot = spec.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const arch = spec.slice(dot + 1);
  return RPM_ARCHES.has(arch) ? { name: spec.slice(0, dot), arch } : undefined;
}
