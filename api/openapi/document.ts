import { z } from 'zod';
import { SIGNATURE_TOLERANCE_SECONDS } from '../http/webhook-signature';
import { OPERATIONS, type Access, type Operation } from './operations';
import { errorResponse } from './responses';

/** What each error status means, by code (docs/API.md, "Errors"). */
const ERRORS: Record<number, string> = {
  400: 'VALIDATION_FAILED: malformed JSON, wrong types, out-of-range numbers, unknown fields, mixed currencies; a path that is not valid percent-encoding (details.path)',
  401: 'UNAUTHENTICATED (missing or bad token) or INVALID_SIGNATURE (bad webhook signature)',
  403: 'FORBIDDEN: a customer calling an admin route',
  404: "NOT_FOUND: unknown order, SKU or job; another user's order is also 404 to a customer (an admin reads, pays and cancels any order)",
  409: 'SOLD_OUT (details.skuId), LIMIT_EXCEEDED, ORDER_NOT_PAYABLE, ORDER_NOT_CANCELLABLE, SKU_EXISTS, IDEMPOTENCY_KEY_REUSED, or REBUILD_RUNNING (a rebuild that does not cover the request is running; details.jobId)',
  405: 'METHOD_NOT_ALLOWED: a served path asked with a method it does not serve; `Allow` and details.allow name those it does',
  413: 'PAYLOAD_TOO_LARGE: body over 64 KiB',
  422: "AMOUNT_MISMATCH: the callback's amount or currency differs from the payment's",
  429: 'RATE_LIMITED: see Retry-After',
  503: 'UNAVAILABLE: a dependency is down; nothing was changed',
};

/** Headers an error answer carries besides X-Request-Id (api/http/errors.ts, errorHeaders). */
const ERROR_HEADERS: Record<string, Record<string, unknown>> = {
  401: {
    'WWW-Authenticate': {
      description: 'on UNAUTHENTICATED: `Bearer realm="flashsale", error="invalid_token"`',
      schema: { type: 'string' },
    },
  },
  405: { Allow: { description: 'the methods the path serves', schema: { type: 'string' } } },
  429: { 'Retry-After': { schema: { type: 'integer' } } },
};

const DESCRIPTION = `The HTTP contract of the flash-sale order system (docs/API.md).

Every error answers \`{ "error": { "code", "message", "details" } }\` (schema \`Error\`) and every
response carries \`X-Request-Id\` (the caller's, when it sends a sane one). A request that is not
valid HTTP/1.1 answers 400 VALIDATION_FAILED with the same body, headers over 16 KiB 431, a request
that does not arrive in time 408, and the connection is closed. Money is an integer in
minor units with an ISO 4217 \`currency\`; times are ISO 8601 UTC strings.

Customers and admins authenticate with \`Authorization: Bearer <JWT>\` (HS256, claims \`sub\`,
\`role\` = \`customer\` | \`admin\`, \`exp\`). The payment provider's callback carries no JWT but
\`X-Payment-Signature\` (see the \`paymentSignature\` scheme). A 401 UNAUTHENTICATED carries
\`WWW-Authenticate: Bearer\`.

A path served with a method it does not serve answers 405 METHOD_NOT_ALLOWED with \`Allow\`
(response \`E405\`); \`OPTIONS\` on a served path answers 204 with \`Allow\`, and \`HEAD\` is served
wherever \`GET\` is. A path that is not valid percent-encoding (\`/v1/skus/%zz\`) is 400 for every
method.`;

const SIGNATURE = `\`X-Payment-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(PAYMENT_WEBHOOK_SECRET, "<t>." + raw body)>\`.
A signature that is missing, malformed, wrong, or whose \`t\` is more than ${SIGNATURE_TOLERANCE_SECONDS} s from now is
rejected with 401 INVALID_SIGNATURE and changes nothing.`;

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1) of what a zod schema accepts. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
}

const SECURITY: Record<Access, Record<string, string[]>[]> = {
  public: [],
  customer: [{ bearerAuth: [] }],
  admin: [{ bearerAuth: [] }],
  signature: [{ paymentSignature: [] }],
};

function parameters(op: Operation) {
  const list: Record<string, unknown>[] = [{ $ref: '#/components/parameters/RequestId' }];
  for (const [name, schema] of Object.entries(op.params ?? {})) {
    list.push({ name, in: 'path', required: true, schema: jsonSchema(schema, 'input') });
  }
  if (op.query) {
    const query = jsonSchema(op.query, 'input') as {
      properties?: Record<string, unknown>;
      required?: string[];
    };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      list.push({
        name,
        in: 'query',
        required: query.required?.includes(name) ?? false,
        schema,
      });
    }
  }
  for (const header of op.headers ?? []) {
    list.push({
      name: header.name,
      in: 'header',
      required: false,
      description: header.description,
      schema: jsonSchema(header.schema, 'input'),
    });
  }
  return list;
}

function responses(op: Operation) {
  const headers = { 'X-Request-Id': { $ref: '#/components/headers/RequestId' } };
  const ok = op.answer;
  const content = ok.schema
    ? { 'application/json': { schema: jsonSchema(ok.schema, 'output') } }
    : { [ok.mediaType ?? 'application/json']: { schema: { type: 'string' } } };
  const okHeaders = ok.location
    ? { ...headers, Location: { description: ok.location, schema: { type: 'string' } } }
    : headers;
  const result: Record<string, unknown> = {
    [ok.status]: { description: ok.description, headers: okHeaders, content },
  };
  const statuses = new Set(op.errors);
  // A path parameter is decoded: a path that is not valid percent-encoding is 400.
  if (op.params) statuses.add(400);
  if (op.access !== 'public') statuses.add(401);
  if (op.access === 'admin') statuses.add(403);
  for (const status of [...statuses].sort()) {
    result[status] =
      op.path === '/readyz'
        ? { description: 'a dependency does not answer', headers, content }
        : { $ref: `#/components/responses/E${status}` };
  }
  return result;
}

function operation(op: Operation) {
  const admin = op.access === 'admin' ? '\n\nAdmins only (`role: admin`).' : '';
  return {
    operationId: `${op.method}${op.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description || admin ? { description: `${op.description ?? ''}${admin}`.trim() } : {}),
    security: SECURITY[op.access],
    ...(op.access === 'admin' ? { 'x-required-role': 'admin' } : {}),
    parameters: parameters(op),
    ...(op.body
      ? {
          requestBody: {
            required: !op.bodyOptional,
            content: { 'application/json': { schema: jsonSchema(op.body, 'input') } },
          },
        }
      : {}),
    responses: responses(op),
  };
}

/** The OpenAPI 3.1 document of the whole API, built from the schemas the routes validate with. */
export function openApiDocument(options: { version?: string } = {}) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    paths[op.path] = { ...paths[op.path], [op.method]: operation(op) };
  }
  const headers = { 'X-Request-Id': { $ref: '#/components/headers/RequestId' } };
  return {
    openapi: '3.1.0',
    info: { title: 'flashsale', version: options.version ?? '0.1.0', description: DESCRIPTION },
    servers: [{ url: '/' }],
    tags: ['catalog', 'orders', 'payments', 'audit', 'projections', 'operations'].map((name) => ({
      name,
    })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'HS256 with JWT_SECRET; claims `sub`, `role` (customer | admin), `exp`.',
        },
        paymentSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Payment-Signature',
          description: SIGNATURE,
        },
      },
      schemas: { Error: jsonSchema(errorResponse, 'output') },
      parameters: {
        RequestId: {
          name: 'X-Request-Id',
          in: 'header',
          required: false,
          description:
            'echoed back, and logged with every event the request causes; 1-128 of [A-Za-z0-9._:-]',
          schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
        },
      },
      headers: {
        RequestId: {
          description: 'the request id: the correlation id of the events it caused',
          schema: { type: 'string' },
        },
      },
      responses: Object.fromEntries(
        Object.entries(ERRORS).map(([status, description]) => [
          `E${status}`,
          {
            description,
            headers: { ...headers, ...ERROR_HEADERS[status] },
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
        ]),
      ),
    },
  };
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;
