import type { Knex } from 'knex';
import {
  partitionCheckpoints,
  readCheckpoints,
  saveCheckpoints,
  RELAY_CHECKPOINT,
  type Checkpoint,
} from '../infra/db/checkpoints';
import { inventoryAuditProjection } from './inventory-audit';
import { checkpointName } from './projector';

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
 * may be far back in a partition that had been quiet, and a mark read before is kept instead
 * (`markCheckpoint`). Read in one statement, the checkpoints are
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
  const kept = checkpoints.get(markCheckpoint(name))?.position ?? 0n;
  return mark > kept ? mark : kept;
}

/**
 * The highest mark established for the checkpoint `name`. Every event through a mark stays
 * applied (read models only gain rows, and a rebuild swaps in tables holding every event up to
 * its end), so a mark once read holds for good, while a later reading may know less: a
 * projector stopped while more than 32 events went to one of its partitions falls back to the
 * applied position there. Kept, it never goes back.
 */
export const markCheckpoint = (name: string) => `${name}@mark`;

/** The low-water marks of the named checkpoints (see `watermarkOf`), kept as they rise. */
export async function readWatermarks(
  db: Knex,
  names: readonly string[],
): Promise<Map<string, bigint>> {
  const checkpoints = await readCheckpoints(db);
  const marks = new Map(names.map((name) => [name, watermarkOf(checkpoints, name)]));
  const raised = new Map<string, bigint>();
  for (const [name, mark] of marks) {
    if (mark > (checkpoints.get(markCheckpoint(name))?.position ?? 0n)) {
      raised.set(markCheckpoint(name), mark);
    }
  }
  // Best effort: a reading whose mark is not kept (the write lost a lock wait, say) is still
  // right, and the next reading keeps it.
  if (raised.size > 0) await saveCheckpoints(db, raised).catch(() => undefined);
  return marks;
}

/** The low-water mark of one checkpoint (see `readWatermarks`). */
export async function readWatermark(db: Knex, name: string): Promise<bigint> {
  return (await readWatermarks(db, [name])).get(name)!;
}

/** The ledger's low-water mark: what the SKU audit compares the ledger through. */
export const readLedgerMark = (db: Knex) =>
  readWatermark(db, checkpointName(inventoryAuditProjection.name));
