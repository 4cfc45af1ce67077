import type { Knex } from 'knex';

const PAYMENT_EVENTS =
  "('PaymentInitiated', 'PaymentFailed', 'PaymentCompleted', 'PaymentRefunded')";

/**
 * An order's view joins three read models that catch up one by one. To tell a view whose parts
 * stand at one revision from a mix of two, `orders` counts the payment events of the order up to
 * its revision, and each `payments` row counts the events it applied: the view is whole when
 * they agree (the query API reads a mix from the order's stream instead). Rows projected before
 * are counted from the SQL event store (with EventStoreDB, whose events are not in SQL, they
 * stay 0; a rebuild counts them). Each `payments` row also keeps the refunds its status hides.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('orders', (t) => {
    t.integer('payment_events').unsigned().notNullable().defaultTo(0);
  });
  await knex.schema.alterTable('payments', (t) => {
    t.integer('events').unsigned().notNullable().defaultTo(0);
    // Refunds the attempt's status does not show (a second success on a paid attempt): a JSON
    // array of transaction ids. Rows projected before have none; a rebuild finds them.
    t.text('refunds').nullable();
  });
  await knex.raw(
    `UPDATE orders o SET payment_events = (
       SELECT COUNT(*) FROM es_events e
       WHERE e.stream_id = CONCAT('order-', o.order_id) COLLATE utf8mb4_bin
         AND e.revision <= o.revision AND e.type IN ${PAYMENT_EVENTS})`,
  );
  await knex.raw(
    `UPDATE payments p SET events = (
       SELECT COUNT(*) FROM es_events e
       WHERE e.stream_id = CONCAT('order-', p.order_id) COLLATE utf8mb4_bin
         AND e.revision <= p.revision AND e.type IN ${PAYMENT_EVENTS}
         AND e.data LIKE CONCAT('%"paymentId":"', p.payment_id, '"%'))`,
  );
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only: they never drop data');
}
