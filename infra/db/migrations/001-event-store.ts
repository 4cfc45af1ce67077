import type { Knex } from 'knex';

/**
 * The SQL event store. Positions are allocated from one counter row locked until commit, so
 * transactions commit in position order and a reader never sees a later event before an earlier
 * one (see infra/eventstore/mysql-event-store.ts).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('es_streams', (t) => {
    t.charset('utf8mb4');
    t.string('stream_id', 255).collate('utf8mb4_bin').primary();
    // -1: the stream has no event yet (a row made to take its lock).
    t.bigInteger('revision').notNullable();
  });
  await knex.schema.createTable('es_events', (t) => {
    t.charset('utf8mb4');
    t.bigInteger('position').unsigned().primary();
    t.specificType('event_id', 'char(36)').notNullable().unique();
    t.string('stream_id', 255).collate('utf8mb4_bin').notNullable();
    t.bigInteger('revision').unsigned().notNullable();
    t.string('type', 255).notNullable();
    // Text, not JSON: MySQL's JSON type reorders keys, and an event must read back as written.
    t.specificType('data', 'longtext').notNullable();
    t.specificType('metadata', 'longtext').notNullable();
    t.specificType('recorded_at', 'datetime(3)').notNullable();
    t.unique(['stream_id', 'revision']);
  });
  await knex.schema.createTable('es_global', (t) => {
    t.charset('utf8mb4');
    t.tinyint('id').unsigned().primary();
    t.bigInteger('last_position').unsigned().notNullable();
  });
  await knex('es_global').insert({ id: 1, last_position: 0 });
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only: they never drop data');
}
