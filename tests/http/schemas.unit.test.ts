import { ValidationError } from '../../domain/errors';
import { listOrdersQuery, parse } from '../../api/http/schemas';

describe('the query of GET /v1/orders', () => {
  it('When every parameter is sent empty, as API.md writes them, then each counts as absent', () => {
    expect(parse(listOrdersQuery, { status: '', limit: '', cursor: '' }, 'query')).toEqual({});
    expect(parse(listOrdersQuery, {}, 'query')).toEqual({});
  });

  it('When values are given, then they are parsed as before', () => {
    expect(
      parse(listOrdersQuery, { status: 'CONFIRMED', limit: '100', cursor: 'abc_-1' }, 'query'),
    ).toEqual({ status: 'CONFIRMED', limit: 100, cursor: 'abc_-1' });
  });

  it.each([
    ['status', 'SHIPPED', /status must be one of PENDING, CONFIRMED, EXPIRED, CANCELLED/],
    ['status', ' ', /status must be one of/],
    ['status', ['PENDING', ''], /status must be one of/],
    ['limit', '0', /limit Too small/],
    ['limit', '101', /limit Too big/],
    ['limit', 'abc', /limit must be a whole number from 1 to 100/],
    ['limit', ' ', /limit must be a whole number from 1 to 100/],
    ['cursor', '!!', /cursor is not a cursor this API gave/],
  ])('When %s is %j, then it is refused with a message that says why', (name, value, message) => {
    const given = { [name]: value };
    expect(() => parse(listOrdersQuery, given, 'query')).toThrow(ValidationError);
    expect(() => parse(listOrdersQuery, given, 'query')).toThrow(message);
  });
});
