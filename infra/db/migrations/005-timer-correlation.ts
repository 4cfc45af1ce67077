import type { Knex } from 'knex';

/**
 * A saga timer remembers the request that placed its order and the OrderPlaced event, so the
 * OrderExpired it causes carries the same correlation id (one grep follows an order to its end)
 * and names its cause. Rows from before stay NULL and fall back to ids of the timer's own.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('saga_timers', (t) => {
    t.string('correlation_id', 128).nullable();
    t.specificType('placed_event_id', 'char(36)').nullable();
  });
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only: they never drop data');
}
