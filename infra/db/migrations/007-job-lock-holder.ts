import type { Knex } from 'knex';

/**
 * A rebuild job names the MySQL connection that holds the rebuild lock for it (CONNECTION_ID()).
 * IS_USED_LOCK then tells at once whether the job's process still runs it: the lock goes with its
 * connection when the process dies, and another holder (the replay command line, a job after it)
 * has another id. Rows from before stay NULL.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('projection_jobs', (t) => {
    t.bigInteger('lock_connection').unsigned().nullable();
  });
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only: they never drop data');
}
