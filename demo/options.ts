import { parseFlags, UsageError, wholeNumber } from '../infra/cli/args';
import { DEFAULT_MYSQL_URL, DEFAULT_REDIS_KEY_PREFIX } from '../infra/config/defaults';

export type DemoOptions = {
  buyers: number;
  stock: number;
  perUserLimit: number;
  ttlSeconds: number;
  concurrency: number;
  port: number;
  /** The database the sale is made in: dropped and made again at the start. */
  database: string;
  /** The Redis key prefix of the sale: its keys are dropped at the start. */
  redisPrefix: string;
};

type Counts = Omit<DemoOptions, 'database' | 'redisPrefix'>;

const DEFAULTS: DemoOptions = {
  buyers: 3_000,
  stock: 300,
  perUserLimit: 1,
  ttlSeconds: 10,
  concurrency: 200,
  port: 3100,
  database: 'flashsale_demo',
  redisPrefix: 'demo',
};

const RANGES: Record<keyof Counts, [number, number]> = {
  buyers: [1, 1_000_000],
  stock: [1, 10_000_000],
  perUserLimit: [1, 100],
  ttlSeconds: [2, 3_600],
  concurrency: [1, 5_000],
  port: [1, 65_535],
};

export const USAGE = `npm run demo [-- options]
  --buyers N        distinct buyers arriving at once         (default ${DEFAULTS.buyers})
  --stock N         units of the hot SKU                     (default ${DEFAULTS.stock})
  --per-user-limit N                                         (default ${DEFAULTS.perUserLimit})
  --ttl SECONDS     how long an unpaid order holds its stock (default ${DEFAULTS.ttlSeconds})
  --concurrency N   requests in flight, and connections      (default ${DEFAULTS.concurrency})
  --port N          the API's port                           (default ${DEFAULTS.port})
  --database NAME   the MySQL database of the sale, dropped and made again
                                                             (default ${DEFAULTS.database})
  --redis-prefix P  the Redis key prefix of the sale, its keys dropped first
                                                             (default ${DEFAULTS.redisPrefix})`;

const COUNTS: Record<string, keyof Counts> = {
  buyers: 'buyers',
  stock: 'stock',
  'per-user-limit': 'perUserLimit',
  ttl: 'ttlSeconds',
  concurrency: 'concurrency',
  port: 'port',
};

/** Names the demo drops and makes again: letters, digits and underscores (and - in a prefix). */
const NAMES = {
  database: /^[A-Za-z0-9_]{1,64}$/,
  'redis-prefix': /^[A-Za-z0-9_-]{1,32}$/,
} as const;

/**
 * Names the demo must not drop: the server's own databases, and the database and key prefix the
 * service uses when none is set (a deployment's data, the README's `npm run dev`).
 */
const KEPT = {
  database: new Set([
    'mysql',
    'sys',
    'performance_schema',
    'information_schema',
    new URL(DEFAULT_MYSQL_URL).pathname.slice(1),
  ]),
  'redis-prefix': new Set([DEFAULT_REDIS_KEY_PREFIX]),
} as const;

/** The demo's flags, validated: a bad value is a UsageError naming the flag. */
export function parseDemoOptions(argv: string[]): DemoOptions {
  const values: Record<string, string | undefined> = parseFlags(
    argv,
    Object.fromEntries(
      [...Object.keys(COUNTS), ...Object.keys(NAMES)].map((flag) => [
        flag,
        { type: 'string' as const },
      ]),
    ),
  );
  const options = { ...DEFAULTS };
  for (const [flag, key] of Object.entries(COUNTS)) {
    const given = values[flag];
    if (given !== undefined) options[key] = wholeNumber(flag, given, ...RANGES[key]);
  }
  for (const [flag, pattern] of Object.entries(NAMES)) {
    const given = values[flag];
    if (given === undefined) continue;
    if (!pattern.test(given)) {
      throw new UsageError(
        `--${flag} takes up to ${flag === 'database' ? '64 letters, digits and _' : '32 letters, digits, _ and -'}, not '${given}'`,
      );
    }
    if (KEPT[flag as keyof typeof KEPT].has(given.toLowerCase())) {
      throw new UsageError(
        `--${flag} ${given} is not the demo's to drop (the demo drops what it is given first): ` +
          `choose another name`,
      );
    }
    options[flag === 'database' ? 'database' : 'redisPrefix'] = given;
  }
  return options;
}
