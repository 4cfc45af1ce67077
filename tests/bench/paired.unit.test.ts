import { describePaired, pairedRatio } from '../../bench/support/paired';

describe('B against A over paired rounds', () => {
  it('When B is 10 % faster in every round whatever the machine speed, then the ratio is 1.1 with a tight interval above 1', () => {
    const a = [2000, 3000, 2500, 4000];
    const b = a.map((x) => x * 1.1);
    const p = pairedRatio(a, b);
    expect(p.ratio).toBeCloseTo(1.1, 10);
    expect(p.low).toBeCloseTo(1.1, 10);
    expect(p.high).toBeCloseTo(1.1, 10);
    expect(p.verdict).toBe('faster');
    expect(p.bAhead).toBe(4);
  });

  it('When B is ahead in some rounds and behind in others, then the interval holds 1 and nothing is resolved', () => {
    const p = pairedRatio([2000, 2000, 2000, 2000], [2200, 1800, 2300, 1900]);
    expect(p.low!).toBeLessThan(1);
    expect(p.high!).toBeGreaterThan(1);
    expect(p.verdict).toBe('unresolved');
    expect(p.bAhead).toBe(2);
  });

  it('When B is slower with little spread, then the verdict is slower and the interval is the t interval of the log ratios', () => {
    const a = [1000, 1000, 1000];
    const b = [900, 920, 880];
    const logs = b.map((x, i) => Math.log(x / a[i]!));
    const mean = logs.reduce((s, x) => s + x, 0) / 3;
    const sd = Math.sqrt(logs.reduce((s, x) => s + (x - mean) ** 2, 0) / 2);
    const p = pairedRatio(a, b);
    expect(p.ratio).toBeCloseTo(Math.exp(mean), 10);
    expect(p.high).toBeCloseTo(Math.exp(mean + (4.303 * sd) / Math.sqrt(3)), 10);
    expect(p.low).toBeCloseTo(Math.exp(mean - (4.303 * sd) / Math.sqrt(3)), 10);
    expect(p.verdict).toBe('slower');
    expect(describePaired(p)).toMatch(
      /^B\/A 0\.900 \(95 % CI 0\.\d{3}-0\.\d{3}; B ahead in 0 of 3 rounds\): B is slower$/,
    );
  });

  it('When there is one round, then there is a ratio but no interval and no verdict', () => {
    const p = pairedRatio([1000], [1500]);
    expect(p.ratio).toBeCloseTo(1.5, 10);
    expect(p.low).toBeUndefined();
    expect(p.verdict).toBe('unresolved');
    expect(describePaired(p)).toContain('one round: no interval');
  });

  it('When the rounds do not pair up or a rate is not positive, then it refuses', () => {
    expect(() => pairedRatio([1000, 2000], [1000])).toThrow(RangeError);
    expect(() => pairedRatio([], [])).toThrow(RangeError);
    expect(() => pairedRatio([1000, 0], [1000, 1000])).toThrow(RangeError);
    expect(() => pairedRatio([1000, Number.NaN], [1000, 1000])).toThrow(RangeError);
  });
});
