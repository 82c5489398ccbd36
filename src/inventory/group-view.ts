/** Merged groups of every source, immutable, built once per set of source snapshots: by name, and in keyset order. */
import { keysetPage } from './keyset.js';
import { mergeGroups } from './merge.js';
import type { GroupT } from './types.js';

const nameOf = (g: GroupT) => g.name;

export class GroupView {
  private readonly byName: Map<string, GroupT>;
  /** Every group, in code-unit order of the name. */
  readonly all: readonly GroupT[];

  /** `each` maps every merged group once (e.g. to check it), default none. */
  constructor(lists: GroupT[][], each: (g: GroupT) => GroupT = (g) => g) {
    this.all = mergeGroups(lists).map(each);
    this.byName = new Map(this.all.map((g) => [g.name, g]));
  }

  get(name: string): GroupT | undefined {
    return this.byName.get(name);
  }

  page(limit: number, after?: string): { items: GroupT[]; more: boolean } {
    return keysetPage(this.all, nameOf, limit, after);
  }
}
