import { COLUMNS, cells } from '../support/table';
import {
  describeRatio,
  type BenchReport,
  type BenchResult,
  type RunSummary,
} from '../support/types';
import { escapeHtml as e, lineChart } from './chart';

const COLORS = {
  requests: '#2563eb',
  accepted: '#16a34a',
  p50: '#9333ea',
  p99: '#dc2626',
  max: '#a3a3a3',
};

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#111;background:#fafafa}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 6px}h3{font-size:15px;margin:18px 0 6px}
p.meta{color:#555;margin:0 0 12px}
table{border-collapse:collapse;margin:8px 0 16px;background:#fff}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
tr.system td{font-weight:600}
.met{color:#15803d;font-weight:600}.notmet{color:#b91c1c;font-weight:600}
.row{display:flex;flex-wrap:wrap;gap:12px}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px}
.card h4{margin:0 0 4px;font-size:13px}
svg.chart{display:block;font-size:10px;font-family:inherit}
svg.chart .grid{stroke:#eee}svg.chart .axis{stroke:#999}svg.chart text{fill:#444}
svg.chart .title{font-size:11px;font-weight:600;fill:#111}
ul.checks{padding-left:18px}
`;

function runsTable(runs: RunSummary[]) {
  const head = `<tr>${COLUMNS.map((c) => `<th>${e(c)}</th>`).join('')}<th>statuses</th></tr>`;
  const body = runs
    .map(
      (r) =>
        `<tr class="${r.target}">${cells(r)
          .map((c) => `<td>${e(c)}</td>`)
          .join('')}<td>${e(JSON.stringify(r.statuses))}</td></tr>`,
    )
    .join('');
  return `<table class="runs">${head}${body}</table>`;
}

/** One row per connection count, one card per run, side by side, on shared scales. */
function chartsOf(result: BenchResult) {
  return result.connections
    .map((conns) => {
      const runs = result.runs.filter((r) => r.connections === conns);
      if (!runs.length) return '';
      const xMax = Math.max(...runs.map((r) => r.timeline.length));
      const rpsMax = Math.max(...runs.flatMap((r) => r.timeline.map((s) => s.requests)));
      const p99Max = Math.max(...runs.flatMap((r) => r.timeline.map((s) => s.p99)));
      const maxMax = Math.max(...runs.flatMap((r) => r.timeline.map((s) => s.max)));
      const cards = runs.map((r) => {
        const at = (pick: (s: RunSummary['timeline'][number]) => number) =>
          r.timeline.map((s) => [s.t + 0.5, pick(s)] as [number, number]);
        return `<div class="card"><h4>${e(r.label)}</h4>${lineChart({
          title: 'throughput per second',
          unit: 'per s',
          xMax,
          yMax: rpsMax,
          series: [
            { name: 'requests', color: COLORS.requests, points: at((s) => s.requests) },
            { name: 'accepted', color: COLORS.accepted, points: at((s) => s.accepted) },
          ],
        })}${lineChart({
          title: 'latency per second',
          unit: 'ms',
          xMax,
          // The max line is clipped at twice the highest p99: a stall of seconds would flatten the rest.
          yMax: Math.min(maxMax, p99Max * 2),
          series: [
            { name: 'p50', color: COLORS.p50, points: at((s) => s.p50) },
            { name: 'p99', color: COLORS.p99, points: at((s) => s.p99) },
            { name: 'max', color: COLORS.max, points: at((s) => s.max) },
          ],
        })}</div>`;
      });
      return `<h3>${conns} connections</h3><div class="row">${cards.join('')}</div>`;
    })
    .join('');
}

function caseSection(result: BenchResult) {
  const ratios = result.ratios.length
    ? `<h3>Ratios (same run)</h3><table><tr><th>ratio</th><th>connections</th><th>value</th></tr>${result.ratios
        .map(
          (r) =>
            `<tr><td>${e(r.name)}</td><td>${r.connections}</td><td>${e(describeRatio(r))}</td></tr>`,
        )
        .join('')}</table>`
    : '';
  const verdicts = `<h3>Targets</h3><table class="verdicts"><tr><th>target</th><th>goal</th><th>measured</th><th>verdict</th></tr>${result.verdicts
    .map(
      (v) =>
        `<tr><td>${e(v.name)}</td><td>${e(v.goal)}</td><td>${e(v.measured)}</td><td class="${v.met ? 'met' : 'notmet'}">${v.met ? 'met' : 'not met'}</td></tr>`,
    )
    .join('')}</table>`;
  const checks = `<h3>Store checks (after the runs)</h3><ul class="checks">${result.checks
    .map(
      (c) =>
        `<li><span class="${c.ok ? 'met' : 'notmet'}">${c.ok ? 'ok' : 'FAILED'}</span> ${e(c.target)}: ${e(c.name)}: ${e(c.detail)}</li>`,
    )
    .join('')}</ul>`;
  return `<section id="case-${e(result.case)}"><h2>${e(result.title)}</h2><p class="meta">${e(result.description)} Started ${e(result.startedAt)}.</p>${runsTable(result.runs)}${ratios}${verdicts}${checks}<h3>Over time</h3>${result.rounds > 1 ? `<p class="meta">Each run's ${result.rounds} rounds one after another (${result.seconds} s each).</p>` : ''}${chartsOf(result)}</section>`;
}

/** The whole report: one self-contained page (inline CSS and SVG, no script, no network). */
export function renderReport(report: BenchReport): string {
  const m = report.machine;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>flashsale: purchase benchmark</title><style>${STYLE}</style></head>
<body><h1>flashsale: POST /v1/orders benchmark</h1>
<p class="meta">${e(report.command)}, ${e(report.generatedAt)}: ${m.cpus} cores (${e(m.cpuModel)}), Node ${e(m.node)}${m.servers ? `; ${e(m.servers)}` : ''}. ${e(m.note)}
Latencies are over every answer (201 and 409 alike). <i>cores: ours/irq/others</i>: the cores used on average during the run by the load generator, the servers, MySQL and Redis together; by interrupts (loopback networking) and the hypervisor (steal); and by every other process on the machine (Kafka, other people's work). <i>CPU ms/req</i>: CPU time of the server, MySQL and Redis per answer (MySQL also serves other people's work here). <i>SYN resent</i>: connection attempts the kernel dropped from a full accept queue and the client sent again 1 s, 3 s, 7 s later (machine-wide): seconds of latency at the start of a run.</p>
${report.cases.map(caseSection).join('\n')}
</body></html>
`;
}
