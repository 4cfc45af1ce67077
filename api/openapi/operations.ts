import { z } from 'zod';
import {
  createSkuBody,
  emptyBody,
  getOrderQuery,
  idempotencyKey,
  listOrdersQuery,
  paymentCallbackBody,
  placeOrderBody,
  rebuildBody,
  restockBody,
  skuAuditQuery,
} from '../http/schemas';
import * as answer from './responses';

/** Who may call an operation: the security scheme and role the document states. */
export type Access = 'public' | 'customer' | 'admin' | 'signature';

export type Operation = {
  method: 'get' | 'post';
  /** In OpenAPI form: `/v1/orders/{orderId}`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  access: Access;
  params?: Record<string, z.ZodType>;
  query?: z.ZodObject;
  headers?: { name: string; schema: z.ZodType; description: string }[];
  body?: z.ZodType;
  /** The body may be left out altogether (it then means `{}`). */
  bodyOptional?: boolean;
  answer: {
    status: number;
    description: string;
    schema?: z.ZodType;
    mediaType?: string;
    /** What the `Location` header of the answer names. */
    location?: string;
  };
  /** Error statuses besides those of its access (401/403 are added from it). */
  errors: number[];
};

/**
 * A path parameter: any text. One that no order, SKU or job can have is answered as any unknown
 * id is (404), never as a malformed request; only a path that is not valid percent-encoding is 400.
 */
const pathId = (what: string, form: string) =>
  z.string().describe(`${what} (${form}); any other text is 404, as an unknown one`);
const orderId = { orderId: pathId('the order id', 'a UUID') };
const skuId = { skuId: pathId('the SKU id', '1-64 of A-Z a-z 0-9 _ -') };
const jobId = { jobId: pathId('the job id', 'a UUID') };

/** Every operation of docs/API.md, with the schemas that validate its input. */
export const OPERATIONS: readonly Operation[] = [
  {
    method: 'post',
    path: '/v1/admin/skus',
    tag: 'catalog',
    summary: 'List a SKU for sale',
    access: 'admin',
    body: createSkuBody,
    answer: {
      status: 201,
      description: 'the SKU as listed',
      schema: answer.skuCreated,
      location: 'the SKU: /v1/skus/{skuId}',
    },
    errors: [400, 409, 413, 503],
  },
  {
    method: 'post',
    path: '/v1/admin/skus/{skuId}/restock',
    tag: 'catalog',
    summary: 'Add stock to a SKU',
    access: 'admin',
    params: skuId,
    body: restockBody,
    answer: { status: 200, description: 'the SKU after the restock', schema: answer.restocked },
    errors: [400, 404, 413, 503],
  },
  {
    method: 'get',
    path: '/v1/skus/{skuId}',
    tag: 'catalog',
    summary: 'A SKU and the units that can still be bought',
    access: 'customer',
    params: skuId,
    answer: { status: 200, description: 'the SKU', schema: answer.skuView },
    errors: [404, 503],
  },
  {
    method: 'post',
    path: '/v1/orders',
    tag: 'orders',
    summary: 'Place an order: reserve every line atomically, or none',
    description:
      'Served by the purchase fast path (api/fast-purchase.ts) ahead of express, with the same ' +
      'validation and errors. The same Idempotency-Key from the same user with the same body ' +
      'answers the first answer again, as it was then (PENDING at revision 0, even if the order ' +
      'has since been paid, cancelled or expired: GET the order for where it stands); with ' +
      'another body, 409 IDEMPOTENCY_KEY_REUSED.',
    access: 'customer',
    headers: [
      {
        name: 'Idempotency-Key',
        schema: idempotencyKey,
        description: '1-128 printable characters; makes a retry safe',
      },
    ],
    body: placeOrderBody,
    answer: {
      status: 201,
      description: 'the order, PENDING',
      schema: answer.orderPlaced,
      location: 'the order: /v1/orders/{orderId}',
    },
    errors: [400, 404, 409, 413, 429, 503],
  },
  {
    method: 'get',
    path: '/v1/orders',
    tag: 'orders',
    summary: "The caller's own orders, newest first",
    access: 'customer',
    query: listOrdersQuery,
    answer: { status: 200, description: 'a page of orders', schema: answer.orderList },
    errors: [400, 503],
  },
  {
    method: 'get',
    path: '/v1/orders/{orderId}',
    tag: 'orders',
    summary: 'One order, from the read models; with minRevision, once they reach a revision',
    description:
      'The order comes from the read models, which follow the commands by a few milliseconds, ' +
      'each on its own; the view is always whole: where its parts stand at different ' +
      "revisions, it is read from the order's event stream at the revision of its `orders` " +
      'row. `?minRevision=N` (read-your-writes) waits up to 5 s for the read model to reach ' +
      'revision N; the body then says `"stale": true` if it did not (an order the read model ' +
      'still lacks is then answered as its stream has it). An order that does not exist is a ' +
      "404 at once. Another user's order is 404; an admin token sees every order (support).",
    access: 'customer',
    params: orderId,
    query: getOrderQuery,
    answer: { status: 200, description: 'the order', schema: answer.orderView },
    errors: [400, 404, 503],
  },
  {
    method: 'post',
    path: '/v1/orders/{orderId}/payments',
    tag: 'orders',
    summary: 'Start a payment attempt',
    description:
      '409 ORDER_NOT_PAYABLE unless the order is PENDING. An order found at or past its ' +
      '`expiresAt` is EXPIRED: the attempt records its expiry, gives its stock back and answers ' +
      "that 409 with `details.status` EXPIRED. Another user's order is 404; an admin token may " +
      'act on any order (support).',
    access: 'customer',
    params: orderId,
    body: emptyBody,
    bodyOptional: true,
    answer: { status: 201, description: 'the attempt, PENDING', schema: answer.paymentStarted },
    errors: [400, 404, 409, 413, 429, 503],
  },
  {
    method: 'post',
    path: '/v1/orders/{orderId}/cancel',
    tag: 'orders',
    summary: 'Cancel a PENDING order; its stock goes back',
    description:
      '409 ORDER_NOT_CANCELLABLE unless the order is PENDING. An order found at or past its ' +
      '`expiresAt` is EXPIRED: the cancel records its expiry, gives its stock back and answers ' +
      "that 409 with `details.status` EXPIRED. Another user's order is 404; an admin token may " +
      'act on any order (support).',
    access: 'customer',
    params: orderId,
    body: emptyBody,
    bodyOptional: true,
    answer: { status: 200, description: 'the order, CANCELLED', schema: answer.orderCancelled },
    errors: [400, 404, 409, 413, 429, 503],
  },
  {
    method: 'post',
    path: '/v1/payments/callback',
    tag: 'payments',
    summary: "The payment provider's result of an attempt",
    description:
      'SUCCEEDED confirms a PENDING order; FAILED marks the attempt failed; a success for an ' +
      'EXPIRED or CANCELLED order, or a second success, is refunded. An order still PENDING at ' +
      'or past its `expiresAt` is EXPIRED: the callback records its expiry first (a success is ' +
      'then refunded and its stock given back), whether or not the timeout has fired yet. The ' +
      'answer tells what the delivered transaction did: an attempt already paid stays COMPLETED ' +
      'on the order even when a later transaction for it failed or was refunded (a refund shows ' +
      "in that payment's `refunds`). The same " +
      'transactionId again answers the same result and changes nothing; the same transactionId ' +
      'for another attempt is a 400.',
    access: 'signature',
    body: paymentCallbackBody,
    answer: { status: 200, description: 'the outcome', schema: answer.callbackAnswer },
    errors: [400, 404, 413, 422, 503],
  },
  {
    method: 'get',
    path: '/v1/admin/orders/{orderId}/events',
    tag: 'audit',
    summary: "An order's events, straight from the event store",
    access: 'admin',
    params: orderId,
    answer: { status: 200, description: 'the stream', schema: answer.orderEvents },
    errors: [404, 503],
  },
  {
    method: 'get',
    path: '/v1/admin/skus/{skuId}/audit',
    tag: 'audit',
    summary: 'Reconcile a SKU: hot counter, ledger and event store',
    description:
      'lines=N: the ledger holds only its last N lines (0: none), ledgerLines counting them all; ' +
      'without it, every line',
    access: 'admin',
    params: skuId,
    query: skuAuditQuery,
    answer: { status: 200, description: 'the reconciliation', schema: answer.skuAudit },
    errors: [404, 503],
  },
  {
    method: 'post',
    path: '/v1/admin/projections/rebuild',
    tag: 'projections',
    summary: 'Rebuild read models from the event store into fresh tables, then swap them in',
    access: 'admin',
    body: rebuildBody,
    bodyOptional: true,
    answer: {
      status: 202,
      description:
        'the job started, or the one already running (one rebuild of a database at a time, across processes)',
      schema: answer.rebuildAccepted,
      location: "the job's progress: /v1/admin/projections/jobs/{jobId}",
    },
    errors: [400, 409, 413, 503],
  },
  {
    method: 'get',
    path: '/v1/admin/projections/jobs/{jobId}',
    tag: 'projections',
    summary: 'Progress of a rebuild',
    access: 'admin',
    params: jobId,
    answer: { status: 200, description: 'the job', schema: answer.rebuildJob },
    errors: [404, 503],
  },
  {
    method: 'get',
    path: '/v1/admin/projections',
    tag: 'projections',
    summary: 'Every read model: position, lag and status',
    access: 'admin',
    answer: { status: 200, description: 'the projections', schema: answer.projectionStatuses },
    errors: [503],
  },
  {
    method: 'get',
    path: '/v1/admin/dashboard',
    tag: 'operations',
    summary: 'What the operator page shows: stock per SKU, outcomes, pending, lags, audit',
    access: 'admin',
    answer: { status: 200, description: 'the summary', schema: answer.dashboardSummary },
    errors: [503],
  },
  {
    method: 'get',
    path: '/dashboard',
    tag: 'operations',
    summary: 'The operator page (static; it asks for an admin token and polls /v1/admin/dashboard)',
    access: 'public',
    answer: { status: 200, description: 'HTML', mediaType: 'text/html' },
    errors: [],
  },
  {
    method: 'get',
    path: '/healthz',
    tag: 'operations',
    summary: 'Liveness: 200 while the process lives',
    access: 'public',
    answer: { status: 200, description: 'alive', schema: answer.health },
    errors: [],
  },
  {
    method: 'get',
    path: '/readyz',
    tag: 'operations',
    summary: 'Readiness: 200 when every dependency of the roles this process runs answers',
    description: 'A 503 answers the same shape, naming each dependency that did not answer.',
    access: 'public',
    answer: { status: 200, description: 'ready', schema: answer.readiness },
    errors: [503],
  },
  {
    method: 'get',
    path: '/metrics',
    tag: 'operations',
    summary: 'Prometheus metrics',
    access: 'public',
    answer: { status: 200, description: 'Prometheus text format 0.0.4', mediaType: 'text/plain' },
    errors: [],
  },
  {
    method: 'get',
    path: '/openapi.json',
    tag: 'operations',
    summary: 'This document',
    access: 'public',
    answer: { status: 200, description: 'OpenAPI 3.1', mediaType: 'application/json' },
    errors: [],
  },
  {
    method: 'get',
    path: '/docs',
    tag: 'operations',
    summary: 'This document as a page',
    access: 'public',
    answer: { status: 200, description: 'HTML', mediaType: 'text/html' },
    errors: [],
  },
];
