import { ValidationError } from '../../domain/errors';
import { createSkuBody, listOrdersQuery, parse, paymentCallbackBody } from '../../api/http/schemas';

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

describe('currencies', () => {
  const sku = { skuId: 'S1', name: 'Kettle', price: 2500, currency: 'EUR', stock: 4 };

  it('When the ICU data of this Node is read, then it knows EUR, USD and JPY', () => {
    expect(Intl.supportedValuesOf('currency')).toEqual(
      expect.arrayContaining(['EUR', 'USD', 'JPY']),
    );
  });

  it.each(['EUR', 'USD', 'JPY', 'CHF', 'GBP'])(
    'When a SKU is priced in %s, then it is accepted',
    (currency) => {
      expect(parse(createSkuBody, { ...sku, currency }, 'body').currency).toBe(currency);
    },
  );

  it.each([
    ['ABC', /body\.currency must be the ISO 4217 code of a currency in use/],
    ['XXX', /body\.currency must be the ISO 4217 code of a currency in use/],
    ['XTS', /body\.currency must be the ISO 4217 code of a currency in use/],
    ['XAU', /body\.currency must be the ISO 4217 code of a currency in use/],
    ['eur', /body\.currency must be an ISO 4217 code such as EUR$/],
    ['EURO', /body\.currency must be an ISO 4217 code such as EUR$/],
  ])(
    'When a SKU is priced in %j, then it is refused naming currency, once',
    (currency, message) => {
      expect(() => parse(createSkuBody, { ...sku, currency }, 'body')).toThrow(message);
    },
  );

  it('When a callback carries three letters that are no currency, then its shape passes, to be compared with the payment', () => {
    const callback = {
      paymentId: '0190f4a2-0000-7000-8000-000000000000',
      orderId: '0190f4a2-0000-7000-8000-000000000001',
      transactionId: 't',
      status: 'SUCCEEDED',
      amount: 1,
    };
    expect(parse(paymentCallbackBody, { ...callback, currency: 'ABC' }, 'body').currency).toBe(
      'ABC',
    );
    expect(() => parse(paymentCallbackBody, { ...callback, currency: 'eur' }, 'body')).toThrow(
      /body\.currency/,
    );
  });
});
