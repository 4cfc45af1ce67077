/**
 * npm run bench:screenshot [-- --report bench/results/report.html --out docs/bench-report.png]
 *
 * Renders the benchmark report in headless Chromium (installed by infra/local/chromium.sh when
 * missing), checks that its charts are drawn, that it logs no error and fetches nothing, and
 * saves a full-page screenshot. Exit 1 if a check fails.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { commandLine, parseFlags, UsageError } from '../../infra/cli/args';
import { checkReportPage, findChromium, type PageCheck } from './browser';

const root = join(__dirname, '..', '..');

/** What a rendered report must show; empty when it does. */
export function problemsOf(check: PageCheck): string[] {
  const problems: string[] = [];
  if (check.charts === 0) problems.push('no chart');
  if (check.drawnPaths === 0 || check.drawnPaths < check.seriesPaths / 2) {
    problems.push(`${check.drawnPaths} of ${check.seriesPaths} chart lines drawn`);
  }
  if (check.tables === 0) problems.push('no row in the results table');
  if (check.consoleErrors.length)
    problems.push(`console errors: ${check.consoleErrors.join('; ')}`);
  if (check.requests.length) problems.push(`fetched: ${check.requests.join(', ')}`);
  return problems;
}

export async function screenshotReport(report: string, out: string): Promise<boolean> {
  const browser = findChromium({ install: true });
  if (!browser) {
    console.error('report check: no Chromium, so no screenshot (see infra/local/chromium.sh)');
    return false;
  }
  const check = await checkReportPage(report, browser, out);
  const problems = problemsOf(check);
  console.log(
    `report check (${browser}): ${check.charts} charts, ${check.drawnPaths}/${check.seriesPaths} lines drawn, ` +
      `${check.tables} table rows, ${check.consoleErrors.length} console errors, ${check.requests.length} requests: ` +
      `${problems.length ? `FAILED: ${problems.join('; ')}` : 'ok'}; screenshot ${out}`,
  );
  return problems.length === 0;
}

const USAGE = `npm run bench:screenshot [-- options]
  --report FILE   the report to render   (default bench/results/report.html)
  --out FILE      where the PNG goes     (default docs/bench-report.png)`;

if (require.main === module) {
  const { report, out } = commandLine(USAGE, (argv) => {
    const flags = parseFlags(argv, {
      report: { type: 'string', default: join(root, 'bench/results/report.html') },
      out: { type: 'string', default: join(root, 'docs/bench-report.png') },
    });
    if (!existsSync(flags.report)) throw new UsageError(`--report: no file ${flags.report}`);
    return { report: resolve(flags.report), out: resolve(flags.out) };
  });
  screenshotReport(report, out).then(
    (ok) => (process.exitCode = ok ? 0 : 1),
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
