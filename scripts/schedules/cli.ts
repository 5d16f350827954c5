// npm run check:schedules [-- options]: the real kernel under the
// deterministic scheduler.
//
//   (no option)              every scenario at its long preemption bound, plus PCT runs
//   --quick                  every scenario at its quick bound (about a minute)
//   --scenario NAME          only this scenario (repeatable)
//   --bound N                this preemption bound for every scenario ('all': unbounded, with sleep sets)
//   --replay NAME:SCHEDULE   run one schedule step by step (printed with every violation)
//   --mutant NAME            check a mutant of the kernel instead (scripts/schedules/mutants.ts)
//
// Ends with the line `schedules: N explored, V violations`; exits 1 on a violation.
import { readFileSync } from 'node:fs';
import { checkScenario, describeViolation, machineFor } from './check.js';
import { decodeSchedule, replay } from './explore.js';
import { checkingKernel } from './instrument.js';
import { MUTANTS, mutantKernel } from './mutants.js';
import { HAZARDS, SCENARIOS } from './scenarios.js';

const args = process.argv.slice(2);
const value = (flag: string) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const values = (flag: string) => args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));

const quick = args.includes('--quick');
const mutant = value('--mutant');
const boundArg = value('--bound');
const bound = boundArg === 'all' ? Infinity : boundArg ? Number(boundArg) : undefined;
const all = [...SCENARIOS, ...HAZARDS];

const t0 = performance.now();
let kernel;
if (mutant) {
  const mu = MUTANTS.find((x) => x.name === mutant);
  if (!mu) throw new Error(`no mutant ${mutant}; the mutants are ${MUTANTS.map((x) => x.name).join(', ')}`);
  kernel = mutantKernel(mu);
} else {
  kernel = checkingKernel(readFileSync(new URL('../../build/kernel.wasm', import.meta.url)));
}
console.log(`checking build: ${kernel.sites.length} instrumented steps (${(performance.now() - t0).toFixed(0)} ms)`);

const replayArg = value('--replay');
if (replayArg) {
  const [name, schedule] = [replayArg.slice(0, replayArg.indexOf(':')), replayArg.slice(replayArg.indexOf(':') + 1)];
  const sc = all.find((s) => s.name === name);
  if (!sc) throw new Error(`no scenario ${name}; the scenarios are ${all.map((s) => s.name).join(', ')}`);
  console.log(`${sc.name}: ${sc.what}`);
  const r = replay(machineFor(kernel, sc), sc, decodeSchedule(schedule), (line) => console.log(line));
  console.log(r.verdict.ok ? 'every check holds' : `violation:\n  ${r.verdict.problems.join('\n  ')}`);
  console.log(`schedules: 1 explored, ${r.verdict.ok ? 0 : 1} violations`);
  process.exit(r.verdict.ok ? 0 : 1);
}

const chosen = values('--scenario');
const scenarios = chosen.length ? all.filter((s) => chosen.includes(s.name)) : SCENARIOS;
if (chosen.length && scenarios.length !== chosen.length) {
  throw new Error(`unknown scenario among ${chosen.join(', ')}; the scenarios are ${all.map((s) => s.name).join(', ')}`);
}
let explored = 0;
let violations = 0;
console.log(`${'scenario'.padEnd(20)} ${'bound'.padStart(5)} ${'schedules'.padStart(10)} ${'pruned'.padStart(7)} ${'pct'.padStart(5)} ${'seconds'.padStart(8)}  result`);
for (const sc of scenarios) {
  // Progress on stderr: a line every 15 s (rewritten in place on a terminal).
  let shown = performance.now();
  const progress = (line: string) => {
    if (process.stderr.isTTY) process.stderr.write(`${line}\r`);
    else if (performance.now() - shown > 15_000) {
      shown = performance.now();
      process.stderr.write(`${line}\n`);
    }
  };
  const r = checkScenario(kernel, sc, { quick, bound, progress });
  explored += r.explored;
  violations += r.violations.length;
  const b = r.bound === null ? '-' : r.bound === Infinity ? 'all' : String(r.bound);
  console.log(
    `${sc.name.padEnd(20)} ${b.padStart(5)} ${String(r.explored).padStart(10)} ${String(r.pruned).padStart(7)} ${String(r.pctRuns).padStart(5)} ${(r.ms / 1000).toFixed(1).padStart(8)}  ` +
      (r.violations.length ? `${r.violations.length} violation(s)` : 'ok'),
  );
  for (const v of r.violations.slice(0, 3)) console.log(describeViolation(sc, v));
}
if (!chosen.length && !mutant) {
  // Known hazards: expected to be found (docs/DESIGN.md); reported, not counted.
  for (const sc of HAZARDS) {
    const r = checkScenario(kernel, sc, { quick, bound, stopAtFirst: true });
    console.log(`known hazard ${sc.name}: ${r.violations.length ? 'found, as documented' : 'NOT found'} after ${r.explored} schedules`);
    if (r.violations[0]) console.log(describeViolation(sc, r.violations[0]));
    if (!r.violations.length) violations++;
  }
}
console.log(`schedules: ${explored} explored, ${violations} violations`);
process.exit(violations ? 1 : 0);
