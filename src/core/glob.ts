/**
 * Shell-style globs (`*`, `?`) for name filters, matched in O(pattern x text) without regular expressions:
 * a RegExp built from `*` runs backtracks polynomially (35 stars froze the server for 35 s).
 */
export interface Glob {
  test(text: string): boolean;
}

export function compileGlob(pattern: string, opts: { caseInsensitive?: boolean } = {}): Glob {
  const fold = (s: string) => (opts.caseInsensitive ? s.toLowerCase() : s);
  // Runs of `*` mean the same as one.
  const p = [...fold(pattern).replace(/\*+/g, '*')];
  return {
    test(input: string): boolean {
      const t = [...fold(input)];
      let pi = 0;
      let ti = 0;
      let star = -1;
      let mark = 0;
      while (ti < t.length) {
        if (pi < p.length && (p[pi] === '?' || (p[pi] !== '*' && p[pi] === t[ti]))) {
          pi++;
          ti++;
        } else if (pi < p.length && p[pi] === '*') {
          star = pi++;
          mark = ti;
        } else if (star >= 0) {
          // Let the last star swallow one more character and retry from there.
          pi = star + 1;
          ti = ++mark;
        } else {
          return false;
        }
      }
      while (pi < p.length && p[pi] === '*') pi++;
      return pi === p.length;
    },
  };
}
