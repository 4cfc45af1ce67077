import { startSystem, type System } from '../main';
import { createLogger } from '../infra/log';
import { testConfig } from './support/config';
import { createTestDatabase, type TestDatabase } from './support/mysql';
import { spawnService as run } from '../infra/local/service-process';
import { until } from './support/wait';

const silent = createLogger({ level: 'silent' });

describe('the service process', () => {
  let database: TestDatabase;
  const running: System[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('sys');
  });
  afterAll(async () => {
    await Promise.all(running.map((s) => s.stop()));
    await database.drop();
  });

  async function start(overrides: Record<string, string> = {}) {
    const system = await startSystem(testConfig({ MYSQL_URL: database.url, ...overrides }), silent);
    running.push(system);
    return `http://127.0.0.1:${system.port}`;
  }

  it('When every dependency answers, then /healthz and /readyz say so, with a request id', async () => {
    const base = await start();
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(health.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const ready = await fetch(`${base}/readyz`, { headers: { 'X-Request-Id': 'trace-1' } });
    expect(ready.headers.get('x-request-id')).toBe('trace-1');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: {
        mysql: { ok: true },
        eventStore: { ok: true },
        redis: { ok: true },
        hotInventory: { ok: true },
        kafka: { ok: true },
      },
    });
  });

  it('When Kafka and Redis do not answer, then /readyz is 503 and names them', async () => {
    const base = await start({ KAFKA_BROKERS: '127.0.0.1:1', REDIS_URL: 'redis://127.0.0.1:1' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as {
      checks: Record<string, { ok: boolean; error?: string }>;
    };
    expect(body.checks.mysql!.ok).toBe(true);
    expect(body.checks.kafka!.ok).toBe(false);
    expect(body.checks.redis!.ok).toBe(false);
    expect(body.checks.kafka!.error).toEqual(expect.any(String));
  });

  it('When only the api role runs, then Kafka is not one of its dependencies', async () => {
    const base = await start({ ROLES: 'api', KAFKA_BROKERS: '127.0.0.1:1' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(Object.keys(((await ready.json()) as { checks: object }).checks).sort()).toEqual([
      'eventStore',
      'hotInventory',
      'mysql',
      'redis',
    ]);
  });

  it('When only back-office roles run, then it still answers /readyz for their dependencies, naming the one away', async () => {
    const base = await start({
      ROLES: 'relay,projector',
      KAFKA_BROKERS: '127.0.0.1:1',
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as {
      checks: Record<string, { ok: boolean; error?: string }>;
    };
    // Redis is not a dependency of these roles, so its absence does not count.
    expect(Object.keys(body.checks).sort()).toEqual(['eventStore', 'kafka', 'mysql']);
    expect(body.checks.kafka).toEqual({ ok: false, error: expect.any(String) });
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
    // No API routes without the api role.
    expect((await fetch(`${base}/v1/orders`, { method: 'POST' })).status).toBe(404);
  });

  it('When a route does not exist, then the answer is the JSON error body', async () => {
    const base = await start({ ROLES: 'api' });
    const res = await fetch(`${base}/v1/nothing`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'no route for GET /v1/nothing', details: {} },
    });
  });

  it('When a variable is bad, then the process stops at start and names it', async () => {
    const proc = run({
      PORT: 'eighty',
      RESERVATION_TTL_SECONDS: '-5',
      JWT_SECRET: 'x'.repeat(20),
      PAYMENT_WEBHOOK_SECRET: 'y'.repeat(20),
    });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toMatch(/PORT/);
    expect(proc.output()).toMatch(/RESERVATION_TTL_SECONDS/);
  });

  it('When a secret is missing outside tests, then the process refuses to start', async () => {
    const proc = run({ JWT_SECRET: 'x'.repeat(20) });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toMatch(/PAYMENT_WEBHOOK_SECRET is required/);
  });

  it('When the process gets SIGTERM, then it closes everything and exits 0', async () => {
    const proc = run({
      PORT: '0',
      MYSQL_URL: database.url,
      JWT_SECRET: 'x'.repeat(20),
      PAYMENT_WEBHOOK_SECRET: 'y'.repeat(20),
    });
    await until(() => proc.output().includes('"msg":"listening"'));
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    expect(proc.output()).toMatch(/"msg":"stopped"/);
  });
});
