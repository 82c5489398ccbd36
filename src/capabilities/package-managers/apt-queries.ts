/**
 * apt's package.list and package.search: the commands and the parsers of their outputs (apt 2.6 / dpkg 1.21,
 * Debian bookworm; recorded in test/capabilities/package-managers/fixtures/apt/).
 * - list: `dpkg-query -W -f=DPKG_FORMAT` (every package dpkg knows, installed ones kept) and, for upgradable
 *   packages, `apt-get -s dist-upgrade` (its `Inst name [installed] (candidate origin [arch])` lines; packages it
 *   keeps back are upgradable too, without a candidate it would take). The name glob is applied here.
 * - search: `apt-cache search --names-only` (`name - description`) with the query as POSIX extended regexes
 *   (each word one regex, all must match; a glob becomes one anchored regex), then `apt-cache policy` of the
 *   first `limit` names (`name:` / `  Installed: v|(none)` / `  Candidate: v|(none)` / version table whose
 *   lines under a version name its sources: `500 http://deb.debian.org/debian bookworm/main amd64 Packages`).
 */
import { Errors, fieldError } from '../../core/errors.js';
import type { PackageOp, PackageT } from './types.js';
import { DPKG_FORMAT, parseDpkgLines } from './apt-dpkg.js';
import { keysFor, readAptOutput } from './apt-changes.js';

type ListOp = Extract<PackageOp, { kind: 'list' }>;
type SearchOp = Extract<PackageOp, { kind: 'search' }>;
type Row = Omit<PackageT, 'source'>;

/**
 * A shell-style glob (`*`, `?`, `[...]` of characters and ascending ranges) as an anchored RegExp.
 * @throws Errors.Validation for a bracket expression that is not one (`[b-a]`, `[[:alpha:]]`), pointing at
 *   `pointer` of the query string.
 */
export function globRegExp(glob: string, pointer = '/name'): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) { re += '\\['; continue; }
      const raw = glob.slice(i + 1, end);
      if (!/^!?(?:[A-Za-z0-9._+~:@-](?:-[A-Za-z0-9._+~:@])?)+$/.test(raw) || [...raw.matchAll(/(.)-(.)/g)].some(([, a, b]) => a > b)) {
        throw new Errors.Validation(`The glob ${JSON.stringify(glob)} has a bracket expression apt cannot match.`, { extra: { errors: [fieldError('query', pointer, 'a [...] holds characters of package names and ascending ranges only, e.g. [a-c]')] } });
      }
      const body = raw.replace(/\\/g, '\\\\');
      re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
      i = end;
    } else re += c.replace(/[\\^$.|+(){}]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const isGlob = (q: string) => /[*?[]/.test(q);

/** The query as the regexes apt-cache search takes (ERE): a glob anchored whole, else one escaped regex per word. */
export function searchRegexes(query: string): string[] {
  if (isGlob(query.trim())) return [globRegExp(query.trim(), '/q').source];
  return query.trim().split(/\s+/).filter(Boolean).map((w) => w.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&'));
}

/** Whether a name matches the query the way searchRegexes means it (apt-cache search ignores case). */
function matches(query: string, name: string): boolean {
  return searchRegexes(query).every((r) => new RegExp(r, 'i').test(name));
}

/**
 * Searches with the regexes after `--` (at most `$1` names get their policy). Printed: the search lines, then
 * apt-cache policy's blocks.
 */
const SEARCH = [
  'set -f',
  'n=$1; shift',
  'found=$(apt-cache search --names-only "$@") || exit $?',
  '[ -n "$found" ] || exit 0',
  'printf "%s\\n" "$found"',
  'names=$(printf "%s\\n" "$found" | sed -n "s/^\\([^ ]*\\) - .*/\\1/p" | head -n "$n")',
  'exec apt-cache policy -- $names',
].join('\n');

export function aptListCommands(op: ListOp): string[][] {
  const installed = ['dpkg-query', '-W', `-f=${DPKG_FORMAT}`];
  return op.upgradable ? [installed, ['apt-get', '-s', '-q', '-o', 'Debug::NoLocking=1', 'dist-upgrade']] : [installed];
}

export function aptSearchCommand(op: SearchOp): string[] {
  return ['sh', '-c', SEARCH, 'capstan-apt-search', String(op.limit), '--', ...searchRegexes(op.query)];
}

/** The archive an `Inst` line's origin names: `Debian:12.4/stable-security` -> `stable-security`. */
function archiveOf(inst: string): string | undefined {
  const m = /^Inst \S+ (?:\[\S+\] )?\(\S+ (.*?)(?: \[[^\]]*\])?\)/.exec(inst);
  const origin = m?.[1].split(', ')[0];
  return origin?.includes('/') ? origin.slice(origin.indexOf('/') + 1) : origin || undefined;
}

export function parseAptList(op: ListOp, output: string[]): Row[] {
  const glob = op.name ? globRegExp(op.name) : undefined;
  const { seen, sections } = op.upgradable ? readAptOutput(output.filter((l) => !l.includes('\t'))) : { seen: new Map(), sections: new Map() };
  const kept = sections.get('kept') as Set<string> | undefined;
  const rows: Row[] = [];
  for (const p of parseDpkgLines(output)) {
    if (glob && !glob.test(p.name)) continue;
    // apt prints a foreign-architecture package as `name:arch`, the native one (and `all`) as `name`.
    const keys = keysFor(seen, p.name, p.arch);
    const s = keys.map((k) => seen.get(k)).find((x) => x?.lines.some((l: string) => l.startsWith('Inst ')));
    const inst = s?.lines.find((l: string) => l.startsWith('Inst '));
    const row: Row = { name: p.name, version: p.version, ...(p.arch ? { architecture: p.arch } : {}), status: 'installed' };
    if (inst && s.from && s.to) {
      const repository = archiveOf(inst);
      rows.push({ ...row, status: 'upgradable', availableVersion: s.to, ...(repository ? { repository } : {}) });
    } else rows.push(keys.some((k) => kept?.has(k)) ? { ...row, status: 'upgradable' } : row);
  }
  return rows.sort((a, b) => a.name.localeCompare(b.name) || (a.architecture ?? '').localeCompare(b.architecture ?? ''));
}

interface Policy {
  installed?: string;
  candidate?: string;
  repository?: string;
}

/** apt-cache policy's blocks, by name. The repository is the first source listed under the candidate version. */
function readPolicy(output: string[]): Map<string, Policy> {
  const out = new Map<string, Policy>();
  let cur: Policy | undefined;
  let underCandidate = false;
  for (const line of output) {
    let m: RegExpExecArray | null;
    if ((m = /^(\S+):$/.exec(line))) {
      out.set(m[1].split(':')[0], (cur = {}));
      underCandidate = false;
    } else if (!cur) continue;
    else if ((m = /^ {2}Installed: (\S+)/.exec(line))) cur.installed = m[1] === '(none)' ? undefined : m[1];
    else if ((m = /^ {2}Candidate: (\S+)/.exec(line))) cur.candidate = m[1] === '(none)' ? undefined : m[1];
    else if ((m = /^ (?:\*\*\*| {3}) (\S+) -?\d+$/.exec(line))) underCandidate = m[1] === cur.candidate;
    else if (underCandidate && !cur.repository && (m = /^ {8}-?\d+ (\S+)(?: (\S+))?/.exec(line)) && m[1] !== '/var/lib/dpkg/status') {
      cur.repository = !m[2] || m[2] === './' ? m[1] : m[2];
    }
  }
  return out;
}

export function parseAptSearch(op: SearchOp, output: string[]): Row[] {
  const policy = readPolicy(output);
  const rows: Row[] = [];
  for (const line of output) {
    const m = /^(\S+) - (.*)$/.exec(line);
    if (!m || !matches(op.query, m[1])) continue;
    const p = policy.get(m[1]);
    if (!p?.candidate) continue;
    const base = { name: m[1], ...(p.repository ? { repository: p.repository } : {}), description: m[2] };
    if (!p.installed) rows.push({ ...base, version: p.candidate, status: 'available' });
    else if (p.installed === p.candidate) rows.push({ ...base, version: p.installed, status: 'installed' });
    else rows.push({ ...base, version: p.installed, status: 'upgradable', availableVersion: p.candidate });
  }
  return rows.slice(0, op.limit);
}
