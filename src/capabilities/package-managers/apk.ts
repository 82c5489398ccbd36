/**
 * apk (Alpine Linux; apk-tools 2 and 3).
 *
 * Commands (apk(8), apk-add(8), apk-del(8), apk-upgrade(8), apk-list(8)): `apk add -- name name=version`
 * (a pin is the world constraint `name=version`: apk keeps it in /etc/apk/world, so later upgrades keep
 * that version until it is added again without one), `apk del [--purge]` (`--purge` also deletes modified
 * configuration files), `apk upgrade -- names` (pinned ones through `apk add --upgrade`), `apk upgrade` for
 * update-all, `--simulate` for dry runs, `apk update` to refresh. apk has no security-only updates: such a
 * request is refused.
 *
 * Output (apk-tools' test/solver/*.test expectations, produced with `--simulate`, and test/user/query.sh,
 * recorded in test/packages/fixtures/apk): `(1/2) Installing b (2)`, `Upgrading b (1 -> 2)`,
 * `Purging a (2)`, `ERROR: unable to select packages:` then `  name (no such package):`; `apk list` prints
 * `name-version arch {origin} (license) [installed]`. A database lock another apk holds: `ERROR: Unable to lock
 * database: <EAGAIN's text>` (src/database.c: flock LOCK_NB failing with EWOULDBLOCK = EAGAIN; apk-tools 2
 * prints it `temporary error (try again later)`, apk-tools 3 strerror's `Resource temporarily unavailable`).
 * `Unable to lock database: Permission denied` (not root) and `Unable to open database` are no held lock.
 *
 * Versions are compared in apk's own order (apk-version.ts): upgraded/downgraded of a real run, and the
 * candidate (highest) version of a search.
 */
import { type Planned, type Refusal, globRegExp, requested, searchGlob, settle, specOf, unsupported } from './common.js';
import { compareApkVersions } from './apk-version.js';
import type { Installed, PackageManager, PackageOp, PackageT, Spec } from './types.js';

/** `name-1.2.3-r0` as name and version (apk versions end in `-r<N>`). */
export function splitApk(pkg: string): { name: string; version: string } | undefined {
  const m = /^(.+)-(\d[^-]*-r\d+)$/.exec(pkg);
  return m ? { name: m[1], version: m[2] } : undefined;
}

interface ListRow { name: string; version: string; arch?: string; origin?: string; installed: boolean; upgradableFrom?: string }

/** `apk list` lines: `name-version arch {origin} (license) [installed]` or `[upgradable from: name-old]`. */
export function parseApkList(lines: string[]): ListRow[] {
  const out: ListRow[] = [];
  for (const line of lines) {
    const m = /^(\S+) (\S+) \{([^}]*)\} \([^)]*\)(?: \[([^\]]*)\])?\s*$/.exec(line.trim());
    if (!m) continue;
    const nv = splitApk(m[1]);
    if (!nv) continue;
    const tag = m[4] ?? '';
    const from = /^upgradable from: (\S+)$/.exec(tag)?.[1];
    out.push({ ...nv, arch: m[2], origin: m[3], installed: tag === 'installed', ...(from ? { upgradableFrom: splitApk(from)?.version ?? from } : {}) });
  }
  return out;
}

const STEP = /^\(\d+\/\d+\) (Installing|Upgrading|Downgrading|Replacing|Reinstalling|Purging|Removing) (\S+) \(([^)]*)\)/;

/** The steps apk prints (and, with `--simulate`, would do), by name. */
export function parseSteps(lines: string[]): Map<string, Planned> {
  const plan = new Map<string, Planned>();
  for (const line of lines) {
    const m = STEP.exec(line.trim());
    if (!m) continue;
    const [, verb, name, versions] = m;
    const [from, to] = versions.includes(' -> ') ? versions.split(' -> ') : [versions, versions];
    const message = line.trim();
    if (verb === 'Installing') plan.set(name, { action: 'installed', versionBefore: null, versionAfter: to, message });
    else if (verb === 'Upgrading') plan.set(name, { action: 'upgraded', versionBefore: from, versionAfter: to, message });
    else if (verb === 'Downgrading') plan.set(name, { action: 'downgraded', versionBefore: from, versionAfter: to, message });
    else if (verb === 'Replacing' || verb === 'Reinstalling') plan.set(name, { action: 'current', versionBefore: from, versionAfter: to, message });
    else plan.set(name, { action: 'removed', versionBefore: from, versionAfter: null, message });
  }
  return plan;
}

function refusals(specs: Spec[], output: string[]): Map<string, Refusal> {
  const out = new Map<string, Refusal>();
  let selecting = false;
  for (let i = 0; i < output.length; i++) {
    const t = output[i].trim();
    if (/^ERROR: unable to select packages:/.test(t)) {
      selecting = true;
      continue;
    }
    if (!selecting) continue;
    const m = /^(\S+) \(no such package\):?$/.exec(t);
    if (m) {
      const s = specOf(specs, m[1]);
      const detail = [t, ...output.slice(i + 1, i + 3).map((l) => l.trim()).filter((l) => /^required by:/.test(l))].join('\n');
      if (s && !out.has(s.name)) out.set(s.name, { action: 'not_found', message: detail });
      continue;
    }
    // A pin no candidate satisfies: `  name-1.0-r0:` then `    breaks: world[name=9.9]`.
    const broken = /breaks: world\[([^\]=<>~]+)[=<>~]/.exec(t);
    if (broken) {
      const s = specOf(specs, broken[1]);
      if (s && !out.has(s.name)) out.set(s.name, { action: 'not_found', message: t });
    }
  }
  return out;
}

export const apk: PackageManager = {
  name: 'apk',
  shell: 'sh',
  // `apk add --upgrade name=version` (a pinned update) installs a package that is not installed.
  updateInstallsAbsent: true,
  commands(op: PackageOp): string[][] {
    const sim = (on: boolean) => (on ? ['--simulate'] : []);
    const refresh = (on: boolean) => (on ? [['apk', 'update']] : []);
    const spec = (s: Spec) => (s.version ? `${s.name}=${s.version}` : s.name);
    switch (op.kind) {
      case 'install':
        return [...refresh(op.refresh), ['apk', 'add', ...sim(op.dryRun), '--', ...op.packages.map(spec)]];
      case 'uninstall':
        return [['apk', 'del', ...(op.purge ? ['--purge'] : []), ...sim(op.dryRun), '--', ...op.names]];
      case 'update': {
        if (op.securityOnly) unsupported('apk', 'body', '/securityOnly', 'tell security updates from others');
        if (!op.packages?.length) return [...refresh(op.refresh), ['apk', 'upgrade', ...sim(op.dryRun)]];
        const pinned = op.packages.some((p) => p.version);
        return [...refresh(op.refresh), pinned
          ? ['apk', 'add', '--upgrade', ...sim(op.dryRun), '--', ...op.packages.map(spec)]
          : ['apk', 'upgrade', ...sim(op.dryRun), '--', ...op.packages.map(spec)]];
      }
      case 'list':
        return [['apk', 'list', op.upgradable ? '--upgradable' : '--installed', ...(op.name ? ['--', op.name] : [])], ...(op.upgradable ? [['apk', 'list', '--installed', ...(op.name ? ['--', op.name] : [])]] : [])];
      case 'search':
        return [['apk', 'list', '--available', '--', searchGlob(op.query)]];
    }
  },
  queryInstalled(names: string[]): string[] {
    return ['apk', 'list', '--installed', ...(names.length ? ['--', ...names] : [])];
  },
  parseInstalled(lines: string[]): Installed[] {
    return parseApkList(lines).filter((r) => r.installed || r.upgradableFrom).map((r) => ({
      name: r.name, version: r.upgradableFrom ?? r.version, ...(r.arch ? { arch: r.arch } : {}),
    }));
  },
  lockHeld(lines: string[], exitCode: number): string | undefined {
    if (exitCode === 0) return undefined;
    const line = lines.find((l) => /Unable to lock database: (?:temporary error \(try again later\)|Resource temporarily unavailable|Operation would block)/i.test(l));
    return line ? `/lib/apk/db/lock held by another apk process (${line.replace(/^ERROR:\s*/, '').trim()})` : undefined;
  },
  parseChanges(op, output, exitCode, before, after) {
    const plan = parseSteps(output);
    return settle({ op, ok: exitCode === 0, output, before, after, plan, refused: refusals(requested(op), output), compare: compareApkVersions });
  },
  parseList(op, output): Omit<PackageT, 'source'>[] {
    const match = op.name ? globRegExp(op.name) : undefined;
    const rows = parseApkList(output).filter((r) => !match || match.test(r.name));
    const out: Omit<PackageT, 'source'>[] = [];
    const seen = new Set<string>();
    for (const r of rows.filter((x) => x.upgradableFrom)) {
      seen.add(r.name);
      out.push({ name: r.name, version: r.upgradableFrom!, ...(r.arch ? { architecture: r.arch } : {}), status: 'upgradable', availableVersion: r.version });
    }
    for (const r of rows.filter((x) => x.installed && !seen.has(x.name))) {
      seen.add(r.name);
      out.push({ name: r.name, version: r.version, ...(r.arch ? { architecture: r.arch } : {}), status: 'installed' });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  },
  parseSearch(_op, output): Omit<PackageT, 'source'>[] {
    // `apk list --available` prints every version the repositories have: the candidate is the highest (apk's order).
    const byName = new Map<string, ListRow[]>();
    for (const r of parseApkList(output)) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
    const out: Omit<PackageT, 'source'>[] = [];
    for (const [name, rows] of [...byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const best = rows.reduce((x, y) => (compareApkVersions(y.version, x.version) > 0 ? y : x));
      const inst = rows.find((r) => r.installed);
      const arch = (inst ?? best).arch;
      if (inst && compareApkVersions(best.version, inst.version) > 0) {
        out.push({ name, version: inst.version, ...(arch ? { architecture: arch } : {}), status: 'upgradable', availableVersion: best.version });
      } else {
        out.push({ name, version: (inst ?? best).version, ...(arch ? { architecture: arch } : {}), status: inst ? 'installed' : 'available' });
      }
    }
    return out;
  },
};
