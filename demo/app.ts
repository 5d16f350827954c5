// The demo page: settings, the start/stop button, live figures and charts.
import { runComparison, type Round, type Settings, type Summary } from './comparison.js';
import { drawChart, type Series } from './chart.js';
import { TRANSPORTS, type Transport } from './protocol.js';

const COLORS: Record<Transport, string> = { wasmq: '#0f9d8a', postMessage: '#e8590c' };
const LABELS: Record<Transport, string> = { wasmq: 'wasmq queue', postMessage: 'postMessage' };

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>('settings');
const button = $<HTMLButtonElement>('start');
const status = $<HTMLElement>('status');
const results = $<HTMLElement>('results');
const rateChart = $<HTMLCanvasElement>('rate-chart');
const latencyChart = $<HTMLCanvasElement>('latency-chart');

/** Figures shown as text: "1.23 M", "456 k". */
function formatRate(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(value >= 1e7 ? 1 : 2)} M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(value >= 1e5 ? 0 : 1)} k`;
  return value.toFixed(0);
}
/** Axis labels: as short as the value allows ("1 M", "500 k", "250 k"). */
function formatAxisRate(value: number): string {
  if (value >= 1e6) return `${+(value / 1e6).toFixed(2)} M`;
  if (value >= 1e3) return `${+(value / 1e3).toFixed(1)} k`;
  return `${value}`;
}
/** Axis labels for the log latency axis: powers of ten ("1 µs", "100 µs", "10 ms"). */
function formatAxisMicros(us: number): string {
  return us >= 1000 ? `${+(us / 1000).toFixed(3)} ms` : `${+us.toFixed(3)} µs`;
}
function formatMicros(us: number | undefined): string {
  if (us === undefined) return '–';
  if (us >= 1000) return `${(us / 1000).toFixed(us >= 1e4 ? 0 : 1)} ms`;
  return `${us.toFixed(us >= 100 ? 0 : 1)} µs`;
}

let rounds: Round[] = [];
let xMax = 10;
let stopRequested = false;
let running = false;

function redraw(): void {
  const rateSeries: Series[] = TRANSPORTS.map((t) => ({
    label: `${LABELS[t]} (msgs/s)`,
    color: COLORS[t],
    points: rounds.filter((r) => r.transport === t).map((r) => ({ x: (r.start + r.end) / 2, y: r.rate })),
  }));
  drawChart(rateChart, { series: rateSeries, xMax, formatY: formatAxisRate, xLabel: 'seconds' });
  const latencySeries: Series[] = TRANSPORTS.flatMap((t) => {
    const mine = rounds.filter((r) => r.transport === t);
    return [
      { label: `${LABELS[t]} p50`, color: COLORS[t], points: mine.flatMap((r) => (r.p50 ? [{ x: (r.start + r.end) / 2, y: r.p50 }] : [])) },
      { label: 'p99', color: COLORS[t], dashed: true, points: mine.flatMap((r) => (r.p99 ? [{ x: (r.start + r.end) / 2, y: r.p99 }] : [])) },
    ];
  });
  drawChart(latencyChart, { series: latencySeries, xMax, logY: true, formatY: formatAxisMicros, xLabel: 'seconds' });
}

/** Fills the figure cards: while running from the rounds so far, at the end from the summary. */
function showFigures(summary?: Summary): void {
  for (const t of TRANSPORTS) {
    let rate: number;
    let p50: number | undefined;
    let p99: number | undefined;
    if (summary) {
      ({ rate, p50, p99 } = summary[t]);
    } else {
      const mine = rounds.filter((r) => r.transport === t);
      const messages = mine.reduce((s, r) => s + r.messages, 0);
      const seconds = mine.reduce((s, r) => s + (r.end - r.start), 0);
      rate = seconds > 0 ? messages / seconds : 0;
      p50 = mine.at(-1)?.p50;
      p99 = mine.at(-1)?.p99;
    }
    $(`${t}-rate`).textContent = formatRate(rate);
    $(`${t}-p50`).textContent = formatMicros(p50);
    $(`${t}-p99`).textContent = formatMicros(p99);
    results.dataset[`${t}Rate`] = String(Math.round(rate));
    if (p50 !== undefined) results.dataset[`${t}P50`] = p50.toFixed(1);
  }
  const w = Number(results.dataset.wasmqRate);
  const p = Number(results.dataset.postMessageRate);
  $('speedup').textContent = w > 0 && p > 0 ? `${(w / p).toFixed(1)}×` : '–';
}

function readSettings(): Settings {
  const data = new FormData(form);
  return {
    producers: Number(data.get('producers')),
    consumers: Number(data.get('consumers')),
    messageBytes: Number(data.get('size')),
    durationMs: Number(data.get('duration')) * 1000,
  };
}

async function start(): Promise<void> {
  const settings = readSettings();
  running = true;
  stopRequested = false;
  rounds = [];
  xMax = settings.durationMs / 1000;
  button.textContent = 'Stop';
  for (const el of form.querySelectorAll('select')) el.disabled = true;
  results.dataset.state = 'running';
  status.textContent =
    `Running: ${settings.producers} producer${settings.producers > 1 ? 's' : ''} → ` +
    `${settings.consumers} consumer${settings.consumers > 1 ? 's' : ''}, ${settings.messageBytes}-byte messages…`;
  try {
    const summary = await runComparison(settings, {
      onRound(round, done) {
        if (!rounds.includes(round)) rounds.push(round);
        if (done || rounds.length % 2 === 0) showFigures();
        redraw();
      },
      shouldStop: () => stopRequested,
    });
    showFigures(summary);
    redraw();
    results.dataset.state = 'done';
    const total = summary.wasmq.messages + summary.postMessage.messages;
    status.textContent = `Done: ${formatRate(total).trim()} messages moved in ${rounds.length} alternating rounds.`;
  } catch (e) {
    results.dataset.state = 'error';
    status.textContent = `Failed: ${e instanceof Error ? e.message : String(e)}`;
    console.error(e);
  } finally {
    running = false;
    button.textContent = 'Start';
    for (const el of form.querySelectorAll('select')) el.disabled = false;
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (running) stopRequested = true;
  else void start();
});
window.addEventListener('resize', redraw);

if (!crossOriginIsolated) {
  button.disabled = true;
  status.textContent =
    'This page is not cross-origin isolated, so SharedArrayBuffer is unavailable. ' +
    'Serve it with "Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp" (npm run demo does).';
} else {
  status.textContent = 'Pick a set-up and press Start.';
}
redraw();

/**
 * For programs driving the page (bench/scenarios/browser-engines.mjs): runs a
 * comparison with the given settings, without the form or the charts, and
 * resolves with every finished round (its transport and rate, messages/s).
 */
(window as unknown as { wasmqDemo: unknown }).wasmqDemo = {
  async run(settings: Settings): Promise<{ rounds: Pick<Round, 'transport' | 'messages' | 'rate' | 'start' | 'end'>[]; summary: Summary }> {
    if (running) throw new Error('a comparison is already running on the page');
    const done: Round[] = [];
    running = true;
    try {
      const summary = await runComparison(settings, {
        onRound(round, finished) {
          if (finished) done.push(round);
        },
        shouldStop: () => false,
      });
      const rounds = done.map(({ transport, messages, rate, start, end }) => ({ transport, messages, rate, start, end }));
      return { rounds, summary };
    } finally {
      running = false;
    }
  },
};
