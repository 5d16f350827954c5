// Turns the entries that scenario modules return into summarised rows:
// median, spread, and the ratio to the baseline of the same scenario.
import { summarize } from './stats.mjs';

/** Checks that a module's result follows the bench plug-in contract; returns a list of problems. */
export function contractProblems(entries, minRounds) {
  if (!Array.isArray(entries)) return ['run() must resolve to an array of entries'];
  const problems = [];
  entries.forEach((e, i) => {
    const where = `entry ${i} (${e?.scenario} / ${e?.impl})`;
    if (typeof e?.scenario !== 'string' || typeof e?.impl !== 'string') problems.push(`${where}: scenario and impl must be strings`);
    if (typeof e?.unit !== 'string') problems.push(`${where}: unit must be a string`);
    if (typeof e?.higherIsBetter !== 'boolean') problems.push(`${where}: higherIsBetter must be a boolean`);
    if (!Array.isArray(e?.samples) || !e.samples.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      problems.push(`${where}: samples must be an array of finite numbers`);
    } else if (e.samples.length < minRounds) {
      problems.push(`${where}: ${e.samples.length} samples; at least ${minRounds} rounds are required`);
    }
  });
  return problems;
}

/**
 * Adds `summary` (median, min, max, rIQR, n), `ratio` (median / the
 * baseline's median in the same scenario, or null without a baseline) and
 * `better` (how many times better than the baseline, whichever direction is
 * better for the unit) to each entry.
 */
export function summarizeEntries(entries) {
  const baselines = new Map();
  for (const e of entries) if (e.baseline) baselines.set(e.scenario, summarize(e.samples).median);
  return entries.map((e) => {
    const summary = summarize(e.samples);
    const base = baselines.get(e.scenario);
    const ratio = base ? summary.median / base : null;
    const better = ratio === null ? null : e.higherIsBetter ? ratio : 1 / ratio;
    return { ...e, summary, ratio, better };
  });
}

/** Looks up the median of (scenario, impl) across all summarised sections. */
export function medianLookup(sections) {
  const map = new Map();
  for (const s of sections) for (const e of s.entries ?? []) map.set(`${e.scenario}\u0000${e.impl}`, e.summary.median);
  return (scenario, impl) => map.get(`${scenario}\u0000${impl}`);
}

/**
 * The spread of every throughput cell (one row of the throughput module):
 * [{scenario, impl, rIQR, sets}], rIQR taken across all its measured rounds,
 * which in a full run come from several sets of worker threads.
 */
export function throughputSpreads(sections, module = 'throughput') {
  return sections
    .filter((s) => s.module === module)
    .flatMap((s) => (s.entries ?? []).map((e) => ({ scenario: e.scenario, impl: e.impl, rIQR: e.summary.rIQR, sets: e.sets ?? 1 })));
}
