/**
 * npm run bench [-- --case all|compare|seckill-500 --seconds 5 --rounds 3 --connections 100,500 --publish]
 * (npm run bench:orders is the same command)
 *
 * compare      autocannon against POST /v1/orders on one hot SKU, a distinct user per request,
 *              for this service (api role), the naive MySQL design (bench/baselines/naive-app.ts)
 *              and a bare express endpoint (the ceiling), while stock lasts and once sold out;
 * seckill-500  500 users on 500 connections fighting over 100 units (bench/cases/seckill.ts).
 * Then checks the stores for oversell and duplicates, writes bench/results/<case>-<time>.json and
 * bench/results/report.html, and renders the report in headless Chromium (a screenshot beside
 * it). --publish also copies both to docs/. Load generator, servers, Redis, MySQL and Kafka
 * share this machine's cores.
 */
import { copyFileSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import {
  commandLine,
  isStopping,
  oneOf,
  parseFlags,
  stopOnSignals,
  wholeNumber,
  wholeNumbers,
} from '../infra/cli/args';
import { compareCase } from './cases/compare';
import { seckillCase } from './cases/seckill';
import { renderReport } from './report/html';
import { screenshotReport } from './report/screenshot';
import { describeServers, serverSettings } from './support/servers';
import { markdown } from './support/table';
import type { BenchReport, BenchResult } from './support/types';

const CASES = ['all', 'compare', 'seckill-500'] as const;

const USAGE = `npm run bench [-- options]
  --case all|compare|seckill-500   which cases to run                       (default all)
  --seconds N                      length of one round of one run           (default 5)
  --rounds N                       rounds per run, the designs taking turns (default 3)
  --connections N,N                connection counts of the compare case    (default 100,500)
  --publish                        copy the report and its screenshot to docs/
  --skip-screenshot                no Chromium check and screenshot of the report`;

const { values, seconds, rounds, connections } = commandLine(USAGE, (argv) => {
  const flags = parseFlags(argv, {
    case: { type: 'string', default: 'all' },
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '100,500' },
    publish: { type: 'boolean', default: false },
    'skip-screenshot': { type: 'boolean', default: false },
  });
  return {
    values: { ...flags, case: oneOf('case', flags.case, CASES) },
    seconds: wholeNumber('seconds', flags.seconds, 1, 3_600),
    rounds: wholeNumber('rounds', flags.rounds, 1, 100),
    connections: wholeNumbers('connections', flags.connections, 1, 10_000),
  };
});

const root = join(__dirname, '..');
const dir = join(__dirname, 'results');
/** A sample report is kept in docs/ only while it stays this small. */
const PUBLISH_MAX_BYTES = 300_000;

async function main() {
  const servers = describeServers(await serverSettings());
  console.log(`servers: ${servers}`);
  const report: BenchReport = {
    generatedAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      servers,
      note: 'The load generator, the servers, Redis, MySQL and Kafka share these cores.',
    },
    command: [
      'npm run bench',
      ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : []),
    ].join(' '),
    cases: [],
  };
  const cases: BenchResult[] = report.cases;
  if (values.case !== 'seckill-500')
    cases.push(await compareCase({ seconds, rounds, connections }));
  if (values.case !== 'compare') cases.push(await seckillCase({ seconds: seconds * rounds }));

  mkdirSync(dir, { recursive: true });
  const stamp = report.generatedAt.replace(/[:.]/g, '-');
  const json = join(dir, `${values.case}-${stamp}.json`);
  writeFileSync(json, JSON.stringify(report, null, 2));
  const html = join(dir, 'report.html');
  writeFileSync(html, renderReport(report));
  writeFileSync(join(dir, `report-${stamp}.html`), renderReport(report));
  writeFileSync(join(dir, 'report.md'), report.cases.map(markdown).join('\n'));
  console.log(`\nresults: ${json}\nreport:  ${html}`);

  const png = join(dir, 'report.png');
  const rendered = !values['skip-screenshot'] && (await screenshotReport(html, png));
  if (values.publish) {
    mkdirSync(join(root, 'docs'), { recursive: true });
    if (statSync(html).size <= PUBLISH_MAX_BYTES) {
      copyFileSync(html, join(root, 'docs/bench-report.html'));
    } else console.log(`report over ${PUBLISH_MAX_BYTES} bytes: not copied to docs/`);
    if (rendered) copyFileSync(png, join(root, 'docs/bench-report.png'));
    console.log('published to docs/');
  }
}

// However the bench ends (Ctrl-C, SIGTERM, its reader going away), the servers it started are
// stopped and the run's Redis keys dropped before it exits (each case's targets register that).
stopOnSignals((signal) => console.log(`\ninterrupted (${signal}): stopping the servers`));

main().catch((error) => {
  if (isStopping()) return;
  console.error(error);
  process.exitCode = 1;
});
