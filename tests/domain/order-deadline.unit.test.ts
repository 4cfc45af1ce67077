import {
  AmountMismatchError,
  OrderNotCancellableError,
  OrderNotPayableError,
} from '../../domain/errors';
import {
  foldOrder,
  orderDecider,
  orderNotCancellable,
  orderNotPayable,
  transactionOutcome,
  type ExistingOrder,
  type OrderEvent,
} from '../../domain/order';
import { spec } from '../support/decider-spec';
import {
  EXPIRES_AT,
  ORDER_ID,
  TTL_SECONDS,
  cancelOrder,
  expireOrder,
  initiatePayment,
  orderCancelled,
  orderExpired,
  orderPlaced,
  paymentCompleted,
  paymentFailed,
  paymentInitiated,
  paymentRefunded,
  paymentResult,
} from './order-fixtures';

/**
 * The deadline decides: a command on a PENDING order at or past expiresAt expires it first, in
 * its own append, so its outcome depends on its time and expiresAt alone, not on the saga.
 */
const given = spec(orderDecider).given;
const pending = [orderPlaced, paymentInitiated('pay-1')];
const JUST_BEFORE = TTL_SECONDS - 0.001;
const pastDeadline: [string, number][] = [
  ['exactly at the deadline', TTL_SECONDS],
  ['1 ms after the deadline', TTL_SECONDS + 0.001],
  ['a minute after the deadline', TTL_SECONDS + 60],
];

const existing = (events: OrderEvent[]) => foldOrder(events) as ExistingOrder;

describe('InitiatePayment at the deadline', () => {
  it('When a pending order is paid 1 ms before its deadline, then the attempt is initiated', () => {
    given([orderPlaced])
      .when(initiatePayment('pay-1', JUST_BEFORE))
      .then([paymentInitiated('pay-1', JUST_BEFORE)]);
  });

  it.each(pastDeadline)(
    'When a pending order is paid %s, then it expires and no attempt is made',
    (_, seconds) => {
      given(pending)
        .when(initiatePayment('pay-2', seconds))
        .then([orderExpired(seconds)]);
    },
  );

  it('When the order a command expired is refused, then the refusal is the one the saga would have led to', () => {
    const byCommand = orderNotPayable(existing([...pending, orderExpired(TTL_SECONDS + 1)]));
    const afterSaga = given([...pending, orderExpired(TTL_SECONDS)])
      .when(initiatePayment('pay-2', TTL_SECONDS + 1))
      .thenThrows(OrderNotPayableError);
    expect(byCommand).toBeInstanceOf(OrderNotPayableError);
    expect(byCommand.details).toEqual({
      orderId: ORDER_ID,
      status: 'EXPIRED',
      expiresAt: EXPIRES_AT,
    });
    expect(afterSaga.details).toEqual(byCommand.details);
    expect(afterSaga.message).toBe(byCommand.message);
  });

  it('When a request already made its attempt and comes again past the deadline, then nothing happens (a retry, not a new attempt)', () => {
    given(pending)
      .when(initiatePayment('pay-1', TTL_SECONDS + 5))
      .thenNothing();
  });
});

describe('CancelOrder at the deadline', () => {
  it('When a pending order is cancelled 1 ms before its deadline, then it is cancelled', () => {
    given(pending)
      .when(cancelOrder(JUST_BEFORE))
      .then([orderCancelled(JUST_BEFORE)]);
  });

  it.each(pastDeadline)(
    'When a pending order is cancelled %s, then it expires instead',
    (_, seconds) => {
      given(pending)
        .when(cancelOrder(seconds))
        .then([orderExpired(seconds)]);
    },
  );

  it('When the order a cancel expired is refused, then the refusal is the one the saga would have led to', () => {
    const byCommand = orderNotCancellable(existing([...pending, orderExpired(TTL_SECONDS + 1)]));
    const afterSaga = given([...pending, orderExpired(TTL_SECONDS)])
      .when(cancelOrder(TTL_SECONDS + 1))
      .thenThrows(OrderNotCancellableError);
    expect(byCommand.details).toEqual({
      orderId: ORDER_ID,
      status: 'EXPIRED',
      expiresAt: EXPIRES_AT,
    });
    expect(afterSaga.details).toEqual(byCommand.details);
  });

  it('When a cancelled order is cancelled again past its deadline, then it is still not cancellable as CANCELLED', () => {
    given([...pending, orderCancelled(30)])
      .when(cancelOrder(TTL_SECONDS + 5))
      .thenThrows(OrderNotCancellableError, (e) => e.details.status === 'CANCELLED');
  });
});

describe('RecordPaymentResult at the deadline', () => {
  it('When a success lands 1 ms before the deadline, then the order is paid', () => {
    given(pending)
      .when(paymentResult('pay-1', 'tx-1', 'SUCCEEDED', {}, JUST_BEFORE))
      .then([paymentCompleted('pay-1', 'tx-1', JUST_BEFORE)]);
  });

  it.each(pastDeadline)(
    'When a success lands %s on a pending order, then it expires and the money is refunded',
    (_, seconds) => {
      const decided: OrderEvent[] = [
        orderExpired(seconds),
        paymentRefunded('pay-1', 'tx-1', 'ORDER_EXPIRED', seconds),
      ];
      given(pending)
        .when(paymentResult('pay-1', 'tx-1', 'SUCCEEDED', {}, seconds))
        .then(decided);
      const state = foldOrder([...pending, ...decided]);
      expect(state.status).toBe('EXPIRED');
      expect(transactionOutcome(state, 'tx-1')).toEqual({
        paymentId: 'pay-1',
        orderStatus: 'EXPIRED',
        paymentStatus: 'REFUNDED',
      });
    },
  );

  it('When a failure lands 1 ms before the deadline, then it is recorded and the order stays PENDING', () => {
    given(pending)
      .when(paymentResult('pay-1', 'tx-1', 'FAILED', {}, JUST_BEFORE))
      .then([paymentFailed('pay-1', 'tx-1', null, JUST_BEFORE)]);
  });

  it.each(pastDeadline)(
    'When a failure lands %s on a pending order, then it expires and the failure is recorded',
    (_, seconds) => {
      const decided: OrderEvent[] = [
        orderExpired(seconds),
        paymentFailed('pay-1', 'tx-1', null, seconds),
      ];
      given(pending)
        .when(paymentResult('pay-1', 'tx-1', 'FAILED', {}, seconds))
        .then(decided);
      expect(transactionOutcome(foldOrder([...pending, ...decided]), 'tx-1')).toEqual({
        paymentId: 'pay-1',
        orderStatus: 'EXPIRED',
        paymentStatus: 'FAILED',
      });
    },
  );

  it('When a callback applied before the deadline is delivered again after it, then nothing happens and the first answer stands', () => {
    const events = [...pending, paymentFailed('pay-1', 'tx-1', null, 30)];
    given(events)
      .when(paymentResult('pay-1', 'tx-1', 'FAILED', {}, TTL_SECONDS + 5))
      .thenNothing();
    expect(transactionOutcome(foldOrder(events), 'tx-1')).toEqual({
      paymentId: 'pay-1',
      orderStatus: 'PENDING',
      paymentStatus: 'FAILED',
    });
  });

  it('When a success expired the order and is delivered again, then nothing happens', () => {
    given([
      ...pending,
      orderExpired(TTL_SECONDS + 5),
      paymentRefunded('pay-1', 'tx-1', 'ORDER_EXPIRED', TTL_SECONDS + 5),
    ])
      .when(paymentResult('pay-1', 'tx-1', 'SUCCEEDED', {}, TTL_SECONDS + 9))
      .thenNothing();
  });

  it('When a callback past the deadline is refused (amount mismatch), then nothing is recorded, expiry included', () => {
    given(pending)
      .when(paymentResult('pay-1', 'tx-1', 'SUCCEEDED', { amount: 1 }, TTL_SECONDS + 5))
      .thenThrows(AmountMismatchError);
  });

  it('When a success lands past the deadline on a confirmed order, then it is refunded as ALREADY_PAID and nothing expires', () => {
    const confirmed = [...pending, paymentCompleted('pay-1', 'tx-1')];
    given(confirmed)
      .when(paymentResult('pay-1', 'tx-2', 'SUCCEEDED', {}, TTL_SECONDS + 5))
      .then([paymentRefunded('pay-1', 'tx-2', 'ALREADY_PAID', TTL_SECONDS + 5)]);
  });
});

describe('ExpireOrder after a command expired the order', () => {
  it('When the saga fires on an order a command expired, then nothing happens', () => {
    given([...pending, orderExpired(TTL_SECONDS + 1)])
      .when(expireOrder(TTL_SECONDS + 2))
      .thenNothing();
  });
});
