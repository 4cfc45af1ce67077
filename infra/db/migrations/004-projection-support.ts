import type { Knex } from 'knex';

/**
 * What the projectors need beyond the read models: the ledger looked up by order (a release or a
 * sale mirrors the order's reservation lines), and the events they could not project.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('inventory_audit', (t) => {
    t.index(['ref_id', 'reason']);
  });
  await knex.schema.createTable('dead_letters', (t) => {
    t.charset('utf8mb4');
    t.bigIncrements('id');
    t.string('projection', 64).notNullable();
    t.string('event_id', 64).nullable();
    t.bigInteger('position').unsigned().nullable();
    t.string('event_type', 255).nullable();
    t.text('error').notNullable();
    t.specificType('at', 'datetime(3)').notNullable();
    t.index(['projection', 'id']);
    // A redelivered batch records its dead letters once (unreadable messages have no id).
    t.unique(['projection', 'event_id']);
  });
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only: they never drop data');
}
