import { planFor } from '../../demo/buyer';
import { parseDemoOptions } from '../../demo/options';
import { UsageError } from '../../infra/cli/args';

describe('the demo flags', () => {
  it('When no flag is given, then the defaults make a sale of about a minute', () => {
    expect(parseDemoOptions([])).toEqual({
      buyers: 3_000,
      stock: 300,
      perUserLimit: 1,
      ttlSeconds: 10,
      concurrency: 200,
      port: 3100,
      database: 'flashsale_demo',
      redisPrefix: 'demo',
    });
  });

  it('When flags are given, then they replace the defaults', () => {
    expect(
      parseDemoOptions(['--buyers', '50', '--ttl', '3', '--per-user-limit', '2']),
    ).toMatchObject({ buyers: 50, ttlSeconds: 3, perUserLimit: 2 });
    expect(parseDemoOptions(['--database', 'sale_2', '--redis-prefix', 'sale-2'])).toMatchObject({
      database: 'sale_2',
      redisPrefix: 'sale-2',
    });
  });

  it.each([
    [['--buyers', '0'], /--buyers must be a whole number from 1/],
    [['--ttl', '1'], /--ttl must be a whole number from 2/],
    [['--stock', '2.5'], /--stock must be a whole number/],
    [['--port', 'eighty'], /--port must be a whole number.*'eighty'/],
    [['--buyers', '1e3'], /--buyers must be a whole number.*'1e3'/],
    [['--buyers', '10', '--buyers', '20'], /--buyers is given more than once/],
    [['--database', 'x; DROP'], /--database takes up to 64 letters, digits and _, not 'x; DROP'/],
    [['--database', ''], /--database takes/],
    [['--redis-prefix', 'a:b'], /--redis-prefix takes up to 32 letters, digits, _ and -/],
    [['--database', 'mysql'], /--database mysql is not the demo's to drop/],
    [['--database', 'Performance_Schema'], /is not the demo's to drop/],
    [['--database', 'flashsale'], /--database flashsale is not the demo's to drop/],
    [['--redis-prefix', 'fs'], /--redis-prefix fs is not the demo's to drop/],
  ])('When %j is given, then it is refused, naming the flag', (argv, message) => {
    expect(() => parseDemoOptions(argv)).toThrow(message);
  });

  it('When a flag is unknown or lacks its value, or an argument is stray, then it is refused', () => {
    expect(() => parseDemoOptions(['--sellers', '3'])).toThrow(UsageError);
    expect(() => parseDemoOptions(['--sellers', '3'])).toThrow(/sellers/);
    expect(() => parseDemoOptions(['--buyers'])).toThrow(UsageError);
    expect(() => parseDemoOptions(['300'])).toThrow(UsageError);
  });
});

describe('the buyers plans', () => {
  it('When plans are drawn over the whole range, then every kind of buyer appears in its share', () => {
    const counts: Record<string, number> = {};
    for (let i = 0; i < 1_000; i++) {
      const plan = planFor(i / 1_000);
      counts[plan] = (counts[plan] ?? 0) + 1;
    }
    expect(counts).toEqual({
      pay: 550,
      'pay-twice-delivered': 100,
      'fail-then-retry': 100,
      'pay-late': 50,
      cancel: 80,
      abandon: 120,
    });
  });
});
