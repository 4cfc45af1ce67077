import type { Knex } from 'knex';

/** Saga timers by status (PENDING, FIRED, DONE), for the metrics. */
export async function countSagaTimers(db: Knex): Promise<Record<string, number>> {
  const rows = (await db('saga_timers').select('status').count({ n: '*' }).groupBy('status')) as {
    status: string;
    n: number | string;
  }[];
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
