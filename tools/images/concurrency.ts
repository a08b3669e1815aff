/** Requests in flight at once when reading or deleting many things: quick, and gentle on the registry. */
export const DEFAULT_CONCURRENCY = 8;

/** Like Promise.all over `items.map(fn)`, with at most `limit` calls in flight. */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index]);
      } catch (error) {
        // Stop the other workers from starting more requests once the outcome is a failure.
        next = items.length;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
