import type { Knex } from 'knex';

/**
 * The read models. Every row keeps the stream revision or global position it last applied, so a
 * projector can ignore what it has already seen (redelivery and replay change nothing).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('orders', (t) => {
    t.charset('utf8mb4');
    t.specificType('order_id', 'char(36)').primary();
    t.string('user_id', 64).notNullable();
    t.string('status', 16).notNullable();
    t.bigInteger('total').notNullable();
    t.specificType('currency', 'char(3)').notNullable();
    t.specificType('placed_at', 'datetime(3)').notNullable();
    t.specificType('expires_at', 'datetime(3)').notNullable();
    t.specificType('confirmed_at', 'datetime(3)').nullable();
    t.specificType('closed_at', 'datetime(3)').nullable();
    t.bigInteger('revision').unsigned().notNullable();
    t.bigInteger('position').unsigned().notNullable();
    // UUIDv7 ids sort by time, so (user_id, order_id) pages a user's orders newest first.
    t.index(['user_id', 'order_id']);
    t.index(['status', 'expires_at']);
  });
  await knex.schema.createTable('order_items', (t) => {
    t.charset('utf8mb4');
    t.specificType('order_id', 'char(36)').notNullable();
    t.string('sku_id', 64).notNullable();
    t.integer('quantity').unsigned().notNullable();
    t.bigInteger('unit_price').notNullable();
    t.specificType('currency', 'char(3)').notNullable();
    t.bigInteger('revision').unsigned().notNullable();
    t.primary(['order_id', 'sku_id']);
    t.index(['sku_id']);
  });
  await knex.schema.createTable('payments', (t) => {
    t.charset('utf8mb4');
    t.specificType('payment_id', 'char(36)').primary();
    t.specificType('order_id', 'char(36)').notNullable();
    t.bigInteger('amount').notNullable();
    t.specificType('currency', 'char(3)').notNullable();
    t.string('status', 16).notNullable();
    t.string('transaction_id', 128).nullable();
    t.string('reason', 255).nullable();
    t.specificType('created_at', 'datetime(3)').notNullable();
    t.specificType('updated_at', 'datetime(3)').notNullable();
    t.bigInteger('revision').unsigned().notNullable();
    t.index(['order_id']);
    t.index(['transaction_id']);
  });
  await knex.schema.createTable('inventory_audit', (t) => {
    t.charset('utf8mb4');
    t.bigIncrements('id');
    t.string('sku_id', 64).notNullable();
    t.integer('delta').notNullable();
    t.string('reason', 16).notNullable();
    t.string('ref_id', 64).notNullable();
    t.bigInteger('position').unsigned().notNullable();
    t.specificType('at', 'datetime(3)').notNullable();
    // One ledger line per (event, SKU, reason): a replayed event inserts nothing new.
    t.unique(['position', 'sku_id', 'reason']);
    t.index(['sku_id', 'position']);
  });
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only: they never drop data');
}
