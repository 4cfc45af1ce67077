import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEV_SECRETS, readTokenRequest } from '../../infra/cli/token';
import { JWT_SECRET, startTestSystem, WEBHOOK_SECRET, type TestSystem } from '../support/system';

const root = join(__dirname, '..', '..');

function token(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      join(root, 'node_modules', '.bin', 'tsx'),
      ['infra/cli/token.ts', ...args],
      { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 },
      (error, stdout) => (error ? reject(error) : resolve(stdout.trim())),
    );
  });
}

describe('npm run token', () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem({}, { label: 'token' });
    await t.listSku({ skuId: 'TOK-1', stock: 5 });
  });
  afterAll(() => t.stop());

  it('When a customer token and an admin token are made with the service secret, then the API takes each in its role', async () => {
    const secrets = { JWT_SECRET, PAYMENT_WEBHOOK_SECRET: WEBHOOK_SECRET };
    const customer = await token(['--user', 'tok-user'], secrets);
    const admin = await token(['--user', 'tok-admin', '--role', 'admin', '--ttl', '60'], secrets);

    const placed = await t.http.post(
      '/v1/orders',
      { items: [{ skuId: 'TOK-1', quantity: 1 }] },
      { token: customer },
    );
    expect(placed.status).toBe(201);
    expect((await t.http.get('/v1/admin/skus/TOK-1/audit', { token: customer })).status).toBe(403);
    expect((await t.http.get('/v1/admin/skus/TOK-1/audit', { token: admin })).status).toBe(200);

    const payment = await t.http.post(`/v1/orders/${placed.body.orderId}/payments`, undefined, {
      token: customer,
    });
    const body = JSON.stringify({
      paymentId: payment.body.paymentId,
      orderId: placed.body.orderId,
      transactionId: 'tok-tx-1',
      status: 'SUCCEEDED',
      amount: payment.body.amount,
      currency: payment.body.currency,
    });
    const signature = await token(['--callback', body], secrets);
    const paid = await t.callback({}, signature, body);
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ orderStatus: 'CONFIRMED', paymentStatus: 'COMPLETED' });
  }, 60_000);

  it('When no secret is set, then it signs with the very secrets npm run dev uses', () => {
    const dev = readFileSync(join(root, 'infra', 'local', 'dev.sh'), 'utf8');
    expect(dev).toContain(`JWT_SECRET:-${DEV_SECRETS.jwt}}`);
    expect(dev).toContain(`PAYMENT_WEBHOOK_SECRET:-${DEV_SECRETS.webhook}}`);
  });

  it('When its flags are read, then --role and --ttl have defaults and --callback stands alone', () => {
    expect(readTokenRequest(['--user', 'a'])).toEqual({
      kind: 'token',
      user: 'a',
      role: 'customer',
      ttlSeconds: 3600,
    });
    expect(() => readTokenRequest(['--callback', '{}', '--user', 'a'])).toThrow(/no other flag/);
    expect(() => readTokenRequest(['--role', 'admin'])).toThrow(/--user/);
    expect(() => readTokenRequest(['--user', 'a', '--role', 'root'])).toThrow(/customer, admin/);
  });
});
