/**
 * The stored journal's reads at the SQL level (issue 17): keyset pages are exact across entries sharing a time
 * (row-value position), node + kind filters stay on the node index, and the node, fleet, kind and prune
 * queries use their indexes (EXPLAIN QUERY PLAN), so a deep page or a kind filter never scans the table.
 */
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import type { JournalFilter, JournalRow } from '../../src/store/types.js';

function openStore(t: Test): SqliteStore {
  const store = new SqliteStore(join(t.testdir(), 'capstan.db'));
  t.teardown(() => store.close());
  return store;
}

/** Every page of a filter, `limit` at a time, through the keyset position of the last entry. */
function walk(store: SqliteStore, f: JournalFilter, limit: number): JournalRow[] {
  const out: JournalRow[] = [];
  for (;;) {
    const last = out[out.length - 1];
    const page = store.journal.list(f, limit, last && { at: last.at, id: last.id });
    out.push(...page);
    if (page.length < limit) return out;
  }
}

t.test('pages are exact newest first, also across entries with the same time; node and kind filters', async (t) => {
  const store = openStore(t);
  const times = ['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'];
  for (let i = 0; i < 60; i++) {
    store.journal.append({ node: `n${i % 3}`, at: times[i % 3 === 0 ? 1 : i % 3], kind: i % 4 === 0 ? 'note' : 'execution', executionId: null, principal: null, summary: `entry ${i}`, data: {}, links: {} });
  }
  const all = store.journal.list({}, 1000);
  const order = (rows: JournalRow[]) => rows.map((r) => r.id);
  t.same(order(walk(store, {}, 7)), order(all), 'pages of 7 give every entry once, in order');
  t.ok(all.every((r, i) => i === 0 || r.at < all[i - 1].at || (r.at === all[i - 1].at && r.id < all[i - 1].id)), 'newest first, ties by id');
  const nodeNotes = all.filter((r) => r.node === 'n1' && r.kind === 'note');
  t.ok(nodeNotes.length > 0);
  t.same(order(walk(store, { nodes: ['n1'], kinds: ['note'] }, 2)), order(nodeNotes), 'node + kind');
  t.same(order(walk(store, { kinds: ['note'] }, 4)), order(all.filter((r) => r.kind === 'note')), 'kind alone');
});

t.test('the journal queries use their indexes', async (t) => {
  const store = openStore(t);
  const plan = (f: JournalFilter, before?: { at: string; id: number }) => {
    // The statement list() makes, explained: capture it through a prepared-statement spy.
    const db = store.db as unknown as { prepare: (sql: string) => unknown };
    const real = db.prepare.bind(store.db);
    let text = '';
    db.prepare = (sql: string) => { text = sql; return real(sql); };
    try {
      store.journal.list(f, 10, before);
    } finally {
      db.prepare = real;
    }
    const args = [...(f.nodes ?? []), ...(f.kinds ?? []), ...(before ? [before.at, before.id] : []), 10];
    return (store.db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...args) as { detail: string }[]).map((r) => r.detail).join(' | ');
  };
  const deep = { at: '2026-01-01T00:00:00.000Z', id: 5 };
  t.match(plan({ nodes: ['n1'] }), /USING INDEX journal_node_at \(node=\?\)/);
  t.match(plan({ nodes: ['n1'] }, deep), /SEARCH journal USING INDEX journal_node_at \(node=\? AND (at|\(at,id\))</, 'a node page seeks to its position');
  t.match(plan({}), /SCAN journal USING INDEX journal_at/);
  t.match(plan({}, deep), /SEARCH journal USING INDEX journal_at \((at|\(at,id\))</, 'a deep fleet page seeks to its position');
  t.match(plan({ kinds: ['note'] }), /USING INDEX journal_kind_at \(kind=\?\)/, 'a kind filter has its index');
  t.match(plan({ nodes: ['n1'], kinds: ['execution'] }), /USING INDEX journal_node_at/, 'node + kind stays on the node index');
  t.notMatch(plan({ nodes: ['n1'], kinds: ['execution'] }), /TEMP B-TREE/, 'in order, without a sort');
});
