/**
 * An indexed, immutable view of linked nodes: built once per set of source snapshots, then every read costs
 * what it returns. Nodes are kept in code-unit order of the name (the keyset order of pages); lookups by
 * name or alias are map lookups; group, transport and source members are pre-sorted lists; fact paths are
 * indexed the first time a filter uses them.
 */
import { compileGlob } from '../core/glob.js';
import { keysetPage } from './keyset.js';
import type { NodeT } from './types.js';

/** The criteria of a node read; all given must match. */
export interface NodeQuery {
  /** Glob (`*`, `?`) on the name, case-insensitive. */
  name?: string;
  /** Member of this group. */
  group?: string;
  transport?: string;
  /** Known to this source. */
  source?: string;
  /** Fact path (dot-separated, into the node's `facts`) to the exact value it must have (compared as a string). */
  facts?: Record<string, string>;
}

const EMPTY: readonly NodeT[] = [];
const nameOf = (n: NodeT) => n.name;

/** A node's fact by dot path, as a string; undefined when absent or null. */
export function factOf(node: NodeT, path: string): string | undefined {
  let v: unknown = node.facts;
  for (const k of path.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v === undefined || v === null ? undefined : String(v);
}

function push<K>(map: Map<K, NodeT[]>, key: K, n: NodeT): void {
  const list = map.get(key);
  if (list) list.push(n);
  else map.set(key, [n]);
}

export class NodeIndex {
  private readonly byName = new Map<string, NodeT>();
  private readonly byGroup = new Map<string, NodeT[]>();
  private readonly byTransport = new Map<string | undefined, NodeT[]>();
  private readonly bySource = new Map<string, NodeT[]>();
  private readonly byFact = new Map<string, Map<string, NodeT[]>>();

  /** `all` must be sorted by name in code-unit order, names unique (linkNodes gives that). */
  constructor(readonly all: readonly NodeT[]) {
    for (const n of all) {
      this.byName.set(n.name, n);
      for (const g of new Set(n.groups)) push(this.byGroup, g, n);
      push(this.byTransport, n.transport, n);
      for (const s of new Set(n.sources.map((x) => x.source))) push(this.bySource, s, n);
    }
    // A name wins over another node's alias; among aliases the first node in name order wins.
    for (const n of all) for (const a of n.alias ?? []) if (!this.byName.has(a)) this.byName.set(a, n);
  }

  get size(): number {
    return this.all.length;
  }

  /** The node with this name, else the one with this alias. */
  get(nameOrAlias: string): NodeT | undefined {
    return this.byName.get(nameOrAlias);
  }

  /** Members of a group (all of them for the implicit group `all` when sources list it), in name order. */
  group(name: string): readonly NodeT[] {
    return this.byGroup.get(name) ?? EMPTY;
  }

  /** One keyset page of the nodes matching `q`, after the name `after`. */
  page(q: NodeQuery, limit: number, after?: string): { items: NodeT[]; more: boolean } {
    const { list, match } = this.plan(q);
    return keysetPage(list, nameOf, limit, after, match);
  }

  /** Every node matching `q`, in name order. */
  filter(q: NodeQuery): NodeT[] {
    const { list, match } = this.plan(q);
    return match ? list.filter(match) : [...list];
  }

  /** The smallest indexed list that holds every match, and the predicate for the remaining criteria. */
  private plan(q: NodeQuery): { list: readonly NodeT[]; match?: (n: NodeT) => boolean } {
    const lists: (readonly NodeT[])[] = [];
    if (q.group !== undefined) lists.push(this.byGroup.get(q.group) ?? EMPTY);
    if (q.transport !== undefined) lists.push(this.byTransport.get(q.transport) ?? EMPTY);
    if (q.source !== undefined) lists.push(this.bySource.get(q.source) ?? EMPTY);
    const facts = Object.entries(q.facts ?? {});
    for (const [path, value] of facts) lists.push(this.factIndex(path).get(value) ?? EMPTY);
    const list = lists.reduce((a, b) => (b.length < a.length ? b : a), this.all);
    const glob = q.name !== undefined ? compileGlob(q.name, { caseInsensitive: true }) : undefined;
    if (!glob && lists.length <= 1) return { list };
    const match = (n: NodeT) => (!glob || glob.test(n.name))
      && (q.group === undefined || n.groups.includes(q.group))
      && (q.transport === undefined || n.transport === q.transport)
      && (q.source === undefined || n.sources.some((s) => s.source === q.source))
      && facts.every(([path, value]) => factOf(n, path) === value);
    return { list, match };
  }

  private factIndex(path: string): Map<string, NodeT[]> {
    let idx = this.byFact.get(path);
    if (!idx) {
      idx = new Map();
      for (const n of this.all) {
        const v = factOf(n, path);
        if (v !== undefined) push(idx, v, n);
      }
      this.byFact.set(path, idx);
    }
    return idx;
  }
}
