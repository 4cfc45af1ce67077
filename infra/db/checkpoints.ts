import type { Knex } from 'knex';

/** The relay's checkpoint: the last position Kafka acknowledged. */
export const RELAY_CHECKPOINT = 'relay';

/** The checkpoint of one Kafka partition, beside the overall one named `name`. */
export const partitionCheckpoint = (name: string, partition: number) => `${name}#${partition}`;

const DIGITS = /^\d+$/;

/** The checkpoints of the partitions under `name` (`name#<n>`), by partition. */
export function partitionCheckpoints(
  checkpoints: ReadonlyMap<string, Checkpoint>,
  name: string,
): Map<number, Checkpoint> {
  const found = new Map<number, Checkpoint>();
  const prefix = `${name}#`;
  for (const [key, checkpoint] of checkpoints) {
    const partition = key.slice(prefix.length);
    if (key.startsWith(prefix) && DIGITS.test(partition)) found.set(Number(partition), checkpoint);
  }
  return found;
}

/**
 * Named positions in the global event order (the relay's, each projection's). A checkpoint only
 * moves forward: a late or repeated save of an older position changes nothing.
 */
export async function readCheckpoint(db: Knex, name: string): Promise<bigint> {
  const row = await db('checkpoints').where({ name }).first('position');
  return row ? BigInt(row.position as string) : 0n;
}

export function saveCheckpoint(db: Knex, name: string, position: bigint): Promise<void> {
  return saveCheckpoints(db, new Map([[name, position]]));
}

/** Sets a checkpoint to exactly this position (a rebuild hands its position to the live projector). */
export async function setCheckpoint(db: Knex, name: string, position: bigint): Promise<void> {
  await db.raw(
    `INSERT INTO checkpoints (name, position, updated_at) VALUES (?, ?, UTC_TIMESTAMP(3))
     ON DUPLICATE KEY UPDATE position = VALUES(position), updated_at = VALUES(updated_at)`,
    [name, position.toString()],
  );
}

/** A checkpoint as read: its position, and for a relay partition the last positions sent there. */
export type Checkpoint = { position: bigint; recent?: readonly bigint[] };

/**
 * Moves several checkpoints forward in one statement, so that a reader sees all or none. `recent`
 * (relay partitions) is written with its checkpoint's position, and kept when that is older.
 */
export async function saveCheckpoints(
  db: Knex,
  positions: ReadonlyMap<string, bigint>,
  recent: ReadonlyMap<string, readonly bigint[]> = new Map(),
): Promise<void> {
  if (positions.size === 0) return;
  const rows = [...positions];
  // Assignments run left to right: `position` is compared before it is moved.
  await db.raw(
    `INSERT INTO checkpoints (name, position, recent, updated_at) VALUES ${rows
      .map(() => '(?, ?, ?, UTC_TIMESTAMP(3))')
      .join(', ')}
     ON DUPLICATE KEY UPDATE
       recent = IF(VALUES(recent) IS NOT NULL AND VALUES(position) >= position, VALUES(recent), recent),
       updated_at = IF(VALUES(position) > position, VALUES(updated_at), updated_at),
       position = GREATEST(position, VALUES(position))`,
    rows.flatMap(([name, position]) => [
      name,
      position.toString(),
      recent.get(name)?.join(',') ?? null,
    ]),
  );
}

/** Every checkpoint, read in one statement: one consistent cut of all of them. */
export async function readCheckpoints(db: Knex): Promise<Map<string, Checkpoint>> {
  const rows = (await db('checkpoints').select('name', 'position', 'recent')) as {
    name: string;
    position: string | number;
    recent: string | null;
  }[];
  return new Map(
    rows.map((r) => [
      r.name,
      {
        position: BigInt(r.position),
        ...(r.recent ? { recent: r.recent.split(',').map((p) => BigInt(p)) } : {}),
      },
    ]),
  );
}
