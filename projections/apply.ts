import type { Knex } from 'knex';
import type { RecordedEvent } from '../commands/ports';
import { partitionCheckpoint, saveCheckpoints } from '../infra/db/checkpoints';
import { sqlTime, type Projection, type Row } from './projection';

export type DeadLetter = { event: RecordedEvent | null; error: string; raw?: string };

const CHUNK = 1_000;

/** Errors of the data (too long, bad value, constraint), not of the connection: a dead letter. */
function isDataError(error: unknown): boolean {
  const state = (error as { sqlState?: unknown })?.sqlState;
  return typeof state === 'string' && /^(22|23|42|HY)/.test(state);
}

export const lockName = (database: string, projection: string) =>
  `${database}.projection.${projection}`.slice(0, 64);

/** Named locks live on the connection, not the transaction: release them in a finally. */
export async function takeLock(trx: Knex.Transaction, name: string): Promise<void> {
  const [[row]] = (await trx.raw('SELECT GET_LOCK(?, 60) AS got', [name])) as [
    { got: number | null }[],
  ];
  if (row?.got !== 1) throw new Error(`could not take the lock ${name}`);
}

export async function releaseLock(trx: Knex.Transaction, name: string): Promise<void> {
  await trx.raw('SELECT RELEASE_LOCK(?)', [name]);
}

export type ApplyOptions = {
  /** Where the rows go: the live table, or a rebuild's fresh copy. */
  table?: string;
  /** The checkpoint to move in the same transaction (live projectors). */
  checkpoint?: string;
  /** The Kafka partition the batch came from: its own checkpoint moves too (see `watermarkOf`). */
  partition?: number;
  /** A named lock held while applying, so a rebuild's swap never overtakes this batch. */
  lock?: string;
};

const chunks = <T>(items: readonly T[]) =>
  Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) =>
    items.slice(i * CHUNK, (i + 1) * CHUNK),
  );

/** Rows as the database gives them back, in the form `evolve` writes them. */
function normalize(row: Record<string, unknown>, columns: readonly string[]): Row {
  const out: Row = {};
  for (const c of columns) {
    const v = row[c];
    out[c] = v instanceof Date ? sqlTime(v) : (v as string | number | null);
  }
  return out;
}

const canonical = (row: Row, columns: readonly string[]) =>
  JSON.stringify(columns.map((c) => (row[c] == null ? null : String(row[c]))));

function upsert(
  db: Knex | Knex.Transaction,
  table: string,
  columns: readonly string[],
  rows: Row[],
) {
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  return db.raw(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${rows.map(() => tuple).join(', ')}
     ON DUPLICATE KEY UPDATE ${columns.map((c) => `${c} = VALUES(${c})`).join(', ')}`,
    rows.flatMap((row) => columns.map((c) => row[c] ?? null)),
  );
}

/**
 * Applies events in order to one projection in ONE transaction: the rows of the groups the batch
 * touches are read once, the batch is folded through the projection's pure `evolve`, and the rows
 * that changed are written back in a few multi-row statements, with dead letters and the
 * checkpoint in the same transaction. An event the projection cannot shape, or whose row the
 * database refuses, is set aside as a dead letter and the rest of the batch still applies.
 */
export async function applyEvents(
  db: Knex,
  projection: Projection,
  events: readonly RecordedEvent[],
  options: ApplyOptions = {},
  unreadable: DeadLetter[] = [],
): Promise<DeadLetter[]> {
  const table = options.table ?? projection.table;
  const { columns } = projection;
  const last = events.reduce((max, e) => (e.position > max ? e.position : max), 0n);

  return db.transaction(async (trx) => {
    if (options.lock) await takeLock(trx, options.lock);
    try {
      const dead: DeadLetter[] = [...unreadable];
      const handled: { event: RecordedEvent; group: string }[] = [];
      for (const event of events) {
        if (!projection.handles.has(event.type)) continue;
        try {
          handled.push({ event, group: projection.group(event) });
        } catch (error) {
          dead.push({ event, error: (error as Error).message });
        }
      }

      const groups = new Map<string, Row[]>();
      const wanted = [...new Set(handled.map((h) => h.group))];
      for (const part of chunks(wanted)) {
        const rows = (await trx(table)
          .select(columns)
          .whereIn(projection.groupBy, part)
          .forUpdate()) as Record<string, unknown>[];
        for (const row of rows) {
          const g = String(row[projection.groupBy]);
          groups.set(g, [...(groups.get(g) ?? []), normalize(row, columns)]);
        }
      }
      const stored = new Map<string, string>();
      for (const rows of groups.values()) {
        for (const row of rows) stored.set(keyOf(projection, row), canonical(row, columns));
      }

      // Which event last changed each row: the one a refused row is charged to.
      const changedBy = new Map<string, { row: Row; event: RecordedEvent }>();
      for (const { event, group } of handled) {
        try {
          const after = projection.evolve(event, groups.get(group) ?? []);
          for (const row of after) {
            const key = keyOf(projection, row);
            if (changedBy.get(key)?.row === row) continue;
            if (stored.get(key) === canonical(row, columns) && !changedBy.has(key)) continue;
            changedBy.set(key, { row, event });
          }
          groups.set(group, after);
        } catch (error) {
          dead.push({ event, error: (error as Error).message });
        }
      }

      const changed = [...changedBy.values()];
      for (const part of chunks(changed)) {
        try {
          await trx.transaction((sp) =>
            upsert(
              sp,
              table,
              columns,
              part.map((c) => c.row),
            ),
          );
        } catch (error) {
          if (!isDataError(error)) throw error;
          for (const { row, event } of part) {
            try {
              await trx.transaction((sp) => upsert(sp, table, columns, [row]));
            } catch (rowError) {
              if (!isDataError(rowError)) throw rowError;
              dead.push({ event, error: (rowError as Error).message });
            }
          }
        }
      }

      if (dead.length > 0) {
        await trx('dead_letters')
          .insert(
            dead.map((d) => ({
              projection: projection.name,
              event_id: d.event?.id ?? null,
              position: d.event?.position.toString() ?? null,
              event_type: d.event?.type ?? null,
              error: d.error.slice(0, 60_000),
              at: new Date(),
            })),
          )
          .onConflict()
          .ignore();
      }
      if (options.checkpoint && last > 0n) {
        const moved = new Map([[options.checkpoint, last]]);
        if (options.partition !== undefined) {
          moved.set(partitionCheckpoint(options.checkpoint, options.partition), last);
        }
        await saveCheckpoints(trx, moved);
      }
      return dead;
    } finally {
      // Named locks outlive transactions: give it back whatever happened.
      if (options.lock) await releaseLock(trx, options.lock);
    }
  });
}

function keyOf(projection: Projection, row: Row): string {
  return projection.key.map((c) => String(row[c])).join('\u0000');
}
