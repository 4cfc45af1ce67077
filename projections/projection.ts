import type { RecordedEvent } from '../commands/ports';

/** A read-model row as written: column -> value (times as DATETIME(3) text, in UTC). */
export type Row = Record<string, string | number | null>;

/** The read-model tables; a rebuild writes the same rows into fresh copies of them. */
export const READ_MODEL_TABLES = ['orders', 'order_items', 'payments', 'inventory_audit'] as const;
export type ReadModelTable = (typeof READ_MODEL_TABLES)[number];

/**
 * A read model (STYLE.md 7): its name and table, the event types it reads, and a pure function
 * that shapes rows. Rows are grouped by one column (an order's rows, a payment's row); `evolve`
 * takes an event and the rows of its group as they stand, and returns them as they are after it.
 * The writer (apply.ts) loads the groups a batch touches, folds the batch through `evolve`, and
 * writes the rows that changed. Every row carries the stream revision (or global position) it
 * last applied and `evolve` ignores events it has seen, so redelivery and replays change nothing.
 */
export type Projection = {
  name: ReadModelTable;
  table: ReadModelTable;
  handles: ReadonlySet<string>;
  /** The column that groups rows, and the primary key (or unique key) columns of a row. */
  groupBy: string;
  key: readonly string[];
  columns: readonly string[];
  /** The group an event belongs to. */
  group(event: RecordedEvent): string;
  evolve(event: RecordedEvent, rows: readonly Row[]): Row[];
};

export { sqlTime } from '../infra/db/sql-time';

/** Reads a field the projection cannot do without; a missing one makes the event a dead letter. */
export function field<T>(data: unknown, name: string, check: (v: unknown) => v is T): T {
  const value = (data as Record<string, unknown> | null)?.[name];
  if (!check(value)) throw new TypeError(`event data lacks a valid ${name}`);
  return value;
}

export const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
export const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
export const isLines = (
  v: unknown,
): v is { skuId: string; quantity: number; unitPrice: number }[] =>
  Array.isArray(v) &&
  v.length > 0 &&
  v.every((l) => isString(l?.skuId) && isCount(l?.quantity) && isCount(l?.unitPrice));

/** Whether a row has already applied this event of its stream. */
export const seen = (row: Row | undefined, event: RecordedEvent) =>
  row !== undefined && BigInt(row.revision as string | number) >= event.revision;
