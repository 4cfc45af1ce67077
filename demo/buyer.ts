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

export type Tally = {
  attempts: number;
  accepted: number;
  soldOut: number;
  limited: number;
  failed: number;
  paid: number;
  retriedThenPaid: number;
  duplicateCallbacks: number;
  refunded: number;
  cancelled: number;
  abandoned: number;
  latenciesMs: number[];
};

export const emptyTally = (): Tally => ({
  attempts: 0,
  accepted: 0,
  soldOut: 0,
  limited: 0,
  failed: 0,
  paid: 0,
  retriedThenPaid: 0,
  duplicateCallbacks: 0,
  refunded: 0,
  cancelled: 0,
  abandoned: 0,
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

  /** Tries to buy; answers the accepted order, or null. */
  async function buy(userId: string): Promise<{ order: Order; token: string } | null> {
    const token = deps.token(userId);
    tally.attempts += 1;
    const started = performance.now();
    let res: Response;
    try {
      res = await http.post(
        '/v1/orders',
        { items: [{ skuId: deps.skuId, quantity: 1 }] },
        { token, headers: { 'idempotency-key': `demo-${userId}` } },
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

  /** Carries out the plan for an accepted order. */
  async function follow(plan: Plan, order: Order, token: string) {
    const tx = `tx-${order.orderId}`;
    switch (plan) {
      case 'pay':
      case 'pay-twice-delivered': {
        const { res, sent } = await pay(order, token, 'SUCCEEDED', tx);
        if (res.body?.orderStatus === 'CONFIRMED') tally.paid += 1;
        if (plan === 'pay-twice-delivered' && sent) {
          // The provider delivers the same callback again: applied once, answered the same.
          const again = await callback(sent);
          if (again.status === 200 && again.body?.orderStatus === res.body?.orderStatus)
            tally.duplicateCallbacks += 1;
        }
        return;
      }
      case 'fail-then-retry': {
        await pay(order, token, 'FAILED', `declined-${order.orderId}`);
        const { res } = await pay(order, token, 'SUCCEEDED', tx);
        if (res.body?.orderStatus === 'CONFIRMED') tally.retriedThenPaid += 1;
        return;
      }
      case 'pay-late': {
        // Starts paying in time; the provider's success arrives after the order expired.
        const attempt = await http.post(`/v1/orders/${order.orderId}/payments`, undefined, {
          token,
        });
        if (attempt.status !== 201) return;
        await waitForStatus(order.orderId, token, 'EXPIRED', Date.parse(order.expiresAt) + 30_000);
        const res = await callback({
          paymentId: attempt.body.paymentId,
          orderId: order.orderId,
          transactionId: tx,
          status: 'SUCCEEDED',
          amount: order.total,
          currency: order.currency,
        });
        if (res.body?.paymentStatus === 'REFUNDED') tally.refunded += 1;
        return;
      }
      case 'cancel': {
        const res = await http.post(`/v1/orders/${order.orderId}/cancel`, undefined, { token });
        if (res.status === 200) tally.cancelled += 1;
        return;
      }
      case 'abandon':
        tally.abandoned += 1;
        return;
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
