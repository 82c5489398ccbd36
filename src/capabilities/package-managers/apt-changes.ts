/**
 * Per-package outcome of an apt-get install / remove / purge / upgrade, from dpkg-query before and after and
 * apt-get's own output (apt 2.6, Debian bookworm; recorded outputs in
 * test/capabilities/package-managers/fixtures/apt/). What is read:
 * - the summary sections (`The following NEW packages will be installed:`, `... will be upgraded:`,
 *   `... will be DOWNGRADED:`, `... will be REMOVED:`, `... have been kept back:`, `The following held packages
 *   will be changed:`), each followed by indented names;
 * - the simulation plan of a dry run (`Inst name [old] (new origin [arch])`, `Remv name [old]`, `Purg name [old]`);
 * - dpkg's progress (`Unpacking name (new) over (old) ...`, `Setting up name (v) ...`, `Removing name (v) ...`);
 * - per-package messages: `E: Unable to locate package X`, `E: Version 'v' for 'X' was not found`,
 *   `E: Package 'X' has no installation candidate`, `Package 'X' is not installed, so not removed`,
 *   `X is already the newest version (v).`, `Skipping X, it is not installed and only upgrades are requested.`,
 *   `dpkg: error processing package X (--configure):`.
 */
import { compareDebVersions } from './deb-version.js';
import type { Installed, PackageChangeT, PackageOp } from './types.js';

type ChangeOp = Extract<PackageOp, { kind: 'install' | 'uninstall' | 'update' }>;
type Action = PackageChangeT['action'];

const SECTIONS: [RegExp, string][] = [
  [/^The following NEW packages will be installed:/, 'new'],
  [/^The following packages will be upgraded:/, 'upgraded'],
  [/^The following packages will be DOWNGRADED:/, 'downgraded'],
  [/^The following packages will be REMOVED:/, 'removed'],
  [/^The following packages have been kept back:/, 'kept'],
  [/^The following held packages will be changed:/, 'held'],
];

/** Per-package facts found in the output. */
interface Seen {
  lines: string[];
  flag?: Action;
  /** From the plan or dpkg's progress: versions before/after when the queries do not cover the package. */
  from?: string | null;
  to?: string | null;
  arch?: string;
}

/** `name:arch` as apt prints foreign-architecture packages: the name (package names have no `:`). */
function bare(n: string): [string, string | undefined] {
  const i = n.indexOf(':');
  return i < 0 ? [n, undefined] : [n.slice(0, i), n.slice(i + 1)];
}

/** Reads the output into per-package facts and the summary sections, keeping first-seen order. */
export function readAptOutput(output: string[]): { seen: Map<string, Seen>; sections: Map<string, Set<string>>; errors: string[] } {
  const seen = new Map<string, Seen>();
  const sections = new Map<string, Set<string>>();
  const errors: string[] = [];
  const at = (raw: string) => {
    const [name, arch] = bare(raw);
    let s = seen.get(name);
    if (!s) seen.set(name, (s = { lines: [] }));
    if (arch && !s.arch) s.arch = arch;
    return s;
  };
  const note = (raw: string, line: string, flag?: Action) => {
    const s = at(raw);
    if (!s.lines.includes(line)) s.lines.push(line);
    if (flag && !s.flag) s.flag = flag;
    return s;
  };
  let section: string | undefined;
  for (const line of output) {
    if (section && /^ {2}\S/.test(line)) {
      for (const n of line.trim().split(/\s+/)) {
        const name = bare(n.replace(/\*$/, ''))[0];
        sections.get(section)!.add(name);
        at(name);
      }
      continue;
    }
    section = SECTIONS.find(([re]) => re.test(line))?.[1];
    if (section) {
      if (!sections.has(section)) sections.set(section, new Set());
      continue;
    }
    if (line.startsWith('E: ')) errors.push(line);
    let m: RegExpExecArray | null;
    if ((m = /^Inst (\S+) (?:\[(\S+)\] )?\((\S+) .*?(?:\[([^\]\s]+)\])?\)/.exec(line))) {
      const s = note(m[1], line);
      s.from = m[2] ?? null;
      s.to = m[3];
      if (m[4]) s.arch = m[4];
    } else if ((m = /^(?:Remv|Purg) (\S+) \[(\S+)\]/.exec(line))) {
      const s = note(m[1], line);
      s.from = m[2];
      s.to = null;
    } else if ((m = /^Unpacking (\S+) \((\S+)\)(?: over \((\S+)\))?/.exec(line))) {
      const s = note(m[1], line);
      s.from = m[3] ?? null;
      s.to = m[2];
    } else if ((m = /^Setting up (\S+) \((\S+)\)/.exec(line))) {
      const s = note(m[1], line);
      if (s.to === undefined) s.to = m[2];
    } else if ((m = /^(?:Removing|Purging configuration files for) (\S+) \((\S+)\)/.exec(line))) {
      const s = note(m[1], line);
      if (s.from === undefined) s.from = m[2];
      s.to = null;
    } else if ((m = /^E: Unable to locate package (\S+)$/.exec(line))
      ?? (m = /^E: Couldn't find any package by (?:glob|regex) '(.+)'$/.exec(line))
      ?? (m = /^E: Package '(.+)' has no installation candidate$/.exec(line))
      ?? (m = /^Package '(\S+)' is not installed, so not removed$/.exec(line))
      ?? (m = /^Skipping (\S+), it is not installed and only upgrades are requested\.$/.exec(line))
      ?? (m = /^capstan: no package named exactly '([^']+)'/.exec(line))) {
      note(m[1], line, 'not_found');
    } else if ((m = /^E: Version '.+' for '(.+)' was not found$/.exec(line))) {
      note(m[1], line, 'not_found');
    } else if ((m = /^(\S+) is already the newest version \(/.exec(line))) {
      note(m[1], line, 'current');
    } else if ((m = /^dpkg: error processing package (\S+) /.exec(line))) {
      note(m[1], line, 'failed');
    } else if ((m = /^(?:Package (\S+) is (?:a virtual package|not available)|Selected version '.+' \(.+\) for '(\S+)'|(\S+) set to manually installed\.$)/.exec(line))) {
      note(m[1] ?? m[2] ?? m[3], line);
    }
  }
  return { seen, sections, errors };
}

const CHANGED: Action[] = ['installed', 'upgraded', 'downgraded', 'removed'];

/** PackageManager.parseChanges for apt (see the module comment). */
export function parseAptChanges(op: ChangeOp, output: string[], exitCode: number, before: Installed[], after: Installed[] | undefined): PackageChangeT[] {
  const { seen, sections, errors } = readAptOutput(output);
  const was = new Map(before.map((i) => [i.name, i]));
  const now = new Map((after ?? []).map((i) => [i.name, i]));
  const inSection = (k: string, n: string) => sections.get(k)?.has(n) ?? false;
  const named = op.kind === 'install' || op.kind === 'uninstall' || (op.kind === 'update' && op.packages !== undefined);
  const asked = new Set(op.kind === 'install' ? op.packages.map((p) => p.name) : op.kind === 'uninstall' ? op.names : (op.packages ?? []).map((p) => p.name));
  // The before/after queries cover what the request named (everything for update-all); other packages apt
  // touched are known from its output only. No after (not read again after the run) says nothing.
  const queried = (n: string) => !named || asked.has(n);
  const afterRan = after !== undefined;

  const change = (name: string, requested: boolean): PackageChangeT | undefined => {
    const s = seen.get(name);
    const versionBefore = queried(name) ? was.get(name)?.version ?? null : s?.from ?? null;
    const fromOutput = s?.to !== undefined ? s.to : versionBefore;
    const versionAfter = !op.dryRun && queried(name) && afterRan ? now.get(name)?.version ?? null : fromOutput;
    let action: Action;
    if (s?.flag === 'not_found' || s?.flag === 'failed') action = s.flag;
    else if (inSection('held', name) || inSection('kept', name)) action = 'held';
    else if (versionBefore === null && versionAfter !== null) action = 'installed';
    else if (versionBefore !== null && versionAfter === null) action = 'removed';
    else if (versionBefore !== null && versionAfter !== null && versionBefore !== versionAfter) {
      action = inSection('downgraded', name) || compareDebVersions(versionAfter, versionBefore) < 0 ? 'downgraded' : 'upgraded';
    } else if (s?.flag === 'current') action = 'current';
    // Not installed before nor after: nothing to remove, whatever else stopped apt-get.
    else if (op.kind === 'uninstall' && versionBefore === null && versionAfter === null) action = 'not_found';
    else if (exitCode !== 0) action = 'failed';
    else if (versionBefore === null && op.kind !== 'install') action = 'not_found';
    else if (versionBefore === null) action = 'failed';
    else action = 'current';
    if (!requested && !CHANGED.includes(action) && action !== 'held') return undefined;
    const arch = now.get(name)?.arch ?? was.get(name)?.arch ?? s?.arch;
    let lines = s?.lines ?? [];
    if (action === 'failed' && !lines.length) lines = errors.length ? errors : [`apt-get stopped (exit ${exitCode}) before changing it`];
    if (action === 'held' && !lines.length) lines = errors.length ? errors : ['kept back by apt-get (held, or what it needs cannot be installed)'];
    if (action === 'not_found' && !lines.length) lines = [op.kind === 'uninstall' ? 'not installed' : 'not installed, so not upgraded'];
    const message = lines.join('\n').slice(0, 4000);
    return { name, ...(arch ? { arch } : {}), versionBefore, versionAfter, action, ...(message ? { message } : {}) };
  };

  const out: PackageChangeT[] = [];
  for (const n of asked) {
    const c = change(n, true);
    if (c) out.push(c);
  }
  // Everything else apt touched: the plan and dpkg's progress first, then what the queries show changed.
  const others = new Set<string>([...seen.keys(), ...(named ? [] : [...before, ...(after ?? [])].map((i) => i.name))]);
  for (const n of others) {
    if (asked.has(n)) continue;
    const c = change(n, false);
    if (c) out.push(c);
  }
  return out;
}
