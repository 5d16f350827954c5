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

function table(entries, baselineName) {
  const rows = [
    `| scenario | implementation | median | unit | vs ${baselineName} | min – max | rIQR | rounds |`,
    '|---|---|--:|---|--:|--:|--:|--:|',
  ];
  for (const e of entries) {
    const s = e.summary;
    rows.push(
      `| ${e.scenario} | ${e.impl} | ${si(s.median)} | ${e.unit} | ${ratioText(e)} | ${si(s.min)} – ${si(s.max)} | ${(s.rIQR * 100).toFixed(1)}% | ${roundsText(e)} |`,
    );
  }
  return rows.join('\n');
}

export function machineLine(m) {
  const end = m.loadAverageAtEnd ? `, at end ${m.loadAverageAtEnd.join(' / ')}` : '';
  return `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node} (V8 ${m.v8}), load average at start ${m.loadAverageAtStart.join(' / ')}${end}, commit ${m.commit}, ${m.date}`;
}

export function renderMarkdown({ machine, quick, durationS, sections, targets }) {
  const out = [
    `# wasmq benchmark${quick ? ' (quick run: fewer, shorter rounds)' : ''}`,
    '',
    `**Machine:** ${machineLine(machine)}.  `,
    `**Run:** \`npm run bench${quick ? ' -- --quick' : ''}\`, ${durationS.toFixed(0)} s. Every figure is the median of the rounds shown (after a warm-up round), all from this one run; ` +
      `ratios are against the scenario's baseline (postMessage), "rIQR" is the interquartile range relative to the median, ` +
      `taken across every round of the row (for throughput cells of a full run, rounds from several sets of worker threads).`,
    '',
  ];
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
    if (s.entries?.length) out.push(table(s.entries, 'postMessage'), '');
  }
  out.push('## Targets', '', '| target | measured | verdict |', '|---|--:|---|');
  for (const t of targets) out.push(`| ${t.target} | ${t.shown ?? (t.ratio === null ? '–' : `${t.ratio.toPrecision(3)}×`)} | ${t.verdict} |`);
  out.push('');
  return out.join('\n');
}
