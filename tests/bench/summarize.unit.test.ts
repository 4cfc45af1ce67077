import { summarize, type Measured } from '../../bench/support/load';

const cpu = (server: number) => ({
  loadGenerator: 0.3,
  server,
  otherServers: 0,
  mysql: 0.2,
  redis: 0.1,
  interrupts: 0.1,
  steal: 0,
  others: 0,
});

function round(latencies: number[], elapsed: number, server: number, codes: number[]): Measured {
  const statuses: Record<string, number> = {};
  for (const code of codes) statuses[code] = (statuses[code] ?? 0) + 1;
  return {
    latencies,
    buckets: [{ latencies, accepted: codes.filter((c) => c === 201).length, errors: 0 }],
    statuses,
    timeouts: 0,
    transportErrors: 0,
    elapsed,
    cpu: cpu(server),
    tcp: { listenOverflows: 1, synRetransmits: 2 },
  };
}

describe('summing up rounds of one load', () => {
  const options = {
    target: 'system',
    scenario: 'stock lasts',
    label: 'a',
    connections: 100,
  } as const;

  it('When two rounds are pooled, then rates use all answers over all time and percentiles all latencies', () => {
    const fast = round([1, 2, 3, 4], 1, 0.8, [201, 201, 409, 409]);
    const slow = round([10, 20, 30, 40, 50, 60], 3, 0.4, [201, 201, 201, 201, 201, 503]);
    const summary = summarize(options, [fast, slow]);

    expect(summary.rounds).toBe(2);
    expect(summary.seconds).toBe(4);
    expect(summary.requests).toBe(10);
    expect(summary.requestsPerSecond).toBe(2.5);
    expect(summary.accepted).toBe(7);
    expect(summary.acceptedPerSecond).toBe(1.75);
    expect(summary.status5xx).toBe(1);
    expect(summary.errors).toBe(1);
    expect(summary.statuses).toEqual({ '201': 7, '409': 2, '503': 1 });
    // Pooled: 1 2 3 4 10 20 30 40 50 60, not the mean of each round's percentile.
    expect(summary.p50).toBe(10);
    expect(summary.p99).toBe(60);
    expect(summary.max).toBe(60);
    // Weighted by length: (0.8 * 1 + 0.4 * 3) / 4.
    expect(summary.cpu!.server).toBe(0.5);
    expect(summary.tcp).toEqual({ listenOverflows: 2, synRetransmits: 4 });
    expect(summary.timeline.map((s) => [s.t, s.requests])).toEqual([
      [0, 4],
      [1, 6],
    ]);
  });

  it('When one round is given, then it is summed up as it is', () => {
    const summary = summarize(options, [round([5, 7], 2, 1, [201, 409])]);
    expect([summary.rounds, summary.requestsPerSecond, summary.p50, summary.p99]).toEqual([
      1, 1, 5, 7,
    ]);
  });
});
