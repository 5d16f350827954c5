// Finding and running the scenario modules: shared by bench/run.mjs (Node,
// in its own process) and bench/lib/runtime-child.mjs (the same modules in
// Deno or Bun, one child process per runtime).
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { contractProblems } from './summary.mjs';
import { RUNTIME_LABEL, currentRuntime } from './runtime.mjs';
import { takeWorkerRuntimes } from './harness.mjs';

const SCENARIOS = new URL('../scenarios/', import.meta.url);
/** Our own modules first, in reading order; other helpers' modules after, by name. */
const ORDER = ['single-thread', 'throughput', 'cold-start', 'latency', 'bandwidth'];

/** Every scenario module's name, in run order. */
export function allScenarioModules() {
  return readdirSync(fileURLToPath(SCENARIOS))
    .filter((f) => f.endsWith('.mjs'))
    .map((f) => f.slice(0, -4))
    .sort((a, b) => {
      const ia = ORDER.indexOf(a) < 0 ? ORDER.length : ORDER.indexOf(a);
      const ib = ORDER.indexOf(b) < 0 ? ORDER.length : ORDER.indexOf(b);
      return ia - ib || a.localeCompare(b);
    });
}

export const loadScenarioModule = (name) => import(new URL(`${name}.mjs`, SCENARIOS).href);

/**
 * Runs one loaded module in this process: its raw entries, each tagged with
 * the runtime it was measured in, the rows it skipped (with why), or the
 * error that stopped it. Never throws: one broken module must not hide the
 * others' figures.
 */
export async function runScenarioModule(name, mod, { quick, log }) {
  const runtime = currentRuntime().name;
  const title = mod.title ?? name;
  const skipped = [];
  takeWorkerRuntimes();
  // Evidence that the rows are this runtime's: what every harness Worker said it runs in.
  const threads = () => {
    const seen = takeWorkerRuntimes();
    const text = Object.entries(seen).map(([rt, n]) => `${n} in ${rt}`).join(', ');
    if (text) log(`harness Workers reported: ${text} (this process: ${RUNTIME_LABEL[runtime]} ${currentRuntime().version})`);
    return seen;
  };
  try {
    const entries = await mod.run({ quick, log, skip: (row) => skipped.push({ runtime, ...row }) });
    const problems = contractProblems(entries, 3);
    if (problems.length) throw new Error(`result breaks the bench contract: ${problems.join('; ')}`);
    return { module: name, title, entries: entries.map((e) => ({ ...e, runtime })), skipped, workerRuntimes: threads() };
  } catch (error) {
    log(`${name} FAILED: ${error?.stack ?? error}`);
    return { module: name, title, error: String(error?.message ?? error), runtime, entries: [], skipped, workerRuntimes: threads() };
  }
}
