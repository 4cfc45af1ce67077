import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { UnauthenticatedError } from './auth-errors';

export type Role = 'customer' | 'admin';
export type Principal = { userId: string; role: Role };

/** What a token's `sub` may be: the user ids of the whole system. */
export const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const SEGMENT = /^[A-Za-z0-9_-]*$/;

function decodeJson(segment: string): Record<string, unknown> {
  const value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error();
  return value as Record<string, unknown>;
}

const refuse = (why: string) => new UnauthenticatedError(`invalid bearer token: ${why}`);

/**
 * A process verifies every token with the same secret and nearly every token carries the same
 * header: the key is imported once, and the last header seen is decoded once (both are looked up
 * by exact value, so a different secret or header takes the full way).
 */
let lastKey: { secret: string; key: KeyObject } | undefined;
let lastHeader: { part: string; header: Record<string, unknown> } | undefined;

function keyOf(secret: string): KeyObject {
  if (lastKey?.secret !== secret) lastKey = { secret, key: createSecretKey(Buffer.from(secret)) };
  return lastKey.key;
}

function headerOf(part: string): Record<string, unknown> {
  if (lastHeader?.part !== part) lastHeader = { part, header: decodeJson(part) };
  return lastHeader.header;
}

/**
 * Verifies an HS256 JWT. Only HS256 is accepted (never `none`, never a key confusion), the
 * signature is compared in constant time, and `exp` is required.
 */
export function verifyJwt(token: string, secret: string, nowSeconds: number): Principal {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) throw refuse('malformed');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    header = headerOf(headerPart);
    payload = decodeJson(payloadPart);
  } catch {
    throw refuse('malformed');
  }
  if (header.alg !== 'HS256') throw refuse('only HS256 is accepted');
  const expected = createHmac('sha256', keyOf(secret))
    .update(token.slice(0, headerPart.length + 1 + payloadPart.length))
    .digest();
  const given = Buffer.from(signaturePart, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw refuse('bad signature');
  }
  const { sub, role, exp, nbf } = payload;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw refuse('exp is required');
  if (exp <= nowSeconds) throw refuse('expired');
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > nowSeconds))
    throw refuse('not yet valid');
  if (typeof sub !== 'string' || !USER_ID.test(sub))
    throw refuse('sub must be 1-64 of [A-Za-z0-9_-]');
  if (role !== 'customer' && role !== 'admin') throw refuse("role must be 'customer' or 'admin'");
  return { userId: sub, role };
}

/** Signs a token: for tests, the demo and the load generator (the service only verifies). */
export function signJwt(
  claims: { sub: string; role: Role; exp: number; [claim: string]: unknown },
  secret: string,
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' },
): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${encode(header)}.${encode(claims)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}
