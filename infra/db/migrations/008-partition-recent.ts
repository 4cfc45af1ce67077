import type { Knex } from 'knex';

/**
 * For the relay's checkpoint of each Kafka partition (`relay#<n>`): the last positions it sent
 * there, ascending, comma-separated, a leading 0 while the list holds the partition's first
 * event. A projection's low-water mark needs the event that follows the last one it applied in a
 * partition; the highest position sent there does not say (projections/watermark.ts).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('checkpoints', (t) => {
    t.text('recent').nullable();
  });
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only: they never drop data');
}
