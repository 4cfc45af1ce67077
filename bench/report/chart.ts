/** A line chart as inline SVG: no library, no script, no network. */
export type Series = { name: string; color: string; points: [number, number][] };

export type ChartOptions = {
  title: string;
  unit: string;
  series: Series[];
  /** Shared by the charts of one row, so they compare at a glance. */
  xMax: number;
  yMax: number;
  width?: number;
  height?: number;
};

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** 1, 2, 5 × 10^n: a round step that gives about four grid lines. */
function niceStep(max: number) {
  const raw = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
}

const compact = (n: number) =>
  n >= 10_000
    ? `${Math.round(n / 1000)}k`
    : n >= 1000
      ? `${(n / 1000).toFixed(1)}k`
      : String(Math.round(n * 10) / 10);

export function lineChart(o: ChartOptions): string {
  const width = o.width ?? 270;
  const height = o.height ?? 160;
  const pad = { left: 42, right: 8, top: 34, bottom: 28 };
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  const step = niceStep(Math.max(o.yMax, 1));
  const yTop = Math.ceil(Math.max(o.yMax, 1) / step) * step;
  const xTop = Math.max(o.xMax, 1);
  const x = (v: number) => pad.left + (v / xTop) * w;
  const y = (v: number) => pad.top + h - (Math.min(v, yTop) / yTop) * h;
  const f = (n: number) => n.toFixed(1);

  const grid: string[] = [];
  for (let v = 0; v <= yTop + step / 2; v += step) {
    grid.push(
      `<line x1="${pad.left}" x2="${pad.left + w}" y1="${f(y(v))}" y2="${f(y(v))}" class="grid"/>`,
      `<text x="${pad.left - 4}" y="${f(y(v) + 3)}" text-anchor="end">${compact(v)}</text>`,
    );
  }
  const xStep = xTop <= 12 ? 2 : Math.ceil(xTop / 6);
  for (let v = 0; v <= xTop; v += xStep) {
    grid.push(`<text x="${f(x(v))}" y="${pad.top + h + 14}" text-anchor="middle">${v}</text>`);
  }
  const lines = o.series
    .filter((s) => s.points.length > 0)
    .map((s) => {
      const d = s.points
        .map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${f(x(px))},${f(y(py))}`)
        .join(' ');
      return `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2" class="series"><title>${escapeHtml(s.name)}</title></path>`;
    });
  const legend = o.series.map(
    (s, i) =>
      `<g transform="translate(${pad.left + i * 66},${pad.top - 10})"><rect width="10" height="3" y="-3" fill="${s.color}"/><text x="14" y="0">${escapeHtml(s.name)}</text></g>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(o.title)}">`,
    `<text x="${pad.left}" y="12" class="title">${escapeHtml(o.title)}</text>`,
    ...grid,
    `<line x1="${pad.left}" x2="${pad.left}" y1="${pad.top}" y2="${pad.top + h}" class="axis"/>`,
    `<line x1="${pad.left}" x2="${pad.left + w}" y1="${pad.top + h}" y2="${pad.top + h}" class="axis"/>`,
    `<text x="${pad.left + w}" y="${height - 2}" text-anchor="end">seconds</text>`,
    `<text x="10" y="${pad.top + h / 2}" transform="rotate(-90 10 ${pad.top + h / 2})" text-anchor="middle">${escapeHtml(o.unit)}</text>`,
    ...lines,
    ...legend,
    '</svg>',
  ].join('');
}
