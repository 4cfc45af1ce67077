import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkReportPage, findChromium } from '../../bench/report/browser';
import { renderReport } from '../../bench/report/html';
import { problemsOf } from '../../bench/report/screenshot';
import type { BenchReport, RunSummary } from '../../bench/support/types';

function run(
  target: RunSummary['target'],
  label: string,
  rps: number,
  accepted: number,
): RunSummary {
  const timeline = Array.from({ length: 5 }, (_, t) => ({
    t,
    requests: rps + t * 10,
    accepted: accepted + t * 5,
    errors: 0,
    p50: 5 + t,
    p99: 20 + t * 2,
    max: 40,
  }));
  return {
    target,
    scenario: 'stock lasts',
    label,
    connections: 100,
    rounds: 1,
    perRound: [{ requestsPerSecond: rps, acceptedPerSecond: accepted }],
    seconds: 5,
    requests: rps * 5,
    attempts: rps * 5,
    requestsPerSecond: rps,
    accepted: accepted * 5,
    acceptedPerSecond: accepted,
    p50: 7,
    p99: 24,
    max: 40,
    errors: 0,
    timeouts: 0,
    status5xx: 0,
    statuses: { '201': accepted * 5, '409': (rps - accepted) * 5 },
    timeline,
  };
}

const report: BenchReport = {
  generatedAt: '2026-01-01T00:00:00.000Z',
  machine: {
    cpus: 2,
    cpuModel: 'test CPU',
    node: 'v20',
    servers: 'MariaDB <test> (InnoDB buffer pool 128 MiB)',
    note: 'synthetic <data> & "quotes"',
  },
  command: 'npm run bench -- --seconds 5',
  cases: [
    {
      case: 'compare',
      title: 'synthetic comparison',
      description: 'made up for the test',
      startedAt: '2026-01-01T00:00:00.000Z',
      rounds: 1,
      seconds: 5,
      connections: [100],
      runs: [
        run('bare', '(c) bare <script>alert(1)</script>', 5000, 5000),
        run('naive', '(b) naive', 900, 900),
        run('system', '(a) system', 4500, 4500),
      ],
      ratios: [{ connections: 100, name: '(a)/(b) accepted orders/s', value: 5 }],
      checks: [{ target: 'system', name: 'no oversell', detail: '10 of 10', ok: true }],
      verdicts: [{ name: '(a)/(b)', goal: '≥ 4×', measured: '5.00×', met: true }],
    },
  ],
};

describe('The benchmark report in Chromium', () => {
  // Chromium installs here (Debian's package, through infra/local/chromium.sh, which `npm test`
  // runs first): a machine without it fails this test instead of skipping it.
  let browser: string;
  beforeAll(() => {
    const found = findChromium({ install: true });
    if (!found) throw new Error('no Chromium: run bash infra/local/chromium.sh');
    browser = found;
  }, 300_000);
  const dir = mkdtempSync(join(tmpdir(), 'bench-report-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('When a result is rendered, then the page draws every chart from its own data, fetches nothing and logs no error', async () => {
    const html = renderReport(report);
    expect(html).not.toContain('<script>');
    expect(html).toContain('MariaDB &#60;test&#62; (InnoDB buffer pool 128 MiB)');
    const file = join(dir, 'report.html');
    writeFileSync(file, html);

    const check = await checkReportPage(file, browser, join(dir, 'report.png'));

    expect(problemsOf(check)).toEqual([]);
    // Three runs, each a throughput chart (two lines) and a latency chart (three).
    expect(check.charts).toBe(6);
    expect(check.seriesPaths).toBe(15);
    expect(check.drawnPaths).toBe(15);
    expect(check.tables).toBe(3);
    expect(check.requests).toEqual([]);
    expect(check.consoleErrors).toEqual([]);
  });

  it('When a page loads something from outside or logs an error, then the check says so', async () => {
    const broken = renderReport(report).replace(
      '</body>',
      '<img src="http://127.0.0.1:9/cdn.png"><script>console.error("boom")</script></body>',
    );
    const file = join(dir, 'broken.html');
    writeFileSync(file, broken);

    const problems = problemsOf(await checkReportPage(file, browser));

    expect(problems.join('\n')).toMatch(/fetched: http:\/\/127\.0\.0\.1:9\/cdn\.png/);
    expect(problems.join('\n')).toMatch(/console errors: .*boom/);
  });
});
