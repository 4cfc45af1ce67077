import { principalFrom } from '../../api/http/authenticate';
import { UnauthenticatedError } from '../../api/http/auth-errors';
import { signJwt } from '../../api/http/jwt';

const SECRET = 'jwt-secret-for-unit-tests-0123456789';
const NOW = 1_800_000_000;
const token = signJwt({ sub: 'u1', role: 'customer', exp: NOW + 60 }, SECRET);

describe('the Authorization header', () => {
  it.each([
    ['Bearer, one space', `Bearer ${token}`],
    ['bearer in lower case', `bearer ${token}`],
    ['BEARER in upper case', `BEARER ${token}`],
    ['bEaReR in mixed case', `bEaReR ${token}`],
    ['two spaces', `Bearer  ${token}`],
    ['a tab', `Bearer\t${token}`],
    ['spaces and tabs', `Bearer \t \t${token}`],
  ])('When it is %s before the token, then the caller is who the token says', (_, header) => {
    expect(principalFrom(header, SECRET, NOW)).toEqual({ userId: 'u1', role: 'customer' });
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['the scheme alone', 'Bearer'],
    ['the scheme and blanks', 'Bearer \t '],
    ['the scheme glued to the token', `Bearer${token}`],
    ['another separator', `Bearer:${token}`],
    ['a longer scheme', `Bearerx ${token}`],
    ['another scheme', `Basic ${token}`],
    ['a look-alike scheme (Cyrillic е)', `B\u0435arer ${token}`],
    ['blanks before the scheme', ` Bearer ${token}`],
    ['the token and more', `Bearer ${token} extra`],
    ['two tokens', `Bearer ${token},${token}`],
    ['the token alone', token],
  ])('When it is %s, then 401 UNAUTHENTICATED', (_, header) => {
    expect(() => principalFrom(header, SECRET, NOW)).toThrow(UnauthenticatedError);
  });
});
