// Bounded concurrency for the many small asynchronous file operations of the core (stat, read, hash).

/**
 * Calls `fn` on every item, at most `limit` calls at a time (at least one), starting them in item order. Resolves
 * when all have finished; rejects with the first failure, after which no new call starts (calls already started
 * run to their end).
 */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        await fn(items[index]!, index);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
}
