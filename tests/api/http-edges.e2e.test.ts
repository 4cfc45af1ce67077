import { connect } from 'node:net';
import { servedRoutes } from '../support/served-routes';
import { startTestSystem, type TestSystem } from '../support/system';

/** Every route the service serves, `{param}`s filled with `value`. */
function servedRoutesWith(value: string): { method: string; path: string }[] {
  return servedRoutes().map(({ method, path }) => ({
    method,
    path: path.replace(/\{\w+\}/g, value),
  }));
}

type RawAnswer = { status: number; headers: Record<string, string>; body: unknown };

/**
 * Writes each part as it is on one connection of its own, `afterMs` after the previous one, as
 * no HTTP client would send them, and reads all that comes back until the server closes it.
 */
function rawConversation(
  port: number,
  parts: { bytes: string; afterMs?: number }[],
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    let at = 0;
    for (const { bytes, afterMs = 0 } of parts) {
      at += afterMs;
      if (at === 0) socket.write(bytes, 'latin1');
      else setTimeout(() => socket.write(bytes, 'latin1'), at);
    }
  });
}

/** One request's bytes, and the answer they get. */
const rawExchange = (port: number, bytes: string): Promise<RawAnswer> =>
  rawConversation(port, [{ bytes }]).then(parseAnswer);

function parseAnswer(text: string): RawAnswer {
  const end = text.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  const rest = text.slice(end + 4);
  let body: unknown = rest;
  try {
    body = JSON.parse(rest);
  } catch {
    // not JSON: the test sees the text
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

describe('the edges of HTTP', () => {
  let sys: TestSystem;

  const port = () => Number(new URL(sys.base).port);

  beforeAll(async () => {
    sys = await startTestSystem({}, { label: 'httpedge' });
  });
  afterAll(async () => {
    await sys.stop();
  });

  describe('routing', () => {
    const routes = servedRoutesWith('x');

    it.each(routes.map((r) => [`${r.method} ${r.path}`, r] as const))(
      'When %s is asked for in upper case, then it is 404 NOT_FOUND as any unknown path',
      async (_, { method, path }) => {
        const res = await sys.http.call(method, path.toUpperCase(), undefined, {
          token: sys.admin,
        });
        expect({ status: res.status, code: res.body?.error?.code }).toEqual({
          status: 404,
          code: 'NOT_FOUND',
        });
        expect(res.body.error).toEqual({
          code: 'NOT_FOUND',
          message: expect.any(String),
          details: expect.any(Object),
        });
        expect(res.headers.get('x-request-id')).toBeTruthy();
      },
    );

    it.each(routes.map((r) => [`${r.method} ${r.path}`, r] as const))(
      'When %s is asked for as written, then a route takes it',
      async (_, { method, path }) => {
        // Broken JSON: a POST is refused before it could change anything.
        const raw = method === 'POST' ? '{' : undefined;
        const res = await sys.http.call(method, path, undefined, { token: sys.admin, raw });
        expect(res.body?.error?.message ?? '').not.toMatch(/^no route for/);
      },
    );

    /** Each served path with the methods it serves, as `Allow` lists them. */
    const paths = [...new Set(routes.map((r) => r.path))].map((path) => {
      const served = new Set(routes.filter((r) => r.path === path).map((r) => r.method));
      if (served.has('GET')) served.add('HEAD');
      served.add('OPTIONS');
      return { path, allow: [...served].sort() };
    });

    it.each(paths.map((p) => [p.path, p] as const))(
      'When %s is asked with a method it does not serve, then 405 METHOD_NOT_ALLOWED with Allow; OPTIONS answers 204 with the same',
      async (_, { path, allow }) => {
        const others = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => !allow.includes(m));
        expect(others.length).toBeGreaterThan(0);
        for (const method of others) {
          const res = await sys.http.call(method, path, undefined, { token: sys.admin });
          expect({ method, status: res.status, allow: res.headers.get('allow') }).toEqual({
            method,
            status: 405,
            allow: allow.join(', '),
          });
          expect(res.body.error).toEqual({
            code: 'METHOD_NOT_ALLOWED',
            message: `${method} is not served on ${path}`,
            details: { allow },
          });
          expect(res.headers.get('x-request-id')).toBeTruthy();
        }
        const options = await sys.http.call('OPTIONS', `${path}/`, undefined);
        expect({ status: options.status, allow: options.headers.get('allow') }).toEqual({
          status: 204,
          allow: allow.join(', '),
        });
      },
    );

    it('When OPTIONS asks for the order routes, then Allow names the purchase beside the list; an unknown path stays 404 for every method', async () => {
      const orders = await sys.http.call('OPTIONS', '/v1/orders', undefined);
      expect(orders.headers.get('allow')).toBe('GET, HEAD, OPTIONS, POST');
      for (const method of ['OPTIONS', 'DELETE', 'GET']) {
        const res = await sys.http.call(method, '/v1/nothing-here', undefined);
        expect({ method, status: res.status }).toEqual({ method, status: 404 });
      }
      // A path parameter is one segment: a deeper path is not the route's.
      const deeper = await sys.http.call('DELETE', '/v1/orders/x/y/z', undefined);
      expect(deeper.status).toBe(404);
    });

    it('When the purchase and the order list are asked for in mixed case, then both are 404', async () => {
      const token = sys.customer('shouter');
      const list = await sys.http.get('/V1/ORDERS', { token });
      const buy = await sys.http.post(
        '/V1/Orders',
        { items: [{ skuId: 'x', quantity: 1 }] },
        { token },
      );
      expect([list.status, buy.status]).toEqual([404, 404]);
      expect([list.body.error.code, buy.body.error.code]).toEqual(['NOT_FOUND', 'NOT_FOUND']);
    });
  });

  describe('kept-alive connections', () => {
    it("When a connection sits idle past Node's default 5 s, then it is still open and serves the next request; the answers say how long it is kept", async () => {
      const get = (close: boolean) =>
        `GET /healthz HTTP/1.1\r\nHost: x\r\n${close ? 'Connection: close\r\n' : ''}\r\n`;
      const text = await rawConversation(port(), [
        { bytes: get(false) },
        { bytes: get(true), afterMs: 6_000 },
      ]);
      const answers = text.split('HTTP/1.1 ').slice(1);
      expect(answers.map((a) => a.slice(0, 3))).toEqual(['200', '200']);
      expect(answers[0]).toMatch(/\r\nKeep-Alive: timeout=65\r\n/i);
    }, 15_000);
  });

  describe('percent-encoding in a path', () => {
    const served = servedRoutesWith('%zz').filter((r) => r.path.includes('%zz'));
    // OPTIONS too: it answers for every route of a path, before any of them.
    const withParams = [
      ...served,
      ...[...new Set(served.map((r) => r.path))].map((path) => ({ method: 'OPTIONS', path })),
    ];

    it('When the routes are listed, then those with a path parameter are there', () => {
      expect(withParams.map((r) => r.path)).toEqual(
        expect.arrayContaining(['/v1/skus/%zz', '/v1/orders/%zz', '/v1/admin/skus/%zz/restock']),
      );
    });

    it.each(withParams.map((r) => [`${r.method} ${r.path}`, r] as const))(
      'When %s is asked for, then it is 400 VALIDATION_FAILED about the percent-encoding',
      async (_, { method, path }) => {
        const res = await sys.http.call(method, path, undefined, { token: sys.admin });
        expect({ status: res.status, code: res.body?.error?.code }).toEqual({
          status: 400,
          code: 'VALIDATION_FAILED',
        });
        expect(res.body.error).toEqual({
          code: 'VALIDATION_FAILED',
          message: expect.stringMatching(/percent-encoding/),
          details: { path },
        });
        expect(res.body.error.message).not.toMatch(/JSON/);
        expect(res.headers.get('x-request-id')).toBeTruthy();
      },
    );
  });

  describe('requests that the HTTP parser refuses', () => {
    const order = '{"items":[{"skuId":"x","quantity":1}]}';
    const cases: [string, string, number, RegExp][] = [
      [
        'a control character in Idempotency-Key',
        `POST /v1/orders HTTP/1.1\r\nHost: a\r\nIdempotency-Key: a\x01b\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${order.length}\r\n\r\n${order}`,
        400,
        /not valid HTTP/,
      ],
      [
        'a header line without a colon',
        'GET /healthz HTTP/1.1\r\nHost: a\r\nno colon here\r\n\r\n',
        400,
        /not valid HTTP/,
      ],
      ['a request line of garbage', 'HELLO THERE\r\n\r\n', 400, /not valid HTTP/],
      [
        'headers over the size limit',
        `GET /healthz HTTP/1.1\r\nHost: a\r\nX-Pad: ${'p'.repeat(20_000)}\r\n\r\n`,
        431,
        /headers are too large/,
      ],
    ];

    it.each(cases)(
      'When a request has %s, then it gets the JSON error body and an X-Request-Id',
      async (_, bytes, status, message) => {
        const answer = await rawExchange(port(), bytes);
        expect(answer.status).toBe(status);
        expect(answer.body).toEqual({
          error: {
            code: 'VALIDATION_FAILED',
            message: expect.stringMatching(message),
            details: {},
          },
        });
        expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
        expect(answer.headers['content-type']).toMatch(/^application\/json/);
        expect(answer.headers.connection).toBe('close');
      },
    );

    it('When a malformed request follows a purchase on one connection in the same packet, then the purchase gets its own answer first', async () => {
      await sys.listSku({ skuId: 'pipe-0', stock: 1 });
      const body = JSON.stringify({ items: [{ skuId: 'pipe-0', quantity: 1 }] });
      const purchase =
        `POST /v1/orders HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer ${sys.customer('pipe-0')}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
      const text = await rawConversation(port(), [{ bytes: purchase + 'HELLO THERE\r\n\r\n' }]);
      // The purchase's answer, then the refusal: never the refusal in the purchase's place.
      expect(text).toMatch(/^HTTP\/1\.1 201 /);
      const second = text.indexOf('HTTP/1.1 400 ');
      expect(second).toBeGreaterThan(0);
      const placed = await sys.events((e) => e.type === 'OrderPlaced');
      const orderId = /"orderId":"([0-9a-f-]{36})"/.exec(text.slice(0, second))![1];
      expect(placed.some((e) => (e.data as { orderId: string }).orderId === orderId)).toBe(true);
    });

    it('When a malformed request arrives while a slow read on the same connection is answered, then the read keeps its answer and the refusal follows', async () => {
      await sys.listSku({ skuId: 'pipe-slow', stock: 1 });
      const token = sys.customer('pipe-slow');
      const placed = await sys.http.post(
        '/v1/orders',
        { items: [{ skuId: 'pipe-slow', quantity: 1 }] },
        { token },
      );
      // No projector runs here: minRevision waits its 5 s and answers from the stream, stale.
      const read =
        `GET /v1/orders/${placed.body.orderId}?minRevision=5 HTTP/1.1\r\nHost: a\r\n` +
        `Authorization: Bearer ${token}\r\n\r\n`;
      const text = await rawConversation(port(), [
        { bytes: read },
        { bytes: 'HELLO THERE\r\n\r\n', afterMs: 50 },
      ]);
      expect(text).toMatch(/^HTTP\/1\.1 200 /);
      expect(text).toContain('"stale":true');
      expect(text.indexOf('HTTP/1.1 400 ')).toBeGreaterThan(text.indexOf('"stale":true'));
    }, 20_000);

    it('When such requests have been refused, then the service goes on answering', async () => {
      expect((await sys.http.get('/healthz')).status).toBe(200);
    });
  });

  describe('currencies', () => {
    const sku = (skuId: string, currency: string) => ({
      skuId,
      name: `SKU ${skuId}`,
      price: 500,
      currency,
      stock: 1,
    });

    it.each([
      ['ABC', 'a code of three letters that no currency has'],
      ['XXX', 'the code for no currency'],
      ['XTS', 'the code reserved for tests'],
      ['DEM', 'a withdrawn currency'],
    ])(
      'When a SKU is listed in %s (%s), then it is 400 VALIDATION_FAILED naming currency',
      async (currency) => {
        const res = await sys.http.post('/v1/admin/skus', sku(`in-${currency}`, currency), {
          token: sys.admin,
        });
        expect({ status: res.status, code: res.body?.error?.code }).toEqual({
          status: 400,
          code: 'VALIDATION_FAILED',
        });
        expect(res.body.error.message).toMatch(/body\.currency .*ISO 4217/);
        expect(res.body.error.details.issues).toEqual([
          { path: 'body.currency', message: expect.stringMatching(/ISO 4217/) },
        ]);
      },
    );

    it.each(['EUR', 'USD', 'JPY'])(
      'When a SKU is listed in %s, then it is listed',
      async (currency) => {
        const res = await sys.http.post('/v1/admin/skus', sku(`in-${currency}`, currency), {
          token: sys.admin,
        });
        expect(res.status).toBe(201);
        expect(res.body.currency).toBe(currency);
      },
    );

    it("When a callback carries a code that is no currency, then it is 422 AMOUNT_MISMATCH, as any currency other than the payment's", async () => {
      await sys.listSku({ skuId: 'paid-in-eur', stock: 5, price: 700 });
      const token = sys.customer('payer');
      const placed = await sys.http.post(
        '/v1/orders',
        { items: [{ skuId: 'paid-in-eur', quantity: 1 }] },
        { token },
      );
      const { orderId } = placed.body;
      const payment = await sys.http.post(`/v1/orders/${orderId}/payments`, undefined, { token });
      const { paymentId, amount } = payment.body;
      const callback = { paymentId, orderId, transactionId: 'tx-abc', status: 'SUCCEEDED', amount };
      const res = await sys.callback({ ...callback, currency: 'ABC' });
      expect({ status: res.status, code: res.body?.error?.code }).toEqual({
        status: 422,
        code: 'AMOUNT_MISMATCH',
      });
    });
  });
});
