import type { DueCursor, DueItems, DueKind, DuePage, DueQueue } from './ports';

/**
 * Every due item of `kind`, shard by shard and page by page, read as it is consumed: a sweep
 * that runs out of time stops reading too. `onPage` sees each page (for the sweeps' counts).
 */
export async function* allDue<K extends DueKind>(
  queue: DueQueue,
  kind: K,
  now: number,
  pageSize: number,
  onPage: (page: DuePage<K>) => void = () => {},
): AsyncGenerator<DueItems[K]> {
  for (const shard of queue.shards(kind)) {
    let cursor: DueCursor;
    do {
      const page = await queue.due(kind, shard, now, pageSize, cursor);
      onPage(page);
      yield* page.items;
      cursor = page.cursor;
    } while (cursor !== undefined);
  }
}
