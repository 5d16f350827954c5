// A small hand-drawn line chart on a canvas: time on x, one line per series,
// linear or logarithmic y. Redrawn whole on every update (a few hundred
// points at most, so this is cheap).

export interface Point {
  x: number;
  y: number;
}

export interface Series {
  label: string;
  color: string;
  dashed?: boolean;
  points: Point[];
}

export interface ChartOptions {
  series: Series[];
  /** Right end of the x axis (seconds). */
  xMax: number;
  /** Logarithmic y axis (for latencies spanning decades). */
  logY?: boolean;
  formatY: (value: number) => string;
  xLabel: string;
}

const PAD = { left: 64, right: 16, top: 34, bottom: 34 };
const FONT = '12px system-ui, -apple-system, "Segoe UI", sans-serif';

/** Round tick steps for a linear axis reaching `max`: 1, 2 or 5 times a power of ten. */
function linearTicks(max: number): number[] {
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? rough;
  // Up to the first tick at or above max, so the top line is never clipped.
  const ticks = [];
  for (let i = 0; i <= Math.ceil(max / step - 1e-9); i++) ticks.push(i * step);
  return ticks;
}

export function drawChart(canvas: HTMLCanvasElement, options: ChartOptions): void {
  // Draw at device resolution so lines stay crisp on high-DPI screens.
  const dpr = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
  }
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.font = FONT;

  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const ys = options.series.flatMap((s) => s.points.map((p) => p.y)).filter((y) => y > 0);
  const xMax = Math.max(options.xMax, 1e-9);

  // y scale
  let toY: (v: number) => number;
  let ticks: number[];
  if (options.logY) {
    const lo = 10 ** Math.floor(Math.log10(ys.length ? Math.min(...ys) : 1));
    const hi = 10 ** Math.ceil(Math.log10(ys.length ? Math.max(...ys) * 1.01 : 1000));
    const span = Math.log10(hi) - Math.log10(lo) || 1;
    toY = (v) => PAD.top + plotH * (1 - (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / span);
    ticks = [];
    for (let v = lo; v <= hi * 1.0001; v *= 10) ticks.push(v);
  } else {
    const max = ys.length ? Math.max(...ys) * 1.12 : 1;
    ticks = linearTicks(max);
    const top = ticks[ticks.length - 1];
    toY = (v) => PAD.top + plotH * (1 - v / top);
  }
  const toX = (x: number) => PAD.left + plotW * Math.min(x / xMax, 1);

  // grid and y labels
  ctx.strokeStyle = '#e7e9ee';
  ctx.fillStyle = '#6b7280';
  ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of ticks) {
    const y = Math.round(toY(t)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(PAD.left, y);
    ctx.lineTo(PAD.left + plotW, y);
    ctx.stroke();
    ctx.fillText(options.formatY(t), PAD.left - 8, y);
  }
  // x labels: whole seconds
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const xStep = xMax > 20 ? 5 : xMax > 8 ? 2 : 1;
  for (let s = 0; s <= xMax + 1e-9; s += xStep) ctx.fillText(`${s}`, toX(s), PAD.top + plotH + 8);
  ctx.textAlign = 'right';
  ctx.fillText(options.xLabel, PAD.left + plotW, PAD.top + plotH + 20);

  // lines, clipped to the plot area
  ctx.save();
  ctx.beginPath();
  ctx.rect(PAD.left - 5, PAD.top - 5, plotW + 10, plotH + 10);
  ctx.clip();
  for (const s of options.series) {
    if (s.points.length === 0) continue;
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = 2.5;
    ctx.lineJoin = 'round';
    ctx.setLineDash(s.dashed ? [6, 5] : []);
    ctx.beginPath();
    s.points.forEach((p, i) => (i === 0 ? ctx.moveTo(toX(p.x), toY(p.y)) : ctx.lineTo(toX(p.x), toY(p.y))));
    ctx.stroke();
    ctx.setLineDash([]);
    const last = s.points[s.points.length - 1];
    ctx.beginPath();
    ctx.arc(toX(last.x), toY(last.y), s.dashed ? 2.5 : 4, 0, Math.PI * 2);
    ctx.fill();
  }
  ctx.restore();

  // legend, top left above the plot
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  let lx = PAD.left;
  for (const s of options.series) {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 2.5;
    ctx.setLineDash(s.dashed ? [6, 5] : []);
    ctx.beginPath();
    ctx.moveTo(lx, 14);
    ctx.lineTo(lx + 22, 14);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = '#374151';
    ctx.fillText(s.label, lx + 28, 14);
    lx += 28 + ctx.measureText(s.label).width + 30;
  }
}
