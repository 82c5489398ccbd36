/**
 * `fn` over `items` with at most `limit` calls in flight, results in the items' order: for a plugin reading a
 * list item by item from a tool that asks for few concurrent requests (GitHub, GitLab, Jenkins). The first
 * rejection rejects the whole (the calls already started still finish).
 */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
