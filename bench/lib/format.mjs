// The Markdown report: machine, one table per scenario module, targets.

/** A number with 3 significant digits and an SI suffix (1.23 M). */
export function si(x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  if (a >= 1e9) return `${(x / 1e9).toPrecision(3)} G`;
  if (a >= 1e6) return `${(x / 1e6).toPrecision(3)} M`;
  if (a >= 1e4) return `${(x / 1e3).toPrecision(3)} k`;
  return x.toPrecision(3);
}

export function ratioText(e) {
  if (e.ratio === null) return '';
  if (e.baseline) return 'baseline';
  const r = e.ratio >= 100 ? e.ratio.toFixed(0) : e.ratio.toPrecision(3);
  // For lower-is-better units, say how many times better as well.
  return e.higherIsBetter ? `${r}×` : `${r}× (${e.better.toPrecision(3)}× better)`;
}

/** Rounds, and how many sets of worker threads they came from when more than one. */
export function roundsText(e) {
  return e.sets > 1 ? `${e.summary.n} (${e.sets} thread sets)` : `${e.summary.n}`;
}

const RUNTIME_LABEL = { node: 'Node', deno: 'Deno', bun: 'Bun' };
/** How a runtime is named in the table (entries without one are Node's). */
export const runtimeLabel = (runtime) => RUNTIME_LABEL[runtime ?? 'node'] ?? runtime;

/** Whether a report compares runtimes: more than one asked for, or one that is not Node. */
export function comparesRuntimes(report) {
  const asked = report.runtimes ?? ['node'];
  return asked.length > 1 || asked[0] !== 'node' || (report.sections ?? []).some((s) => (s.entries ?? []).some((e) => (e.runtime ?? 'node') !== 'node'));
}

function table(entries, baselineName, withRuntime) {
  const rt = (e) => (withRuntime ? ` ${runtimeLabel(e.runtime)} |` : '');
  const rows = [
    `| scenario |${withRuntime ? ' runtime |' : ''} implementation | median | unit | vs ${baselineName}${withRuntime ? ' (same runtime)' : ''} | min – max | rIQR | rounds |`,
    `|---|${withRuntime ? '---|' : ''}---|--:|---|--:|--:|--:|--:|`,
  ];
  for (const e of entries) {
    const s = e.summary;
    rows.push(
      `| ${e.scenario} |${rt(e)} ${e.impl} | ${si(s.median)} | ${e.unit} | ${ratioText(e)} | ${si(s.min)} – ${si(s.max)} | ${(s.rIQR * 100).toFixed(1)}% | ${roundsText(e)} |`,
    );
  }
  return rows.join('\n');
}

/** The ratio in a side-by-side cell: "baseline", "12.3×" (higher is better), or "12.3× better" / "1.15× worse" (lower is better). */
function shortRatio(e) {
  if (e.ratio === null) return '';
  if (e.baseline) return ' (baseline)';
  if (e.higherIsBetter) return ` (${e.better.toPrecision(3)}×)`;
  return e.better >= 1 ? ` (${e.better.toPrecision(3)}× better)` : ` (${(1 / e.better).toPrecision(3)}× worse)`;
}

/**
 * One row per (scenario, implementation), one column per runtime: the
 * median, and in brackets how it compares with postMessage in that runtime.
 * "skipped" when the runtime lacks what the transport needs (listed below
 * the table), "–" when it was not measured there.
 */
export function sideBySideTable(entries, runtimes, skipped = []) {
  const rows = new Map();
  for (const e of entries) {
    const key = `${e.scenario}\u0000${e.impl}`;
    if (!rows.has(key)) rows.set(key, { scenario: e.scenario, impl: e.impl, unit: e.unit, cells: new Map() });
    rows.get(key).cells.set(e.runtime ?? 'node', e);
  }
  const isSkipped = (row, runtime) => skipped.some((k) => k.runtime === runtime && k.scenario === row.scenario && k.impl === row.impl);
  for (const k of skipped) {
    const key = `${k.scenario}\u0000${k.impl}`;
    if (!rows.has(key)) rows.set(key, { scenario: k.scenario, impl: k.impl, unit: '', cells: new Map() });
  }
  const out = [
    `| scenario | implementation | unit | ${runtimes.map((r) => `${runtimeLabel(r)} (vs its postMessage)`).join(' | ')} |`,
    `|---|---|---|${runtimes.map(() => '--:').join('|')}|`,
  ];
  for (const row of rows.values()) {
    const cells = runtimes.map((r) => {
      const e = row.cells.get(r);
      if (e) return `${si(e.summary.median)}${shortRatio(e)}`;
      return isSkipped(row, r) ? 'skipped' : '–';
    });
    out.push(`| ${row.scenario} | ${row.impl} | ${row.unit} | ${cells.join(' | ')} |`);
  }
  return out.join('\n');
}

/** The command line a report came from. */
export function commandLine({ quick, runtimes, only }) {
  const opts = [
    ...(quick ? ['--quick'] : []),
    ...(runtimes && runtimes.join() !== 'node' ? [`--runtime=${runtimes.join(',')}`] : []),
    ...(only ? [`--only=${only.join(',')}`] : []),
  ];
  return `npm run bench${opts.length ? ` -- ${opts.join(' ')}` : ''}`;
}

export function machineLine(m) {
  const end = m.loadAverageAtEnd ? `, at end ${m.loadAverageAtEnd.join(' / ')}` : '';
  const others = (m.runtimes ?? []).filter((r) => r.name !== 'node');
  const runtimes = others.length ? `, ${others.map((r) => `${runtimeLabel(r.name)} ${r.version ?? '(not installed)'}`).join(', ')}` : '';
  return `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node} (V8 ${m.v8})${runtimes}, load average at start ${m.loadAverageAtStart.join(' / ')}${end}, commit ${m.commit}, ${m.date}`;
}

export function renderMarkdown(report) {
  const { machine, quick, durationS, sections, targets } = report;
  const runtimes = report.runtimes ?? ['node'];
  const multi = comparesRuntimes(report);
  const out = [
    `# wasmq benchmark${quick ? ' (quick run: fewer, shorter rounds)' : ''}`,
    '',
    `**Machine:** ${machineLine(machine)}.  `,
    `**Run:** \`${commandLine(report)}\`, ${durationS.toFixed(0)} s. Every figure is the median of the rounds shown (after a warm-up round), all from this one run; ` +
      `ratios are against the scenario's baseline (postMessage${multi ? ', measured in the same runtime' : ''}), "rIQR" is the interquartile range relative to the median, ` +
      `taken across every round of the row (for throughput cells of a full run, rounds from several sets of worker threads).`,
    '',
  ];
  if (multi) {
    out.push(
      `**Runtimes:** ${runtimes.map(runtimeLabel).join(', ')}, one after another. Each runtime's rows were measured entirely inside it ` +
        '(the harness process and every Worker thread, which reports the runtime it runs in); each ratio compares with postMessage in that same runtime.',
      '',
    );
  }
  const busiest = Math.max(machine.loadAverageAtStart[0], ...(machine.loadAverageAtEnd ?? [0]).slice(0, 1));
  if (busiest > machine.cores) {
    out.push(
      `> **Warning:** the 1-minute load average (${busiest}) exceeded the ${machine.cores} cores during this run: other work competed for the CPU, ` +
        'so spinning transports and wake-ups were disturbed. Treat these figures as indicative only; re-run on an idle machine.',
      '',
    );
  }
  for (const s of sections) {
    out.push(`## ${s.title}`, '');
    if (s.error) out.push(`**Failed:** ${s.error}`, '');
    const measuredIn = runtimes.filter((r) => (s.entries ?? []).some((e) => (e.runtime ?? 'node') === r) || (s.skipped ?? []).some((k) => k.runtime === r));
    if (multi && measuredIn.length > 1) out.push('Side by side:', '', sideBySideTable(s.entries, measuredIn, s.skipped), '', 'Every row:', '');
    if (s.entries?.length) out.push(table(s.entries, 'postMessage', multi), '');
    for (const k of s.skipped ?? []) out.push(`- Skipped in ${runtimeLabel(k.runtime)}: ${k.scenario}, ${k.impl}: ${k.reason}`);
    const notRun = s.notRun ?? [];
    if (notRun.length) out.push(`- Not run in ${notRun.map((n) => runtimeLabel(n.runtime)).join(', ')}: ${notRun[0].reason}`);
    const threads = Object.entries(s.workerRuntimes ?? {});
    if (multi && threads.length) {
      const seen = threads.map(([rt, tally]) => `${runtimeLabel(rt)}: ${Object.entries(tally).map(([where, n]) => `${n} in ${where}`).join(', ')}`);
      out.push(`- Where the harness's Worker threads said they ran: ${seen.join('; ')}`);
    }
    if (s.skipped?.length || notRun.length || (multi && threads.length)) out.push('');
  }
  out.push('## Targets', '');
  if (multi) {
    out.push(
      runtimes.includes('node')
        ? "The targets are about Node's figures: they are evaluated on Node's rows only; Deno's and Bun's rows are there for comparison and change no verdict."
        : 'The targets are about Node\'s figures, and Node was not among the runtimes of this run: none is measured.',
      '',
    );
  }
  out.push('| target | measured | verdict |', '|---|--:|---|');
  for (const t of targets) out.push(`| ${t.target} | ${t.shown ?? (t.ratio === null ? '–' : `${t.ratio.toPrecision(3)}×`)} | ${t.verdict} |`);
  out.push('');
  return out.join('\n');
}
