import type { Knex } from 'knex';
import type { Rebuilder } from './rebuild';
import { readModelSnapshot, snapshotDifferences } from './snapshot';

/**
 * Invariant 4 of DESIGN.md, for a quiet moment once the read side caught up: the live read models
 * are snapshotted, rebuilt from the event store, and compared row for row. The rebuild swaps the
 * replayed tables in, so the check also leaves the read models equal to a replay.
 */
export async function replayDifferences(db: Knex, rebuilder: Pick<Rebuilder, 'run'>) {
  const live = await readModelSnapshot(db);
  await rebuilder.run(undefined, () => undefined);
  return snapshotDifferences(live, await readModelSnapshot(db));
}
