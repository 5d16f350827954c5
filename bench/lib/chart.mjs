// A hand-written SVG bar chart: for every scenario, each implementation's
// factor over the baseline on a log axis (right of "1×" = better than
// postMessage, whatever the unit's direction).

const PALETTE = [
  '#9e9e9e', '#e07b39', '#5b8def', '#2f5fb3', '#2ca25f', '#116d3b', '#8e5bd6', '#c2185b', '#00838f', '#6d4c41',
  '#f2b134', '#7cb342', '#ad1457', '#3949ab', '#00acc1', '#5d4037', '#ef6c00', '#455a64',
];
/** 3 significant digits, without exponent notation for large factors. */
const factor = (v) => (v >= 100 ? v.toFixed(0) : v.toPrecision(3));
const RUNTIME_LABEL = { node: 'Node', deno: 'Deno', bun: 'Bun' };
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function renderChart({ machine, sections }) {
  const rows = [];
  for (const s of sections) {
    const byScenario = new Map();
    for (const e of s.entries ?? []) {
      if (e.better === null) continue;
      // Another runtime's rows get their own group, compared with that runtime's postMessage.
      const label = (e.runtime ?? 'node') === 'node' ? e.scenario : `${e.scenario} (${RUNTIME_LABEL[e.runtime] ?? e.runtime})`;
      if (!byScenario.has(label)) byScenario.set(label, []);
      byScenario.get(label).push(e);
    }
    for (const [scenario, entries] of byScenario) rows.push({ scenario, entries });
  }
  const impls = [...new Set(rows.flatMap((r) => r.entries.map((e) => e.impl)))];
  const color = (impl) => PALETTE[impls.indexOf(impl) % PALETTE.length];
  const [lo, hi] = [0.1, 1000]; // axis: 0.1× to 1000×
  const left = 230;
  const width = 980;
  const plot = width - left - 120;
  const x = (v) => left + (plot * (Math.log10(Math.min(Math.max(v, lo), hi)) - Math.log10(lo))) / (Math.log10(hi) - Math.log10(lo));
  const bar = 11;
  const legendH = Math.ceil(impls.length / 3) * 16 + 10;
  let y = 60 + legendH;
  const parts = [];
  for (const row of rows) {
    parts.push(`<text x="${left - 8}" y="${y + bar}" text-anchor="end" font-weight="bold">${esc(row.scenario)}</text>`);
    for (const e of row.entries) {
      const x0 = x(1);
      const x1 = x(e.better);
      parts.push(
        `<rect x="${Math.min(x0, x1).toFixed(1)}" y="${y}" width="${Math.max(1, Math.abs(x1 - x0)).toFixed(1)}" height="${bar}" fill="${color(e.impl)}"><title>${esc(`${e.impl}: ${e.summary.median.toPrecision(3)} ${e.unit}`)}</title></rect>`,
        `<text x="${(Math.max(x0, x1) + 4).toFixed(1)}" y="${y + bar - 2}" font-size="10">${factor(e.better)}×</text>`,
      );
      y += bar + 2;
    }
    y += 10;
  }
  const height = y + 30;
  const grid = [];
  for (const v of [0.1, 1, 10, 100, 1000]) {
    grid.push(
      `<line x1="${x(v)}" y1="${50 + legendH}" x2="${x(v)}" y2="${y}" stroke="${v === 1 ? '#333' : '#ddd'}"/>`,
      `<text x="${x(v)}" y="${y + 14}" text-anchor="middle" font-size="10">${v}×</text>`,
    );
  }
  const legend = impls.map((impl, i) => {
    const lx = 20 + (i % 3) * 320;
    const ly = 40 + Math.floor(i / 3) * 16;
    return `<rect x="${lx}" y="${ly}" width="10" height="10" fill="${color(impl)}"/><text x="${lx + 14}" y="${ly + 9}" font-size="11">${esc(impl)}</text>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="20" y="22" font-size="14" font-weight="bold">${esc(`wasmq: times better than postMessage (log scale) — ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}`)}</text>`,
    ...legend,
    ...grid,
    ...parts,
    `<text x="${left}" y="${height - 4}" font-size="10" fill="#555">Throughput and bandwidth: ratio of medians; latency: postMessage time / implementation time.</text>`,
    '</svg>',
    '',
  ].join('\n');
}
