import {
  NotFoundError,
  OrderNotCancellableError,
  OrderNotPayableError,
  ValidationError,
} from '../../domain/errors';
import { orderDecider, type OrderEvent, type OrderLine } from '../../domain/order';
import { spec } from '../support/decider-spec';
import {
  ORDER_ID,
  PLACED_AT,
  TOTAL,
  TTL_SECONDS,
  USER_ID,
  cancelOrder,
  expireOrder,
  initiatePayment,
  iso,
  orderCancelled,
  orderExpired,
  orderPlaced,
  paymentCompleted,
  paymentInitiated,
  placeOrder,
} from './order-fixtures';

const given = spec(orderDecider).given;

const confirmed = [orderPlaced, paymentInitiated('pay-1'), paymentCompleted('pay-1', 'tx-1')];
const ended: [string, OrderEvent[]][] = [
  ['CONFIRMED', confirmed],
  ['EXPIRED', [orderPlaced, orderExpired()]],
  ['CANCELLED', [orderPlaced, orderCancelled()]],
];

describe('PlaceOrder', () => {
  it('When a new order is placed, then OrderPlaced carries the priced lines, total and deadline', () => {
    given([]).when(placeOrder()).then([orderPlaced]);
  });

  it('When lines carry more than skuId, quantity and unitPrice, then the event holds only those', () => {
    const noisy = [
      { skuId: 'SKU-A', quantity: 1, unitPrice: 100, name: 'x' },
    ] as unknown as OrderLine[];
    const [event] = orderDecider.decide(placeOrder({ items: noisy }), orderDecider.initialState);
    expect(event?.type === 'OrderPlaced' && event.data.items).toEqual([
      { skuId: 'SKU-A', quantity: 1, unitPrice: 100 },
    ]);
  });

  it('When the order already exists, then it is refused as invalid', () => {
    given([orderPlaced])
      .when(placeOrder())
      .thenThrows(ValidationError, (e) => e.details.orderId === ORDER_ID);
  });

  it('When the order is at every upper limit, then it is accepted', () => {
    const items = Array.from({ length: 20 }, (_, i) => ({
      skuId: `SKU-${i}`,
      quantity: 100,
      unitPrice: 1_000_000,
    }));
    given([])
      .when(placeOrder({ items, ttlSeconds: 1 }))
      .then([
        {
          type: 'OrderPlaced',
          data: {
            orderId: ORDER_ID,
            userId: USER_ID,
            items,
            total: 2_000_000_000,
            currency: 'EUR',
            placedAt: PLACED_AT.toISOString(),
            expiresAt: iso(1),
          },
        },
      ]);
  });

  const line = (overrides: Partial<OrderLine>) => ({
    skuId: 'SKU-A',
    quantity: 1,
    unitPrice: 100,
    ...overrides,
  });
  const lines = (n: number) => Array.from({ length: n }, (_, i) => line({ skuId: `SKU-${i}` }));
  it.each<[string, Parameters<typeof placeOrder>[0], string]>([
    ['no lines', { items: [] }, 'items'],
    ['21 lines', { items: lines(21) }, 'items'],
    ['the same SKU twice', { items: [line({}), line({ quantity: 2 })] }, 'items[1].skuId'],
    ['an empty skuId', { items: [line({ skuId: '' })] }, 'items[0].skuId'],
    ['a quantity of 0', { items: [line({ quantity: 0 })] }, 'items[0].quantity'],
    ['a quantity of 101', { items: [line({ quantity: 101 })] }, 'items[0].quantity'],
    ['a fractional quantity', { items: [line({ quantity: 1.5 })] }, 'items[0].quantity'],
    ['a unit price of 0', { items: [line({ unitPrice: 0 })] }, 'items[0].unitPrice'],
    ['a negative unit price', { items: [line({ unitPrice: -5 })] }, 'items[0].unitPrice'],
    ['a fractional unit price', { items: [line({ unitPrice: 19.99 })] }, 'items[0].unitPrice'],
    ['an unsafe unit price', { items: [line({ unitPrice: 2 ** 53 })] }, 'items[0].unitPrice'],
    [
      'a total beyond exact integers',
      { items: [line({ quantity: 100, unitPrice: Number.MAX_SAFE_INTEGER })] },
      'items',
    ],
    ['a lower-case currency', { currency: 'eur' }, 'currency'],
    ['an empty orderId', { orderId: '' }, 'orderId'],
    ['an empty userId', { userId: '' }, 'userId'],
    ['a ttl of 0', { ttlSeconds: 0 }, 'ttlSeconds'],
    ['a fractional ttl', { ttlSeconds: 1.5 }, 'ttlSeconds'],
    ['a ttl past the last representable date', { ttlSeconds: 9e15 }, 'ttlSeconds'],
  ])('When an order has %s, then it is refused as invalid', (_, overrides, field) => {
    given([])
      .when(placeOrder(overrides))
      .thenThrows(ValidationError, (e) => e.details.field === field);
  });
});

describe('InitiatePayment', () => {
  it('When a pending order is paid before its deadline, then a payment of the total is initiated', () => {
    given([orderPlaced])
      .when(initiatePayment('pay-1', 10))
      .then([paymentInitiated('pay-1', 10)]);
  });

  it('When an attempt is pending, then another attempt can still be started', () => {
    given([orderPlaced, paymentInitiated('pay-1')])
      .when(initiatePayment('pay-2', 60))
      .then([paymentInitiated('pay-2', 60)]);
  });

  it('When the same paymentId is initiated again, then nothing happens', () => {
    given([orderPlaced, paymentInitiated('pay-1')])
      .when(initiatePayment('pay-1'))
      .thenNothing();
  });

  it('When the same paymentId comes again after the order ended, then nothing happens (a retry, not a new attempt)', () => {
    given(confirmed).when(initiatePayment('pay-1', 60)).thenNothing();
  });

  it('When there is no order, then it is not found', () => {
    given([])
      .when(initiatePayment('pay-1'))
      .thenThrows(NotFoundError, (e) => e.details.orderId === ORDER_ID);
  });

  it.each(ended)('When the order is %s, then it is not payable', (status, events) => {
    given(events)
      .when(initiatePayment('pay-9'))
      .thenThrows(OrderNotPayableError, (e) => e.details.status === status);
  });
});

describe('CancelOrder', () => {
  it('When a pending order is cancelled, then OrderCancelled', () => {
    given([orderPlaced, paymentInitiated('pay-1')])
      .when(cancelOrder(30))
      .then([orderCancelled(30)]);
  });

  it('When there is no order, then it is not found', () => {
    given([]).when(cancelOrder()).thenThrows(NotFoundError);
  });

  it.each(ended)('When the order is %s, then it is not cancellable', (status, events) => {
    given(events)
      .when(cancelOrder(60))
      .thenThrows(OrderNotCancellableError, (e) => e.details.status === status);
  });
});

describe('ExpireOrder', () => {
  it('When the deadline is not reached, then nothing happens', () => {
    given([orderPlaced])
      .when(expireOrder(TTL_SECONDS - 1))
      .thenNothing();
  });

  it('When it is exactly the deadline, then the order expires', () => {
    given([orderPlaced])
      .when(expireOrder(TTL_SECONDS))
      .then([orderExpired(TTL_SECONDS)]);
  });

  it('When the deadline has passed, then the order expires at the time the saga saw it', () => {
    given([orderPlaced, paymentInitiated('pay-1')])
      .when(expireOrder(TTL_SECONDS + 42))
      .then([orderExpired(TTL_SECONDS + 42)]);
  });

  it('When there is no order, then nothing happens', () => {
    given([]).when(expireOrder(TTL_SECONDS)).thenNothing();
  });

  it.each(ended)('When the order is %s, then nothing happens', (_, events) => {
    given(events)
      .when(expireOrder(TTL_SECONDS + 60))
      .thenNothing();
  });
});

it('When the fixtures are read, then their total is the sum of the lines', () => {
  expect(orderPlaced.data.items.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0)).toBe(TOTAL);
});
