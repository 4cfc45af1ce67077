import type { EventStore, RecordedEvent } from './ports';

const PAGE = 5_000;

/** Hands every event of the store to `each`, in global order, a page at a time. */
export async function forEachEvent(
  eventStore: EventStore,
  each: (event: RecordedEvent) => void,
): Promise<number> {
  let after = 0n;
  let count = 0;
  for (;;) {
    const page = await eventStore.readAll({ after, maxCount: PAGE });
    for (const event of page) each(event);
    count += page.length;
    if (page.length < PAGE) return count;
    after = page[page.length - 1]!.position;
  }
}
