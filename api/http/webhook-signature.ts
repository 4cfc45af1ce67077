import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidSignatureError } from './auth-errors';

export const SIGNATURE_TOLERANCE_SECONDS = 300;
// Hex in either case: it is the same digest, and Buffer.from(hex) reads both.
const HEADER = /^t=(\d{1,12}),v1=([0-9a-fA-F]{64})$/;

/**
 * Checks `X-Payment-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + raw body)>`
 * against the raw bytes received, in constant time, within 300 s of now.
 */
export function verifyWebhookSignature(
  header: string | undefined,
  rawBody: Buffer,
  secret: string,
  nowSeconds: number,
): void {
  if (!header) throw new InvalidSignatureError('X-Payment-Signature is missing');
  const match = HEADER.exec(header.trim());
  if (!match) throw new InvalidSignatureError('X-Payment-Signature is malformed');
  const t = Number(match[1]);
  if (Math.abs(nowSeconds - t) > SIGNATURE_TOLERANCE_SECONDS) {
    throw new InvalidSignatureError('the signature is too old or from the future', { t });
  }
  const expected = createHmac('sha256', secret).update(`${match[1]}.`).update(rawBody).digest();
  const given = Buffer.from(match[2]!, 'hex');
  if (!timingSafeEqual(given, expected))
    throw new InvalidSignatureError('the signature does not match');
}

export function signWebhook(rawBody: string | Buffer, secret: string, nowSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${nowSeconds}.`).update(rawBody).digest('hex');
  return `t=${nowSeconds},v1=${v1}`;
}
