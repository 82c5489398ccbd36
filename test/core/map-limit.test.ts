/** src/core/map-limit.ts: at most `limit` calls in flight, results in order, the first rejection rejects. */
import t from 'tap';
import { mapLimit } from '../../src/core/map-limit.js';

t.test('mapLimit', async (t) => {
  let inFlight = 0;
  let most = 0;
  const out = await mapLimit(Array.from({ length: 13 }, (_, i) => i), 3, async (n, i) => {
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise((r) => setTimeout(r, (n * 7) % 5));
    inFlight--;
    return `${n}:${i}`;
  });
  t.equal(most, 3);
  t.same(out, Array.from({ length: 13 }, (_, i) => `${i}:${i}`));
  t.same(await mapLimit([], 3, async () => 1), []);
  await t.rejects(mapLimit([1, 2, 3], 2, async (n) => { if (n === 2) throw new Error('two'); return n; }), /two/);
});
