import { describeRatio, type BenchResult, type RunSummary } from './types';

const int = (n: number) => Math.round(n).toLocaleString('en-US');

export const COLUMNS = [
  'run',
  'conns',
  'req/s',
  'orders/s',
  'p50 ms',
  'p99 ms',
  'max ms',
  'errors',
  'timeouts',
  '5xx',
  'cores: ours/irq/others',
  'CPU ms/req',
  'SYN resent',
] as const;

/** Cores used by the load generator, the servers, MySQL and Redis together. */
const ours = (r: RunSummary) =>
  r.cpu ? r.cpu.loadGenerator + r.cpu.server + r.cpu.otherServers + r.cpu.mysql + r.cpu.redis : 0;

export function cells(r: RunSummary): string[] {
  return [
    r.label,
    String(r.connections),
    int(r.requestsPerSecond),
    int(r.acceptedPerSecond),
    String(r.p50),
    String(r.p99),
    String(r.max),
    int(r.errors),
    int(r.timeouts),
    int(r.status5xx),
    r.cpu
      ? `${ours(r).toFixed(1)}/${(r.cpu.interrupts + r.cpu.steal).toFixed(1)}/${r.cpu.others.toFixed(1)}`
      : '-',
    r.cpu && r.requestsPerSecond > 0
      ? (((r.cpu.server + r.cpu.mysql + r.cpu.redis) * 1000) / r.requestsPerSecond).toFixed(2)
      : '-',
    r.tcp ? int(r.tcp.synRetransmits) : '-',
  ];
}

/** A plain-text table: the first column left-aligned, the figures right-aligned. */
export function textTable(header: readonly string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function printRun(r: RunSummary) {
  console.log(`${textTable(COLUMNS, [cells(r)]).split('\n')[2]}  ${JSON.stringify(r.statuses)}`);
}

/** The whole case as the terminal shows it: runs, ratios, checks, verdicts. */
export function printCase(result: BenchResult) {
  console.log(`\n== ${result.title} ==\n`);
  console.log(textTable(COLUMNS, result.runs.map(cells)));
  console.log(
    'latencies over every answer (201 and 409); errors: not 2xx and not 409, plus timeouts;\n' +
      'cores: ours/irq/others: cores used by load generator + servers + MySQL + Redis / by interrupts\n' +
      '(loopback networking) and the hypervisor (steal) / by every other process (Kafka, other work);\n' +
      'CPU ms/req: CPU time of the server under load, MySQL and Redis per answer (MySQL is shared with others);\n' +
      'SYN resent: connection attempts dropped by a full accept queue and retried 1 s, 3 s, 7 s later',
  );
  if (result.ratios.length) {
    console.log('\nratios (same run):');
    for (const r of result.ratios) {
      console.log(
        `  ${String(r.connections).padStart(3)} connections  ${r.name}: ${describeRatio(r)}`,
      );
    }
  }
  console.log('\nstore checks:');
  for (const c of result.checks) {
    console.log(`  ${c.ok ? 'ok  ' : 'FAIL'}  ${c.target.padEnd(6)} ${c.name}: ${c.detail}`);
  }
  console.log('\ntargets:');
  console.log(
    textTable(
      ['target', 'goal', 'measured', 'verdict'],
      result.verdicts.map((v) => [v.name, v.goal, v.measured, v.met ? 'met' : 'NOT MET']),
    ),
  );
}

/** The same figures as Markdown, for the README (bench/results/report.md). */
export function markdown(result: BenchResult): string {
  const row = (r: readonly string[]) => `| ${r.join(' | ')} |`;
  const runs = [
    row(COLUMNS),
    row(COLUMNS.map((_, i) => (i === 0 ? '---' : '---:'))),
    ...result.runs.map((r) => row(cells(r))),
  ];
  const verdicts = [
    row(['target', 'goal', 'measured', 'verdict']),
    row(['---', '---:', '---:', '---']),
    ...result.verdicts.map((v) => row([v.name, v.goal, v.measured, v.met ? 'met' : '**not met**'])),
  ];
  const checks = result.checks.map(
    (c) => `- ${c.ok ? 'ok' : '**FAILED**'} ${c.target} ${c.name}: ${c.detail}`,
  );
  return (
    `### ${result.title}\n\n${runs.join('\n')}\n\nstore checks:\n\n${checks.join('\n')}\n\n` +
    `${verdicts.join('\n')}\n`
  );
}
