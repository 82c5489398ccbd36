/**
 * zypper (openSUSE, SLES).
 *
 * Commands (zypper(8)): global `--non-interactive --no-color`, then `install --auto-agree-with-licenses --
 * name name=version` (a pin is the capability `name=version`; zypper(8) "install": "zypper in 'name=1.2'"),
 * `remove`, `update -- names` (pinned ones through `install`, which upgrades or, with `--oldpackage`,
 * downgrades to that version), `update` for update-all, `patch --category security` for security-only
 * updates (zypper has no security filter on single packages: a named security-only update is refused),
 * `--dry-run --details` for dry runs (the summary then lists `name old -> new arch repository` rows), and
 * `refresh`. There is no purge (`--clean-deps` removes unneeded dependencies, not configuration).
 *
 * A requested `name.arch` (`foo.i686`, zypper(8): a capability is `NAME[.ARCH][OP<VERSION>]`) is compared by
 * name and architecture (rpm.ts `splitRpmArch`).
 *
 * Exit codes (zypper(8) "EXIT CODES"): 5 insufficient privileges (ZYPPER_EXIT_ERR_PRIVILEGES, "Root
 * privileges are required for installing or uninstalling packages."), 7 the zypp lock is held
 * (ZYPPER_EXIT_ZYPP_LOCKED), 104 a capability was not found (ZYPPER_EXIT_INF_CAP_NOT_FOUND), 100-102
 * informational (updates or patches needed, reboot needed) and 106 repositories skipped: the operation
 * itself ran, so `succeeded` accepts them. 103 (ZYPPER_EXIT_INF_RESTART_NEEDED) says a patch to the
 * package manager itself was installed and "the command used (e.g. zypper update) needs to be executed
 * once again to install any remaining patches": `rerunOn` has the script run the command again (at most
 * RERUNS times); a real run still ending on 103 did not finish, so it fails, its unchanged packages with
 * zypper's warning. A dry run's 103 (the plan holds such a patch) is a success.
 *
 * Installed versions come from rpm (rpm.ts); output formats are recorded in test/packages/fixtures/zypper.
 */
import { type ChangeOp, type Planned, type RefusalRule, globRegExp, requested, scanRefusals, settle, unsupported } from './common.js';
import { isRpmQueryLine, parseRpmQuery, rpmList, rpmQuery, splitNevra, splitRpmArch } from './rpm.js';
import type { PackageManager, PackageOp, PackageT, Spec } from './types.js';

const BASE = ['zypper', '--non-interactive', '--no-color'];
const OK_CODES = new Set([0, 100, 101, 102, 106]);
/** ZYPPER_EXIT_INF_RESTART_NEEDED: run the command again. */
const RESTART = 103;

function ok(op: ChangeOp, exitCode: number): boolean {
  return OK_CODES.has(exitCode) || (op.dryRun && exitCode === RESTART);
}

/** One row of a zypper table (`a | b | c`) as cells, or undefined for other lines and separators. */
function cells(line: string): string[] | undefined {
  if (!line.includes('|') || /^[-+|]+$/.test(line.trim())) return undefined;
  return line.split('|').map((c) => c.trim());
}

/** zypper's tables (search, list-updates) as records keyed by their header cells. */
export function parseTable(lines: string[]): Record<string, string>[] {
  let header: string[] | undefined;
  const out: Record<string, string>[] = [];
  for (const line of lines) {
    if (isRpmQueryLine(line)) continue;
    const c = cells(line);
    if (!c) {
      if (!line.trim()) header = undefined;
      continue;
    }
    if (!header) {
      header = c.map((h) => h.toLowerCase());
      continue;
    }
    out.push(Object.fromEntries(header.map((h, i) => [h, c[i] ?? ''])));
  }
  return out;
}

const SUMMARY = /^The following (?:\d+ )?(NEW )?packages? (?:is|are) going to be (installed|upgraded|downgraded|REMOVED|reinstalled):$/;
const ACTION: Record<string, Planned['action']> = { installed: 'installed', upgraded: 'upgraded', downgraded: 'downgraded', REMOVED: 'removed', reinstalled: 'current' };

/**
 * The installation summary (`The following 2 NEW packages are going to be installed:` then the names, a
 * few per line, or with `--details` one `name version|old -> new arch repository` row each) and the
 * commit's `(1/1) Installing: name-version.arch ...[done]` / `Removing name-version.arch` lines, by name
 * (a second architecture of one name keyed `name.arch`, with `name` set).
 */
export function parseSummary(lines: string[]): Map<string, Planned> {
  const plan = new Map<string, Planned>();
  /** The key of `name` in `arch`: the name, unless it already stands for another architecture. */
  const keyOf = (name: string, arch?: string) => {
    const had = plan.get(name);
    return !had || !had.arch || !arch || had.arch === arch ? name : `${name}.${arch}`;
  };
  let action: Planned['action'] | undefined;
  for (const raw of lines) {
    const line = raw.trim();
    const head = SUMMARY.exec(line);
    if (head) {
      action = ACTION[head[2]];
      continue;
    }
    const commit = /^\(\d+\/\d+\) (Installing|Removing):? (\S+)/.exec(line);
    if (commit) {
      const p = splitNevra(commit[2]);
      if (p) {
        const key = keyOf(p.name, p.arch);
        const had = plan.get(key);
        const named = key === p.name ? {} : { name: p.name };
        if (commit[1] === 'Installing') plan.set(key, { ...named, ...(had ?? { action: 'installed' }), versionAfter: p.version, ...(p.arch ? { arch: p.arch } : {}) });
        else plan.set(key, { ...named, ...(had ?? { action: 'removed' }), versionBefore: p.version, ...(had?.action === 'removed' || !had ? { versionAfter: null } : {}), ...(p.arch ? { arch: p.arch } : {}) });
      }
      action = undefined;
      continue;
    }
    if (!line || !action || !/^\s/.test(raw)) {
      action = undefined;
      continue;
    }
    const f = line.split(/\s+/);
    if (f.length >= 4 && f[2] === '->') {
      const arch = f[4] && !f[4].includes('->') ? f[4] : undefined;
      const key = keyOf(f[0], arch);
      plan.set(key, { ...(key === f[0] ? {} : { name: f[0] }), action, versionBefore: f[1], versionAfter: f[3], ...(arch ? { arch } : {}) });
    } else if (f.length >= 3 && /^\d/.test(f[1]) && /^[A-Za-z0-9_]+$/.test(f[2])) {
      const key = keyOf(f[0], f[2]);
      plan.set(key, { ...(key === f[0] ? {} : { name: f[0] }), ...(action === 'removed' ? { action, versionBefore: f[1], versionAfter: null, arch: f[2] } : { action, versionAfter: f[1], arch: f[2] }) });
    } else {
      for (const name of f) if (!plan.has(name)) plan.set(name, { action });
    }
  }
  return plan;
}

/** zypper's lines about an argument it cannot find, or a package a lock holds. */
const REFUSALS: readonly RefusalRule[] = [
  { re: /^No provider of '(.+?)' found\./, action: 'not_found' },
  { re: /^Package '(.+?)' not found\./, action: 'not_found' },
  { re: /^Package '(.+?)' is not installed\./, action: 'not_found' },
  { re: /^No provider of '(.+?)' is installed\./, action: 'not_found' },
  { re: /^Package '(.+?)' is not available in your repositories\./, action: 'not_found' },
  { re: /^'(.+?)' is locked\. Use /, action: 'held' },
  { re: /^There is an update candidate for '(.+?)', but it is locked\./, action: 'held' },
];

const refusals = (specs: Spec[], output: string[]) => scanRefusals(specs, output, REFUSALS);

/** zypper's (and libzypp's) answers about privileges: never a lock held by another process. */
const NOT_A_LOCK = /Root privileges are required|Permission denied|insufficient privileges/i;

export const zypper: PackageManager = {
  name: 'zypper',
  shell: 'sh',
  rerunOn: [RESTART],
  // A pinned update is `zypper install --oldpackage name=version`, which installs a package that is not installed.
  updateInstallsAbsent: true,
  /** `zypper search` exits 104 (ZYPPER_EXIT_INF_CAP_NOT_FOUND, zypper(8) "EXIT CODES") when nothing matched. */
  noMatch(op, exitCode) {
    return op.kind === 'search' && exitCode === 104;
  },
  commands(op: PackageOp): string[][] {
    const dry = (on: boolean) => (on ? ['--dry-run', '--details'] : []);
    const refresh = (on: boolean) => (on ? [[...BASE, 'refresh']] : []);
    const spec = (s: Spec) => (s.version ? `${s.name}=${s.version}` : s.name);
    switch (op.kind) {
      case 'install':
        return [...refresh(op.refresh), [...BASE, 'install', '--auto-agree-with-licenses', ...dry(op.dryRun), '--', ...op.packages.map(spec)]];
      case 'uninstall':
        return [[...BASE, 'remove', ...dry(op.dryRun), '--', ...op.names]];
      case 'update': {
        if (!op.packages?.length) {
          return [...refresh(op.refresh), op.securityOnly
            ? [...BASE, 'patch', '--category', 'security', '--auto-agree-with-licenses', ...dry(op.dryRun)]
            : [...BASE, 'update', '--auto-agree-with-licenses', ...dry(op.dryRun)]];
        }
        if (op.securityOnly) unsupported('zypper', 'body', '/securityOnly', 'apply only the security updates of named packages (leave `packages` out to apply every security patch)');
        const pinned = op.packages.some((p) => p.version);
        return [...refresh(op.refresh), pinned
          ? [...BASE, 'install', '--auto-agree-with-licenses', '--oldpackage', ...dry(op.dryRun), '--', ...op.packages.map(spec)]
          : [...BASE, 'update', '--auto-agree-with-licenses', ...dry(op.dryRun), '--', ...op.packages.map(spec)]];
      }
      case 'list':
        return op.upgradable ? [rpmList(op.name), [...BASE, 'list-updates']] : [rpmList(op.name)];
      case 'search':
        return [[...BASE, 'search', '--details', '--type', 'package', '--', op.query]];
    }
  },
  queryInstalled: rpmQuery,
  parseInstalled: parseRpmQuery,
  lockHeld(lines: string[], exitCode: number): string | undefined {
    if (exitCode === 0 || exitCode === 5 || lines.some((l) => NOT_A_LOCK.test(l))) return undefined;
    const m = lines.map((l) => /System management is locked by the application with pid (\d+) \(([^)]*)\)/.exec(l)).find(Boolean);
    if (m) return `/run/zypp.pid held by process ${m[1]} (${m[2]})`;
    return exitCode === 7 ? 'the zypp lock is held by another process (zypper exit 7)' : undefined;
  },
  succeeded(op: ChangeOp, _output: string[], exitCode: number): boolean {
    return ok(op, exitCode);
  },
  parseChanges(op, output, exitCode, before, after) {
    const specs = requested(op);
    const refused = refusals(specs, output);
    if (!op.dryRun && exitCode === RESTART) {
      // Still 103 after the reruns: what did not change did not get its turn.
      const warning = output.map((l) => l.trim()).find((l) => /affects the package manager itself/.test(l))
        ?? 'zypper exited 103 (ZYPPER_EXIT_INF_RESTART_NEEDED): the command must be run again to finish';
      for (const s of specs) if (!refused.has(s.name)) refused.set(s.name, { action: 'failed', message: warning });
    }
    return settle({ op, ok: ok(op, exitCode), output, before, after, plan: parseSummary(output), refused, splitArch: splitRpmArch });
  },
  parseList(op, output): Omit<PackageT, 'source'>[] {
    const match = op.name ? globRegExp(op.name) : undefined;
    const keep = (n: string) => !match || match.test(n);
    const installed = parseRpmQuery(output).filter((p) => keep(p.name));
    const rows: Omit<PackageT, 'source'>[] = [];
    const upgradable = new Set<string>();
    if (op.upgradable) {
      for (const r of parseTable(output)) {
        if (!r.name || !r['available version'] || !keep(r.name)) continue;
        upgradable.add(`${r.name}.${r.arch ?? ''}`);
        rows.push({ name: r.name, version: r['current version'], ...(r.arch ? { architecture: r.arch } : {}), status: 'upgradable', availableVersion: r['available version'], ...(r.repository ? { repository: r.repository } : {}) });
      }
    }
    for (const p of installed) {
      if (!upgradable.has(`${p.name}.${p.arch ?? ''}`)) rows.push({ name: p.name, version: p.version, ...(p.arch ? { architecture: p.arch } : {}), status: 'installed' });
    }
    return rows;
  },
  parseSearch(_op, output): Omit<PackageT, 'source'>[] {
    return parseTable(output)
      .filter((r) => r.name && (!r.type || r.type === 'package'))
      .map((r) => ({
        name: r.name, ...(r.version ? { version: r.version } : {}), ...(r.arch ? { architecture: r.arch } : {}),
        status: /^i/.test(r.s ?? '') ? 'installed' as const : 'available' as const,
        ...(r.repository ? { repository: r.repository } : {}), ...(r.summary ? { description: r.summary } : {}),
      }));
  },
};
