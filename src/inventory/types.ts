/** The inventory's own vocabulary: the API's Node and Group as values, and an aggregate with per-source status. */
import type { Static } from '@sinclair/typebox';
import type { Group, Node } from '../capabilities/common.js';
import type { SourceStatus } from '../core/registry.js';

export type NodeT = Static<typeof Node>;
export type GroupT = Static<typeof Group>;

export interface Aggregate<T> {
  items: T[];
  sources: SourceStatus[];
}

/** Code-unit order, the order keyset cursors compare in (`>`); localeCompare would disagree on case and punctuation. */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
