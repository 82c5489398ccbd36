/**
 * The output readers of the process runner: live pieces (whole lines at once, a line still being printed as a
 * partial piece after the flush delay, every byte kept (CRs too), long lines in bounded pieces) and whole
 * structured lines (never cut; past the bound dropped whole and counted).
 */
import { setTimeout as delay } from 'node:timers/promises';
import t from 'tap';
import { LivePieces, WholeLines } from '../../src/core/line-splitter.js';

function live(flushMs = 20, max = 8) {
  const got: [string, boolean][] = [];
  const r = new LivePieces((text, partial) => got.push([text, partial]), flushMs, max);
  return { r, got };
}
const rebuild = (got: [string, boolean][]) => got.map(([s, p]) => s + (p ? '' : '\n')).join('');

t.test('whole lines at once, across chunks; a CR of CRLF is kept (exact bytes)', async (t) => {
  const { r, got } = live(1000, 100);
  r.push('one\ntw');
  r.push('o\r\nthree\n');
  r.end();
  t.same(got, [['one', false], ['two\r', false], ['three', false]]);
});

t.test('a pending line is flushed as a partial piece after the delay, and continued', async (t) => {
  const { r, got } = live(20, 100);
  r.push('waiting... ');
  t.same(got, [], 'not at once');
  await delay(60);
  t.same(got, [['waiting... ', true]], 'flushed as partial');
  r.push('acquired\n');
  r.end();
  t.same(got, [['waiting... ', true], ['acquired', false]]);
  t.equal(rebuild(got), 'waiting... acquired\n');
});

t.test('the delay counts from the first pending character: a redrawing progress bar still shows', async (t) => {
  const { r, got } = live(40, 1000);
  for (let i = 0; i < 6; i++) { r.push(`${i}0%\r`); await delay(15); }
  t.ok(got.length >= 1, `pieces while chunks kept coming: ${JSON.stringify(got)}`);
  r.push('\n');
  r.end();
  t.equal(rebuild(got), '00%\r10%\r20%\r30%\r40%\r50%\r\n', 'exact, every CR kept');
});

t.test('a CRLF split by the flush is still every byte once', async (t) => {
  const { r, got } = live(10, 100);
  r.push('done\r');
  await delay(40);
  r.push('\nnext\n');
  r.end();
  t.same(got, [['done\r', true], ['', false], ['next', false]]);
  t.equal(rebuild(got), 'done\r\nnext\n');
});

t.test('long lines come in bounded partial pieces; the end without newline is partial', async (t) => {
  const { r, got } = live(1000, 4);
  r.push('abcdefghij\nxyz');
  r.end();
  t.same(got, [['abcd', true], ['efgh', true], ['ij', false], ['xyz', true]]);
  t.equal(rebuild(got), 'abcdefghij\nxyz');
});

t.test('WholeLines: documents whole across many chunks; oversized ones dropped whole and counted', async (t) => {
  const lines: string[] = [];
  const w = new WholeLines((l) => lines.push(l), 10);
  w.push('{"a":');
  w.push('1}\n{"big":"0123456789');
  w.push('0123456789"}\r\n{"b":2}');
  w.end();
  t.same(lines, ['{"a":1}', '{"b":2}']);
  t.same(w.oversized.map((o) => o.bytes), [31], 'its size up to its newline');
  const utf8 = new WholeLines((l) => lines.push(l), 5);
  utf8.push('ééé\n');
  utf8.end();
  t.same(utf8.oversized.map((o) => o.bytes), [6], 'the bound counts UTF-8 bytes');
});

t.test('outputText: exact single-target text; multi-target lines written whole', async (t) => {
  const { outputText } = await import('../../src/routes/output-text.js');
  const ev = (seq: number, target: string, line: string, partial = false) => ({
    executionId: 'x', seq, type: 'stdout' as const, at: '', data: partial ? { target, line, partial } : { target, line },
  });
  t.equal(outputText([ev(1, 'a', 'waiting... ', true), ev(2, 'a', 'acquired'), ev(3, 'a', 'tail', true)], false), 'waiting... acquired\ntail');
  t.equal(outputText([ev(1, 'a', 'waiting... ', true), ev(2, 'b', 'hello'), ev(3, 'a', 'acquired'), ev(4, 'b', 'open', true)], true),
    '[b] hello\n[a] waiting... acquired\n[b] open', "a's line is not cut by b's");
});
