/** B against A over rounds measured in pairs on the same machine, drift and all. */
export type PairedRatio = {
  /** Geometric mean of the rounds' B/A ratios. */
  ratio: number;
  /** 95 % confidence interval of that ratio (Student's t over the log ratios); absent with one round. */
  low?: number;
  high?: number;
  rounds: number;
  bAhead: number;
  /** `faster` or `slower` when the interval excludes 1, else `unresolved`. */
  verdict: 'faster' | 'slower' | 'unresolved';
};

/** Two-sided 95 % quantiles of Student's t for 1-30 degrees of freedom. */
const T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145,
  2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048,
  2.045, 2.042,
];
const tQuantile = (df: number) => T_975[df - 1] ?? 1.96;

/**
 * Pairs round i of A with round i of B. Ratios, not differences: the machine's speed drifts by
 * a factor, so a slow minute scales both sides of a pair alike.
 */
export function pairedRatio(a: readonly number[], b: readonly number[]): PairedRatio {
  if (a.length !== b.length || a.length === 0) {
    throw new RangeError('paired rounds: A and B need the same, non-zero number of rounds');
  }
  if ([...a, ...b].some((x) => !(x > 0))) {
    throw new RangeError('paired rounds: every rate must be a positive number');
  }
  const logs = a.map((x, i) => Math.log(b[i]! / x));
  const n = logs.length;
  const mean = logs.reduce((s, x) => s + x, 0) / n;
  const bAhead = logs.filter((x) => x > 0).length;
  if (n === 1) return { ratio: Math.exp(mean), rounds: 1, bAhead, verdict: 'unresolved' };
  const variance = logs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  const half = tQuantile(n - 1) * Math.sqrt(variance / n);
  const low = Math.exp(mean - half);
  const high = Math.exp(mean + half);
  const verdict = low > 1 ? 'faster' : high < 1 ? 'slower' : 'unresolved';
  return { ratio: Math.exp(mean), low, high, rounds: n, bAhead, verdict };
}

/** One line for the terminal and the README. */
export function describePaired(p: PairedRatio): string {
  const interval =
    p.low === undefined
      ? 'one round: no interval'
      : `95 % CI ${p.low.toFixed(3)}-${p.high!.toFixed(3)}`;
  const verdict = {
    faster: 'B is faster',
    slower: 'B is slower',
    unresolved: 'no difference resolved at this many rounds',
  }[p.verdict];
  return `B/A ${p.ratio.toFixed(3)} (${interval}; B ahead in ${p.bAhead} of ${p.rounds} rounds): ${verdict}`;
}
