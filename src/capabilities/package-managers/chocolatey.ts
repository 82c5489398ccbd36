/**
 * Chocolatey (Windows; choco 1.x and 2.x), written as PowerShell (script-powershell.ts).
 *
 * Commands (https://docs.chocolatey.org/en-us/choco/commands/): `choco install names -y --no-progress`,
 * one `choco install name --version v` per pinned package (`--version` applies to the whole command),
 * `choco uninstall`, `choco upgrade names --fail-on-not-installed` (choco's upgrade would otherwise install
 * a missing package), `choco upgrade all`, `--noop` for dry runs. Chocolatey has no package index to
 * refresh (`refresh` does nothing), no purge and no security-only updates (refused).
 *
 * Installed packages: `choco list --local-only --limit-output` (`name|version` lines). Chocolatey 1.x needs
 * `--local-only` (a bare `choco list` searches the sources); 2.x lists only local packages, refuses
 * `--local-only` with regular output, but ignores it with `--limit-output` (choco's own
 * tests/pester-tests/commands/choco-list.Tests.ps1: "Listing local packages with unsupported argument and
 * --limit-output allows listing packages"): the one command works on both.
 *
 * Messages (choco's pester and integration tests, recorded in test/packages/fixtures/chocolatey):
 * "X not installed. The package was not found with the source(s) listed.", "X is not installed. Cannot
 * uninstall a non-existent package.", "X v1.0.0 already installed.", "You have X v1.0.0 installed. Version
 * 1.1.0 is available based on your source(s).", "X v1.0.0 is the latest version available based on your
 * source(s).", "X is pinned.". Exit codes 1641 and 3010 mean success with a reboot pending.
 *
 * Real runs also say what they did: " The install of X was successful.", " The upgrade of X was
 * successful." (ChocolateyPackageService.cs), " X has been successfully uninstalled." (NugetService.cs),
 * after the package's `X v1.2.3` header: the plan when the installed versions after cannot be read.
 *
 * Versions order as NuGet's (nuget-version.ts): `1.2.0-beta1` is below `1.2.0`.
 *
 * Locks: Chocolatey opens `lib\<name>\.chocolateyPending` exclusively while it works on a package, so a
 * second run fails with "... because it is being used by another process"; NuGet's "Unable to obtain lock
 * file access"; an MSI-based package fails with exit 1618 ("Another installation is already in progress").
 * A run without administrator rights ("Access to the path '...' is denied.", .NET's
 * UnauthorizedAccessException; choco's "Chocolatey detected you are not running from an elevated command
 * shell", GenericRunner.cs) is never a lock.
 */
import { type ChangeOp, type Planned, type Refusal, globRegExp, requested, settle, specOf, unsupported } from './common.js';
import { compareNuGetVersions } from './nuget-version.js';
import type { Installed, PackageManager, PackageOp, PackageT, Spec } from './types.js';

const COMMON = ['-y', '--no-progress'];
const OK_CODES = new Set([0, 1641, 3010]);

/** `name|version[|...]` lines of `--limit-output`. */
function pipeRows(lines: string[]): string[][] {
  return lines.map((l) => l.trim().split('|')).filter((f) => f.length >= 2 && /^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(f[0]) && /^\d/.test(f[1]));
}

/** From `before` to `after` in NuGet's order. */
function moved(before: string, after: string): Planned['action'] {
  const d = compareNuGetVersions(after, before);
  return d > 0 ? 'upgraded' : d < 0 ? 'downgraded' : 'current';
}

/** Permission answers: never a lock held by another process. */
const NOT_A_LOCK = /Access to the path .* is denied|UnauthorizedAccessException|not running from an elevated command shell/i;

function plan(output: string[]): Map<string, Planned> {
  const out = new Map<string, Planned>();
  let noopInstall = false;
  /** The last `name v1.2.3` header of each package (lower-cased name). */
  const header = new Map<string, string>();
  for (const raw of output) {
    const t = raw.trim();
    let m: RegExpExecArray | null;
    if (/would have used NuGet to install packages/.test(t)) {
      noopInstall = true;
      continue;
    }
    if ((m = /^(\S+) v(\d\S*?)(?: \[Approved\])?$/.exec(t))) header.set(m[1].toLowerCase(), m[2]);
    if ((m = /^The (install|upgrade) of (\S+) was successful\./.exec(t))) {
      const had = out.get(m[2]);
      const after = header.get(m[2].toLowerCase()) ?? (had?.versionAfter || undefined);
      const before = had?.versionBefore || undefined;
      const action = before && after ? moved(before, after) : had?.action ?? (m[1] === 'install' ? 'installed' : 'upgraded');
      out.set(m[2], { ...had, action, ...(after ? { versionAfter: after } : {}), message: t });
      continue;
    }
    if ((m = /^(\S+) has been successfully uninstalled\./.exec(t))) {
      out.set(m[1], { action: 'removed', ...(header.has(m[1].toLowerCase()) ? { versionBefore: header.get(m[1].toLowerCase()) } : {}), versionAfter: null, message: t });
      continue;
    }
    if ((m = /^You have (\S+) v(\S+) installed\. Version (\S+) is available based on your source\(s\)\./.exec(t))) {
      out.set(m[1], { action: moved(m[2], m[3]), versionBefore: m[2], versionAfter: m[3], message: t });
    } else if ((m = /^(\S+) v(\S+) is the latest version available based on your source\(s\)\./.exec(t))) {
      out.set(m[1], { action: 'current', versionBefore: m[2], versionAfter: m[2], message: t });
    } else if ((m = /^(\S+) v(\S+) already installed\./.exec(t))) {
      out.set(m[1], { action: 'current', versionBefore: m[2], versionAfter: m[2], message: t });
    } else if ((m = /^Would have uninstalled (\S+) v(\S+)\./.exec(t))) {
      out.set(m[1], { action: 'removed', versionBefore: m[2], versionAfter: null, message: t });
    } else if (noopInstall && (m = /^(\S+) v(\d\S*)$/.exec(t)) && !out.has(m[1])) {
      // The header of each package a (no-op) install goes through: `name v1.2.3`.
      out.set(m[1], { action: 'installed', versionAfter: m[2] });
    }
  }
  return out;
}

function refusals(specs: Spec[], output: string[]): Map<string, Refusal> {
  const out = new Map<string, Refusal>();
  const add = (arg: string, r: Refusal) => {
    const s = specOf(specs, arg, true);
    if (s && !out.has(s.name)) out.set(s.name, r);
  };
  for (const raw of output) {
    const t = raw.trim().replace(/^- \S+ - /, '');
    let m: RegExpExecArray | null;
    if ((m = /^(\S+) not installed\. The package was not found with the source\(s\) listed\./.exec(t))) add(m[1], { action: 'not_found', message: t });
    else if ((m = /^(\S+) was not found with the source\(s\) listed\./.exec(t))) add(m[1], { action: 'not_found', message: t });
    else if ((m = /^(\S+) is not installed\. Cannot uninstall a non-existent package\./.exec(t))) add(m[1], { action: 'not_found', message: t });
    else if ((m = /^(\S+) is not installed\./.exec(t))) add(m[1], { action: 'not_found', message: t });
    else if ((m = /^(\S+) is pinned\./.exec(t))) add(m[1], { action: 'held', message: t });
  }
  return out;
}

export const chocolatey: PackageManager = {
  name: 'chocolatey',
  shell: 'powershell',
  continueOn: [1641, 3010],
  // `choco upgrade` installs a package that is not installed; `--fail-on-not-installed` would fail the others
  // of the same command with it.
  updateInstallsAbsent: true,
  /**
   * With the `useEnhancedExitCodes` feature on, `choco search` / `list` / `outdated` exit 2 when they found
   * nothing (Chocolatey's command reference, "Exit Codes").
   */
  noMatch(_op, exitCode) {
    return exitCode === 2;
  },
  commands(op: PackageOp): string[][] {
    const noop = (on: boolean) => (on ? ['--noop'] : []);
    switch (op.kind) {
      case 'install': {
        const loose = op.packages.filter((p) => !p.version).map((p) => p.name);
        return [
          ...(loose.length ? [['choco', 'install', ...loose, ...COMMON, ...noop(op.dryRun)]] : []),
          ...op.packages.filter((p) => p.version).map((p) => ['choco', 'install', p.name, '--version', p.version!, ...COMMON, ...noop(op.dryRun)]),
        ];
      }
      case 'uninstall':
        return [['choco', 'uninstall', ...op.names, ...COMMON, ...noop(op.dryRun)]];
      case 'update': {
        if (op.securityOnly) unsupported('chocolatey', 'body', '/securityOnly', 'tell security updates from others');
        if (!op.packages?.length) return [['choco', 'upgrade', 'all', ...COMMON, ...noop(op.dryRun)]];
        const loose = op.packages.filter((p) => !p.version).map((p) => p.name);
        return [
          ...(loose.length ? [['choco', 'upgrade', ...loose, '--fail-on-not-installed', ...COMMON, ...noop(op.dryRun)]] : []),
          ...op.packages.filter((p) => p.version).map((p) => ['choco', 'upgrade', p.name, '--version', p.version!, '--allow-downgrade', '--fail-on-not-installed', ...COMMON, ...noop(op.dryRun)]),
        ];
      }
      case 'list':
        return op.upgradable
          ? [['choco', 'list', '--local-only', '--limit-output'], ['choco', 'outdated', '--limit-output']]
          : [['choco', 'list', '--local-only', '--limit-output']];
      case 'search':
        // PowerShell 5.1 does not escape a double quote inside an argument to a native program, and choco
        // takes `-x` and `/x` for options wherever they stand.
        if (/["\u201C\u201D\u201E\s]/.test(op.query) || /^[-/]/.test(op.query)) unsupported('chocolatey', 'query', '/query', 'search for words with spaces or double quotes, or starting with - or / (one name or glob)');
        return [['choco', 'search', op.query, '--limit-output']];
    }
  },
  queryInstalled(): string[] {
    // Every local package: choco 1.x filters a name as a substring; the provider picks the ones it needs.
    return ['choco', 'list', '--local-only', '--limit-output'];
  },
  parseInstalled(lines: string[]): Installed[] {
    return pipeRows(lines).map((f) => ({ name: f[0], version: f[1] }));
  },
  lockHeld(lines: string[], exitCode: number): string | undefined {
    if (exitCode === 0) return undefined;
    const text = lines.join('\n');
    if (NOT_A_LOCK.test(text)) return undefined;
    const pending = /(\S*\.chocolateyPending)'? because it is being used by another process/.exec(text);
    if (pending) return `${pending[1].replace(/^'/, '')} held by another Chocolatey process`;
    if (/Unable to obtain lock file access/.test(text)) return 'NuGet lock file held by another process';
    if (exitCode === 1618 || /Another installation is already in progress/i.test(text)) return 'Windows Installer busy with another installation (exit 1618)';
    return undefined;
  },
  succeeded(_op: ChangeOp, _output: string[], exitCode: number): boolean {
    return OK_CODES.has(exitCode);
  },
  parseChanges(op, output, exitCode, before, after) {
    return settle({ op, ok: OK_CODES.has(exitCode), output, before, after, plan: plan(output), refused: refusals(requested(op), output), fold: true, compare: compareNuGetVersions });
  },
  parseList(op, output): Omit<PackageT, 'source'>[] {
    const match = op.name ? globRegExp(op.name, true) : undefined;
    const rows = pipeRows(output).filter((f) => !match || match.test(f[0]));
    // `choco outdated -r` rows have four fields (name|current|available|pinned); `choco list -r` rows two.
    const outdated = new Map(rows.filter((f) => f.length >= 4).map((f) => [f[0].toLowerCase(), f]));
    const out: Omit<PackageT, 'source'>[] = [];
    for (const f of rows.filter((x) => x.length < 4)) {
      const o = outdated.get(f[0].toLowerCase());
      out.push(o ? { name: f[0], version: f[1], status: 'upgradable', availableVersion: o[2] } : { name: f[0], version: f[1], status: 'installed' });
    }
    return out;
  },
  parseSearch(_op, output): Omit<PackageT, 'source'>[] {
    return pipeRows(output).map((f) => ({ name: f[0], version: f[1], status: 'available' as const }));
  },
};
