import type { Knex } from 'knex';
import {
  partitionCheckpoints,
  readCheckpoints,
  RELAY_CHECKPOINT,
  type Checkpoint,
} from '../infra/db/checkpoints';

const PARTITION = /.#(\d+)$/;

/** Every partition a checkpoint names: the relay's and the projections'. */
export function partitionsKnown(checkpoints: ReadonlyMap<string, Checkpoint>): number[] {
  const found = new Set<number>();
  for (const key of checkpoints.keys()) {
    const partition = PARTITION.exec(key)?.[1];
    if (partition !== undefined) found.add(Number(partition));
  }
  return [...found].sort((a, b) => a - b);
}

/**
 * The first event a partition holds after `applied`, or a lower bound of it: the relay keeps the
 * last positions it sent to each partition (`recent`, a leading 0 while they go back to the
 * partition's first event). When `applied` is among them, the next one is the event; when it is
 * older than all of them, only `applied + 1` is known.
 */
function nextAfter(applied: bigint, published: Checkpoint): bigint {
  const recent = published.recent ?? [];
  if (recent.length > 0 && applied >= recent[0]!) {
    const next = recent.find((position) => position > applied);
    if (next !== undefined) return next;
  }
  return applied + 1n;
}

/**
 * The position through which the projection whose checkpoint is `name` has applied every event:
 * its low-water mark.
 *
 * Kafka keeps order within a partition only, so a projector's highest position says nothing of
 * the other partitions. Per partition, the relay records the positions it published there (the
 * last, and the few before it) and the projector the last it applied there (in the transaction
 * of its rows). A partition whose applied position has reached its published one holds nothing
 * up to the relay's checkpoint that is not applied; one that has not holds its next event after
 * the applied one, and everything before that event is applied there. So: the relay's
 * checkpoint, lowered to just before that next event in every partition that is behind. Its
 * position is known when the relay's recent positions reach back to the applied one (a projector
 * a few batches behind); else the mark falls to the applied position itself, which is safe but
 * may be far back in a partition that had been quiet. Read in one statement, the checkpoints are
 * one cut: the relay writes its own in one statement after Kafka acknowledged, and a projector
 * may only run ahead of it.
 *
 * Events a relay published before it recorded partitions (an older version) count as applied.
 */
export function watermarkOf(checkpoints: ReadonlyMap<string, Checkpoint>, name: string): bigint {
  let mark = checkpoints.get(RELAY_CHECKPOINT)?.position ?? 0n;
  const applied = partitionCheckpoints(checkpoints, name);
  for (const [partition, published] of partitionCheckpoints(checkpoints, RELAY_CHECKPOINT)) {
    const done = applied.get(partition)?.position ?? 0n;
    if (done >= published.position) continue;
    const before = nextAfter(done, published) - 1n;
    if (before < mark) mark = before;
  }
  return mark;
}

/** The low-water marks of the named checkpoints (see `watermarkOf`), from one read. */
export async function readWatermarks(
  db: Knex,
  names: readonly string[],
): Promise<Map<string, bigint>> {
  const checkpoints = await readCheckpoints(db);
  return new Map(names.map((name) => [name, watermarkOf(checkpoints, name)]));
}

/** The low-water mark of one checkpoint (see `watermarkOf`). */
export async function readWatermark(db: Knex, name: string): Promise<bigint> {
  return watermarkOf(await readCheckpoints(db), name);
}
