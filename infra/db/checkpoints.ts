import type { Knex } from 'knex';

/**
 * Named positions in the global event order (the relay's, each projection's). A checkpoint only
 * moves forward: a late or repeated save of an older position changes nothing.
 */
export async function readCheckpoint(db: Knex, name: string): Promise<bigint> {
  const row = await db('checkpoints').where({ name }).first('position');
  return row ? BigInt(row.position as string) : 0n;
}

export async function saveCheckpoint(db: Knex, name: string, position: bigint): Promise<void> {
  await db.raw(
    `INSERT INTO checkpoints (name, position, updated_at) VALUES (?, ?, UTC_TIMESTAMP(3))
     ON DUPLICATE KEY UPDATE updated_at = IF(VALUES(position) > position, VALUES(updated_at), updated_at),
                             position = GREATEST(position, VALUES(position))`,
    [name, position.toString()],
  );
}

/** Sets a checkpoint to exactly this position (a rebuild hands its position to the live projector). */
export async function setCheckpoint(db: Knex, name: string, position: bigint): Promise<void> {
  await db.raw(
    `INSERT INTO checkpoints (name, position, updated_at) VALUES (?, ?, UTC_TIMESTAMP(3))
     ON DUPLICATE KEY UPDATE position = VALUES(position), updated_at = VALUES(updated_at)`,
    [name, position.toString()],
  );
}
