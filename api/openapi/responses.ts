import { z } from 'zod';
import { orderStatus } from '../http/schemas';
import { LINE_DIFFERENCES_NAMED } from '../../commands/audit-sku';

/**
 * The shapes of the answers, for the OpenAPI document only: the routes build their answers from
 * typed command results, so these are checked against real answers by tests/api/openapi.
 */
const money = z.number().int().describe('minor units: 1999 = 19.99');
const currency = z.string().describe('ISO 4217');
const time = z.iso.datetime().describe('ISO 8601, UTC');
const line = z.object({ skuId: z.string(), quantity: z.number().int(), unitPrice: money });
const paymentStatus = z.enum(['PENDING', 'COMPLETED', 'FAILED', 'REFUNDED']);

export const errorResponse = z.object({
  error: z.object({
    code: z.string().describe('stable machine-readable code, see the table in the description'),
    message: z.string(),
    details: z.record(z.string(), z.unknown()),
  }),
});

export const skuCreated = z.object({
  skuId: z.string(),
  name: z.string(),
  price: money,
  currency,
  stock: z.number().int(),
  available: z.number().int(),
  perUserLimit: z.number().int().nullable().describe('null: no limit'),
});

export const restocked = z.object({
  skuId: z.string(),
  stock: z.number().int(),
  available: z.number().int(),
});

export const skuView = z.object({
  skuId: z.string(),
  name: z.string(),
  price: money,
  currency,
  available: z.number().int(),
});

export const orderPlaced = z.object({
  orderId: z.uuid(),
  status: z.literal('PENDING'),
  items: z.array(line),
  total: money,
  currency,
  expiresAt: time,
  revision: z.number().int(),
});

export const paymentStarted = z.object({
  paymentId: z.uuid(),
  orderId: z.uuid(),
  amount: money,
  currency,
  status: z.literal('PENDING'),
});

export const orderCancelled = z.object({ orderId: z.uuid(), status: z.literal('CANCELLED') });

export const orderView = z.object({
  orderId: z.uuid(),
  userId: z.string(),
  status: orderStatus,
  items: z.array(line),
  total: money,
  currency,
  placedAt: time,
  expiresAt: time,
  confirmedAt: time.optional(),
  payments: z.array(
    z.object({
      paymentId: z.uuid(),
      status: paymentStatus,
      amount: money,
      currency,
      transactionId: z.string().optional(),
      refunds: z
        .array(z.object({ transactionId: z.string(), amount: money, currency }))
        .optional()
        .describe(
          'money sent back on other transactions of this attempt that its status does not show ' +
            '(a second success on a paid attempt); absent when there are none',
        ),
    }),
  ),
  revision: z.number().int(),
  stale: z
    .literal(true)
    .optional()
    .describe('present when ?minRevision was not reached within 5 s'),
});

export const orderList = z.object({
  orders: z.array(orderView),
  nextCursor: z.string().nullable(),
});

export const callbackAnswer = z.object({
  orderId: z.uuid(),
  orderStatus: orderStatus,
  paymentStatus: paymentStatus.describe(
    "what this transaction did to its attempt; the attempt's status in the order view only moves up PENDING, FAILED, REFUNDED, COMPLETED (callbacks can arrive out of order)",
  ),
});

export const orderEvents = z.object({
  streamId: z.string(),
  events: z.array(
    z.object({
      type: z.string(),
      revision: z.number().int(),
      position: z.number().int(),
      data: z.record(z.string(), z.unknown()),
      metadata: z.object({
        correlationId: z.string().nullable(),
        causationId: z.string().nullable(),
        userId: z.string().nullable(),
      }),
      recordedAt: time,
    }),
  ),
});

export const skuAudit = z.object({
  skuId: z.string(),
  ledger: z.array(
    z.object({
      delta: z
        .number()
        .int()
        .describe(
          'RESTOCK +q, RESERVE -q and RELEASE +q change the units on sale; SELL -q turns held ' +
            'units into sold ones and leaves the units on sale alone. Once quiet, available is ' +
            'the sum of RESTOCK, RESERVE and RELEASE rows, and sold is minus the sum of SELL rows',
        ),
      reason: z.enum(['RESTOCK', 'RESERVE', 'RELEASE', 'SELL']),
      refId: z.string(),
      at: time,
      position: z.string().describe('the global position of the event the line records'),
    }),
  ),
  totals: z.object({
    stocked: z.number().int(),
    reserved: z.number().int(),
    sold: z.number().int(),
    released: z.number().int(),
  }),
  available: z.number().int().nullable().describe('the hot counter; null when Redis lacks the SKU'),
  redis: z
    .object({
      stocked: z.number().int(),
      available: z.number().int(),
      sold: z.number().int(),
    })
    .nullable()
    .describe('the hot counters of the SKU in Redis; null when Redis lacks the SKU'),
  eventStore: z
    .object({
      stocked: z.number().int(),
      reserved: z.number().int(),
      sold: z.number().int(),
      available: z.number().int(),
    })
    .nullable()
    .describe('the same totals as the event store tells them, at asOf.eventStore'),
  asOf: z
    .object({
      eventStore: z.string().describe('the position the event store was read to'),
      ledger: z
        .string()
        .describe(
          'the position through which the ledger is complete (its projector has applied every ' +
            'event up to it) and was compared with the event store',
        ),
      ledgerLinesNotCompared: z
        .number()
        .int()
        .describe('ledger lines after asOf.ledger: the projection lag, not yet compared'),
    })
    .describe('where each account was compared: during a sale the ledger trails the event store'),
  ledgerLines: z.number().int().describe('how many lines the ledger holds'),
  consistent: z
    .boolean()
    .describe(
      'no discrepancy: the ledger agrees with the event store at asOf.ledger, and the hot ' +
        'counter with the event store at asOf.eventStore',
    ),
  discrepancies: z.array(z.record(z.string(), z.unknown())),
  lineDifferences: z
    .array(
      z.object({
        position: z.string().describe('the global position of the event the line records'),
        reason: z.enum(['RESTOCK', 'RESERVE', 'RELEASE', 'SELL']),
        refId: z.string(),
        expected: z
          .number()
          .int()
          .nullable()
          .describe('the delta the events call for; null: no line'),
        actual: z.number().int().nullable().describe('the delta in the ledger; null: no line'),
      }),
    )
    .optional()
    .describe(
      `only when the ledger disagrees with the event store: the first ${LINE_DIFFERENCES_NAMED} ` +
        'lines through asOf.ledger that differ (missing, without an event, or other units), ' +
        'in position order',
    ),
  lineDifferencesTotal: z
    .number()
    .int()
    .optional()
    .describe('with lineDifferences: how many lines differ in all'),
});

export const rebuildAccepted = z.object({ jobId: z.uuid() });

export const rebuildJob = z.object({
  jobId: z.uuid(),
  status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED']),
  projections: z.array(z.string()),
  processed: z.number().int(),
  total: z.number().int(),
  error: z.string().optional(),
});

export const projectionStatuses = z.array(
  z.object({
    name: z.string(),
    position: z
      .string()
      .describe(
        'the global position through which every event is applied (a low-water mark across ' +
          'Kafka partitions), a decimal string',
      ),
    lagMs: z.number().int(),
    status: z.enum(['LIVE', 'LAGGING', 'REBUILDING']),
    deadLetters: z.number().int(),
  }),
);

export const health = z.object({ status: z.literal('ok') });

export const readiness = z.object({
  status: z.enum(['ready', 'unavailable']),
  checks: z.record(
    z.string().describe('a dependency: mysql, eventStore, redis, kafka'),
    z.object({ ok: z.boolean(), error: z.string().optional() }),
  ),
});

export const dashboardSummary = z.object({
  at: time,
  skus: z.array(
    z
      .object({
        skuId: z.string(),
        name: z.string().nullable(),
        stocked: z.number().int().nullable(),
        available: z.number().int().nullable(),
        reserved: z.number().int().nullable(),
        sold: z.number().int().nullable(),
      })
      .describe(
        'counters null: the ledger knows the SKU and Redis does not, so it cannot be bought',
      ),
  ),
  skusCut: z
    .boolean()
    .describe('more SKUs exist than are shown and audited: the first 100 by id are'),
  outcomes: z
    .record(z.string(), z.number())
    .describe('reservation outcomes counted by the answering process since it started'),
  pendingReservations: z.number().int(),
  projections: z.array(
    z.object({
      name: z.string(),
      lagMs: z.number().int(),
      status: z.string(),
      deadLetters: z.number().int(),
    }),
  ),
  audit: z.object({
    at: time.nullable(),
    discrepancies: z.array(z.looseObject({ skuId: z.string() })),
  }),
});
