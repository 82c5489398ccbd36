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

/** What the manager's own output says about one package (a dry run's plan, or a transaction it printed). */
export interface Planned {
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

/** The packages an operation names, in the request's order (update-all: none). */
export function requested(op: ChangeOp): Spec[] {
  if (op.kind === 'uninstall') return op.names.map((name) => ({ name }));
  return op.kind === 'install' ? op.packages : op.packages ?? [];
}

/** Installed packages by name (the highest version where several are installed, as kernels are). */
export function byName(installed: Installed[], fold = false): Map<string, Installed> {
  const out = new Map<string, Installed>();
  for (const p of installed) {
    const key = fold ? p.name.toLowerCase() : p.name;
    const had = out.get(key);
    if (!had || compareVersions(p.version, had.version) > 0) out.set(key, p);
  }
  return out;
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

/** Finds which requested spec a name or `name-version` / `name=version` argument the manager echoed means. */
export function specOf(specs: Spec[], arg: string, fold = false): Spec | undefined {
  const eq = (x: string, y: string) => (fold ? x.toLowerCase() === y.toLowerCase() : x === y);
  return specs.find((s) => eq(s.name, arg))
    ?? specs.find((s) => s.version !== undefined && [`${s.name}-${s.version}`, `${s.name}=${s.version}`].some((x) => eq(x, arg)));
}

/** A line a manager prints about one argument it refused: the first group is the argument (or, `many`, several). */
export interface RefusalRule {
  re: RegExp;
  action: Refusal['action'];
  /** The group lists several arguments separated by spaces. */
  many?: boolean;
}

/** The requested packages each output line refuses, by the manager's rules; the first line about a package wins. */
export function scanRefusals(specs: Spec[], output: string[], rules: readonly RefusalRule[]): Map<string, Refusal> {
  const out = new Map<string, Refusal>();
  for (const line of output) {
    const t = line.trim();
    for (const rule of rules) {
      const m = rule.re.exec(t);
      if (!m) continue;
      for (const arg of rule.many ? m[1].split(/\s+/) : [m[1]]) {
        const s = specOf(specs, arg);
        if (s && !out.has(s.name)) out.set(s.name, { action: rule.action, message: t });
      }
      break;
    }
  }
  return out;
}

export interface SettleInput {
  op: ChangeOp;
  /** The exit code of the manager's command(s): 0 or one `succeeded` accepted counts as success. */
  ok: boolean;
  output: string[];
  before: Installed[];
  /** undefined: not read after the operation (see PackageManager.parseChanges). */
  after: Installed[] | undefined;
  /** What the output says was (or, in a dry run, would be) done, by package name. */
  plan: Map<string, Planned>;
  /** Packages the manager could not find or would not touch, by requested name. */
  refused: Map<string, Refusal>;
  /** Package names compare case-insensitively (Chocolatey). */
  fold?: boolean;
}

function changed(name: string, b: Installed | undefined, a: Installed | undefined): PackageChangeT | undefined {
  const arch = a?.arch ?? b?.arch;
  const base = { name, ...(arch ? { arch } : {}), versionBefore: b?.version ?? null, versionAfter: a?.version ?? null };
  if (!b && a) return { ...base, action: 'installed' };
  if (b && !a) return { ...base, action: 'removed' };
  if (b && a && b.version !== a.version) return { ...base, action: compareVersions(a.version, b.version) > 0 ? 'upgraded' : 'downgraded' };
  return undefined;
}

/**
 * The per-package changes of a change operation (PackageManager.parseChanges' contract): the requested
 * packages first, in order, then every other package whose installed version moved (real runs) or that
 * the manager's plan names (dry runs, and the dependencies a real run printed).
 *
 * Real run, per requested package: the versions before and after decide (installed, upgraded, downgraded,
 * removed); unchanged, it is `not_found` / `held` when the manager said so, `current` when the command
 * succeeded, `not_found` when an uninstall or update meets a package that is not installed, else `failed`.
 * Dry run: the plan decides; without one, a refusal, else `current` when already as asked, else `failed`
 * (an unsuccessful run) or `current`.
 */
export function settle(input: SettleInput): PackageChangeT[] {
  const { op, ok, output, plan, refused, fold = false } = input;
  const key = (n: string) => (fold ? n.toLowerCase() : n);
  const before = byName(input.before, fold);
  const after = byName(input.after ?? [], fold);
  const planOf = (n: string) => plan.get(n) ?? (fold ? [...plan].find(([k]) => k.toLowerCase() === n.toLowerCase())?.[1] : undefined);
  const out: PackageChangeT[] = [];
  const seen = new Set<string>();
  for (const spec of requested(op)) {
    const k = key(spec.name);
    if (seen.has(k)) continue;
    seen.add(k);
    const b = before.get(k);
    const a = op.dryRun ? b : after.get(k);
    const p = planOf(spec.name);
    const r = refused.get(spec.name) ?? (fold ? [...refused].find(([n]) => n.toLowerCase() === k)?.[1] : undefined);
    const message = r?.message ?? p?.message ?? mentions(output, spec.name);
    const arch = p?.arch ?? a?.arch ?? b?.arch;
    const base = { name: spec.name, ...(arch ? { arch } : {}), versionBefore: b?.version ?? null, versionAfter: a?.version ?? null };
    const withMessage = (c: PackageChangeT): PackageChangeT => (message ? { ...c, message: message.slice(0, MESSAGE_MAX) } : c);
    if (op.dryRun) {
      if (r) out.push(withMessage({ ...base, action: r.action }));
      else if (p) {
        out.push(withMessage({
          ...base,
          versionBefore: p.versionBefore !== undefined ? p.versionBefore : base.versionBefore,
          versionAfter: p.versionAfter !== undefined ? p.versionAfter : p.action === 'removed' ? null : base.versionAfter,
          action: p.action,
        }));
      } else if (op.kind === 'uninstall' && !b) out.push(withMessage({ ...base, action: 'not_found', ...(message ? {} : { message: 'not installed' }) }));
      else if (op.kind === 'update' && !b) out.push(withMessage({ ...base, action: 'not_found', ...(message ? {} : { message: 'not installed' }) }));
      else out.push(withMessage({ ...base, action: ok && b ? 'current' : 'failed' }));
      continue;
    }
    const moved = changed(spec.name, b, a);
    if (moved) {
      out.push(withMessage({ ...moved, ...(arch ? { arch } : {}) }));
      continue;
    }
    if (r) out.push(withMessage({ ...base, action: r.action }));
    else if (op.kind === 'uninstall' && !b) out.push(withMessage({ ...base, action: 'not_found', ...(message ? {} : { message: 'not installed' }) }));
    else if (op.kind === 'update' && !b) out.push(withMessage({ ...base, action: 'not_found', ...(message ? {} : { message: 'not installed' }) }));
    else if (ok && (op.kind === 'uninstall' ? !a : !!a)) out.push(withMessage({ ...base, action: 'current' }));
    else out.push(withMessage({ ...base, action: 'failed' }));
  }
  const extras: PackageChangeT[] = [];
  if (!op.dryRun) {
    for (const k of new Set([...before.keys(), ...after.keys()])) {
      if (seen.has(k)) continue;
      const c = changed((after.get(k) ?? before.get(k))!.name, before.get(k), after.get(k));
      if (c) {
        seen.add(k);
        extras.push(c);
      }
    }
  }
  if (op.dryRun || ok) {
    for (const [name, p] of plan) {
      if (seen.has(key(name))) continue;
      seen.add(key(name));
      const b = before.get(key(name));
      extras.push({
        name, ...(p.arch ? { arch: p.arch } : {}),
        versionBefore: p.versionBefore !== undefined ? p.versionBefore : b?.version ?? null,
        versionAfter: p.versionAfter !== undefined ? p.versionAfter : p.action === 'removed' ? null : b?.version ?? null,
        action: p.action,
        ...(p.message ? { message: p.message.slice(0, MESSAGE_MAX) } : {}),
      });
    }
  }
  extras.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return [...out, ...extras];
}
