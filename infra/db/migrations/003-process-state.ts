import type { Knex } from 'knex';

/** Durable state of the long-running roles: checkpoints, saga timers, projection rebuild jobs. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('checkpoints', (t) => {
    t.charset('utf8mb4');
    t.string('name', 128).primary();
    t.bigInteger('position').unsigned().notNullable();
    t.specificType('updated_at', 'datetime(3)').notNullable();
  });
  await knex.schema.createTable('saga_timers', (t) => {
    t.charset('utf8mb4');
    t.specificType('order_id', 'char(36)').primary();
    t.specificType('expires_at', 'datetime(3)').notNullable();
    t.string('status', 16).notNullable();
    t.bigInteger('position').unsigned().notNullable();
    t.specificType('fired_at', 'datetime(3)').nullable();
    t.index(['status', 'expires_at']);
  });
  await knex.schema.createTable('projection_jobs', (t) => {
    t.charset('utf8mb4');
    t.specificType('job_id', 'char(36)').primary();
    t.text('projections').notNullable();
    t.string('status', 16).notNullable();
    t.bigInteger('processed').unsigned().notNullable();
    t.bigInteger('total').unsigned().notNullable();
    t.text('error').nullable();
    t.specificType('created_at', 'datetime(3)').notNullable();
    t.specificType('updated_at', 'datetime(3)').notNullable();
  });
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only: they never drop data');
}
