import type { Knex } from 'knex';
import {
  refundsOf,
  type OrderPage,
  type OrderView,
  type OrderViews,
} from '../../api/queries/order-views';
import type { OrderStatus, PaymentStatus } from '../../domain/order';

type OrderRow = {
  order_id: string;
  user_id: string;
  status: string;
  total: string;
  currency: string;
  placed_at: Date;
  expires_at: Date;
  confirmed_at: Date | null;
  revision: string;
  payment_events: number;
};
type ItemRow = { order_id: string; sku_id: string; quantity: number; unit_price: string };
type PaymentRow = {
  order_id: string;
  payment_id: string;
  status: string;
  amount: string;
  currency: string;
  transaction_id: string | null;
  events: number;
  refunds: string | null;
};

/** An order folded from its own stream up to a revision (api/queries/order-from-store.ts). */
export type OrderAtRevision = (orderId: string, revision: number) => Promise<OrderView | null>;

/**
 * Orders from the read models `orders`, `order_items` and `payments`: three queries a page.
 *
 * The three catch up one by one, so for an instant an order's row may stand at a revision its
 * payments or lines have not reached (or passed): CONFIRMED beside a payment still PENDING. Such
 * a view is not shown: the order's `orders` row counts its payment events and each `payments`
 * row the events it applied, and where they disagree, or the lines are missing, the view comes
 * from the order's stream folded up to the row's revision (`atRevision`): the same revision the
 * read model shows, whole.
 */
export class MysqlOrderViews implements OrderViews {
  constructor(
    private readonly db: Knex,
    private readonly atRevision?: OrderAtRevision,
  ) {}

  async get(orderId: string): Promise<OrderView | null> {
    const rows = await this.db<OrderRow>('orders').where({ order_id: orderId });
    const [view] = await this.complete(rows);
    return view ?? null;
  }

  async listForUser({ userId, status, limit, before }: OrderPage): Promise<OrderView[]> {
    const query = this.db<OrderRow>('orders').where({ user_id: userId });
    if (status) query.andWhere({ status });
    if (before) query.andWhere('order_id', '<', before);
    // UUIDv7 ids sort by time: newest first is id descending, on the (user_id, order_id) index.
    return this.complete(await query.orderBy('order_id', 'desc').limit(limit));
  }

  private async complete(orders: OrderRow[]): Promise<OrderView[]> {
    if (orders.length === 0) return [];
    const ids = orders.map((o) => o.order_id);
    const [items, payments] = await Promise.all([
      this.db<ItemRow>('order_items').whereIn('order_id', ids).orderBy(['order_id', 'sku_id']),
      this.db<PaymentRow>('payments').whereIn('order_id', ids).orderBy(['order_id', 'created_at']),
    ]);
    const views = orders.map((o) => {
      const lines = items.filter((i) => i.order_id === o.order_id);
      const own = payments.filter((p) => p.order_id === o.order_id);
      const whole =
        lines.length > 0 &&
        own.reduce((sum, p) => sum + Number(p.events), 0) === Number(o.payment_events);
      const view: OrderView = {
        orderId: o.order_id,
        userId: o.user_id,
        status: o.status as OrderStatus,
        items: lines.map((i) => ({
          skuId: i.sku_id,
          quantity: Number(i.quantity),
          unitPrice: Number(i.unit_price),
        })),
        total: Number(o.total),
        currency: o.currency,
        placedAt: o.placed_at.toISOString(),
        expiresAt: o.expires_at.toISOString(),
        payments: own.map((p) => ({
          paymentId: p.payment_id,
          status: p.status as PaymentStatus,
          amount: Number(p.amount),
          currency: p.currency,
          ...(p.transaction_id ? { transactionId: p.transaction_id } : {}),
          ...refundsOf(
            p.refunds === null ? undefined : (JSON.parse(p.refunds) as string[]),
            Number(p.amount),
            p.currency,
          ),
        })),
        revision: Number(o.revision),
      };
      if (o.confirmed_at) view.confirmedAt = o.confirmed_at.toISOString();
      return { view, whole };
    });
    return Promise.all(
      views.map(async ({ view, whole }) =>
        whole || !this.atRevision
          ? view
          : ((await this.atRevision(view.orderId, view.revision)) ?? view),
      ),
    );
  }
}
