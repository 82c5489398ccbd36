/**
 * Keyset pages over a list already sorted by key in code-unit order: the cursor is the last key served, the
 * next page starts at the first key greater than it (binary search), so a page costs what it returns (plus
 * the non-matching items skipped), and a snapshot that changes between pages never repeats or skips an item
 * present in both: the same rule as sorting and filtering the whole list, without doing it.
 */

/** Index of the first item whose key is greater than `after` (items sorted by key, code-unit order). */
export function firstAfter<T>(sorted: readonly T[], key: (t: T) => string, after: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(sorted[mid]) > after) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Up to `limit` matching items after the cursor key, and whether more match past them. */
export function keysetPage<T>(sorted: readonly T[], key: (t: T) => string, limit: number, after?: string, match?: (t: T) => boolean): { items: T[]; more: boolean } {
  const items: T[] = [];
  for (let i = after === undefined ? 0 : firstAfter(sorted, key, after); i < sorted.length; i++) {
    const t = sorted[i];
    if (match && !match(t)) continue;
    if (items.length === limit) return { items, more: true };
    items.push(t);
  }
  return { items, more: false };
}
