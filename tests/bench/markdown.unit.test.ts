import { markdown } from '../../bench/support/table';
import type { BenchResult } from '../../bench/support/types';

const result: BenchResult = {
  case: 'seckill-500',
  title: 'seckill-500: 500 users',
  description: '',
  startedAt: '2026-12-03T10:00:00.000Z',
  seconds: 5,
  rounds: 1,
  connections: [500],
  runs: [],
  ratios: [],
  checks: [
    { target: 'system', name: 'no oversell (hot)', detail: '100 units stocked', ok: true },
    { target: 'naive', name: 'no duplicate orders', detail: '2 users with more', ok: false },
  ],
  verdicts: [{ name: 'QPS', goal: '> 500', measured: '8,000', met: true }],
};

describe('the Markdown report of a case', () => {
  it('When a case has store checks, then report.md lists each, a failed one marked, as the console and the HTML do', () => {
    const text = markdown(result);
    expect(text).toContain('- ok system no oversell (hot): 100 units stocked');
    expect(text).toContain('- **FAILED** naive no duplicate orders: 2 users with more');
    expect(text).toMatch(/\| QPS \| > 500 \| 8,000 \| met \|/);
  });
});
