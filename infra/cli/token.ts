/**
 * npm run -s token -- --user ID [--role customer|admin] [--ttl SECONDS]: a bearer token for
 * calling the API by hand. npm run -s token -- --callback 'RAW BODY': the X-Payment-Signature
 * header of a payment provider's callback with that exact body. Signed with JWT_SECRET and
 * PAYMENT_WEBHOOK_SECRET, or, when they are not set, with the development secrets of
 * `npm run dev` (said on stderr).
 */
import { signJwt, signWebhook } from '../../api';
import { USER_ID } from '../../api/http/jwt';
import { commandLine, oneOf, parseFlags, UsageError, wholeNumber } from './args';

/** The secrets `npm run dev` (infra/local/dev.sh) uses when none are set; a test keeps them equal. */
export const DEV_SECRETS = {
  jwt: 'dev-only-jwt-secret-change-me',
  webhook: 'dev-only-webhook-secret-change-me',
} as const;

const USAGE = `npm run -s token -- --user ID [--role customer|admin] [--ttl SECONDS]
npm run -s token -- --callback 'RAW BODY'
  --user ID         the token's subject, 1-64 characters of [A-Za-z0-9_-]
  --role ROLE       customer or admin                         (default customer)
  --ttl SECONDS     how long the token is valid, 1-31536000   (default 3600)
  --callback BODY   print the X-Payment-Signature header for this exact callback body instead
Signs with JWT_SECRET / PAYMENT_WEBHOOK_SECRET, or npm run dev's development secrets if unset.`;

type Request =
  | { kind: 'token'; user: string; role: 'customer' | 'admin'; ttlSeconds: number }
  | { kind: 'callback'; body: string };

export function readTokenRequest(argv: string[]): Request {
  const flags = parseFlags(argv, {
    user: { type: 'string' },
    role: { type: 'string' },
    ttl: { type: 'string' },
    callback: { type: 'string' },
  });
  if (flags.callback !== undefined) {
    if (flags.user !== undefined || flags.role !== undefined || flags.ttl !== undefined) {
      throw new UsageError('--callback takes no other flag');
    }
    return { kind: 'callback', body: flags.callback };
  }
  if (flags.user === undefined) throw new UsageError('--user (or --callback) is required');
  if (!USER_ID.test(flags.user)) {
    throw new UsageError(`--user must be 1-64 characters of [A-Za-z0-9_-], not '${flags.user}'`);
  }
  return {
    kind: 'token',
    user: flags.user,
    role: oneOf('role', flags.role ?? 'customer', ['customer', 'admin'] as const),
    ttlSeconds: wholeNumber('ttl', flags.ttl ?? '3600', 1, 31_536_000),
  };
}

function secret(name: 'JWT_SECRET' | 'PAYMENT_WEBHOOK_SECRET', fallback: string): string {
  const value = process.env[name];
  if (value) return value;
  process.stderr.write(`token: ${name} is not set; using npm run dev's development secret\n`);
  return fallback;
}

if (require.main === module) {
  const request = commandLine(USAGE, readTokenRequest);
  const now = Math.floor(Date.now() / 1000);
  const line =
    request.kind === 'callback'
      ? signWebhook(request.body, secret('PAYMENT_WEBHOOK_SECRET', DEV_SECRETS.webhook), now)
      : signJwt(
          { sub: request.user, role: request.role, exp: now + request.ttlSeconds },
          secret('JWT_SECRET', DEV_SECRETS.jwt),
        );
  process.stdout.write(`${line}\n`);
}
