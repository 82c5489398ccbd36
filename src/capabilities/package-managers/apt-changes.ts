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
 *   `dpkg: error processing package X (--configure):`, `Note, selecting 'X' instead of 'Y'` (apt installs X for
 *   the requested Y: a virtual package one package provides; the request is then reported with X's versions).
 * Multiarch: apt and dpkg print a package of another architecture as `name:arch` (dpkg also the native one when
 * several are installed); a request `name:arch` is matched to the dpkg-query line of that name and
 * architecture, and to the output lines naming `name:arch` (or `name` alone when no other architecture of it is
 * named). A purge also removes a package dpkg keeps in state `rc` (config files only, `configOnly`).
 */
import { compareDebVersions } from './deb-version.js';
import { type DpkgPackage, splitArch } from './apt-dpkg.js';
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

/** Reads the output into per-package facts and the summary sections, keeping first-seen order. */
export function readAptOutput(output: string[]): { seen: Map<string, Seen>; sections: Map<string, Set<string>>; errors: string[]; notes: Map<string, { to: string; line: string }> } {
  const seen = new Map<string, Seen>();
  const notes = new Map<string, { to: string; line: string }>();
  const sections = new Map<string, Set<string>>();
  const errors: string[] = [];
  // Keyed by the name as printed (`name` or `name:arch`).
  const at = (raw: string) => {
    let s = seen.get(raw);
    if (!s) seen.set(raw, (s = { lines: [] }));
    const arch = splitArch(raw)[1];
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
        const name = n.replace(/\*$/, '');
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
    } else if ((m = /^(?:Remv|Purg) (\S+)(?: \[(\S+)\])?/.exec(line))) {
      // `Purg name` without a version: a package with only its configuration files left (dpkg state rc).
      const s = note(m[1], line);
      if (m[2]) s.from = m[2];
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
    } else if ((m = /^E: Unable to locate package (\S+)(?:$| \(capstan: )/.exec(line))
      ?? (m = /^E: Couldn't find any package by (?:glob|regex) '(.+)'$/.exec(line))
      ?? (m = /^E: Package '(.+)' has no installation candidate$/.exec(line))
      ?? (m = /^Package '(\S+)' is not installed, so not removed$/.exec(line))
      ?? (m = /^Skipping (\S+), it is not installed and only upgrades are requested\.$/.exec(line))) {
      note(m[1], line, 'not_found');
    } else if ((m = /^E: Version '.+' for '(.+)' was not found$/.exec(line))) {
      note(m[1], line, 'not_found');
    } else if ((m = /^(\S+) is already the newest version \((\S+)\)/.exec(line))) {
      const s = note(m[1], line, 'current');
      if (s.from === undefined) s.from = m[2];
      if (s.to === undefined) s.to = m[2];
    } else if ((m = /^Note, selecting '(\S+)' instead of '(\S+)'$/.exec(line))) {
      notes.set(m[2], { to: m[1], line });
      note(m[1], line);
    } else if ((m = /^dpkg: error processing package (\S+) /.exec(line))) {
      note(m[1], line, 'failed');
    } else if ((m = /^(?:Package (\S+) is (?:a virtual package|not available)|Selected version '.+' \(.+\) for '(\S+)'|(\S+) set to manually installed\.$)/.exec(line))) {
      note(m[1] ?? m[2] ?? m[3], line);
    }
  }
  return { seen, sections, errors, notes };
}

const CHANGED: Action[] = ['installed', 'upgraded', 'downgraded', 'removed'];

type Seen_ = Seen;

/** The output keys (names as printed) that mean `base` of `arch` (unqualified: the one apt means by the bare name). */
export function keysFor(seen: Map<string, Seen_>, base: string, arch: string | undefined): string[] {
  const qualified = [...seen.keys()].filter((k) => k.startsWith(`${base}:`));
  const u = seen.get(base);
  if (!arch) {
    const keys = u ? [base] : [];
    if (qualified.length === 1) {
      const a = splitArch(qualified[0])[1];
      if (!u?.arch || u.arch === a) keys.push(qualified[0]);
    }
    return keys;
  }
  const exact = `${base}:${arch}`;
  const keys = seen.has(exact) ? [exact] : [];
  // `name` alone is this one when its plan line says so, or (unknown) when no other architecture of it is named.
  if (u && (u.arch ? u.arch === arch || (u.arch === 'all' && !keys.length) : !qualified.some((k) => k !== exact))) keys.push(base);
  return keys;
}

/** The facts of several keys as one (the first key's flag and versions first). */
function merged(seen: Map<string, Seen_>, keys: string[]): Seen_ | undefined {
  if (!keys.length) return undefined;
  const out: Seen_ = { lines: [] };
  for (const k of keys) {
    const s = seen.get(k)!;
    for (const l of s.lines) if (!out.lines.includes(l)) out.lines.push(l);
    out.flag ??= s.flag;
    if (out.from === undefined) out.from = s.from;
    if (out.to === undefined) out.to = s.to;
    out.arch ??= s.arch;
  }
  return out;
}

/** dpkg-query's entry of `base` of `arch` (an `all` one stands for any); without `arch`, of `prefer` or the only one. */
function pick<T extends Installed>(list: T[], base: string, arch: string | undefined): T | undefined {
  const c = list.filter((i) => i.name === base);
  if (arch) return c.find((i) => i.arch === arch) ?? c.find((i) => i.arch === 'all');
  return c[0];
}

/** PackageManager.parseChanges for apt (see the module comment). */
export function parseAptChanges(op: ChangeOp, output: string[], exitCode: number, before: Installed[], after: Installed[] | undefined): PackageChangeT[] {
  const { seen, sections, errors, notes } = readAptOutput(output);
  const isRc = (i: Installed) => (i as DpkgPackage).configOnly === true;
  const was = before.filter((i) => !isRc(i));
  const now = (after ?? []).filter((i) => !isRc(i));
  const purging = op.kind === 'uninstall' && op.purge;
  const named = op.kind === 'install' || op.kind === 'uninstall' || (op.kind === 'update' && op.packages !== undefined);
  const asked = [...new Set(op.kind === 'install' ? op.packages.map((p) => p.name) : op.kind === 'uninstall' ? op.names : (op.packages ?? []).map((p) => p.name))];
  const askedBases = new Set(asked.map((n) => splitArch(n)[0]));
  const afterRan = after !== undefined;
  const used = new Set<string>();

  /** Without an architecture asked for, the one to read: the plan's, else the one whose version moved, else the first. */
  const archOf = (base: string, s: Seen_ | undefined): string | undefined => {
    const archs = [...new Set([...was, ...now].filter((i) => i.name === base).map((i) => i.arch))];
    if (archs.length <= 1) return archs[0];
    if (s?.arch && archs.includes(s.arch)) return s.arch;
    const moved = archs.filter((a) => pick(was, base, a)?.version !== pick(now, base, a)?.version);
    return moved.length === 1 ? moved[0] : archs[0];
  };

  /**
   * One package's change. `label`: the name reported (as requested); `base`/`arch`: the package apt handled;
   * `queried`: the dpkg-query before/after cover it.
   */
  const change = (label: string, base: string, askedArch: string | undefined, queried: boolean, requested: boolean, extraLines: string[] = []): PackageChangeT | undefined => {
    const keys = keysFor(seen, base, askedArch);
    keys.forEach((k) => used.add(k));
    const s = merged(seen, keys);
    const arch0 = askedArch ?? archOf(base, s);
    const rcBefore = purging ? pick(before.filter(isRc), base, arch0) : undefined;
    const b = pick(was, base, arch0) ?? rcBefore;
    const a = pick(now, base, arch0) ?? (purging ? pick((after ?? []).filter(isRc), base, arch0) : undefined);
    const versionBefore = queried ? b?.version ?? null : s?.from ?? null;
    const fromOutput = s?.to !== undefined ? s.to : versionBefore;
    const versionAfter = !op.dryRun && queried && afterRan ? a?.version ?? null : fromOutput;
    const inSection = (k: string) => keys.some((n) => sections.get(k)?.has(n));
    let action: Action;
    if (s?.flag === 'not_found' || s?.flag === 'failed') action = s.flag;
    else if (inSection('held') || inSection('kept')) action = 'held';
    else if (versionBefore === null && versionAfter !== null) action = 'installed';
    else if (versionBefore !== null && versionAfter === null) action = 'removed';
    else if (versionBefore !== null && versionAfter !== null && versionBefore !== versionAfter) {
      action = inSection('downgraded') || compareDebVersions(versionAfter, versionBefore) < 0 ? 'downgraded' : 'upgraded';
    } else if (s?.flag === 'current') action = 'current';
    // Not installed before nor after: nothing to remove, whatever else stopped apt-get.
    else if (op.kind === 'uninstall' && versionBefore === null && versionAfter === null) action = 'not_found';
    else if (exitCode !== 0) action = 'failed';
    else if (versionBefore === null && op.kind !== 'install') action = 'not_found';
    else if (versionBefore === null) action = 'failed';
    else action = 'current';
    if (!requested && !CHANGED.includes(action) && action !== 'held') return undefined;
    const arch = askedArch ?? a?.arch ?? b?.arch ?? s?.arch;
    let lines = [...extraLines, ...(s?.lines ?? []).filter((l) => !extraLines.includes(l))];
    if (action === 'failed' && !lines.length) lines = errors.length ? errors : [`apt-get stopped (exit ${exitCode}) before changing it`];
    if (action === 'held' && !lines.length) lines = errors.length ? errors : ['kept back by apt-get (held, or what it needs cannot be installed)'];
    if (action === 'not_found' && !lines.length) lines = [op.kind === 'uninstall' ? 'not installed' : 'not installed, so not upgraded'];
    const message = lines.join('\n').slice(0, 4000);
    return { name: label, ...(arch ? { arch } : {}), versionBefore, versionAfter, action, ...(message ? { message } : {}) };
  };

  const out: PackageChangeT[] = [];
  for (const n of asked) {
    const note = notes.get(n);
    // apt took another package for this name (a virtual one's provider): read what it did to that one.
    const [base, arch] = splitArch(note?.to ?? n);
    const c = note
      ? change(n, base, arch, askedBases.has(base), true, [note.line])
      : change(n, base, arch, true, true);
    if (c) out.push(c);
  }
  // Everything else apt touched: the plan and dpkg's progress first, then what the queries show changed.
  const done = new Set(out.map((c) => `${splitArch(c.name)[0]}:${c.arch ?? ''}`));
  for (const k of seen.keys()) {
    if (used.has(k)) continue;
    const [base, arch] = splitArch(k);
    if (named && askedBases.has(base) && asked.includes(k)) continue;
    const c = change(base, base, arch, !named, false);
    if (!c) continue;
    const id = `${base}:${c.arch ?? ''}`;
    if (done.has(id)) continue;
    done.add(id);
    out.push(c);
  }
  if (!named) {
    for (const i of [...was, ...now]) {
      const id = `${i.name}:${i.arch ?? ''}`;
      if (done.has(id) || done.has(`${i.name}:`)) continue;
      done.add(id);
      const c = change(i.name, i.name, i.arch, true, false);
      if (c) out.push(c);
    }
  }
  return out;
}
