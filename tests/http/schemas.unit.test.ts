import { ValidationError } from '../../domain/errors';
import { createSkuBody, listOrdersQuery, parse } from '../../api/http/schemas';

describe('the query of GET /v1/orders', () => {
  it('When every parameter is sent empty, as docs/API.md writes them, then each counts as absent', () => {
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

describe('the body of POST /v1/admin/skus', () => {
  const sku = { skuId: 'S1', name: 'Kettle', price: 2500, currency: 'EUR', stock: 4 };

  it('When perUserLimit is null, as the answer gives it for no limit, then it is accepted as no limit', () => {
    expect(parse(createSkuBody, { ...sku, perUserLimit: null }, 'body').perUserLimit).toBeNull();
    expect(parse(createSkuBody, sku, 'body').perUserLimit).toBeUndefined();
    expect(parse(createSkuBody, { ...sku, perUserLimit: 1 }, 'body').perUserLimit).toBe(1);
  });

  it.each([0, -1, 1.5, '2', 1_000_001])('When perUserLimit is %j, then it is refused', (limit) => {
    expect(() => parse(createSkuBody, { ...sku, perUserLimit: limit }, 'body')).toThrow(
      ValidationError,
    );
  });
});
