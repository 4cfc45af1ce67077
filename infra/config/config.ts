import { z } from 'zod';
import { parseMysqlUrl } from '../db/mysql-url';
import {
  DEFAULT_EVENTSTORE_CONNECTION_STRING,
  DEFAULT_KAFKA_BROKERS,
  DEFAULT_MYSQL_URL,
  DEFAULT_REDIS_KEY_PREFIX,
  DEFAULT_REDIS_URL,
} from './defaults';

export const ROLES = ['api', 'relay', 'projector', 'saga'] as const;
export type Role = (typeof ROLES)[number];

/** A whole number written in decimal digits: not ' ', '0x10', '1e3' or '12.0', which Number() takes. */
const whole = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,16}$/, 'must be a whole number in decimal digits')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

// 0 asks the OS for a free port (tests start servers that way).
const port = whole(0, 65_535);

const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

// Checked with the parser the service then uses, so a bad URL stops the process at start with
// the variable's name rather than later with a connection error.
const mysqlUrl = url(['mysql:']).refine(
  (value) => {
    // Not a mysql:// URL at all: the check above names that.
    if (!URL.canParse(value) || new URL(value).protocol !== 'mysql:') return true;
    try {
      parseMysqlUrl(value);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must name its database: mysql://user@host:port/<1-64 characters of [A-Za-z0-9_]>' },
);

// The path of a Redis URL names its database by number, or nothing (database 0).
const redisUrl = url(['redis:', 'rediss:']).refine(
  (value) => !URL.canParse(value) || /^\/?(\d{1,5})?$/.test(new URL(value).pathname),
  { message: 'must name its database by number, if at all: redis://host:port/<0-99999>' },
);

/** Which event store, read by the service and by the command lines (replay, audit) alike. */
const eventStoreFields = {
  EVENT_STORE: z.enum(['mysql', 'esdb']).default('mysql'),
  EVENTSTORE_CONNECTION_STRING: url(['esdb:', 'esdb+discover:']).default(
    DEFAULT_EVENTSTORE_CONNECTION_STRING,
  ),
};

const brokers = z
  .string()
  .transform((value) => value.split(',').map((broker) => broker.trim()))
  .pipe(
    z.array(z.string().regex(/^[A-Za-z0-9.\-_]+:\d{1,5}$/, 'each broker must be host:port')).min(1),
  );

const roles = z
  .string()
  .transform((value) => [...new Set(value.split(',').map((role) => role.trim()))])
  .pipe(z.array(z.enum(ROLES)).min(1, 'name at least one role'));

// Requests per second and burst size of a token bucket; 0 turns that limit off.
const rate = whole(0, 1_000_000);

const secret = z.string().min(16, 'must be at least 16 characters');

const schema = z.object({
  NODE_ENV: z.enum(['production', 'development', 'test']).default('development'),
  PORT: port.default(3000),
  MYSQL_URL: mysqlUrl.default(DEFAULT_MYSQL_URL),
  REDIS_URL: redisUrl.default(DEFAULT_REDIS_URL),
  KAFKA_BROKERS: brokers.default([DEFAULT_KAFKA_BROKERS]),
  ...eventStoreFields,
  EVENT_STORE_WRITERS: whole(1, 16).default(1),
  JWT_SECRET: secret.optional(),
  PAYMENT_WEBHOOK_SECRET: secret.optional(),
  RESERVATION_TTL_SECONDS: whole(1, 86_400).default(900),
  ORPHAN_GRACE_SECONDS: whole(1, 3_600).default(30),
  ROLES: roles.default([...ROLES]),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 characters of [A-Za-z0-9_-]')
    .default(DEFAULT_REDIS_KEY_PREFIX),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 characters of [A-Za-z0-9._-]')
    .default('flashsale.'),
  RATE_LIMIT_USER_PER_SECOND: rate.default(10),
  RATE_LIMIT_USER_BURST: rate.default(20),
  RATE_LIMIT_ADDRESS_PER_SECOND: rate.default(1_000),
  RATE_LIMIT_ADDRESS_BURST: rate.default(2_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = {
  env: 'production' | 'development' | 'test';
  port: number;
  mysqlUrl: string;
  redisUrl: string;
  kafkaBrokers: string[];
  eventStore: 'mysql' | 'esdb';
  eventStoreConnectionString: string;
  /** MySQL event store: batches written at once (infra/eventstore/mysql-event-store.ts). */
  eventStoreWriters: number;
  jwtSecret: string;
  paymentWebhookSecret: string;
  reservationTtlSeconds: number;
  /** How old a reservation without an order must be before the sweeper releases it. */
  orphanGraceSeconds: number;
  roles: Role[];
  redisKeyPrefix: string;
  kafkaTopicPrefix: string;
  rateLimits: {
    user: { capacity: number; refillPerSecond: number } | null;
    address: { capacity: number; refillPerSecond: number } | null;
  };
  logLevel: string;
};

const bucket = (perSecond: number, burst: number) =>
  perSecond === 0 ? null : { capacity: Math.max(burst, 1), refillPerSecond: perSecond };

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`invalid configuration: ${problems.map((p) => `${p.variable} ${p.message}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Outside tests a missing secret is a refusal to start, not a silent default. */
const TEST_SECRET = 'test-only-secret-not-for-production';

/**
 * Reads the configuration once, from the given environment (never from process.env directly, so
 * tests pass their own). Empty strings count as unset.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const c = parseEnv(schema, env);
  const testing = c.NODE_ENV === 'test';
  const missing = (['JWT_SECRET', 'PAYMENT_WEBHOOK_SECRET'] as const).filter(
    (key) => !testing && c[key] === undefined,
  );
  if (missing.length > 0) {
    throw new ConfigError(
      missing.map((variable) => ({ variable, message: 'is required (outside tests)' })),
    );
  }
  return {
    env: c.NODE_ENV,
    port: c.PORT,
    mysqlUrl: c.MYSQL_URL,
    redisUrl: c.REDIS_URL,
    kafkaBrokers: c.KAFKA_BROKERS,
    eventStore: c.EVENT_STORE,
    eventStoreConnectionString: c.EVENTSTORE_CONNECTION_STRING,
    eventStoreWriters: c.EVENT_STORE_WRITERS,
    jwtSecret: c.JWT_SECRET ?? TEST_SECRET,
    paymentWebhookSecret: c.PAYMENT_WEBHOOK_SECRET ?? TEST_SECRET,
    reservationTtlSeconds: c.RESERVATION_TTL_SECONDS,
    orphanGraceSeconds: c.ORPHAN_GRACE_SECONDS,
    roles: c.ROLES,
    redisKeyPrefix: c.REDIS_KEY_PREFIX,
    kafkaTopicPrefix: c.KAFKA_TOPIC_PREFIX,
    rateLimits: {
      user: bucket(c.RATE_LIMIT_USER_PER_SECOND, c.RATE_LIMIT_USER_BURST),
      address: bucket(c.RATE_LIMIT_ADDRESS_PER_SECOND, c.RATE_LIMIT_ADDRESS_BURST),
    },
    logLevel: c.LOG_LEVEL,
  };
}

export type EventStoreChoice = { kind: 'mysql' | 'esdb'; connectionString: string };

/**
 * EVENT_STORE and EVENTSTORE_CONNECTION_STRING alone, checked as loadConfig checks them: for the
 * command lines, which read the store the service writes but need none of its secrets.
 */
export function eventStoreFromEnv(env: Record<string, string | undefined>): EventStoreChoice {
  const c = parseEnv(z.object(eventStoreFields), env);
  return { kind: c.EVENT_STORE, connectionString: c.EVENTSTORE_CONNECTION_STRING };
}

/** The variables of `shape` in `env` (empty strings count as unset), or a ConfigError. */
function parseEnv<S extends z.ZodRawShape>(
  shape: z.ZodObject<S>,
  env: Record<string, string | undefined>,
): z.infer<z.ZodObject<S>> {
  const given = Object.fromEntries(
    Object.keys(shape.shape).flatMap((key) => {
      const value = env[key];
      return value === undefined || value === '' ? [] : [[key, value]];
    }),
  );
  const parsed = shape.safeParse(given);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? 'environment'),
        message: issue.message,
      })),
    );
  }
  return parsed.data;
}
