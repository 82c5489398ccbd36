/**
 * What the managers other than apt share: version order, the per-package outcome of a change operation from
 * the versions before and after (and from what the manager said it would do or could not do), glob filters,
 * and the refusal of an option a manager does not have.
 *
 * Pure (no I/O).
 */
import { Errors, fieldError } from '../../core/errors.js';
import type { Installed, PackageChangeT, PackageOp, Spec } from './types.js';

export type ChangeOp = Extract<PackageOp, { kind: 'install' | 'uninstall' | 'update' }>;
export type Action = PackageChangeT['action'];

/**
 * What the manager's own output says about one package (a dry run's plan, or a transaction it printed). In a
 * plan map the key is the package name unless `name` is given (then the key only has to be unique, e.g.
 * `name.arch` where one name comes in two architectures).
 */
export interface Planned {
  name?: string;
  action: Action;
  versionBefore?: string | null;
  versionAfter?: string | null;
  arch?: string;
  message?: string;
}

/** A package the manager refused or could not find: not_found, held (locked / pinned) or failed, and why. */
export interface Refusal {
  action: 'not_found' | 'held' | 'failed';
  message: string;
}

const MESSAGE_MAX = 4000;

/**
 * Compares two versions the way rpm's and apk's orders agree on: an `epoch:` prefix first, then runs of
 * digits (numerically) and of letters (lexically) in turn, a digit run above a letter run, `~` below
 * everything (a pre-release), and a version with more runs above its prefix. Negative, 0, positive.
 * (Chocolatey's NuGet versions order differently: nuget-version.ts.)
 */
export function compareVersions(a: string, b: string): number {
  const epoch = (v: string): [number, string] => {
    const m = /^(\d+):(.*)$/.exec(v);
    return m ? [Number(m[1]), m[2]] : [0, v];
  };
  const [ea, ra] = epoch(a);
  const [eb, rb] = epoch(b);
  if (ea !== eb) return ea - eb;
  const runs = (v: string) => v.match(/~|\d+|[A-Za-z]+/g) ?? [];
  const xa = runs(ra);
  const xb = runs(rb);
  for (let i = 0; i < Math.max(xa.length, xb.length); i++) {
    const p = xa[i];
    const q = xb[i];
    if (p === q) continue;
    if (p === '~') return -1;
    if (q === '~') return 1;
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    const pd = /^\d/.test(p);
    const qd = /^\d/.test(q);
    if (pd && qd) {
      const d = BigInt(p) - BigInt(q);
      if (d !== 0n) return d < 0n ? -1 : 1;
    } else if (pd !== qd) return pd ? 1 : -1;
    else return p < q ? -1 : 1;
  }
  return 0;
}

/**
 * Whether an installed version is the pinned one: equal, or equal once what the pin leaves out is left out
 * too (an rpm pin `1.0` or `1.0-1` of `1:1.0-1.el9`: the epoch, the release).
 */
export function pinMatches(installed: string, pin: string): boolean {
  const noEpoch = (v: string) => v.replace(/^\d+:/, '');
  const v = /^\d+:/.test(pin) ? installed : noEpoch(installed);
  return v === pin || v.startsWith(`${pin}-`) || v.startsWith(`${pin}.`) && /^\d*[A-Za-z]/.test(v.slice(pin.length + 1)) && pin.includes('-');
}

/** The packages an operation names, in the request's order (update-all: none). */
export function requested(op: ChangeOp): Spec[] {
  if (op.kind === 'uninstall') return op.names.map((name) => ({ name }));
  return op.kind === 'install' ? op.packages : op.packages ?? [];
}

/** The output lines naming `name` as a word (at most `max`), joined; undefined when none does. */
export function mentions(output: string[], name: string, max = 6): string | undefined {
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(^|[^A-Za-z0-9_.+-])${esc}($|[^A-Za-z0-9_+-]|[-.][0-9])`, 'i');
  const lines = output.map((l) => l.trim()).filter((l) => l && re.test(l)).slice(0, max);
  return lines.length ? lines.join('\n').slice(0, MESSAGE_MAX) : undefined;
}

/** A `*`/`?` glob as an anchored regular expression (case-sensitive unless `fold`). */
export function globRegExp(glob: string, fold = false): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, fold ? 'i' : '');
}

/** A search query as a name glob: as given when it has glob characters, else `*query*`. */
export function searchGlob(query: string): string {
  return /[*?]/.test(query) ? query : `*${query}*`;
}

/**
 * Refuses, as a validation error of the request body, an option the manager does not have (apk and
 * Chocolatey have no security-only updates).
 */
export function unsupported(manager: string, part: 'body' | 'query', pointer: string, what: string): never {
  throw new Errors.Validation(`${manager} cannot ${what}.`, { extra: { errors: [fieldError(part, pointer, `not supported by ${manager}`)] } });
}

/**
 * Finds which requested spec a name or `name-version` / `name=version` argument the manager echoed means
 * (or the argument `form` gives, when the manager writes a pin its own way, as dnf's `name-version.arch`).
 */
export function specOf(specs: Spec[], arg: string, fold = false, form?: (s: Spec) => string): Spec | undefined {
  const eq = (x: string, y: string) => (fold ? x.toLowerCase() === y.toLowerCase() : x === y);
  return specs.find((s) => eq(s.name, arg))
    ?? specs.find((s) => s.version !== undefined && [`${s.name}-${s.version}`, `${s.name}=${s.version}`, ...(form ? [form(s)] : [])].some((x) => eq(x, arg)));
}

/** A line a manager prints about one argument it refused: the first group is the argument (or, `many`, several). */
export interface RefusalRule {
  re: RegExp;
  action: Refusal['action'];
  /** The group lists several arguments separated by spaces. */
  many?: boolean;
}

/** The requested packages each output line refuses, by the manager's rules; the first line about a package wins. */
export function scanRefusals(specs: Spec[], output: string[], rules: readonly RefusalRule[], form?: (s: Spec) => string): Map<string, Refusal> {
  const out = new Map<string, Refusal>();
  for (const line of output) {
    const t = line.trim();
    for (const rule of rules) {
      const m = rule.re.exec(t);
      if (!m) continue;
      for (const arg of rule.many ? m[1].split(/\s+/) : [m[1]]) {
        const s = specOf(specs, arg, false, form);
        if (s && !out.has(s.name)) out.set(s.name, { action: rule.action, message: t });
      }
      break;
    }
  }
  return out;
}

/**
 * Splits a requested package name into the name the manager's queries print and the architecture it asks
 * for (rpm's `foo.i686`, apt's `foo:i386`); undefined for a name without one. Only a manager knows its
 * separator and its architectures, so each passes its own (rpm.ts `splitRpmArch`).
 */
export type ArchSplitter = (name: string) => { name: string; arch: string } | undefined;

export interface SettleInput {
  op: ChangeOp;
  /** The exit code of the manager's command(s): 0 or one `succeeded` accepted counts as success. */
  ok: boolean;
  output: string[];
  before: Installed[];
  /** undefined: not read after the operation (see PackageManager.parseChanges). */
  after: Installed[] | undefined;
  /** What the output says was (or, in a dry run, would be) done, by package name (see Planned). */
  plan: Map<string, Planned>;
  /** Packages the manager could not find or would not touch, by requested name. */
  refused: Map<string, Refusal>;
  /** Package names compare case-insensitively (Chocolatey). */
  fold?: boolean;
  /** Requested names carrying an architecture (`foo.i686`): compared by name and architecture. */
  splitArch?: ArchSplitter;
  /** The manager's version order (default compareVersions): upgraded or downgraded, the highest installed. */
  compare?: (a: string, b: string) => number;
}

function changed(name: string, b: Installed | undefined, a: Installed | undefined, compare: (x: string, y: string) => number): PackageChangeT | undefined {
  const arch = a?.arch ?? b?.arch;
  const base = { name, ...(arch ? { arch } : {}), versionBefore: b?.version ?? null, versionAfter: a?.version ?? null };
  if (!b && a) return { ...base, action: 'installed' };
  if (b && !a) return { ...base, action: 'removed' };
  if (b && a && b.version !== a.version) return { ...base, action: compare(a.version, b.version) > 0 ? 'upgraded' : 'downgraded' };
  return undefined;
}

/** The message of a package whose installed version after the run is not known. */
export const AFTER_UNKNOWN = 'the installed versions after the run could not be read';

/**
 * The per-package changes of a change operation (PackageManager.parseChanges' contract): the requested
 * packages first, in order, then every other package whose installed version moved (real runs) or that
 * the manager's plan names (dry runs, and the dependencies a real run printed).
 *
 * A requested name with an architecture (`splitArch`: `foo.i686`) is looked up by name and architecture;
 * the change keeps the name as requested and carries the architecture. Without one, the highest installed
 * version of that name stands for it (the same architecture before and after where there is one).
 *
 * Real run, per requested package: the versions before and after decide (installed, upgraded, downgraded,
 * removed); unchanged, it is `not_found` / `held` when the manager said so, `current` when the command
 * succeeded, `not_found` when an uninstall or update meets a package that is not installed, else `failed`.
 * After-state unknown (`after` undefined): a refusal, else the plan of a successful command (with a note
 * that the versions after were not read), else `not_found` for a package an uninstall or update met not
 * installed, else `failed` with AFTER_UNKNOWN; never `removed` for lack of a line; the others only from
 * the plan. Dry run: the plan decides; without one, a refusal, else `current` when already as asked, else
 * `failed` (an unsuccessful run) or `current`.
 */
export function settle(input: SettleInput): PackageChangeT[] {
  const { op, ok, output, plan, refused, fold = false, splitArch, compare = compareVersions } = input;
  const norm = (n: string) => (fold ? n.toLowerCase() : n);
  const unknownAfter = !op.dryRun && input.after === undefined;
  const afterList = input.after ?? [];
  /** The highest version of `name` (of `arch` when given; of `prefer` where there is one). */
  const pick = (list: Installed[], name: string, arch?: string, prefer?: string): Installed | undefined => {
    const hits = list.filter((p) => norm(p.name) === norm(name) && (!arch || p.arch === arch));
    const preferred = prefer ? hits.filter((p) => p.arch === prefer) : [];
    return (preferred.length ? preferred : hits).reduce<Installed | undefined>((best, p) => (!best || compare(p.version, best.version) > 0 ? p : best), undefined);
  };
  const planned = [...plan].map(([key, p]) => ({ key, name: p.name ?? key, p }));
  const planFor = (name: string, arch?: string, prefer?: string) => {
    const hits = planned.filter((e) => norm(e.name) === norm(name) && (!arch || !e.p.arch || e.p.arch === arch));
    return hits.find((e) => prefer && e.p.arch === prefer) ?? hits[0];
  };
  const refusalOf = (name: string) => refused.get(name) ?? (fold ? [...refused].find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1] : undefined);
  /** Installed entries and plan keys the requested packages account for. */
  const seen: { name: string; arch?: string }[] = [];
  const usedPlan = new Set<string>();
  const covered = (name: string, arch?: string, exact = false) =>
    seen.some((s) => s.name === norm(name) && (exact ? (s.arch ?? '') === (arch ?? '') : !arch || !s.arch || s.arch === arch));
  const see = (p: { name: string; arch?: string } | undefined) => {
    if (p) seen.push({ name: norm(p.name), ...(p.arch ? { arch: p.arch } : {}) });
  };
  const out: PackageChangeT[] = [];
  const asked = new Set<string>();
  for (const spec of requested(op)) {
    const split = splitArch?.(spec.name);
    const name = split?.name ?? spec.name;
    const want = split?.arch;
    const id = `${norm(name)}\u0000${want ?? ''}`;
    if (asked.has(id)) continue;
    asked.add(id);
    const b = pick(input.before, name, want);
    const a = op.dryRun ? b : pick(afterList, name, want, b?.arch);
    const entry = planFor(name, want, b?.arch ?? a?.arch);
    const p = entry?.p;
    if (entry) usedPlan.add(entry.key);
    see(b);
    see(a);
    if (!b && !a) see({ name, arch: want ?? p?.arch });
    const r = refusalOf(spec.name);
    const message = r?.message ?? p?.message ?? mentions(output, spec.name);
    const arch = p?.arch ?? a?.arch ?? b?.arch ?? want;
    const base = { name: spec.name, ...(arch ? { arch } : {}), versionBefore: b?.version ?? null, versionAfter: a?.version ?? null };
    const withMessage = (c: PackageChangeT, m = message): PackageChangeT => (m ? { ...c, message: m.slice(0, MESSAGE_MAX) } : c);
    const fromPlan = (q: Planned): PackageChangeT => ({
      ...base,
      versionBefore: q.versionBefore !== undefined ? q.versionBefore : base.versionBefore,
      versionAfter: q.versionAfter !== undefined ? q.versionAfter : q.action === 'removed' ? null : b?.version ?? null,
      action: q.action,
    });
    const absent = (op.kind === 'uninstall' || op.kind === 'update') && !b;
    const notInstalled = (): PackageChangeT => withMessage({ ...base, action: 'not_found' }, message ?? 'not installed');
    if (op.dryRun) {
      if (r) out.push(withMessage({ ...base, action: r.action }));
      else if (p) out.push(withMessage(fromPlan(p)));
      else if (absent) out.push(notInstalled());
      else out.push(withMessage({ ...base, action: ok && b ? 'current' : 'failed' }));
      continue;
    }
    if (unknownAfter) {
      if (r) out.push(withMessage({ ...base, versionAfter: b?.version ?? null, action: r.action }));
      else if (p && ok) out.push(withMessage(fromPlan(p), [message, `(from the manager's output: ${AFTER_UNKNOWN})`].filter(Boolean).join('\n')));
      else if (absent) out.push(notInstalled());
      else out.push(withMessage({ ...base, action: 'failed' }, [AFTER_UNKNOWN, ...(p ? [`the manager's output planned: ${p.action}`] : []), ...(message ? [message] : [])].join('\n')));
      continue;
    }
    const moved = changed(spec.name, b, a, compare);
    // A pin the manager did not reach (dnf's `upgrade` never downgrades; an install that kept another
    // version) is not what was asked, whatever moved.
    if (spec.version !== undefined && op.kind !== 'uninstall' && a && !r && !pinMatches(a.version, spec.version)) {
      out.push(withMessage({ ...(moved ?? base), ...(arch ? { arch } : {}), action: 'failed' }, [`installed ${a.version}, asked for ${spec.version}`, ...(message ? [message] : [])].join('\n')));
    } else if (moved) out.push(withMessage({ ...moved, ...(arch ? { arch } : {}) }));
    else if (r) out.push(withMessage({ ...base, action: r.action }));
    else if (absent) out.push(notInstalled());
    else if (ok && (op.kind === 'uninstall' ? !a : !!a)) out.push(withMessage({ ...base, action: 'current' }));
    else out.push(withMessage({ ...base, action: 'failed' }));
  }
  const extras: PackageChangeT[] = [];
  if (!op.dryRun && !unknownAfter) {
    const ids = new Map<string, { name: string; arch?: string }>();
    for (const p of [...input.before, ...afterList]) ids.set(`${norm(p.name)}\u0000${p.arch ?? ''}`, { name: p.name, ...(p.arch ? { arch: p.arch } : {}) });
    for (const { name, arch } of ids.values()) {
      if (covered(name, arch, true)) continue;
      const exact = (list: Installed[]) => pick(list.filter((p) => (p.arch ?? '') === (arch ?? '')), name);
      const b = exact(input.before);
      const a = exact(afterList);
      const c = changed((a ?? b)!.name, b, a, compare);
      see({ name, arch });
      if (c) extras.push(c);
    }
  }
  if (op.dryRun || ok) {
    for (const { key, name, p } of planned) {
      if (usedPlan.has(key) || covered(name, p.arch)) continue;
      usedPlan.add(key);
      see({ name, arch: p.arch });
      const b = pick(input.before, name, p.arch);
      extras.push({
        name, ...(p.arch ? { arch: p.arch } : {}),
        versionBefore: p.versionBefore !== undefined ? p.versionBefore : b?.version ?? null,
        versionAfter: p.versionAfter !== undefined ? p.versionAfter : p.action === 'removed' ? null : b?.version ?? null,
        action: p.action,
        ...(p.message ? { message: p.message.slice(0, MESSAGE_MAX) } : {}),
      });
    }
  }
  extras.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : (x.arch ?? '') < (y.arch ?? '') ? -1 : (x.arch ?? '') > (y.arch ?? '') ? 1 : 0));
  return [...out, ...extras];
}
