import { parseFlags, wholeNumber } from '../infra/cli/args';

export type DemoOptions = {
  buyers: number;
  stock: number;
  perUserLimit: number;
  ttlSeconds: number;
  concurrency: number;
  port: number;
};

const DEFAULTS: DemoOptions = {
  buyers: 3_000,
  stock: 300,
  perUserLimit: 1,
  ttlSeconds: 10,
  concurrency: 200,
  port: 3100,
};

const RANGES: Record<keyof DemoOptions, [number, number]> = {
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
  --port N          the API's port                           (default ${DEFAULTS.port})`;

const FLAGS: Record<string, keyof DemoOptions> = {
  buyers: 'buyers',
  stock: 'stock',
  'per-user-limit': 'perUserLimit',
  ttl: 'ttlSeconds',
  concurrency: 'concurrency',
  port: 'port',
};

/** The demo's flags, validated: a bad value is a UsageError naming the flag. */
export function parseDemoOptions(argv: string[]): DemoOptions {
  const values: Record<string, string | undefined> = parseFlags(
    argv,
    Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, { type: 'string' as const }])),
  );
  const options = { ...DEFAULTS };
  for (const [flag, key] of Object.entries(FLAGS)) {
    const given = values[flag];
    if (given !== undefined) options[key] = wholeNumber(flag, given, ...RANGES[key]);
  }
  return options;
}
