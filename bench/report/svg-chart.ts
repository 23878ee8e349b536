/**
 * A dependency-free inline SVG line chart (the report must work offline, so no
 * charting library from a CDN). Time in seconds on x, one polyline per series.
 */
export interface Series {
  name: string;
  color: string;
  points: Array<[number, number]>;
  dashed?: boolean;
}

export interface ChartOptions {
  title: string;
  unit: string;
  series: Series[];
  width?: number;
  height?: number;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Rounds a span up to 1, 2 or 5 × 10^k for readable ticks. */
function niceStep(span: number, ticks: number): number {
  const raw = span / ticks || 1;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const f = raw / pow;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * pow;
}

function label(v: number): string {
  if (Math.abs(v) >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (Math.abs(v) >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toFixed(2)}`;
}

export function lineChart(o: ChartOptions): string {
  const W = o.width ?? 440;
  const H = o.height ?? 210;
  const L = 52;
  const R = 10;
  const T = 26;
  const B = 38;
  const all = o.series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const head = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui,sans-serif" font-size="10">`;
  const title = `<text x="${L}" y="15" font-size="12" font-weight="600">${esc(o.title)}${o.unit ? ` (${esc(o.unit)})` : ''}</text>`;
  if (all.length === 0) return `${head}${title}<text x="${W / 2}" y="${H / 2}" text-anchor="middle" fill="#888">no data</text></svg>`;
  const xMax = Math.max(1, ...all.map(([x]) => x));
  const top = Math.max(...all.map(([, y]) => y));
  const yStep = niceStep(top > 0 ? top : 1, 4); // all-zero series still get a 0…1 axis
  const yMax = Math.max(yStep, Math.ceil(top / yStep) * yStep);
  const xStep = niceStep(xMax, 6);
  const px = (x: number) => L + (x / xMax) * (W - L - R);
  const py = (y: number) => H - B - (y / yMax) * (H - T - B);
  const parts: string[] = [head, title];
  for (let y = 0; y <= yMax + 1e-9; y += yStep) {
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${py(y)}" y2="${py(y)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${L - 4}" y="${py(y) + 3}" text-anchor="end" fill="#555">${label(y)}</text>`);
  }
  for (let x = 0; x <= xMax + 1e-9; x += xStep) {
    parts.push(`<text x="${px(x)}" y="${H - B + 13}" text-anchor="middle" fill="#555">${label(x)}</text>`);
  }
  parts.push(`<line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#999"/><line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#999"/>`);
  let lx = L;
  for (const s of o.series) {
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (pts.length > 0) {
      const d = pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
      parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.6"${s.dashed ? ' stroke-dasharray="4 3"' : ''} points="${d}"/>`);
    }
    parts.push(`<rect x="${lx}" y="${H - 14}" width="10" height="3" fill="${s.color}"/><text x="${lx + 13}" y="${H - 10}" fill="#333">${esc(s.name)}</text>`);
    lx += 22 + s.name.length * 5.6;
  }
  parts.push('</svg>');
  return parts.join('');
}
