import { signJwt, verifyJwt } from '../../api/http/jwt';
import { UnauthenticatedError } from '../../api/http/auth-errors';

const SECRET = 'a-secret-of-enough-length-123';
const NOW = 1_800_000_000;
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('JWT verification', () => {
  it('When a token is HS256, signed with the key, unexpired, with sub and role, then it names the principal', () => {
    const token = signJwt({ sub: 'user_1-A', role: 'customer', exp: NOW + 60 }, SECRET);
    expect(verifyJwt(token, SECRET, NOW)).toEqual({ userId: 'user_1-A', role: 'customer' });
  });

  it.each([
    ['expired', signJwt({ sub: 'u', role: 'admin', exp: NOW }, SECRET), /expired/],
    [
      'not yet valid',
      signJwt({ sub: 'u', role: 'admin', exp: NOW + 60, nbf: NOW + 10 }, SECRET),
      /not yet valid/,
    ],
    [
      'alg none',
      `${b64({ alg: 'none' })}.${b64({ sub: 'u', role: 'admin', exp: NOW + 60 })}.`,
      /only HS256/,
    ],
    [
      'HS384',
      signJwt({ sub: 'u', role: 'admin', exp: NOW + 60 }, SECRET, { alg: 'HS384' }),
      /only HS256/,
    ],
    [
      'another key',
      signJwt({ sub: 'u', role: 'admin', exp: NOW + 60 }, 'other-secret-xxxxxxxx'),
      /bad signature/,
    ],
    [
      'a tampered payload',
      (() => {
        const [h, , s] = signJwt({ sub: 'u', role: 'customer', exp: NOW + 60 }, SECRET).split('.');
        return `${h}.${b64({ sub: 'u', role: 'admin', exp: NOW + 60 })}.${s}`;
      })(),
      /bad signature/,
    ],
    ['two segments', 'a.b', /malformed/],
    ['a non-JSON header', `${Buffer.from('nope').toString('base64url')}.${b64({})}.x`, /malformed/],
    ['no exp', signJwt({ sub: 'u', role: 'admin' } as never, SECRET), /exp is required/],
    [
      'a sub of 65 characters',
      signJwt({ sub: 'u'.repeat(65), role: 'admin', exp: NOW + 60 }, SECRET),
      /sub/,
    ],
    [
      'an unknown role',
      signJwt({ sub: 'u', role: 'owner' as never, exp: NOW + 60 }, SECRET),
      /role/,
    ],
  ])('When the token is %s, then it is refused', (_, token, message) => {
    expect(() => verifyJwt(token, SECRET, NOW)).toThrow(UnauthenticatedError);
    expect(() => verifyJwt(token, SECRET, NOW)).toThrow(message);
  });

  it('When tokens alternate between two keys and two headers, then each is judged by its own', () => {
    const other = 'another-secret-of-enough-length';
    const claims = { sub: 'u', role: 'customer' as const, exp: NOW + 60 };
    const none = `${b64({ alg: 'none' })}.${b64(claims)}.`;
    for (let round = 0; round < 3; round += 1) {
      expect(verifyJwt(signJwt(claims, SECRET), SECRET, NOW).userId).toBe('u');
      expect(() => verifyJwt(signJwt(claims, SECRET), other, NOW)).toThrow(/bad signature/);
      expect(verifyJwt(signJwt(claims, other), other, NOW).userId).toBe('u');
      expect(() => verifyJwt(none, SECRET, NOW)).toThrow(/only HS256/);
      expect(() => verifyJwt(signJwt(claims, other), SECRET, NOW)).toThrow(/bad signature/);
    }
  });
});
