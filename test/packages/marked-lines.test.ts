/**
 * The script's marker lines are taken out of stdout wherever they stand: at a line's start, glued to output a
 * manager printed without a newline, or split over pieces; no part of a marker is ever streamed.
 */
import t from 'tap';
import { MarkedLineReader, type MarkedPiece } from '../../src/packages/marked-lines.js';

const P = 'capstan-pkg-abc:';

/** Feeds pieces ([text, partial]) and collects what streamed (as one string, `⏎` ending a line), output and markers. */
function feed(pieces: [string, boolean][], stdout = true) {
  const r = new MarkedLineReader(stdout ? P : undefined);
  let streamed = '';
  const output: string[] = [];
  const marked: [string, string][] = [];
  for (const [text, partial] of pieces) {
    const got: MarkedPiece = r.push(text, partial);
    if (got.stream) streamed += got.stream.line + (got.stream.partial ? '' : '⏎');
    if (got.output !== undefined) output.push(got.output);
    if (got.marked) marked.push(got.marked);
  }
  return { streamed, output, marked };
}

t.test('whole lines: output streams, markers do not', async (t) => {
  t.same(feed([['Setting up tb-demo (1.0) ...', false], [`${P}exit 0`, false], [`${P}after ii \ttb-demo\t1.0`, false]]), {
    streamed: 'Setting up tb-demo (1.0) ...⏎', output: ['Setting up tb-demo (1.0) ...'], marked: [['exit', '0'], ['after', 'ii \ttb-demo\t1.0']],
  });
});

t.test('a marker glued to output without a newline: the output is a line of its own', async (t) => {
  t.same(feed([[`Progress: 100%${P}exit 0`, false]]), { streamed: 'Progress: 100%⏎', output: ['Progress: 100%'], marked: [['exit', '0']] });
  // The output came first as a partial piece (already streamed); the marker completes the line.
  t.same(feed([['Progress: 100%', true], [`${P}exit 0`, false]]), { streamed: 'Progress: 100%⏎', output: ['Progress: 100%'], marked: [['exit', '0']] });
});

t.test('a marker split over pieces never streams, not even its start', async (t) => {
  const got = feed([['50% capstan-p', true], ['kg-abc:exi', true], ['t 3', false]]);
  t.same(got, { streamed: '50% ⏎', output: ['50% '], marked: [['exit', '3']] });
  t.notMatch(got.streamed, /capstan/);
  // What only looked like a marker's start is output after all, streamed once the line goes on.
  t.same(feed([['saw capstan-p', true], ['ackage', false]]), { streamed: 'saw capstan-package⏎', output: ['saw capstan-package'], marked: [] });
});

t.test('stderr (no marker) streams everything as is', async (t) => {
  t.same(feed([[`E: ${P}x`, true], [' y', false]], false), { streamed: `E: ${P}x y⏎`, output: [`E: ${P}x y`], marked: [] });
});

t.test('CRLF (PowerShell on Windows): the copies kept for parsing lose the CR, the stream keeps it', async (t) => {
  t.same(feed([[`${P}queried after\r`, false], ['git|2.43.0\r', false]]), { streamed: 'git|2.43.0\r⏎', output: ['git|2.43.0'], marked: [['queried', 'after']] });
});
