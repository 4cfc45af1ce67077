import { signWebhook, verifyWebhookSignature } from '../../api/http/webhook-signature';
import { InvalidSignatureError } from '../../api/http/auth-errors';

const SECRET = 'provider-secret-0123456789';
const NOW = 1_800_000_000;
const body = Buffer.from('{"orderId":"o","status":"SUCCEEDED"}');

describe('webhook signatures', () => {
  it('When the signature is over the raw body with the key, within 300 s, then it passes', () => {
    expect(() =>
      verifyWebhookSignature(signWebhook(body, SECRET, NOW - 300), body, SECRET, NOW),
    ).not.toThrow();
    expect(() =>
      verifyWebhookSignature(signWebhook(body, SECRET, NOW + 300), body, SECRET, NOW),
    ).not.toThrow();
  });

  it.each([
    ['missing', undefined, /missing/],
    ['empty', '', /missing/],
    ['malformed', 'v1=00,t=1', /malformed/],
    ['upper-case hex', signWebhook(body, SECRET, NOW).toUpperCase(), /malformed/],
    ['301 s old', signWebhook(body, SECRET, NOW - 301), /too old/],
    ['301 s ahead', signWebhook(body, SECRET, NOW + 301), /too old/],
    ['made with another key', signWebhook(body, 'another-secret-xxxxxxxx', NOW), /does not match/],
    ['over another body', signWebhook(Buffer.from('{}'), SECRET, NOW), /does not match/],
  ])('When the signature is %s, then it is refused', (_, header, message) => {
    expect(() => verifyWebhookSignature(header, body, SECRET, NOW)).toThrow(InvalidSignatureError);
    expect(() => verifyWebhookSignature(header, body, SECRET, NOW)).toThrow(message);
  });
});
