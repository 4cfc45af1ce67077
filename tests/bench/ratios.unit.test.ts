import { ratiosOf } from '../../bench/cases/compare';
import { pairedRatio } from '../../bench/support/paired';
import { describeRatio, type RunSummary } from '../../bench/support/types';

/** A run pooled from rounds of these request rates (every request accepted unless given). */
const run = (target: string, scenario: string, requests: number[], accepted = requests) =>
  ({
    target,
    scenario,
    connections: 100,
    requestsPerSecond: requests.reduce((s, x) => s + x, 0) / requests.length,
    acceptedPerSecond: accepted.reduce((s, x) => s + x, 0) / accepted.length,
    perRound: requests.map((r, i) => ({ requestsPerSecond: r, acceptedPerSecond: accepted[i]! })),
  }) as RunSummary;

describe('Bench ratios', () => {
  it('When each design has three rounds, then a ratio carries the interval of its paired rounds beside the pooled value', () => {
    const runs = [
      run('bare', 'ceiling', [12_000, 10_000, 8_000]),
      run('system', 'stock lasts', [7_800, 6_400, 5_300]),
      run('system', 'sold out', [12_000], [10]),
      run('naive', 'stock lasts', [1_600, 1_500, 1_400]),
    ];

    const [, hotOverBare, soldOverBare] = ratiosOf(runs, [100]);

    const paired = pairedRatio([12_000, 10_000, 8_000], [7_800, 6_400, 5_300]);
    expect(hotOverBare!.value).toBeCloseTo(6_500 / 10_000, 10);
    expect(hotOverBare!.interval).toEqual({ low: paired.low, high: paired.high, rounds: 3 });
    expect(hotOverBare!.interval!.low).toBeLessThan(0.65);
    expect(hotOverBare!.interval!.high).toBeGreaterThan(0.65);
    expect(soldOverBare!.interval).toBeUndefined();
  });

  it('When a ratio has an interval, then it reads with it; without one, as the value alone', () => {
    expect(describeRatio({ connections: 100, name: 'r', value: 0.6 })).toBe('0.60×');
    expect(
      describeRatio({
        connections: 100,
        name: 'r',
        value: 0.6049,
        interval: { low: 0.521, high: 0.694, rounds: 3 },
      }),
    ).toBe('0.60× (95 % CI of 3 rounds 0.52-0.69)');
  });
});
