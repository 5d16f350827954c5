// Runs the scenarios over a checking build and reports, per scenario, the
// schedules explored, the preemption bound, the wall time and any violation
// (with the schedule that reproduces it). Used by the command line
// (cli.ts) and by the tests (test/scripts/schedules.test.ts).
import { encodeSchedule, exhaustive, pct, type RunResult } from './explore.js';
import type { CheckingKernel } from './instrument.js';
import { Machine } from './machine.js';
import type { Scenario } from './scenarios.js';

export interface ScenarioReport {
  name: string;
  bound: number | null;
  explored: number;
  pruned: number;
  pctRuns: number;
  ms: number;
  complete: boolean;
  violations: RunResult[];
}

export interface CheckOptions {
  quick: boolean;
  /** Stop a scenario at its first violation (mutants). */
  stopAtFirst?: boolean;
  /** Override every scenario's preemption bound. */
  bound?: number;
  maxSchedules?: number;
  seed?: number;
  progress?: (line: string) => void;
}

export function machineFor(kernel: CheckingKernel, sc: Scenario): Machine {
  return new Machine(kernel, sc.spec, sc.threads.length);
}

export function checkScenario(kernel: CheckingKernel, sc: Scenario, opts: CheckOptions): ScenarioReport {
  const t0 = performance.now();
  const m = machineFor(kernel, sc);
  const bound = opts.bound ?? (opts.quick ? sc.quick : sc.long);
  const r = bound === null
    ? { explored: 0, violations: [], pruned: 0, complete: true }
    : exhaustive(m, sc, bound, {
      stopAtFirst: opts.stopAtFirst,
      maxSchedules: opts.maxSchedules,
      progress: (n) => opts.progress?.(`  ${sc.name}: ${n} schedules…`),
    });
  let pctRuns = 0;
  const violations = [...r.violations];
  if (sc.pct && !(opts.stopAtFirst && violations.length)) {
    const p = pct(m, sc, opts.quick ? sc.pct / 10 : sc.pct, 3, opts.seed ?? 1);
    pctRuns = p.explored;
    violations.push(...p.violations);
  }
  return {
    name: sc.name, bound, explored: r.explored + pctRuns, pruned: r.pruned, pctRuns,
    ms: performance.now() - t0, complete: r.complete, violations,
  };
}

export function describeViolation(sc: Scenario, v: RunResult): string {
  return (
    `  violation in ${sc.name}:\n    ${v.verdict.problems.join('\n    ')}\n` +
    `    reproduce: npm run check:schedules -- --replay ${sc.name}:${encodeSchedule(v.schedule)}`
  );
}
