/** Globs match like a shell's `*` and `?`, in linear-ish time whatever the pattern. */
import t from 'tap';
import { compileGlob } from '../../src/core/glob.js';

t.test('matching', async (t) => {
  const cases: [string, string, boolean][] = [
    ['web*', 'web1', true], ['web*', 'web', true], ['web*', 'db1', false], ['*1', 'web1', true],
    ['w?b1', 'web1', true], ['w?b1', 'wb1', false], ['*.example.com', 'a.example.com', true],
    ['*.example.com', 'aexample.com', false], ['a*b*c', 'axxbyyc', true], ['a*b*c', 'axxbyy', false],
    ['', '', true], ['', 'a', false], ['*', '', true], ['web[1]', 'web[1]', true], ['(x)+', '(x)+', true],
  ];
  for (const [p, s, want] of cases) t.equal(compileGlob(p).test(s), want, `${p} vs ${s}`);
  t.ok(compileGlob('WEB*', { caseInsensitive: true }).test('web1'));
  t.notOk(compileGlob('WEB*').test('web1'));
});

t.test('a pathological pattern answers (no catastrophic backtracking)', async (t) => {
  const pattern = `${'*a'.repeat(60)}x`;
  t.notOk(compileGlob(pattern).test('a'.repeat(255)));
  t.notOk(compileGlob(`${'*'.repeat(200)}x`).test('a'.repeat(255)));
});
