/**
 * apt (Debian, Ubuntu): apt-get for changes, dpkg-query for the installed state, apt-cache for searches.
 * Formats from apt-get(8), apt-cache(8), dpkg-query(1) of apt 2.6 / dpkg 1.21 (Debian bookworm); the parsers are
 * tested on outputs recorded from a bookworm rootfs (test/capabilities/package-managers/fixtures/apt/).
 *
 * Decisions (README "Packages"):
 * - Every apt-get is `env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o Dpkg::Options::=--force-confdef
 *   -o Dpkg::Options::=--force-confold -o Dpkg::Use-Pty=0`: no prompt, changed conffiles keep the local copy.
 * - Install and update with a pinned version add `--allow-downgrades` (a pin below the installed version is a
 *   downgrade, which apt-get refuses with -y otherwise). Held packages (apt-mark hold) are never changed.
 * - Update-all is `apt-get upgrade --with-new-pkgs`: upgrades and installs new dependencies but never removes a
 *   package (dist-upgrade could); what it keeps back is reported `held`.
 * - securityOnly: the packages `apt-get -s upgrade` would take from an archive whose name ends in `-security`
 *   (Debian's `bookworm-security`, Ubuntu's `jammy-security`) are upgraded with `install --only-upgrade`;
 *   nothing else. With package names, only those among them.
 * - Dry runs add `-s` (apt-get's simulation: the plan, `Inst`/`Remv`/`Purg` lines, and no change); a refresh
 *   asked for still runs (it changes the package index, not the installed packages).
 * - apt-get reads a name it cannot find as a regular expression or glob (`lib.` would install every package
 *   matching it). Every name is therefore first checked to be an exact package name apt knows (`apt-cache
 *   --all-names pkgnames`: real and virtual packages) and, for `name:arch` (multiarch), an architecture dpkg
 *   has configured (`dpkg --print-architecture`, `--print-foreign-architectures`, or `all`); if not, nothing
 *   runs and the name is reported not_found. apt-get also gets `-o APT::Cmd::Pattern-Only=true` (apt >= 1.9.7):
 *   a `name:arch` whose architecture has no such package is then not retried as a regex (`libc6.1:i386` would
 *   be the regex `libc6.1`); only a pattern starting with `^`/`?`/`~` or ending in `$` would be, and the contract's
 *   names cannot.
 * - A request `name:arch` is queried in dpkg as `name` (every architecture installed) and matched to the
 *   architecture it names (parseAptChanges).
 */
import { parseAptChanges } from './apt-changes.js';
import { aptListCommands, aptSearchCommand, parseAptList, parseAptSearch } from './apt-queries.js';
import { DPKG_FORMAT, parseDpkgLines, splitArch } from './apt-dpkg.js';
import type { PackageManager, PackageOp, Spec } from './types.js';

const ENV = ['env', 'DEBIAN_FRONTEND=noninteractive'];
/** apt-get, non-interactive, quiet (no progress lines), conffiles kept as they are on the node. */
export const APT_GET = [...ENV, 'apt-get', '-y', '-q', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold', '-o', 'Dpkg::Use-Pty=0', '-o', 'APT::Cmd::Pattern-Only=true'];

/**
 * How the exact-name check's line for a name apt does not know starts: apt-get's own words, so that it reads
 * (and is read back by parseAptChanges) like apt-get's answer; `(capstan: why)` follows the name.
 */
export const NO_EXACT_NAME = 'E: Unable to locate package';

/**
 * Fails (exit 100, like apt-get) with `E: Unable to locate package X (capstan: ...)` for each argument that is not a
 * package name apt knows (real or virtual: `--all-names`), or whose `:arch` is not an architecture dpkg has
 * configured (or `all`). apt-cache pkgnames lists names by prefix, never by pattern. For a virtual name with one
 * provider it prints apt-get's own `Note, selecting 'X' instead of 'Y'` (apt-get -q does not), so that the
 * request is read as the package apt-get installs for it.
 */
const EXACT_NAMES = [
  'rc=0',
  'archs=" $(dpkg --print-architecture 2>/dev/null) $(dpkg --print-foreign-architectures 2>/dev/null | tr "\\n" " ") all "',
  'for n do',
  '  b=${n%%:*}; a=${n#"$b"}; a=${a#:}',
  '  if ! apt-cache --all-names pkgnames -- "$b" | grep -qxF -- "$b"; then echo "' + NO_EXACT_NAME + ' $n (capstan: no package has exactly this name; apt-get would read it as a pattern)"; rc=100',
  '  elif [ -n "$a" ] && case "$archs" in *" $a "*) false ;; *) true ;; esac; then echo "' + NO_EXACT_NAME + ' $n (capstan: architecture $a is not configured in dpkg)"; rc=100',
  // A virtual name with one provider: apt-get installs that one, and says so only without -q; say it here.
  '  elif ! apt-cache pkgnames -- "$b" | grep -qxF -- "$b"; then',
  '    p=$(apt-cache showpkg -- "$b" 2>/dev/null | sed "1,/^Reverse Provides:/d" | cut -d" " -f1 | sort -u | tr "\\n" " ")',
  '    case "$p" in ""|*" "?*) ;; *) echo "Note, selecting \'${p% }${a:+:$a}\' instead of \'$n\'" ;; esac',
  '  fi',
  'done',
  'exit $rc',
].join('\n');

/**
 * Upgrades the packages `apt-get -s upgrade` would take from a `*-security` archive (its `Inst` lines name the
 * archive: `(1.2-3 Debian-Security:12/stable-security [amd64])`), optionally only those among the names after
 * `--`. Arguments: apt-get's options, then `--`, then the names (none: all).
 */
const SECURITY_UPGRADE = [
  'set -f',
  'opts=""; while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do opts="$opts $1"; shift; done; [ "$#" -gt 0 ] && shift',
  'plan=$(apt-get -s -q -o Debug::NoLocking=1 upgrade) || { printf "%s\\n" "$plan"; exit 100; }',
  'sec=$(printf "%s\\n" "$plan" | sed -n "s/^Inst \\([^ ]*\\) .*\\/[^ ,]*-security[], ].*/\\1/p")',
  'if [ "$#" -gt 0 ]; then want=""; for p in $sec; do for n do [ "$p" = "$n" ] && want="$want $p"; done; done; sec=$want; fi',
  'if [ -z "$sec" ]; then echo "capstan: no security updates to apply"; exit 0; fi',
  'exec env DEBIAN_FRONTEND=noninteractive apt-get $opts install --only-upgrade -- $sec',
].join('\n');

function spec(s: Spec): string {
  return s.version ? `${s.name}=${s.version}` : s.name;
}

/**
 * Every name must be a package apt knows exactly: apt-get reads an unknown name as a pattern (`.`, `+`, `~`) or,
 * ending in `-` / `+`, as "remove it" / "install it" — `remove foo+` would install foo.
 */
function exactCheck(names: string[]): string[][] {
  return names.length ? [['sh', '-c', EXACT_NAMES, 'capstan-exact-names', ...names]] : [];
}

function refresh(on: boolean): string[][] {
  return on ? [[...ENV, 'apt-get', '-q', 'update']] : [];
}

function changeCommands(op: Extract<PackageOp, { kind: 'install' | 'uninstall' | 'update' }>): string[][] {
  const sim = op.dryRun ? ['-s'] : [];
  switch (op.kind) {
    case 'install': {
      const pinned = op.packages.some((p) => p.version) ? ['--allow-downgrades'] : [];
      return [...refresh(op.refresh), ...exactCheck(op.packages.map((p) => p.name)),
        [...APT_GET, ...sim, ...pinned, 'install', '--', ...op.packages.map(spec)]];
    }
    case 'uninstall':
      return [...exactCheck(op.names), [...APT_GET, ...sim, op.purge ? 'purge' : 'remove', '--', ...op.names]];
    case 'update': {
      const names = (op.packages ?? []).map((p) => p.name);
      if (op.securityOnly) {
        return [...refresh(op.refresh), ...exactCheck(names), ['sh', '-c', SECURITY_UPGRADE, 'capstan-security-upgrade', ...APT_GET.slice(ENV.length + 1), ...sim, '--', ...names]];
      }
      if (!op.packages) return [...refresh(op.refresh), [...APT_GET, ...sim, 'upgrade', '--with-new-pkgs']];
      const pinned = op.packages.some((p) => p.version) ? ['--allow-downgrades'] : [];
      return [...refresh(op.refresh), ...exactCheck(names), [...APT_GET, ...sim, ...pinned, 'install', '--only-upgrade', '--', ...op.packages.map(spec)]];
    }
  }
}

/**
 * What apt says when another process holds one of its locks (apt-pkg/contrib/fileutl.cc GetLock and
 * apt-pkg/deb/debsystem.cc, apt 2.x): `E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process
 * 1234 (apt-get)`, without the holder (another pid namespace) `E: Could not get lock /var/lib/dpkg/lock - open
 * (11: Resource temporarily unavailable)` (fcntl's EAGAIN, or EACCES, which fcntl also gives for a lock held
 * elsewhere: GetLock prints this line only when fcntl failed on a file it could open), then
 * `E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?` or
 * `E: Unable to lock the administration directory (/var/lib/dpkg/), is another process using it?`; with
 * DPkg::Lock::Timeout, `Waiting for cache lock: Could not get lock ...`. apt-get then exits 100.
 *
 * Not a held lock (undefined: the run fails at once with apt's message): a lock file apt cannot open, `E: Could
 * not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)` then `... frontend lock
 * (...), are you root?` (not root), nor `E: Unable to lock directory /var/lib/apt/lists/` alone (apt-get update
 * says it after either cause; only a `Could not get lock` line before it makes it a held lock).
 */
export function aptLockHeld(lines: string[], exitCode: number): string | undefined {
  if (exitCode === 0) return undefined;
  for (const l of lines) {
    const held = /(?:^E: |^Waiting for cache lock: |^)Could not get lock (\S+?)\.? It is held by process (\d+)(?: \(([^)]*)\))?/.exec(l);
    if (held) return `${held[1]} held by process ${held[2]}${held[3] ? ` (${held[3]})` : ''}`;
  }
  for (const l of lines) {
    const m = /(?:^E: |^Waiting for cache lock: |^)Could not get lock (\S+?) - \w+ \((?:11|13): [^)]*\)/.exec(l)
      ?? /^E: Unable to acquire the dpkg frontend lock \(([^)]+)\), is another process using it\?/.exec(l)
      ?? /^E: Unable to lock the administration directory \(([^)]+)\), is another process using it\?/.exec(l);
    if (m) return `${m[1]} held by another process`;
  }
  return undefined;
}

export const apt: PackageManager = {
  name: 'apt',
  shell: 'sh',
  commands(op) {
    if (op.kind === 'list') return aptListCommands(op);
    if (op.kind === 'search') return [aptSearchCommand(op)];
    return changeCommands(op);
  },
  /** dpkg-query of the names without their `:arch` (every architecture of each; parseAptChanges picks the one asked for). */
  queryInstalled(names) {
    const bases = [...new Set(names.map((n) => splitArch(n)[0]))];
    return ['dpkg-query', '-W', `-f=${DPKG_FORMAT}`, ...(bases.length ? ['--', ...bases] : [])];
  },
  /** Installed packages, and those with only their configuration files left (`configOnly`: what a purge still removes). */
  parseInstalled(lines) {
    return parseDpkgLines(lines, { configFiles: true }).map(({ held: _h, ...i }) => i);
  },
  lockHeld: aptLockHeld,
  parseChanges: parseAptChanges,
  parseList: parseAptList,
  parseSearch: parseAptSearch,
};
