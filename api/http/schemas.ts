import { z } from 'zod';
import { isIsoCurrency } from '../../domain/currency';
import { ValidationError } from '../../domain/errors';

/**
 * Every request body, param and header the API accepts. Objects are strict: an unknown field is
 * a 400, not silently ignored.
 */
const id64 = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 characters of [A-Za-z0-9_-]');
const money = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const currencyShape = z
  .string()
  .regex(/^[A-Z]{3}$/, { error: 'must be an ISO 4217 code such as EUR', abort: true });
/** A currency a price can be in: ISO 4217 and in use (domain/currency.ts says which). */
const currency = currencyShape
  .refine(isIsoCurrency, 'must be the ISO 4217 code of a currency in use, such as EUR')
  .describe('ISO 4217 code of a currency in use (not XXX or XTS)');

export const createSkuBody = z.strictObject({
  skuId: id64,
  name: z.string().trim().min(1).max(200),
  price: money,
  currency,
  stock: z.number().int().min(0).max(1_000_000_000),
  // null, as the answer states "no limit", so a SKU read back can be sent again as it was.
  perUserLimit: z.number().int().min(1).max(1_000_000).nullable().optional(),
});

export const restockBody = z.strictObject({
  quantity: z.number().int().min(1).max(1_000_000_000),
});

export const placeOrderBody = z.strictObject({
  items: z
    .array(z.strictObject({ skuId: id64, quantity: z.number().int().min(1).max(100) }))
    .min(1)
    .max(20)
    .refine((items) => new Set(items.map((i) => i.skuId)).size === items.length, {
      message: 'each skuId may appear once',
    }),
});

export const paymentCallbackBody = z.strictObject({
  paymentId: z.uuid(),
  orderId: z.uuid(),
  transactionId: z.string().min(1).max(128),
  status: z.enum(['SUCCEEDED', 'FAILED']),
  amount: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  // Only compared with the payment's, which is its SKU's: a code that is not in use differs and
  // answers 422 AMOUNT_MISMATCH. Refusing it as invalid would leave the orders of a SKU listed
  // before codes were checked against ISO 4217 with no callback that can confirm them.
  currency: currencyShape.describe("ISO 4217; anything but the payment's currency is a mismatch"),
  reason: z.string().max(500).optional(),
});

export const orderStatus = z.enum(['PENDING', 'CONFIRMED', 'EXPIRED', 'CANCELLED']);

/**
 * A query parameter sent empty (`?status=`, as docs/API.md writes them) is one not sent; any other
 * value must pass `schema`, and `message` says what it must be when no finer message does.
 */
function queryParam<T extends z.ZodType>(schema: T, message: string) {
  return z.union([z.literal('').transform(() => undefined), schema], { error: message }).optional();
}

/** A whole number from `min` to `max` given as text in a query string (empty: absent). */
function wholeNumberParam(min: number, max: number) {
  const message = `must be a whole number from ${min} to ${max}`;
  return queryParam(
    z
      .string()
      .regex(new RegExp(`^\\d{1,${String(max).length}}$`), message)
      .transform(Number)
      .pipe(z.number().int().min(min).max(max)),
    message,
  );
}

const CURSOR = 'is not a cursor this API gave';

/** Query strings arrive as text: numbers are parsed here, and unknown parameters are refused. */
export const listOrdersQuery = z.strictObject({
  status: queryParam(orderStatus, `must be one of ${orderStatus.options.join(', ')}`),
  limit: wholeNumberParam(1, 100),
  cursor: queryParam(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, CURSOR), CURSOR),
});

const REVISION = 'must be a whole number >= 0';

export const getOrderQuery = z.strictObject({
  minRevision: queryParam(
    z
      .string()
      .regex(/^\d{1,9}$/, REVISION)
      .transform(Number),
    REVISION,
  ),
});

export const skuAuditQuery = z.strictObject({ lines: wholeNumberParam(0, 1_000_000) });

/** Printable ASCII, 1-128 characters. */
export const idempotencyKey = z
  .string()
  .regex(/^[\x20-\x7e]{1,128}$/, 'must be 1-128 printable characters');
export const orderIdParam = z.uuid();
export const skuIdParam = id64;
export const jobIdParam = z.uuid();

/** Starting a payment and cancelling take no fields: a body, if sent, must be `{}`. */
export const emptyBody = z.strictObject({});

export const rebuildBody = z.strictObject({
  projections: z.array(z.string().min(1).max(64)).min(1).max(10).optional(),
});

export function parse<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  throw new ValidationError(
    `${where} is invalid: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
    { issues },
  );
}
