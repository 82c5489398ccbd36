/**
 * apk's version order (Alpine: `digits{.digits}{letter}{_suffix{digits}}...{~hash}{-r<N>}`), as apk-tools
 * defines it (src/version.c; its test data test/unit/version.data). Versions are read token by token: the
 * first number, `.number`s (compared as numbers, or as strings when either has a leading zero), one letter, `_suffix`
 * with an optional number, `~hash`, `-r<N>`. Suffixes order `_alpha` < `_beta` < `_pre` < `_rc` < (none) <
 * `_cvs` < `_svn` < `_git` < `_hg` < `_p`. Where one version runs out first, it is older, unless the other
 * goes on with a pre-release suffix (`1.0_rc1` < `1.0`); where their kinds of token differ, the one going on
 * with a `.number` is newer than one going on with a letter, a suffix, a hash or `-r`.
 */

const SUFFIXES = ['alpha', 'beta', 'pre', 'rc', '', 'cvs', 'svn', 'git', 'hg', 'p'];
const NONE = SUFFIXES.indexOf('');

/** Token kinds, in apk's order (a larger kind where the other version has a smaller one sorts lower). */
const enum K { First, Digit, Letter, Suffix, SuffixNo, Hash, Revision, End, Invalid }

interface Token { kind: K; text: string; suffix?: number }

function* tokens(v: string): Generator<Token> {
  let i = 0;
  const digits = () => { const s = i; while (i < v.length && v[i] >= '0' && v[i] <= '9') i++; return v.slice(s, i); };
  let first = digits();
  let kind: K = first ? K.First : K.Invalid;
  yield { kind, text: first };
  if (kind === K.Invalid) return;
  for (;;) {
    if (i >= v.length) { yield { kind: K.End, text: '' }; return; }
    const c = v[i];
    let next: Token | undefined;
    if (c >= 'a' && c <= 'z' && kind <= K.Digit) { i++; next = { kind: K.Letter, text: c }; }
    else if ((c === '.' && kind <= K.Digit) || (c >= '0' && c <= '9' && (kind <= K.Digit || kind === K.Suffix))) {
      if (c === '.') i++;
      const d = digits();
      if (d) next = { kind: kind === K.Suffix ? K.SuffixNo : K.Digit, text: d };
    } else if (c === '_' && kind <= K.SuffixNo) {
      i++;
      const s = i;
      while (i < v.length && v[i] >= 'a' && v[i] <= 'z') i++;
      const suffix = SUFFIXES.indexOf(v.slice(s, i));
      if (s < i && suffix >= 0 && suffix !== NONE) next = { kind: K.Suffix, text: v.slice(s, i), suffix };
    } else if (c === '~' && kind < K.Hash) {
      i++;
      const s = i;
      while (i < v.length && /[0-9a-f]/.test(v[i])) i++;
      if (s < i) next = { kind: K.Hash, text: v.slice(s, i) };
    } else if (c === '-' && kind < K.Revision && v[i + 1] === 'r') {
      i += 2;
      const d = digits();
      if (d) next = { kind: K.Revision, text: d };
    }
    if (!next) { yield { kind: K.Invalid, text: '' }; return; }
    kind = next.kind;
    first = '';
    yield next;
  }
}

const num = (s: string) => BigInt(s);
const str = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function tokenCmp(a: Token, b: Token): number {
  switch (a.kind) {
    case K.Digit:
      if (a.text.startsWith('0') || b.text.startsWith('0')) return str(a.text, b.text);
    // falls through: numbers
    case K.First:
    case K.SuffixNo:
    case K.Revision: {
      const d = num(a.text) - num(b.text);
      return d < 0n ? -1 : d > 0n ? 1 : 0;
    }
    case K.Letter: return str(a.text, b.text);
    case K.Suffix: return Math.sign(a.suffix! - b.suffix!);
    default: return str(a.text, b.text);
  }
}

/** Negative when `a` is older than `b`, 0 when equal, positive when newer (`apk version -t a b`). */
export function compareApkVersions(a: string, b: string): number {
  const ia = tokens(a);
  const ib = tokens(b);
  let ta = ia.next().value as Token;
  let tb = ib.next().value as Token;
  while (ta.kind === tb.kind && ta.kind < K.End) {
    const r = tokenCmp(ta, tb);
    if (r) return r;
    ta = ia.next().value as Token;
    tb = ib.next().value as Token;
  }
  if (ta.kind === tb.kind) return 0;
  if (ta.kind === K.Suffix && ta.suffix! < NONE) return -1;
  if (tb.kind === K.Suffix && tb.suffix! < NONE) return 1;
  return ta.kind > tb.kind ? -1 : 1;
}
