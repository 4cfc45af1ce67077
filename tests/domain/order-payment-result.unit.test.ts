import { AmountMismatchError, NotFoundError, ValidationError } from '../../domain/errors';
import {
  foldOrder,
  orderDecider,
  settlePayment,
  transactionOutcome,
  type OrderEvent,
} from '../../domain/order';
import { spec } from '../support/decider-spec';
import {
  ORDER_ID,
  TOTAL,
  TTL_SECONDS,
  initiatePayment,
  iso,
  orderCancelled,
  orderExpired,
  orderPlaced,
  paymentCompleted,
  paymentFailed,
  paymentInitiated,
  paymentRefunded,
  paymentResult,
} from './order-fixtures';

const given = spec(orderDecider).given;
const pending = [orderPlaced, paymentInitiated('pay-1')];
const confirmed = [...pending, paymentCompleted('pay-1', 'tx-1')];

describe('RecordPaymentResult: success', () => {
  it('When a pending order is paid, then PaymentCompleted and the order is CONFIRMED', () => {
    given(pending)
      .when(paymentResult('pay-1', 'tx-1', 'SUCCEEDED'))
      .then([paymentCompleted('pay-1', 'tx-1')]);
    const state = foldOrder([...pending, paymentCompleted('pay-1', 'tx-1')]);
    expect(state).toMatchObject({ status: 'CONFIRMED', confirmedAt: iso(20) });
    expect(transactionOutcome(state, 'tx-1')).toEqual({
      paymentId: 'pay-1',
      orderStatus: 'CONFIRMED',
      paymentStatus: 'COMPLETED',
    });
  });

  it('When an attempt failed and a new attempt succeeds, then the order is paid', () => {
    const events: OrderEvent[] = [
      ...pending,
      paymentFailed('pay-1', 'tx-1'),
      paymentInitiated('pay-2', 30),
    ];
    given([...pending, paymentFailed('pay-1', 'tx-1')])
      .when(initiatePayment('pay-2', 30))
      .then([paymentInitiated('pay-2', 30)]);
    given(events)
      .when(paymentResult('pay-2', 'tx-2', 'SUCCEEDED', {}, 40))
      .then([paymentCompleted('pay-2', 'tx-2', 40)]);
    const state = foldOrder([...events, paymentCompleted('pay-2', 'tx-2', 40)]);
    expect(state.status === 'CONFIRMED' && state.payments).toEqual({
      'pay-1': {
        paymentId: 'pay-1',
        amount: TOTAL,
        currency: 'EUR',
        status: 'FAILED',
        transactionId: 'tx-1',
      },
      'pay-2': {
        paymentId: 'pay-2',
        amount: TOTAL,
        currency: 'EUR',
        status: 'COMPLETED',
        transactionId: 'tx-2',
      },
    });
  });

  it('When a failed payment later succeeds with another transaction, then the order is paid', () => {
    given([...pending, paymentFailed('pay-1', 'tx-1')])
      .when(paymentResult('pay-1', 'tx-2', 'SUCCEEDED', {}, 30))
      .then([paymentCompleted('pay-1', 'tx-2', 30)]);
  });
});

describe('RecordPaymentResult: refunds', () => {
  it('When the order expired, then the money is refunded (ORDER_EXPIRED)', () => {
    const events = [...pending, orderExpired()];
    given(events)
      .when(paymentResult('pay-1', 'tx-1', 'SUCCEEDED', {}, TTL_SECONDS + 5))
      .then([paymentRefunded('pay-1', 'tx-1', 'ORDER_EXPIRED', TTL_SECONDS + 5)]);
    const state = foldOrder([...events, paymentRefunded('pay-1', 'tx-1', 'ORDER_EXPIRED')]);
    expect(state.status).toBe('EXPIRED');
    expect(transactionOutcome(state, 'tx-1')).toEqual({
      paymentId: 'pay-1',
      orderStatus: 'EXPIRED',
      paymentStatus: 'REFUNDED',
    });
  });

  it('When the order was cancelled, then the money is refunded (ORDER_CANCELLED)', () => {
    given([...pending, orderCancelled()])
      .when(paymentResult('pay-1', 'tx-1', 'SUCCEEDED', {}, 40))
      .then([paymentRefunded('pay-1', 'tx-1', 'ORDER_CANCELLED', 40)]);
  });

  it('When a confirmed order gets a second success on another payment, then it is refunded (ALREADY_PAID)', () => {
    const events = [...confirmed, paymentInitiated('pay-2', 15)];
    given(events)
      .when(paymentResult('pay-2', 'tx-2', 'SUCCEEDED', {}, 40))
      .then([paymentRefunded('pay-2', 'tx-2', 'ALREADY_PAID', 40)]);
    const state = foldOrder([...events, paymentRefunded('pay-2', 'tx-2', 'ALREADY_PAID', 40)]);
    expect(state.status).toBe('CONFIRMED');
    expect(transactionOutcome(state, 'tx-2')).toMatchObject({ paymentStatus: 'REFUNDED' });
  });

  it('When a completed payment gets a second success with another transaction, then that one is refunded and the payment stays COMPLETED', () => {
    given(confirmed)
      .when(paymentResult('pay-1', 'tx-2', 'SUCCEEDED', {}, 40))
      .then([paymentRefunded('pay-1', 'tx-2', 'ALREADY_PAID', 40)]);
    const state = foldOrder([...confirmed, paymentRefunded('pay-1', 'tx-2', 'ALREADY_PAID', 40)]);
    expect(state.status === 'CONFIRMED' && state.payments['pay-1']).toEqual({
      paymentId: 'pay-1',
      amount: TOTAL,
      currency: 'EUR',
      status: 'COMPLETED',
      transactionId: 'tx-1',
      // The money of tx-2 went back, though the attempt's status does not say so.
      refunds: ['tx-2'],
    });
    expect(transactionOutcome(state, 'tx-2')).toEqual({
      paymentId: 'pay-1',
      orderStatus: 'CONFIRMED',
      paymentStatus: 'REFUNDED',
    });
  });
});

describe('settlePayment: refunds the status does not show', () => {
  const attempt = { paymentId: 'p', amount: 100, currency: 'EUR' };
  it.each([
    ['a refund after a completion', 'COMPLETED', 'REFUNDED', 'COMPLETED', 'tx-1', ['tx-2']],
    ['a refund that replaces a refund', 'REFUNDED', 'REFUNDED', 'REFUNDED', 'tx-2', ['tx-1']],
    ['a completion after a failure', 'FAILED', 'COMPLETED', 'COMPLETED', 'tx-2', undefined],
    ['a failure after a completion', 'COMPLETED', 'FAILED', 'COMPLETED', 'tx-1', undefined],
    ['a refund after a failure', 'FAILED', 'REFUNDED', 'REFUNDED', 'tx-2', undefined],
  ] as const)(
    'When %s comes, then the attempt shows it or keeps it in refunds',
    (_, from, effect, status, tx, refunds) => {
      const after = settlePayment(
        { ...attempt, status: from, transactionId: 'tx-1' },
        'tx-2',
        effect,
      );
      expect(after).toEqual({
        ...attempt,
        status,
        transactionId: tx,
        ...(refunds ? { refunds } : {}),
      });
    },
  );
});

describe('RecordPaymentResult: failure', () => {
  it('When an attempt fails, then PaymentFailed with the reason and the order stays PENDING', () => {
    given(pending)
      .when(paymentResult('pay-1', 'tx-1', 'FAILED', { reason: 'card declined' }))
      .then([paymentFailed('pay-1', 'tx-1', 'card declined')]);
    const state = foldOrder([...pending, paymentFailed('pay-1', 'tx-1')]);
    expect(state.status).toBe('PENDING');
    expect(transactionOutcome(state, 'tx-1')).toEqual({
      paymentId: 'pay-1',
      orderStatus: 'PENDING',
      paymentStatus: 'FAILED',
    });
  });

  it('When a failure has no reason, then the reason is null', () => {
    given(pending)
      .when(paymentResult('pay-1', 'tx-1', 'FAILED'))
      .then([paymentFailed('pay-1', 'tx-1', null)]);
  });

  it.each([
    ['EXPIRED', [...pending, orderExpired()]],
    ['CONFIRMED', confirmed],
  ])('When the order is %s, then a failure is still recorded', (_, events) => {
    given(events)
      .when(paymentResult('pay-1', 'tx-9', 'FAILED', {}, 50))
      .then([paymentFailed('pay-1', 'tx-9', null, 50)]);
  });

  it('When an earlier failure arrives after the success, then the payment stays COMPLETED', () => {
    const state = foldOrder([...confirmed, paymentFailed('pay-1', 'tx-0')]);
    expect(state.status === 'CONFIRMED' && state.payments['pay-1']).toEqual({
      paymentId: 'pay-1',
      amount: TOTAL,
      currency: 'EUR',
      status: 'COMPLETED',
      transactionId: 'tx-1',
    });
    expect(transactionOutcome(state, 'tx-0')).toMatchObject({ paymentStatus: 'FAILED' });
  });
});

describe('RecordPaymentResult: redelivery', () => {
  it.each([
    ['success', confirmed, 'SUCCEEDED' as const, 'CONFIRMED', 'COMPLETED'],
    [
      'failure',
      [...pending, paymentFailed('pay-1', 'tx-1')],
      'FAILED' as const,
      'PENDING',
      'FAILED',
    ],
    [
      'refund',
      [...pending, orderExpired(), paymentRefunded('pay-1', 'tx-1', 'ORDER_EXPIRED')],
      'SUCCEEDED' as const,
      'EXPIRED',
      'REFUNDED',
    ],
  ])(
    'When a %s is delivered again, then nothing happens and the first answer stands',
    (_, events, status, orderStatus, paymentStatus) => {
      given(events)
        .when(paymentResult('pay-1', 'tx-1', status, {}, 60))
        .thenNothing();
      expect(transactionOutcome(foldOrder(events), 'tx-1')).toEqual({
        paymentId: 'pay-1',
        orderStatus,
        paymentStatus,
      });
    },
  );

  it('When a transaction is redelivered with another status, then nothing happens', () => {
    given([...pending, paymentFailed('pay-1', 'tx-1')])
      .when(paymentResult('pay-1', 'tx-1', 'SUCCEEDED', {}, 60))
      .thenNothing();
  });

  it('When an applied transaction comes back for another attempt, then it is refused and changes nothing', () => {
    const twoAttempts = [...pending, paymentFailed('pay-1', 'tx-1'), paymentInitiated('pay-2', 30)];
    given(twoAttempts)
      .when(paymentResult('pay-2', 'tx-1', 'SUCCEEDED', {}, 40))
      .thenThrows(
        ValidationError,
        (e) => e.details.settled === 'pay-1' && e.details.paymentId === 'pay-2',
      );
  });

  it('When an applied transaction comes back with another amount, then it is still a redelivery', () => {
    given(confirmed)
      .when(paymentResult('pay-1', 'tx-1', 'SUCCEEDED', { amount: 1 }))
      .thenNothing();
  });

  it.each(['constructor', '__proto__', 'toString'])(
    'When the transaction id is %p, then it is a new transaction like any other',
    (transactionId) => {
      given(pending)
        .when(paymentResult('pay-1', transactionId, 'SUCCEEDED'))
        .then([paymentCompleted('pay-1', transactionId)]);
      const state = foldOrder([...pending, paymentCompleted('pay-1', transactionId)]);
      expect(transactionOutcome(state, transactionId)).toMatchObject({
        paymentStatus: 'COMPLETED',
      });
      expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    },
  );
});

describe('RecordPaymentResult: refused', () => {
  it('When the amount differs from the payment, then it is an amount mismatch', () => {
    const error = given(pending)
      .when(paymentResult('pay-1', 'tx-1', 'SUCCEEDED', { amount: TOTAL - 1 }))
      .thenThrows(AmountMismatchError);
    expect(error.details).toEqual({
      paymentId: 'pay-1',
      expected: { amount: TOTAL, currency: 'EUR' },
      received: { amount: TOTAL - 1, currency: 'EUR' },
    });
  });

  it('When the currency differs from the payment, then it is an amount mismatch', () => {
    given(pending)
      .when(paymentResult('pay-1', 'tx-1', 'SUCCEEDED', { currency: 'USD' }))
      .thenThrows(
        AmountMismatchError,
        (e) => (e.details.received as { currency: string }).currency === 'USD',
      );
  });

  it('When a failure carries another amount, then it is an amount mismatch too', () => {
    given(pending)
      .when(paymentResult('pay-1', 'tx-1', 'FAILED', { amount: TOTAL * 2 }))
      .thenThrows(AmountMismatchError);
  });

  it('When the payment is unknown on this order, then it is not found', () => {
    given(pending)
      .when(paymentResult('pay-x', 'tx-1', 'SUCCEEDED'))
      .thenThrows(NotFoundError, (e) => e.details.paymentId === 'pay-x');
  });

  it('When the payment id is an inherited property name, then it is not found', () => {
    given(pending)
      .when(paymentResult('constructor', 'tx-1', 'SUCCEEDED'))
      .thenThrows(NotFoundError);
  });

  it('When there is no order, then it is not found', () => {
    given([])
      .when(paymentResult('pay-1', 'tx-1', 'SUCCEEDED'))
      .thenThrows(NotFoundError, (e) => e.details.orderId === ORDER_ID);
  });
});

it('When no transaction was applied, then transactionOutcome has no answer', () => {
  expect(transactionOutcome(foldOrder([]), 'tx-1')).toBeUndefined();
  expect(transactionOutcome(foldOrder(pending), 'tx-1')).toBeUndefined();
  expect(transactionOutcome(foldOrder(pending), 'constructor')).toBeUndefined();
});
