/**
 * dnf (Fedora, RHEL/CentOS/Rocky/Alma 8+; dnf 4 and dnf 5) and yum (RHEL/CentOS 7), which share their
 * commands, their transaction table and the rpm database.
 *
 * Commands (dnf(8), yum(8)): `dnf -y install -- name name-version` (a pin is `name-version`), `remove`,
 * `upgrade [--security] [-- names]`, `makecache` to refresh; yum says `update` and gets
 * `--setopt=exit_on_lock=True` so that a held lock ends it (exit 200) instead of waiting forever: the
 * provider retries within the run's timeout. `--assumeno` instead of `-y` is the dry run: dnf/yum print the
 * transaction and decline it, exiting 1 (dnf 4 "Operation aborted.", dnf 5 "Operation aborted by the
 * user.", yum "Exiting on user command"); `succeeded` accepts that exit of a dry run, nothing else. There is
 * no purge: rpm keeps modified configuration files as `.rpmsave` either way.
 *
 * Installed versions come from rpm (rpm.ts); dry runs from the transaction table, whose sections and rows
 * are recorded in test/packages/fixtures/dnf (ci-dnf-stack's behave features hold dnf's real output).
 */
import { type ChangeOp, type Planned, type RefusalRule, globRegExp, scanRefusals, searchGlob, settle, requested } from './common.js';
import { isRpmQueryLine, parseRpmQuery, rpmList, rpmQuery, rpmVersion } from './rpm.js';
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
 * line of its own; dnf 5's `replacing name arch version` under an upgraded one), by name.
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
    if (f[0] === 'replacing' && last && f.length >= 4) {
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
    const p: Planned = { action, arch, ...(action === 'removed' ? { versionBefore: rpmVersion(version), versionAfter: null } : { versionAfter: rpmVersion(version) }) };
    plan.set(name, p);
    last = name;
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

const refusals = (specs: Spec[], output: string[]) => scanRefusals(specs, output, REFUSALS);

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

/** dnf or yum. */
export function rpmFamily(flavour: Flavour): PackageManager {
  const bin = flavour;
  const head = (dryRun: boolean) => [bin, dryRun ? '--assumeno' : '-y', ...(flavour === 'yum' ? ['--setopt=exit_on_lock=True'] : [])];
  const spec = (s: Spec) => (s.version ? `${s.name}-${s.version}` : s.name);
  const refresh = (on: boolean) => (on ? [[bin, ...(flavour === 'yum' ? ['--setopt=exit_on_lock=True'] : []), 'makecache']] : []);
  return {
    name: flavour,
    shell: 'sh',
    commands(op: PackageOp): string[][] {
      switch (op.kind) {
        case 'install':
          return [...refresh(op.refresh), [...head(op.dryRun), 'install', '--', ...op.packages.map(spec)]];
        case 'uninstall':
          return [[...head(op.dryRun), 'remove', '--', ...op.names]];
        case 'update': {
          const verb = flavour === 'yum' ? 'update' : 'upgrade';
          const security = op.securityOnly ? ['--security'] : [];
          const names = op.packages?.length ? ['--', ...op.packages.map(spec)] : [];
          return [...refresh(op.refresh), [...head(op.dryRun), verb, ...security, ...names]];
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
    lockHeld(lines: string[], exitCode: number): string | undefined {
      if (exitCode === 0) return undefined;
      const text = lines.join('\n');
      const pid = /Waiting for process with pid (\d+) to finish/.exec(text)?.[1] ?? /^\s*State\s*:.*pid:\s*(\d+)/m.exec(text)?.[1]
        ?? /another copy is running as pid (\d+)/.exec(text)?.[1];
      const app = /The other application is:\s*(\S+)/.exec(text)?.[1];
      if (/Another app is currently holding the yum lock/.test(text)) return `yum lock (/var/run/yum.pid) held by ${app ?? 'another process'}${pid ? ` (pid ${pid})` : ''}`;
      if (/Failed to obtain rpm transaction lock|Another transaction is in progress|Waiting for process with pid \d+ to finish/.test(text) || exitCode === 200) {
        return `dnf/rpm transaction lock held by ${pid ? `process ${pid}` : 'another process'}`;
      }
      return undefined;
    },
    succeeded: declined,
    parseChanges(op, output, exitCode, before, after) {
      return settle({ op, ok: declined(op, output, exitCode), output, before, after, plan: parseTransaction(output), refused: refusals(requested(op), output) });
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
