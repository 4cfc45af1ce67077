import { AppError } from '../../domain/errors';
import {
  decideOrder,
  evolveOrder,
  foldOrder,
  initialOrderState,
  transactionOutcome,
  type OrderCommand,
  type OrderEvent,
  type OrderState,
} from '../../domain/order';
import {
  EXPIRES_AT,
  LINES,
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
  paymentFailed,
  paymentInitiated,
  paymentResult,
  placeOrder,
} from './order-fixtures';

describe('the order state', () => {
  it('When a whole story is folded, then the state holds every payment and transaction', () => {
    const state = foldOrder([
      orderPlaced,
      paymentInitiated('pay-1', 10),
      paymentFailed('pay-1', 'tx-1', 'declined', 20),
      paymentInitiated('pay-2', 30),
      paymentCompleted('pay-2', 'tx-2', 40),
    ]);
    expect(state).toEqual({
      status: 'CONFIRMED',
      orderId: ORDER_ID,
      userId: USER_ID,
      items: LINES,
      total: TOTAL,
      currency: 'EUR',
      placedAt: PLACED_AT.toISOString(),
      expiresAt: EXPIRES_AT,
      confirmedAt: iso(40),
      payments: {
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
      },
      transactions: {
        'tx-1': { paymentId: 'pay-1', orderStatus: 'PENDING', paymentStatus: 'FAILED' },
        'tx-2': { paymentId: 'pay-2', orderStatus: 'CONFIRMED', paymentStatus: 'COMPLETED' },
      },
    });
  });

  it.each([
    ['EXPIRED', orderExpired(TTL_SECONDS), { expiredAt: iso(TTL_SECONDS) }],
    ['CANCELLED', orderCancelled(30), { cancelledAt: iso(30) }],
  ])('When the order becomes %s, then the state says when', (status, event, when) => {
    expect(foldOrder([orderPlaced, event])).toMatchObject({ status, ...when });
  });

  it.each<[string, OrderEvent[]]>([
    ['a payment before the order', [paymentInitiated('pay-1')]],
    [
      'a second OrderPlaced',
      [orderPlaced, { ...orderPlaced, data: { ...orderPlaced.data, total: 1 } }],
    ],
    ['an expiry after the order was cancelled', [orderPlaced, orderCancelled(), orderExpired()]],
  ])('When the stream holds %s, then evolve keeps the state it had', (_, events) => {
    const before = foldOrder(events.slice(0, -1));
    expect(evolveOrder(before, events[events.length - 1]!)).toEqual(before);
  });
});

/** A small seeded generator, so a failing run can be repeated from its seed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: T[]) => xs[Math.floor(next() * xs.length)]!,
  };
}

function someCommand(rng: ReturnType<typeof random>, seconds: number): OrderCommand {
  const paymentId = `pay-${rng.int(4)}`;
  const transactionId = `tx-${rng.int(6)}`;
  switch (rng.int(9)) {
    case 0:
      return placeOrder({ ttlSeconds: rng.pick([TTL_SECONDS, 0]) });
    case 1:
    case 2:
      return initiatePayment(paymentId, seconds);
    case 3:
    case 4:
    case 5: {
      const amount = rng.int(10) === 0 ? TOTAL + 1 : TOTAL;
      const status = rng.pick(['SUCCEEDED', 'FAILED'] as const);
      return paymentResult(paymentId, transactionId, status, { amount }, seconds);
    }
    case 6:
      return cancelOrder(seconds);
    default:
      return expireOrder(seconds);
  }
}

/**
 * Runs 40 random commands against one order, checking on the way that an applied transaction,
 * delivered again, decides nothing and keeps its answer.
 */
function simulate(seed: number) {
  const rng = random(seed);
  const log: OrderEvent[] = [];
  let state: OrderState = initialOrderState;
  let rejected = 0;
  let seconds = 0;
  for (let step = 0; step < 40; step += 1) {
    seconds += rng.int(60);
    const command = step === 0 ? placeOrder() : someCommand(rng, seconds);
    let events: OrderEvent[];
    try {
      events = decideOrder(command, state);
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      rejected += 1;
      continue;
    }
    for (const event of events) state = evolveOrder(state, event);
    log.push(...events);
    if (command.type === 'RecordPaymentResult') {
      expect(transactionOutcome(state, command.data.transactionId)).toBeDefined();
      expect(decideOrder(command, state)).toEqual([]);
    }
  }
  return { log, state, rejected };
}

const SEEDS = Array.from({ length: 300 }, (_, seed) => seed);
const ENDINGS = ['PaymentCompleted', 'OrderExpired', 'OrderCancelled'];

/** One test per property rather than per seed; a failure names the seed that broke it. */
function forEverySeed(check: (run: ReturnType<typeof simulate>) => void) {
  for (const seed of SEEDS) {
    try {
      check(simulate(seed));
    } catch (error) {
      throw new Error(`seed ${seed}: ${(error as Error).message}`);
    }
  }
}

describe('folding, property style', () => {
  it('When random commands run, then folding the events equals evolving them one by one', () => {
    forEverySeed(({ log, state }) => {
      expect(foldOrder(log)).toEqual(state);
      expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    });
  });

  it('When random commands run, then the order ends at most once and each transaction counts once', () => {
    forEverySeed(({ log, state }) => {
      const ends = log.flatMap((e, i) => (ENDINGS.includes(e.type) ? [i] : []));
      expect(ends.length).toBeLessThanOrEqual(1);
      const afterEnd = ends.length === 1 ? log.slice(ends[0]! + 1) : [];
      const late = afterEnd.filter(
        (e) => e.type !== 'PaymentFailed' && e.type !== 'PaymentRefunded',
      );
      expect(late).toEqual([]);
      const transactions = log.flatMap((e) =>
        'transactionId' in e.data ? [e.data.transactionId] : [],
      );
      expect(new Set(transactions).size).toBe(transactions.length);
      expect(state.status === 'CONFIRMED').toBe(log.some((e) => e.type === 'PaymentCompleted'));
    });
  });

  it('When the random runs are taken together, then they cover every event, refund reason and refusal', () => {
    const runs = SEEDS.map(simulate);
    const seen = new Set(runs.flatMap(({ log }) => log.map((e) => e.type)));
    const reasons = new Set(
      runs.flatMap(({ log }) =>
        log.flatMap((e) => (e.type === 'PaymentRefunded' ? [e.data.reason] : [])),
      ),
    );
    expect([...seen].sort()).toEqual([
      'OrderCancelled',
      'OrderExpired',
      'OrderPlaced',
      'PaymentCompleted',
      'PaymentFailed',
      'PaymentInitiated',
      'PaymentRefunded',
    ]);
    expect([...reasons].sort()).toEqual(['ALREADY_PAID', 'ORDER_CANCELLED', 'ORDER_EXPIRED']);
    expect(runs.some(({ rejected }) => rejected > 0)).toBe(true);
  });
});
