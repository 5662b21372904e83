// Maps items through an async function with at most `limit` calls in flight; results keep the items' order.
// The loop runs a response's tool calls through it, so 500 calls in one response cannot all start at once.

/** Runs `fn` over `items`, at most `limit` at a time, starting them in order; resolves in item order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  await Promise.all(workers);
  return results;
}
