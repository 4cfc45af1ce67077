import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { client } from '../../infra/local/api-client';

describe('the API client with a bound on calls in flight', () => {
  let server: Server;
  let base: string;
  let inFlight = 0;
  let most = 0;
  beforeAll(async () => {
    // Holds every request 20 ms, so calls that are let through together overlap here.
    server = createServer((_req, res) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      setTimeout(() => {
        inFlight -= 1;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      }, 20);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    most = 0;
  });

  it('When 40 calls are made at once with at most 3 in flight, then the server never sees more than 3 and every call is answered', async () => {
    const http = client(base, { maxInFlight: 3 });

    const answers = await Promise.all(Array.from({ length: 40 }, () => http.get('/')));

    expect(answers.every((a) => a.status === 200 && a.body.ok === true)).toBe(true);
    expect(most).toBe(3);
  });

  it('When a call fails, then its turn is given back', async () => {
    // Port 9 refuses connections. With one turn, a failure that kept it would leave every
    // later call waiting for ever (the test would time out instead of seeing them fail).
    const dead = client('http://127.0.0.1:9', { maxInFlight: 1 });

    const results = await Promise.allSettled([dead.get('/'), dead.get('/'), dead.get('/')]);

    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
  }, 10_000);

  it('When no bound is given, then calls are not held back', async () => {
    const http = client(base);

    await Promise.all(Array.from({ length: 10 }, () => http.get('/')));

    expect(most).toBe(10);
  });
});
