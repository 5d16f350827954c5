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
 * better for the unit) to each entry. Entries carrying a `runtime` are
 * compared with the baseline of their own runtime only.
 */
export function summarizeEntries(entries) {
  // Per runtime: a Deno row's ratio is to postMessage measured in Deno.
  const key = (e) => `${e.runtime ?? 'node'}\u0000${e.scenario}`;
  const baselines = new Map();
  for (const e of entries) if (e.baseline) baselines.set(key(e), summarize(e.samples).median);
  return entries.map((e) => {
    const summary = summarize(e.samples);
    const base = baselines.get(key(e));
    const ratio = base ? summary.median / base : null;
    const better = ratio === null ? null : e.higherIsBetter ? ratio : 1 / ratio;
    return { ...e, summary, ratio, better };
  });
}

/** Whether an entry was measured in `runtime` (entries without one are Node's). */
const inRuntime = (runtime) => (e) => (e.runtime ?? 'node') === runtime;

/**
 * Looks up the median of (scenario, impl) across all summarised sections,
 * among the rows of one runtime: Node's by default, the runtime the targets
 * are about, so that Deno's and Bun's rows never change their verdicts.
 */
export function medianLookup(sections, runtime = 'node') {
  const map = new Map();
  for (const s of sections) for (const e of (s.entries ?? []).filter(inRuntime(runtime))) map.set(`${e.scenario}\u0000${e.impl}`, e.summary.median);
  return (scenario, impl) => map.get(`${scenario}\u0000${impl}`);
}

/**
 * The spread of every throughput cell (one row of the throughput module):
 * [{scenario, impl, rIQR, sets}], rIQR taken across all its measured rounds,
 * which in a full run come from several sets of worker threads; Node's rows
 * only unless `runtime` says otherwise.
 */
export function throughputSpreads(sections, module = 'throughput', runtime = 'node') {
  return sections
    .filter((s) => s.module === module)
    .flatMap((s) => (s.entries ?? []).filter(inRuntime(runtime)).map((e) => ({ scenario: e.scenario, impl: e.impl, rIQR: e.summary.rIQR, sets: e.sets ?? 1 })));
}

/**
 * Merges the sections that each runtime's run produced ([{runtime, sections}],
 * runtimes in table order) into one section per module, in `moduleOrder`:
 * within a scenario, each runtime's rows together, runtimes in order, so the
 * table reads runtime by runtime and every ratio stays within one runtime.
 * Skipped rows, failures (`errors`: [{runtime, error}]) and the runtimes a
 * module did not run in (`notRun`: [{runtime, reason}]) are kept per runtime.
 */
export function mergeRuntimeSections(runs, moduleOrder, notRun = []) {
  const runtimeOrder = runs.map((r) => r.runtime);
  const byModule = new Map(moduleOrder.map((m) => [m, { module: m, title: m, entries: [], skipped: [], errors: [], notRun: [], workerRuntimes: {} }]));
  for (const { runtime, sections } of runs) {
    for (const s of sections) {
      if (!byModule.has(s.module)) byModule.set(s.module, { module: s.module, title: s.module, entries: [], skipped: [], errors: [], notRun: [], workerRuntimes: {} });
      const merged = byModule.get(s.module);
      if (s.title) merged.title = s.title;
      merged.entries.push(...(s.entries ?? []).map((e) => ({ ...e, runtime: e.runtime ?? runtime })));
      merged.skipped.push(...(s.skipped ?? []).map((k) => ({ ...k, runtime: k.runtime ?? runtime })));
      if (s.error) merged.errors.push({ runtime, error: s.error });
      if (s.workerRuntimes && Object.keys(s.workerRuntimes).length) merged.workerRuntimes[runtime] = s.workerRuntimes;
    }
  }
  for (const { module, runtime, reason, title } of notRun) {
    const m = byModule.get(module);
    if (!m) continue;
    m.notRun.push({ runtime, reason });
    if (title && m.title === module) m.title = title;
  }
  return [...byModule.values()].map((m) => {
    const scenarios = [...new Set(m.entries.map((e) => e.scenario))];
    const rank = (e) => scenarios.indexOf(e.scenario) * runtimeOrder.length + runtimeOrder.indexOf(e.runtime);
    // A stable sort: each runtime's own order of rows is kept.
    const entries = summarizeEntries(m.entries).sort((a, b) => rank(a) - rank(b));
    const section = { module: m.module, title: m.title, entries, skipped: m.skipped, notRun: m.notRun, workerRuntimes: m.workerRuntimes };
    if (m.errors.length) {
      section.errors = m.errors;
      section.error = m.errors.map((e) => (runtimeOrder.length > 1 || e.runtime !== 'node' ? `${e.runtime}: ${e.error}` : e.error)).join('; ');
    }
    return section;
  });
}
