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

  it('When the hex of the signature is in upper or mixed case, then it passes the same', () => {
    const [t, v1] = signWebhook(body, SECRET, NOW).split(',') as [string, string];
    const mixed = [...v1.slice(3)].map((c, i) => (i % 2 ? c.toUpperCase() : c)).join('');
    for (const hex of [v1.slice(3).toUpperCase(), mixed]) {
      expect(() => verifyWebhookSignature(`${t},v1=${hex}`, body, SECRET, NOW)).not.toThrow();
    }
  });

  it('When upper-case hex is over another body, then it is refused', () => {
    const [t, v1] = signWebhook(Buffer.from('{}'), SECRET, NOW).split(',') as [string, string];
    const header = `${t},v1=${v1.slice(3).toUpperCase()}`;
    expect(() => verifyWebhookSignature(header, body, SECRET, NOW)).toThrow(/does not match/);
  });

  it.each([
    ['missing', undefined, /missing/],
    ['empty', '', /missing/],
    ['malformed', 'v1=00,t=1', /malformed/],
    ['upper-case keys (T=, V1=)', signWebhook(body, SECRET, NOW).toUpperCase(), /malformed/],
    ['63 hex digits', signWebhook(body, SECRET, NOW).slice(0, -1), /malformed/],
    ['non-hex digits', signWebhook(body, SECRET, NOW).slice(0, -1) + 'g', /malformed/],
    ['301 s old', signWebhook(body, SECRET, NOW - 301), /too old/],
    ['301 s ahead', signWebhook(body, SECRET, NOW + 301), /too old/],
    ['made with another key', signWebhook(body, 'another-secret-xxxxxxxx', NOW), /does not match/],
    ['over another body', signWebhook(Buffer.from('{}'), SECRET, NOW), /does not match/],
  ])('When the signature is %s, then it is refused', (_, header, message) => {
    expect(() => verifyWebhookSignature(header, body, SECRET, NOW)).toThrow(InvalidSignatureError);
    expect(() => verifyWebhookSignature(header, body, SECRET, NOW)).toThrow(message);
  });
});
