import { isIsoCurrency } from '../currency';
import { NotFoundError, SkuExistsError, ValidationError } from '../errors';
import { assertNever } from '../event';
import type { ListSku, RestockSku, SkuCommand } from './commands';
import type { SkuEvent } from './events';
import type { SkuState } from './state';

const MAX_UNITS = 1_000_000_000;

export function decideSku(command: SkuCommand, state: SkuState): SkuEvent[] {
  switch (command.type) {
    case 'ListSku':
      return list(command, state);
    case 'RestockSku':
      return restock(command, state);
    default:
      return assertNever(command);
  }
}

/** Stock arrives as a restock, so the ledger has one kind of entry for every unit put on sale. */
function list({ data }: ListSku, state: SkuState): SkuEvent[] {
  const { skuId, name, price, currency, stock, perUserLimit, now } = data;
  if (state.status !== 'NONE') throw new SkuExistsError(`SKU ${skuId} exists`, { skuId });
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(skuId)) {
    invalid('skuId', 'must be 1-64 characters of A-Z a-z 0-9 _ -', skuId);
  }
  // Counted in code points, as MySQL counts a utf8mb4 column.
  const length = typeof name === 'string' ? [...name].length : 0;
  if (length < 1 || length > 200) invalid('name', 'must be 1-200 characters', length);
  if (!Number.isSafeInteger(price) || price < 1) {
    invalid('price', 'must be an integer > 0 in minor units', price);
  }
  if (typeof currency !== 'string' || !isIsoCurrency(currency)) {
    invalid('currency', 'must be the ISO 4217 code of a currency in use', currency);
  }
  if (!Number.isInteger(stock) || stock < 0 || stock > MAX_UNITS) {
    invalid('stock', `must be an integer 0-${MAX_UNITS}`, stock);
  }
  if (perUserLimit !== null && (!Number.isSafeInteger(perUserLimit) || perUserLimit < 1)) {
    invalid('perUserLimit', 'must be null or an integer >= 1', perUserLimit);
  }
  const at = now.toISOString();
  const listed: SkuEvent = {
    type: 'SkuListed',
    data: { skuId, name, price, currency, perUserLimit, listedAt: at },
  };
  if (stock === 0) return [listed];
  return [listed, { type: 'SkuRestocked', data: { skuId, quantity: stock, restockedAt: at } }];
}

function restock({ data }: RestockSku, state: SkuState): SkuEvent[] {
  const { skuId, quantity, now } = data;
  if (state.status === 'NONE') throw new NotFoundError(`no SKU ${skuId}`, { skuId });
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_UNITS) {
    invalid('quantity', `must be an integer 1-${MAX_UNITS}`, quantity);
  }
  if (!Number.isSafeInteger(state.stocked + quantity)) {
    invalid('quantity', 'would make the stock too large to count exactly', quantity);
  }
  return [{ type: 'SkuRestocked', data: { skuId, quantity, restockedAt: now.toISOString() } }];
}

function invalid(field: string, rule: string, value: unknown): never {
  throw new ValidationError(`${field} ${rule}`, { field, value });
}
