/**
 * The alert change feed (src/capabilities/alert-source.ts AlertChangeFeed) behind every source's alert.stream:
 * the first look is the baseline, later looks become changes, a vanished alert becomes `resolved`, and a
 * stream without a state filter carries resolutions (a list's default leaves resolved alerts out).
 */
import t from 'tap';
import { AlertChangeFeed, type AlertT } from '../../src/capabilities/alert-source.js';

const alert = (id: string, state: AlertT['state'], severity: AlertT['severity'] = 'critical'): AlertT => ({
  id, source: 'test', node: null, name: id, severity, state, since: '2026-11-25T08:00:00.000Z', summary: id, labels: { alertname: id }, annotations: {}, links: {},
});

t.test('appear, change, vanish: every change is streamed, resolutions included unless a state filter leaves them out', async (t) => {
  let now: AlertT[] = [alert('a', 'firing')];
  let clock = 1_000_000;
  const feed = new AlertChangeFeed({ read: async () => now, minIntervalMs: 0, now: () => clock });
  const { cursor } = await feed.stream({});
  t.same((await feed.stream({ after: cursor })).changes, [], 'the first look is the baseline');
  clock += 1000;
  now = [alert('a', 'acknowledged'), alert('b', 'firing', 'warning')];
  const second = await feed.stream({ after: cursor });
  t.same(second.changes.map((c) => [c.alert.id, c.from, c.to]), [['a', 'firing', 'acknowledged'], ['b', null, 'firing']]);
  clock += 1000;
  now = [alert('b', 'firing', 'warning')];
  const third = await feed.stream({ after: second.cursor });
  t.same(third.changes.map((c) => [c.alert.id, c.from, c.to]), [['a', 'acknowledged', 'resolved']], 'a vanished alert is resolved');
  t.match(third.changes[0].alert, { state: 'resolved', endsAt: new Date(clock).toISOString() });
  t.same((await feed.stream({ after: cursor, severity: ['critical'] })).changes.map((c) => c.to), ['acknowledged', 'resolved'], 'other filters apply');
  t.same((await feed.stream({ after: cursor, state: ['firing', 'acknowledged'] })).changes.map((c) => c.to), ['acknowledged', 'firing'], 'a state filter leaves resolutions out');
});
