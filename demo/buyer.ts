import { signWebhook } from '../api';
import type { client, Response } from '../infra/local/api-client';

/** What a buyer does once an order is accepted. */
export type Plan =
  'pay' | 'pay-twice-delivered' | 'fail-then-retry' | 'pay-late' | 'cancel' | 'abandon';

/** Shares of accepted orders, as a payment provider and its customers would make them. */
const PLANS: [Plan, number][] = [
  ['pay', 0.55],
  ['pay-twice-delivered', 0.1],
  ['fail-then-retry', 0.1],
  ['pay-late', 0.05],
  ['cancel', 0.08],
  ['abandon', 0.12],
];

export function planFor(random: number): Plan {
  let edge = 0;
  for (const [plan, share] of PLANS) {
    edge += share;
    if (random < edge) return plan;
  }
  return 'abandon';
}

/**
 * How an accepted order ended, as the buyer and the payment provider saw it: every accepted
 * order has exactly one.
 */
export type Outcome =
  | 'paid'
  | 'paidAfterFailure'
  | 'refunded'
  | 'expiredBeforePaying'
  | 'cancelled'
  | 'expiredBeforeCancel'
  | 'abandoned'
  | 'unexpected';

const OUTCOMES: Outcome[] = [
  'paid',
  'paidAfterFailure',
  'refunded',
  'expiredBeforePaying',
  'cancelled',
  'expiredBeforeCancel',
  'abandoned',
  'unexpected',
];

export type Tally = {
  attempts: number;
  accepted: number;
  soldOut: number;
  limited: number;
  failed: number;
  /** Accepted orders by how they ended. */
  outcomes: Record<Outcome, number>;
  duplicateCallbacks: number;
  latenciesMs: number[];
};

export const emptyTally = (): Tally => ({
  attempts: 0,
  accepted: 0,
  soldOut: 0,
  limited: 0,
  failed: 0,
  outcomes: Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>,
  duplicateCallbacks: 0,
  latenciesMs: [],
});

type Order = { orderId: string; total: number; currency: string; expiresAt: string };

/**
 * One buyer and the payment provider serving them: buys, and when the order is accepted, pays,
 * fails and retries, gets the callback delivered twice, pays after the deadline, cancels, or
 * walks away, as its plan says. Every callback is signed as the provider signs it.
 */
export function makeBuyer(deps: {
  http: ReturnType<typeof client>;
  token: (userId: string) => string;
  webhookSecret: string;
  skuId: string;
  tally: Tally;
}) {
  const { http, tally } = deps;
  const callback = (body: Record<string, unknown>) => {
    const raw = JSON.stringify(body);
    const signature = signWebhook(raw, deps.webhookSecret, Math.floor(Date.now() / 1000));
    return http.post('/v1/payments/callback', undefined, {
      raw,
      headers: { 'x-payment-signature': signature },
    });
  };
  /** A payment attempt and the provider's callback for it; answers the callback sent too. */
  const pay = async (order: Order, token: string, status: 'SUCCEEDED' | 'FAILED', tx: string) => {
    const attempt = await http.post(`/v1/orders/${order.orderId}/payments`, undefined, { token });
    if (attempt.status !== 201) return { res: attempt, sent: null };
    const sent = {
      paymentId: attempt.body.paymentId,
      orderId: order.orderId,
      transactionId: tx,
      status,
      amount: order.total,
      currency: order.currency,
      ...(status === 'FAILED' ? { reason: 'card declined' } : {}),
    };
    return { res: await callback(sent), sent };
  };

  /** Tries to buy; answers the accepted order, or null. `key` is the Idempotency-Key. */
  async function buy(
    userId: string,
    key = `demo-${userId}`,
  ): Promise<{ order: Order; token: string } | null> {
    const token = deps.token(userId);
    tally.attempts += 1;
    const started = performance.now();
    let res: Response;
    try {
      res = await http.post(
        '/v1/orders',
        { items: [{ skuId: deps.skuId, quantity: 1 }] },
        { token, headers: { 'idempotency-key': key } },
      );
    } catch {
      tally.failed += 1;
      return null;
    }
    tally.latenciesMs.push(performance.now() - started);
    if (res.status === 201) {
      tally.accepted += 1;
      return { order: res.body as Order, token };
    }
    if (res.body?.error?.code === 'SOLD_OUT') tally.soldOut += 1;
    else if (res.body?.error?.code === 'LIMIT_EXCEEDED') tally.limited += 1;
    else tally.failed += 1;
    return null;
  }

  /** Carries out the plan for an accepted order, and counts how the order ended. */
  async function follow(plan: Plan, order: Order, token: string): Promise<void> {
    let outcome: Outcome;
    try {
      outcome = await carryOut(plan, order, token);
    } catch {
      outcome = 'unexpected';
    }
    tally.outcomes[outcome] += 1;
  }

  /** What a payment's answers say of the order: paid, refunded (too late) or expired before. */
  const paid = (res: Response, paidOutcome: Outcome): Outcome => {
    if (res.body?.orderStatus === 'CONFIRMED' && res.body?.paymentStatus === 'COMPLETED') {
      return paidOutcome;
    }
    if (res.body?.paymentStatus === 'REFUNDED') return 'refunded';
    if (res.body?.error?.details?.status === 'EXPIRED') return 'expiredBeforePaying';
    return 'unexpected';
  };

  async function carryOut(plan: Plan, order: Order, token: string): Promise<Outcome> {
    const tx = `tx-${order.orderId}`;
    switch (plan) {
      case 'pay':
      case 'pay-twice-delivered': {
        const { res, sent } = await pay(order, token, 'SUCCEEDED', tx);
        if (plan === 'pay-twice-delivered' && sent) {
          // The provider delivers the same callback again: applied once, answered the same.
          const again = await callback(sent);
          if (again.status === 200 && again.body?.orderStatus === res.body?.orderStatus)
            tally.duplicateCallbacks += 1;
        }
        return paid(res, 'paid');
      }
      case 'fail-then-retry': {
        const failed = await pay(order, token, 'FAILED', `declined-${order.orderId}`);
        if (!failed.sent) return paid(failed.res, 'paidAfterFailure');
        const { res } = await pay(order, token, 'SUCCEEDED', tx);
        return paid(res, 'paidAfterFailure');
      }
      case 'pay-late': {
        // Starts paying in time; the provider's success arrives after the order expired.
        const attempt = await http.post(`/v1/orders/${order.orderId}/payments`, undefined, {
          token,
        });
        if (attempt.status !== 201) return paid(attempt, 'paid');
        await waitForStatus(order.orderId, token, 'EXPIRED', Date.parse(order.expiresAt) + 30_000);
        const res = await callback({
          paymentId: attempt.body.paymentId,
          orderId: order.orderId,
          transactionId: tx,
          status: 'SUCCEEDED',
          amount: order.total,
          currency: order.currency,
        });
        return paid(res, 'paid');
      }
      case 'cancel': {
        const res = await http.post(`/v1/orders/${order.orderId}/cancel`, undefined, { token });
        if (res.status === 200) return 'cancelled';
        if (res.body?.error?.details?.status === 'EXPIRED') return 'expiredBeforeCancel';
        return 'unexpected';
      }
      case 'abandon':
        return 'abandoned';
    }
  }

  async function waitForStatus(orderId: string, token: string, status: string, until: number) {
    while (Date.now() < until) {
      const res = await http.get(`/v1/orders/${orderId}`, { token });
      if (res.body?.status === status) return;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  return { buy, follow };
}
