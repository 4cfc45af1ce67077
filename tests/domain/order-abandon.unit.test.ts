import { decideOrder, evolveOrder, initialOrderState } from '../../domain/order';
import { ORDER_ID, PLACED_AT, placeOrder } from './order-fixtures';

describe('abandoning a placement that was never recorded', () => {
  const abandon = {
    type: 'AbandonPlacement' as const,
    data: { orderId: ORDER_ID, now: PLACED_AT },
  };

  it('When no order exists, then the stream is claimed with OrderAbandoned, and the order still does not exist', () => {
    const events = decideOrder(abandon, initialOrderState);
    expect(events).toEqual([
      { type: 'OrderAbandoned', data: { orderId: ORDER_ID, abandonedAt: PLACED_AT.toISOString() } },
    ]);
    expect(events.reduce(evolveOrder, initialOrderState)).toEqual({ status: 'NONE' });
  });

  it('When the order was recorded, then nothing is abandoned', () => {
    const placed = decideOrder(placeOrder(), initialOrderState).reduce(
      evolveOrder,
      initialOrderState,
    );
    expect(decideOrder(abandon, placed)).toEqual([]);
  });
});
