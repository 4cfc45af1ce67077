import type { Knex } from 'knex';
import { readCheckpoints, RELAY_CHECKPOINT } from '../infra/db/checkpoints';

const PARTITION = /.#(\d+)$/;
const DIGITS = /^\d+$/;

/** The partitions named under `name`, with their positions. */
function partitionsOf(checkpoints: ReadonlyMap<string, bigint>, name: string) {
  const found = new Map<number, bigint>();
  const prefix = `${name}#`;
  for (const [key, position] of checkpoints) {
    const partition = key.slice(prefix.length);
    if (key.startsWith(prefix) && DIGITS.test(partition)) found.set(Number(partition), position);
  }
  return found;
}

/** Every partition a checkpoint names: the relay's and the projections'. */
export function partitionsKnown(checkpoints: ReadonlyMap<string, bigint>): number[] {
  const found = new Set<number>();
  for (const key of checkpoints.keys()) {
    const partition = PARTITION.exec(key)?.[1];
    if (partition !== undefined) found.add(Number(partition));
  }
  return [...found].sort((a, b) => a - b);
}

/**
 * The position through which the projection whose checkpoint is `name` has applied every event:
 * its low-water mark.
 *
 * Kafka keeps order within a partition only, so a projector's highest position says nothing of
 * the other partitions. Per partition, the relay records the last position it published there
 * and the projector the last it applied there (in the same transaction as the rows). A partition
 * whose applied position has reached its published one holds nothing older than the relay's
 * checkpoint that is not applied; one that has not may still hold any event after its applied
 * position. So: the relay's checkpoint, lowered to the applied position of every partition that
 * is behind. Read in one statement, the checkpoints are one cut: the relay writes its own in one
 * statement after Kafka acknowledged, and a projector may only run ahead of it.
 *
 * Events a relay published before it recorded partitions (an older version) count as applied.
 */
export function watermarkOf(checkpoints: ReadonlyMap<string, bigint>, name: string): bigint {
  let mark = checkpoints.get(RELAY_CHECKPOINT) ?? 0n;
  const applied = partitionsOf(checkpoints, name);
  for (const [partition, published] of partitionsOf(checkpoints, RELAY_CHECKPOINT)) {
    const done = applied.get(partition) ?? 0n;
    if (done < published && done < mark) mark = done;
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
