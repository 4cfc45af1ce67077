import type { EventStore, RecordedEvent } from './ports';

const PAGE = 5_000;

/**
 * A fold of the event store kept between calls: each call reads only the events appended since
 * the last, so a process that asks again and again (the audit, every few seconds on the
 * dashboard) pays for the whole store once. Calls run one at a time, and `read` looks at the fold
 * inside that turn, before another call moves it on.
 */
export function keptFold<F extends { add(event: RecordedEvent): void }>(
  eventStore: EventStore,
  make: () => F,
) {
  let fold = make();
  let position = 0n;
  let turn: Promise<unknown> = Promise.resolve();

  /** Folds events up to `target` (the head when absent), never past it. */
  async function advance(target: bigint | undefined): Promise<void> {
    // Asked for an earlier cut than the one held: a fold cannot go back, so it starts over.
    if (target !== undefined && target < position) {
      fold = make();
      position = 0n;
    }
    for (;;) {
      if (target !== undefined && position >= target) return;
      const page = await eventStore.readAll({ after: position, maxCount: PAGE });
      for (const event of page) {
        if (target !== undefined && event.position > target) return;
        fold.add(event);
        position = event.position;
      }
      if (page.length < PAGE) return;
    }
  }

  /**
   * The fold through `target` (or the head), seen by `read`, with the position it reached.
   * `first`, when given, runs in the same turn just before the fold moves on, and `read` gets
   * what it found: nothing another call does comes between the two.
   */
  function through<T, B = undefined>(
    target: bigint | undefined,
    read: (fold: F, first: B) => T,
    first?: () => Promise<B>,
  ): Promise<{ value: T; position: bigint }> {
    const run = turn.then(async () => {
      const found = (first ? await first() : undefined) as B;
      await advance(target);
      return { value: read(fold, found), position };
    });
    turn = run.catch(() => undefined);
    return run;
  }

  return { through };
}
