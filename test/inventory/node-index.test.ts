/**
 * The indexed inventory view answers exactly what the whole-list scan answered: lookups by name, alias,
 * group, transport, source and fact; every keyset page of every filter (property test on random
 * inventories against the former merge + filter + sort + page); target expansion; pages across a change.
 */
import t from 'tap';
import { compileGlob } from '../../src/core/glob.js';
import { Errors } from '../../src/core/errors.js';
import { GroupView } from '../../src/inventory/group-view.js';
import { linkNodes, mergeNodes } from '../../src/inventory/merge.js';
import { factOf, NodeIndex, type NodeQuery } from '../../src/inventory/node-index.js';
import { expandTargets } from '../../src/inventory/resolve.js';
import type { GroupT, NodeT } from '../../src/inventory/types.js';
import { encodeCursor, pageByKey } from '../../src/routes/common.js';

/** Small deterministic PRNG (mulberry32), so a failure names its seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)] };
}

// Names mixing case and punctuation: code-unit order and localeCompare disagree on them.
const PARTS = ['web', 'Web', 'db', 'DB', 'a', 'Z', 'x-1', 'x_1', 'x.1', '10', '9', 'é', 'e'];
const GROUPS = ['g1', 'g2', 'G3', 'edge', 'all'];
const TRANSPORTS = ['ssh', 'local', 'winrm', undefined];

function randomSources(r: ReturnType<typeof rng>) {
  const names = new Set<string>();
  const total = 1 + r.int(80);
  while (names.size < total) names.add(`${r.pick(PARTS)}${r.pick(PARTS)}${r.int(30)}`);
  const all = [...names];
  const sources = ['s1', 's2', 's3'].slice(0, 1 + r.int(3));
  let aliasNo = 0;
  const lists: NodeT[][] = sources.map((source) => all.filter(() => r.next() < 0.6).map((name) => {
    const n: NodeT = {
      id: `${source}:${name}`, name, groups: [...new Set(Array.from({ length: r.int(3) }, () => r.pick(GROUPS)))],
      sources: [{ source, id: `${source}:${name}` }],
    };
    const tr = r.pick(TRANSPORTS);
    if (tr) n.transport = tr;
    if (r.next() < 0.3) n.uri = `ssh://${name}`;
    // Aliases unique and never a node's name: the scan and the index agree on those (collisions: see below).
    if (r.next() < 0.2) n.alias = [`alias-${source}-${aliasNo++}`];
    if (r.next() < 0.5) n.facts = { osFamily: r.pick(['Debian', 'RedHat']), ...(r.next() < 0.5 ? { kernel: r.pick(['Linux', 'Darwin']) } : {}) };
    return n;
  }));
  return { lists, all };
}

/** The read as it was: merge and sort the whole list, filter it, sort it again and page it. */
function scanPage(lists: NodeT[][], q: NodeQuery, limit: number, cursor?: string) {
  const items = mergeNodes(lists);
  const re = q.name ? compileGlob(q.name, { caseInsensitive: true }) : undefined;
  const filtered = items.filter((n) => (!re || re.test(n.name))
    && (!q.group || n.groups.includes(q.group))
    && (!q.transport || n.transport === q.transport)
    && (!q.source || n.sources.some((s) => s.source === q.source))
    && Object.entries(q.facts ?? {}).every(([p, v]) => factOf(n, p) === v));
  return pageByKey(filtered, (n) => n.name, limit, cursor);
}

function indexPage(index: NodeIndex, q: NodeQuery, limit: number, cursor?: string) {
  const after = cursor === undefined ? undefined : JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  const { items, more } = index.page(q, limit, after);
  return { items, nextCursor: more ? encodeCursor(items[items.length - 1].name) : null };
}

t.test('property: every page of every filter equals the former scan (200 random inventories)', async (t) => {
  let pages = 0;
  for (let seed = 1; seed <= 200; seed++) {
    const r = rng(seed);
    const { lists, all } = randomSources(r);
    const index = new NodeIndex(linkNodes(lists));
    for (let k = 0; k < 8; k++) {
      const q: NodeQuery = {};
      if (r.next() < 0.4) q.group = r.pick([...GROUPS, 'nope']);
      if (r.next() < 0.4) q.transport = r.pick(['ssh', 'local', 'winrm', 'nope']);
      if (r.next() < 0.3) q.source = r.pick(['s1', 's2', 's3']);
      if (r.next() < 0.3) q.name = r.pick(['*', 'web*', 'W?B*', '*1*', 'db*', 'x?1*', '*é*']);
      if (r.next() < 0.3) q.facts = r.next() < 0.5 ? { osFamily: r.pick(['Debian', 'RedHat']) } : { osFamily: 'Debian', kernel: 'Linux' };
      const limit = 1 + r.int(12);
      let cursor: string | undefined;
      for (let guard = 0; guard < 200; guard++) {
        const want = scanPage(lists, q, limit, cursor);
        const got = indexPage(index, q, limit, cursor);
        pages++;
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          t.same(got, want, `seed ${seed} query ${JSON.stringify(q)} limit ${limit} cursor ${cursor}`);
          return;
        }
        if (!want.nextCursor) break;
        cursor = want.nextCursor;
      }
      // A cursor that names no node (deleted since) starts after it all the same.
      const gone = `${r.pick(all)}~`;
      t.ok(JSON.stringify(indexPage(index, q, limit, encodeCursor(gone))) === JSON.stringify(scanPage(lists, q, limit, encodeCursor(gone))), `seed ${seed}: cursor between names`);
    }
    // One node by name or alias: the former find over the merged list.
    const merged = mergeNodes(lists);
    for (const n of merged) {
      for (const key of [n.name, ...(n.alias ?? [])]) {
        const want = merged.find((x) => x.name === key || (x.alias ?? []).includes(key));
        if (JSON.stringify(index.get(key)) !== JSON.stringify(want)) t.fail(`seed ${seed}: get(${key})`);
      }
    }
    t.equal(index.get('no-such-node'), undefined);
  }
  t.ok(pages > 1000, `${pages} pages compared`);
});

/** Target expansion as it was: from the merged lists, by scanning. */
function scanResolve(nodes: NodeT[], groups: GroupT[], targets: string[]): string[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  for (const n of nodes) for (const a of n.alias ?? []) if (!byName.has(a)) byName.set(a, n);
  const groupByName = new Map(groups.map((g) => [g.name, g]));
  const out = new Map<string, NodeT>();
  const unknown: string[] = [];
  const addGroup = (g: GroupT, seen: Set<string>) => {
    if (seen.has(g.name)) return;
    seen.add(g.name);
    for (const x of g.targets) { const n = byName.get(x); if (n) out.set(n.name, n); }
    for (const c of g.groups ?? []) { const cg = groupByName.get(c); if (cg) addGroup(cg, seen); }
  };
  for (const x of targets) {
    if (x === 'all') { for (const n of nodes) out.set(n.name, n); continue; }
    const n = byName.get(x);
    if (n) { out.set(n.name, n); continue; }
    const g = groupByName.get(x);
    if (g) { addGroup(g, new Set()); continue; }
    unknown.push(x);
  }
  if (unknown.length) throw new Error(`unknown: ${unknown.join(',')}`);
  return [...out.keys()].sort();
}

t.test('property: target expansion equals the former scan (200 random inventories, nested and cyclic groups)', async (t) => {
  for (let seed = 1; seed <= 200; seed++) {
    const r = rng(1000 + seed);
    const { lists, all } = randomSources(r);
    const names = linkNodes(lists).map((n) => n.name);
    const groupLists: GroupT[][] = lists.map((_, i) => ['grp-a', 'grp-b', 'grp-c'].filter(() => r.next() < 0.7).map((name) => ({
      name, targets: names.filter(() => r.next() < 0.2), groups: ['grp-a', 'grp-b', 'grp-c'].filter((c) => c !== name && r.next() < 0.3), sources: [`s${i + 1}`],
    })));
    const index = new NodeIndex(linkNodes(lists));
    const view = new GroupView(groupLists);
    const mergedGroups = [...view.all];
    for (let k = 0; k < 10; k++) {
      const targets = Array.from({ length: 1 + r.int(4) }, () => r.pick([...all, ...names, 'grp-a', 'grp-b', 'grp-c', 'all', 'alias-s1-0', 'missing']));
      let want: string[] | Error;
      try { want = scanResolve(mergeNodes(lists), mergedGroups, targets); } catch (e) { want = e as Error; }
      let got: string[] | Error;
      try { got = expandTargets(targets, index, view).map((n) => n.name).sort(); } catch (e) { got = e as Error; }
      if (want instanceof Error || got instanceof Error) {
        t.equal(got instanceof Errors.TargetUnresolved, want instanceof Error, `seed ${seed} ${targets}: both refuse`);
      } else if (JSON.stringify(got) !== JSON.stringify(want)) {
        t.same(got, want, `seed ${seed} targets ${targets}`);
        return;
      }
    }
  }
});

t.test('lookups: name, alias, group, transport, source, fact; a name wins over another node\'s alias', async (t) => {
  const n = (name: string, extra: Partial<NodeT> = {}): NodeT => ({ id: name, name, groups: [], sources: [{ source: 's', id: name }], ...extra });
  const index = new NodeIndex(linkNodes([[
    n('web1', { groups: ['web', 'all'], transport: 'ssh', alias: ['w1', 'db1'], facts: { osFamily: 'Debian' } }),
    n('web2', { groups: ['web', 'all'], transport: 'local', facts: { osFamily: 'RedHat' } }),
    n('db1', { groups: ['db', 'all'], transport: 'ssh', alias: ['w1'] }),
  ]]));
  t.equal(index.get('web1')?.name, 'web1');
  t.equal(index.get('w1')?.name, 'db1', 'an alias held by two nodes: the first in name order');
  t.equal(index.get('db1')?.name, 'db1', 'a name wins over an alias');
  t.same(index.group('web').map((x) => x.name), ['web1', 'web2']);
  t.same(index.group('nope'), []);
  t.same(index.filter({ transport: 'ssh' }).map((x) => x.name), ['db1', 'web1']);
  t.same(index.filter({ source: 's', group: 'web', transport: 'local' }).map((x) => x.name), ['web2']);
  t.same(index.filter({ facts: { osFamily: 'Debian' } }).map((x) => x.name), ['web1']);
  t.same(index.filter({ facts: { osFamily: 'Debian', kernel: 'Linux' } }).map((x) => x.name), []);
  t.same(index.filter({ name: 'WEB*' }).map((x) => x.name), ['web1', 'web2'], 'the name glob ignores case');
  t.equal(index.size, 3);
});

t.test('keyset pages stay exact when the snapshot changes between pages', async (t) => {
  const mk = (names: string[]) => new NodeIndex(linkNodes([names.map((name) => ({ id: name, name, groups: ['all'], sources: [{ source: 's', id: name }] }))]));
  const before = mk(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  const p1 = before.page({}, 3);
  t.same(p1.items.map((x) => x.name), ['a', 'b', 'c']);
  t.ok(p1.more);
  // Between pages: 'b' and 'e' removed, 'bb' (before the cursor) and 'ee' (after it) added.
  const after = mk(['a', 'bb', 'c', 'd', 'ee', 'f', 'g']);
  const seen = [...p1.items.map((x) => x.name)];
  let cursor = p1.items[p1.items.length - 1].name;
  for (;;) {
    const p = after.page({}, 3, cursor);
    seen.push(...p.items.map((x) => x.name));
    if (!p.more) break;
    cursor = p.items[p.items.length - 1].name;
  }
  t.same(seen, ['a', 'b', 'c', 'd', 'ee', 'f', 'g'], 'no node twice; every node present in both snapshots once; additions past the cursor seen');
  t.equal(new Set(seen).size, seen.length);
});
