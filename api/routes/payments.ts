import type { Router } from 'express';
import { caseSensitiveRouter } from '../http/router';
import { parseJson, rawBody } from '../http/body';
import { route } from '../http/async';
import { paymentCallbackBody, parse } from '../http/schemas';
import { verifyWebhookSignature } from '../http/webhook-signature';
import { SYSTEM_ACTORS } from '../../commands/context';
import type { Commands } from './commands';

/** The provider's callback: no JWT, a signature over the raw bytes instead. */
export function paymentRoutes(
  commands: Commands,
  secret: string,
  nowSeconds: () => number,
): Router {
  const router = caseSensitiveRouter();
  router.post(
    '/v1/payments/callback',
    rawBody,
    route(async (req, res) => {
      // The signature first: an unsigned body is not even parsed.
      verifyWebhookSignature(req.header('x-payment-signature'), req.rawBody!, secret, nowSeconds());
      const callback = parse(paymentCallbackBody, parseJson(req.rawBody!), 'body');
      const answer = await commands.recordPaymentResult(callback, {
        correlationId: String(res.getHeader('x-request-id')),
        userId: SYSTEM_ACTORS.paymentProvider,
      });
      return { status: 200, body: answer };
    }),
  );
  return router;
}
