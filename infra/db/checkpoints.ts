import type { Knex } from 'knex';

/** The relay's checkpoint: the last position Kafka acknowledged. */
export const RELAY_CHECKPOINT = 'relay';

/** The checkpoint of one Kafka partition, beside the overall one named `name`. */
export const partitionCheckpoint = (name: string, partition: number) => `${name}#${partition}`;

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

/** Moves several checkpoints forward in one statement, so that a reader sees all or none. */
export async function saveCheckpoints(
  db: Knex,
  positions: ReadonlyMap<string, bigint>,
): Promise<void> {
  if (positions.size === 0) return;
  const rows = [...positions];
  await db.raw(
    `INSERT INTO checkpoints (name, position, updated_at) VALUES ${rows
      .map(() => '(?, ?, UTC_TIMESTAMP(3))')
      .join(', ')}
     ON DUPLICATE KEY UPDATE updated_at = IF(VALUES(position) > position, VALUES(updated_at), updated_at),
                             position = GREATEST(position, VALUES(position))`,
    rows.flatMap(([name, position]) => [name, position.toString()]),
  );
}

/** Every checkpoint, read in one statement: one consistent cut of all of them. */
export async function readCheckpoints(db: Knex): Promise<Map<string, bigint>> {
  const rows = (await db('checkpoints').select('name', 'position')) as {
    name: string;
    position: string | number;
  }[];
  return new Map(rows.map((r) => [r.name, BigInt(r.position)]));
}
