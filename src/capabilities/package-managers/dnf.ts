/**
 * dnf (Fedora, RHEL/CentOS/Rocky/Alma 8+; dnf 4 and dnf 5) and yum (RHEL/CentOS 7), which share their
 * commands, their transaction table and the rpm database.
 *
 * Commands (dnf(8), yum(8)): `dnf -y install -- name name-version` (a pin is `name-version`), `remove`,
 * `upgrade [--security] [-- names]`, `makecache` to refresh; yum says `update`. A requested `name.arch`
 * (`foo.i686`, dnf(8) "Specifying Packages") is pinned as `name-version.arch`.
 *
 * Locks: every command (the refresh too) gets `--setopt=exit_on_lock=True` so that a held lock ends it
 * instead of dnf waiting by itself: the provider retries within the run's timeout. dnf 4 then prints
 * `RPMDB already locked by 1234` (or `metadata` / `cachedir` / `log`, dnf/lock.py) and the holder
 * (`  The application with PID 1234 is: dnf`, dnf/cli/utils.py) and exits 200 (dnf/cli/main.py); yum 3
 * prints `Existing lock /var/run/yum.pid: another copy is running as pid 1234.` and "Another app is
 * currently holding the yum lock; exiting as configured by exit_on_lock" (yummain.py). dnf 5 accepts the
 * option (libdnf5's ConfigMain binds `exit_on_lock`) but does not act on it (doc/dnf5.conf-todo.5.rst, not
 * yet implemented): it waits for the system repository's lock itself ("Waiting for a lock on the system
 * repository ...", dnf5/context.cpp), within the run's timeout; its rpm transaction lock fails with "Failed
 * to obtain rpm transaction lock. Another transaction is in progress." Only such "held by another
 * process" answers are locks: a permission error ("This command has to be run with superuser privileges",
 * "You need to be root to perform this command.", yum's "Can't create lock file; exiting", a malformed
 * lock file) is not, whatever the exit code (200 included).
 *
 * `--assumeno` instead of `-y` is the dry run: dnf/yum print the
 * transaction and decline it, exiting 1 (dnf 4 "Operation aborted.", dnf 5 "Operation aborted by the
 * user.", yum "Exiting on user command"); `succeeded` accepts that exit of a dry run, nothing else. There is
 * no purge: rpm keeps modified configuration files as `.rpmsave` either way.
 *
 * Installed versions come from rpm (rpm.ts); dry runs from the transaction table, whose sections and rows
 * are recorded in test/packages/fixtures/dnf (ci-dnf-stack's behave features hold dnf's real output).
 */
import { type ChangeOp, type Planned, type RefusalRule, globRegExp, scanRefusals, searchGlob, settle, requested } from './common.js';
import { isRpmQueryLine, parseRpmQuery, rpmList, rpmQuery, rpmVersion, splitRpmArch } from './rpm.js';
import type { Installed, PackageManager, PackageOp, PackageT, Spec } from './types.js';

type Flavour = 'dnf' | 'yum';

const SECTION: [RegExp, Planned['action']][] = [
  [/^(Installing|Installed)\b/, 'installed'],
  [/^(Upgrading|Updating|Upgraded|Updated)\b/, 'upgraded'],
  [/^(Downgrading|Downgraded)\b/, 'downgraded'],
  [/^(Removing|Erasing|Removed|Erased)\b/, 'removed'],
  [/^(Reinstalling|Reinstalled)\b/, 'current'],
];

/**
 * The packages of dnf's / yum's transaction table (`Installing:`, `Upgrading:`, `Removing dependent
 * packages:`, ... then ` name arch version repository size` rows; a name too long for its column on a
 * line of its own; dnf 5's `replacing name arch version` under an upgraded one), keyed `name.arch` (one
 * name may come in two architectures) with `name` set.
 */
export function parseTransaction(lines: string[]): Map<string, Planned> {
  const plan = new Map<string, Planned>();
  let action: Planned['action'] | undefined;
  let pendingName: string | undefined;
  let last: string | undefined;
  for (const raw of lines) {
    const line = raw.replace(/\s+$/, '');
    if (!line.trim()) {
      action = undefined;
      pendingName = undefined;
      continue;
    }
    if (!/^\s/.test(line)) {
      const hit = /:$/.test(line) ? SECTION.find(([re]) => re.test(line)) : undefined;
      action = hit?.[1];
      pendingName = undefined;
      continue;
    }
    if (!action) continue;
    const f = line.trim().split(/\s+/);
    if (f[0] === 'replacing' && last !== undefined && f.length >= 4) {
      const p = plan.get(last);
      if (p) p.versionBefore = rpmVersion(f[3]);
      continue;
    }
    if (f.length === 1) {
      pendingName = f[0];
      continue;
    }
    const row = pendingName ? [pendingName, ...f] : f;
    pendingName = undefined;
    if (row.length < 4 || !/^\d/.test(row[2].replace(/^\d+:/, '1'))) continue;
    const [name, arch, version] = row;
    const p: Planned = { name, action, arch, ...(action === 'removed' ? { versionBefore: rpmVersion(version), versionAfter: null } : { versionAfter: rpmVersion(version) }) };
    last = `${name}.${arch}`;
    plan.set(last, p);
  }
  return plan;
}

/** Arguments dnf / yum echo back when they cannot find them (dnf 4 and 5, yum 3). */
const REFUSALS: readonly RefusalRule[] = [
  { re: /^No match for argument:?\s+(\S+)/i, action: 'not_found' },
  { re: /^Error: Unable to find a match:\s+(.+)$/, action: 'not_found', many: true },
  { re: /^No package (\S+) available\.?$/, action: 'not_found' },
  { re: /^No packages to remove for argument:\s+(\S+)/, action: 'not_found' },
  { re: /^Package (\S+) available, but not installed\.?$/, action: 'not_found' },
  { re: /^Package (\S+) is not installed\.?$/, action: 'not_found' },
];

/** A package as dnf / yum get it: `name`, `name-version`, or `name-version.arch` for a `name.arch` pin. */
export function rpmSpec(s: Spec): string {
  if (!s.version) return s.name;
  const split = splitRpmArch(s.name);
  return split ? `${split.name}-${s.version}.${split.arch}` : `${s.name}-${s.version}`;
}

const refusals = (specs: Spec[], output: string[]) => scanRefusals(specs, output, REFUSALS, rpmSpec);

/** dnf / yum's `name.arch  version  repository` rows (list, check-update), after their section headings. */
function parseNameArchRows(lines: string[]): { name: string; arch: string; version: string; repository: string }[] {
  const out: { name: string; arch: string; version: string; repository: string }[] = [];
  let pending: string | undefined;
  for (const raw of lines) {
    if (isRpmQueryLine(raw)) continue;
    // What an obsoleting package replaces is listed below it: not an upgrade of its own.
    if (/^Obsoleting Packages/i.test(raw.trim())) break;
    const f = raw.trim().split(/\s+/).filter(Boolean);
    if (f.length === 1 && /\.[A-Za-z0-9_]+$/.test(f[0])) {
      pending = f[0];
      continue;
    }
    const row = pending && f.length === 2 ? [pending, ...f] : f;
    pending = undefined;
    if (row.length !== 3) continue;
    const m = /^(.+)\.([A-Za-z0-9_]+)$/.exec(row[0]);
    if (!m || !/^\d/.test(row[1])) continue;
    out.push({ name: m[1], arch: m[2], version: rpmVersion(row[1]), repository: row[2].replace(/^@/, '') });
  }
  return out;
}

/** 0, or a dry run that declined its own prompt (exit 1 after the abort message, no `Error:` line). */
function declined(op: ChangeOp, output: string[], exitCode: number): boolean {
  if (exitCode === 0) return true;
  return op.dryRun && exitCode === 1
    && output.some((l) => /^(Operation aborted|Exiting on user command)/.test(l.trim()))
    && !output.some((l) => /^Error:/.test(l.trim()));
}

/** dnf's and yum's own permission errors (and lock files they cannot use): never a lock held by another process. */
const NOT_A_LOCK = /superuser privileges|You need to be root|Can't create lock file|Could not create lock at|Malformed lock file|\[Errno 13\] Permission denied/;

/** What of `lines` says another process holds dnf's, yum's or rpm's lock (see the module comment). */
export function rpmLockHeld(lines: string[], exitCode: number): string | undefined {
  if (exitCode === 0) return undefined;
  const text = lines.join('\n');
  if (NOT_A_LOCK.test(text)) return undefined;
  const app = /The other application is:\s*(\S+)/.exec(text)?.[1] ?? /The application with PID \d+ is:\s*(\S+)/.exec(text)?.[1];
  if (/Another app is currently holding the yum lock/.test(text)) {
    const pid = /another copy is running as pid (\d+)/.exec(text)?.[1] ?? /^\s*State\s*:.*pid:\s*(\d+)/m.exec(text)?.[1];
    return `yum lock (/var/run/yum.pid) held by ${app ?? 'another process'}${pid ? ` (pid ${pid})` : ''}`;
  }
  const held = /^\s*(RPMDB|metadata|cachedir|log) already locked by (\d+)/m.exec(text);
  if (held) return `dnf ${held[1]} lock held by process ${held[2]}${app ? ` (${app})` : ''}`;
  const waited = /Waiting for process with pid (\d+) to finish/.exec(text)?.[1];
  if (waited) return `dnf lock held by process ${waited}`;
  if (/Failed to obtain rpm transaction lock|Another transaction is in progress/.test(text)) return 'rpm transaction lock held by another process';
  return undefined;
}

/** dnf or yum. */
export function rpmFamily(flavour: Flavour): PackageManager {
  const bin = flavour;
  const noWait = '--setopt=exit_on_lock=True';
  const head = (dryRun: boolean) => [bin, dryRun ? '--assumeno' : '-y', noWait];
  const spec = rpmSpec;
  const refresh = (on: boolean) => (on ? [[bin, noWait, 'makecache']] : []);
  return {
    name: flavour,
    shell: 'sh',
    // dnf's pinned update is an `install` (below), which would install a package that is not installed.
    ...(flavour === 'dnf' ? { updateInstallsAbsent: true } : {}),
    /**
     * `dnf list` / `yum list` exit 1 with "Error: No matching Packages to list" (dnf 5: "No matching packages
     * to list") when nothing matched; any other exit 1 (a repository that cannot be read) is a failure.
     */
    noMatch(_op, exitCode, output) {
      return exitCode === 1 && output.some((l) => /No matching packages to list/i.test(l));
    },
    commands(op: PackageOp): string[][] {
      switch (op.kind) {
        case 'install':
          return [...refresh(op.refresh), [...head(op.dryRun), 'install', '--', ...op.packages.map(spec)]];
        case 'uninstall':
          return [[...head(op.dryRun), 'remove', '--', ...op.names]];
        case 'update': {
          const verb = flavour === 'yum' ? 'update' : 'upgrade';
          const security = op.securityOnly ? ['--security'] : [];
          // dnf's `upgrade` never goes down to a pin; its `install` of a version moves an installed package
          // up or down to it (dnf(8), install examples). yum has no such install: a pin below stays `failed`.
          const pinned = flavour === 'dnf' && !op.securityOnly ? (op.packages ?? []).filter((p) => p.version) : [];
          const loose = (op.packages ?? []).filter((p) => !pinned.includes(p));
          const names = loose.length ? ['--', ...loose.map(spec)] : [];
          return [...refresh(op.refresh),
            ...(loose.length || !op.packages?.length ? [[...head(op.dryRun), verb, ...security, ...names]] : []),
            ...(pinned.length ? [[...head(op.dryRun), 'install', '--', ...pinned.map(spec)]] : [])];
        }
        case 'list':
          return op.upgradable
            ? [rpmList(op.name), [bin, '-q', 'list', ...(flavour === 'yum' ? ['updates'] : ['--upgrades']), ...(op.name ? ['--', op.name] : [])]]
            : [rpmList(op.name)];
        case 'search':
          return [[bin, '-q', 'list', ...(flavour === 'yum' ? ['available'] : ['--available']), '--', searchGlob(op.query)]];
      }
    },
    queryInstalled: rpmQuery,
    parseInstalled: parseRpmQuery,
    lockHeld: rpmLockHeld,
    succeeded: declined,
    parseChanges(op, output, exitCode, before, after) {
      return settle({ op, ok: declined(op, output, exitCode), output, before, after, plan: parseTransaction(output), refused: refusals(requested(op), output), splitArch: splitRpmArch });
    },
    parseList(op, output): Omit<PackageT, 'source'>[] {
      const installed = parseRpmQuery(output);
      const match = op.name ? globRegExp(op.name) : undefined;
      const keep = (n: string) => !match || match.test(n);
      if (!op.upgradable) return installed.filter((p) => keep(p.name)).map((p) => ({ name: p.name, version: p.version, ...(p.arch ? { architecture: p.arch } : {}), status: 'installed' as const }));
      const have = new Map<string, Installed>(installed.map((p) => [`${p.name}.${p.arch ?? ''}`, p]));
      const upgrades = parseNameArchRows(output).filter((r) => keep(r.name));
      const upgradable = new Set(upgrades.map((r) => `${r.name}.${r.arch}`));
      const rows: Omit<PackageT, 'source'>[] = upgrades.map((r) => ({
        name: r.name, version: have.get(`${r.name}.${r.arch}`)?.version ?? have.get(`${r.name}.noarch`)?.version ?? r.version,
        architecture: r.arch, status: 'upgradable', availableVersion: r.version, repository: r.repository,
      }));
      for (const p of installed) {
        if (keep(p.name) && !upgradable.has(`${p.name}.${p.arch ?? ''}`)) rows.push({ name: p.name, version: p.version, ...(p.arch ? { architecture: p.arch } : {}), status: 'installed' });
      }
      return rows;
    },
    parseSearch(_op, output): Omit<PackageT, 'source'>[] {
      return parseNameArchRows(output).map((r) => ({ name: r.name, version: r.version, architecture: r.arch, status: 'available', repository: r.repository }));
    },
  };
}

export const dnf = rpmFamily('dnf');
export const yum = rpmFamily('yum');
