/** src/core/git-ref.ts: git's ref-name rules as the deploy plugins check a version at submit. */
import t from 'tap';
import { gitRefProblem } from '../../src/core/git-ref.js';

t.test('gitRefProblem: valid refs pass; each rule of git check-ref-format refuses', async (t) => {
  for (const ok of ['main', 'v1.2.3', 'release/2.0-rc.1', 'c0ffee1234567890', 'feature/a_b', 'x@y', 'a.b/c.d']) t.equal(gitRefProblem(ok), undefined, ok);
  const refused: [string, RegExp][] = [
    ['', /is empty/], ['a b', /space or a control/], ['tab\tx', /space or a control/], ['a\u0007b', /control/],
    ['a~1', /one of/], ['b^', /one of/], ['a:b', /one of/], ['c?', /one of/], ['d*', /one of/], ['e[', /one of/], ['f\\g', /one of/],
    ['a..b', /'\.\.'/], ['@', /'@'/], ['h@{1}', /'@\{'/], ['-rc', /starts with '-'/],
    ['/x', /'\/'/], ['rel/', /'\/'/], ['a//b', /'\/\/'/], ['end.', /ends with '\.'/],
    ['.hidden', /component '\.hidden' starts with "\."/], ['x/.h', /component '\.h' starts/], ['x.lock', /component 'x\.lock' ends with "\.lock"/], ['a.lock/b', /'a\.lock' ends/],
  ];
  for (const [ref, why] of refused) t.match(gitRefProblem(ref), why, JSON.stringify(ref));
});
