import { ConfigError, eventStoreFromEnv, loadConfig } from '../../infra/config';

const secrets = { JWT_SECRET: 'j'.repeat(32), PAYMENT_WEBHOOK_SECRET: 'p'.repeat(32) };

function problemsOf(env: Record<string, string>) {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => p.variable);
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('When nothing but the secrets is set, then every default of docs/API.md applies', () => {
    expect(loadConfig(secrets)).toEqual({
      env: 'development',
      port: 3000,
      mysqlUrl: 'mysql://root@127.0.0.1:3306/flashsale',
      redisUrl: 'redis://127.0.0.1:6379',
      kafkaBrokers: ['127.0.0.1:9092'],
      eventStore: 'mysql',
      eventStoreConnectionString: 'esdb://127.0.0.1:2113?tls=false',
      eventStoreWriters: 1,
      jwtSecret: secrets.JWT_SECRET,
      paymentWebhookSecret: secrets.PAYMENT_WEBHOOK_SECRET,
      reservationTtlSeconds: 900,
      roles: ['api', 'relay', 'projector', 'saga'],
      redisKeyPrefix: 'fs',
      kafkaTopicPrefix: 'flashsale.',
      orphanGraceSeconds: 30,
      rateLimits: {
        user: { capacity: 20, refillPerSecond: 10 },
        address: { capacity: 2000, refillPerSecond: 1000 },
      },
      logLevel: 'info',
    });
  });

  it('When values are given, then they are parsed into their types', () => {
    const config = loadConfig({
      ...secrets,
      PORT: '8080',
      KAFKA_BROKERS: '10.0.0.1:9092, 10.0.0.2:9092',
      EVENT_STORE: 'esdb',
      RESERVATION_TTL_SECONDS: '2',
      ROLES: 'api,saga,api',
    });
    expect(config.port).toBe(8080);
    expect(config.kafkaBrokers).toEqual(['10.0.0.1:9092', '10.0.0.2:9092']);
    expect(config.eventStore).toBe('esdb');
    expect(config.reservationTtlSeconds).toBe(2);
    expect(config.roles).toEqual(['api', 'saga']);
  });

  it('When a secret is missing outside tests, then loading refuses and names it', () => {
    expect(problemsOf({ JWT_SECRET: secrets.JWT_SECRET })).toEqual(['PAYMENT_WEBHOOK_SECRET']);
    expect(problemsOf({})).toEqual(['JWT_SECRET', 'PAYMENT_WEBHOOK_SECRET']);
  });

  it('When running tests, then missing secrets get a test-only value', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).jwtSecret).toMatch(/test-only/);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', ' '],
    ['PORT', '0x10f0'],
    ['PORT', '1e3'],
    ['ORPHAN_GRACE_SECONDS', '3.0'],
    ['MYSQL_URL', 'postgres://x/y'],
    ['MYSQL_URL', 'not a url'],
    ['MYSQL_URL', 'mysql://root@127.0.0.1:3306'],
    ['MYSQL_URL', 'mysql://root@127.0.0.1:3306/flash-sale'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['REDIS_URL', 'redis://127.0.0.1:6379/cache'],
    ['REDIS_URL', 'redis://127.0.0.1:6379/1/2'],
    ['KAFKA_BROKERS', '127.0.0.1'],
    ['KAFKA_BROKERS', 'a:1,,b:2'],
    ['EVENT_STORE', 'postgres'],
    ['EVENTSTORE_CONNECTION_STRING', 'http://127.0.0.1:2113'],
    ['EVENT_STORE_WRITERS', '0'],
    ['EVENT_STORE_WRITERS', '2.5'],
    ['JWT_SECRET', 'short'],
    ['RESERVATION_TTL_SECONDS', '0'],
    ['RESERVATION_TTL_SECONDS', '1.5'],
    ['ROLES', 'api,web'],
    ['LOG_LEVEL', 'loud'],
    ['REDIS_KEY_PREFIX', 'has space'],
    ['RATE_LIMIT_USER_PER_SECOND', '-1'],
  ])('When %s is %p, then loading refuses and names that variable', (variable, value) => {
    expect(problemsOf({ ...secrets, [variable]: value })).toEqual([variable]);
  });

  it('When REDIS_URL names a database by number, or none, then it is taken as written', () => {
    for (const url of ['redis://127.0.0.1:6379/', 'redis://:pw@127.0.0.1:6379/3']) {
      expect(loadConfig({ ...secrets, REDIS_URL: url }).redisUrl).toBe(url);
    }
  });

  it('When several values are bad, then every one is named in the message', () => {
    expect(() => loadConfig({ ...secrets, PORT: 'x', ROLES: 'nope' })).toThrow(/PORT .*; ROLES /);
  });

  it('When a rate is 0, then that limit is off', () => {
    const config = loadConfig({ ...secrets, RATE_LIMIT_ADDRESS_PER_SECOND: '0' });
    expect(config.rateLimits.address).toBeNull();
    expect(config.rateLimits.user).not.toBeNull();
  });

  it('When a command line reads the event store choice alone, then it needs no secret and is checked alike', () => {
    expect(eventStoreFromEnv({})).toEqual({
      kind: 'mysql',
      connectionString: 'esdb://127.0.0.1:2113?tls=false',
    });
    expect(
      eventStoreFromEnv({ EVENT_STORE: 'esdb', EVENTSTORE_CONNECTION_STRING: 'esdb://es:2113' }),
    ).toEqual({ kind: 'esdb', connectionString: 'esdb://es:2113' });
    expect(() => eventStoreFromEnv({ EVENT_STORE: 'postgres' })).toThrow(ConfigError);
    expect(() => eventStoreFromEnv({ EVENT_STORE: 'postgres' })).toThrow(/EVENT_STORE /);
  });

  it('When a variable is set but empty, then its default applies', () => {
    expect(loadConfig({ ...secrets, PORT: '' }).port).toBe(3000);
  });
});
